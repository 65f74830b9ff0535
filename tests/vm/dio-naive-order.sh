#!/usr/bin/env bash
# naive=order: a fault under O_DIRECT sleeps for another file's ADD state
# in whatever order userspace chose (no trylock, no lock order).  Two
# O_DIRECT reads, A into a mapping of B and B into a mapping of A, then
# deadlock AB-BA; the detector prints the two-task cycle, status 101.
. "$(dirname "$0")/lib.sh"
mkdir -p $LOGDIR
img=build/test-dio-order.img
rm -f $img && truncate -s 32M $img
log=$LOGDIR/dio-naive-order.console
LOCKDEP_REPORT_OK=1 # the broken design is the point: lockdep may see it too
vm_expect 101 $log -- --smp 2 --timeout 60 --disk $img -- test=ktest ktest=dio_ab_ba hung_task=2 naive=order
expect_line $log 'naive=order: faults under O_DIRECT wait in any lock order'
expect_line $log 'deadlock: +kt_dio_abba \(pid [0-9]+\) waits for two_state\(0\) .*"pagecache_add_lock", held in state 1 by 1 task: kt_dio_abba'
expect_line $log 'deadlock: cycle: back to kt_dio_abba .*2 tasks'
rm -f $img
