#!/usr/bin/env bash
# naive=fdm: the fault path ignores faults_disabled_mapping.  An O_DIRECT
# read into a mapping of its own file then faults while holding that
# file's BLOCK state and waits for ADD: the task waits for itself.  The
# deadlock detector must print the one-task cycle and power off with 101.
. "$(dirname "$0")/lib.sh"
mkdir -p $LOGDIR
img=build/test-dio-fdm.img
rm -f $img && truncate -s 32M $img
log=$LOGDIR/dio-naive-fdm.console
LOCKDEP_REPORT_OK=1 # the broken design is the point: lockdep may see it too
vm_expect 101 $log -- --smp 2 --timeout 60 --disk $img -- test=ktest ktest=dio_same_mapping hung_task=2 naive=fdm
expect_line $log 'naive=fdm: faults ignore faults_disabled_mapping'
expect_line $log 'deadlock: +dio_same_mapping \(pid [0-9]+\) waits for two_state\(0\) .*"pagecache_add_lock", held in state 1 by 1 task: dio_same_mapping'
expect_line $log 'deadlock: cycle: back to dio_same_mapping'
rm -f $img
