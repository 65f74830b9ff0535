#!/usr/bin/env bash
# The user-space scenarios of issue 6 under the naive= designs they break
# (user/scenarios/dio_mmap.c with a scenario selector); the expected
# failure is the passing result.
#   naive=fdm, scenario 2: an O_DIRECT read into a mapping of its own file
#     faults while holding that file's BLOCK and waits for ADD: the task
#     waits for itself; the detector prints the one-task cycle (status 101).
#   naive=nodio-lock, scenario 7: without BLOCK, the O_DIRECT write's own
#     gup faults the old page back after the invalidation; read() returns
#     it, the program prints "stale" and exits 1.
# (naive=order: tests/vm/scenario-dio-ring.sh; naive=unfair:
# tests/vm/scenario-dio-storm.sh.)
. "$(dirname "$0")/lib.sh"
LOCKDEP_REPORT_OK=1 # the broken designs are the point: lockdep may see them too
img=build/test-scenario-naive.img
run() { echo "mkdir -p /mnt && mount -t ext2 /dev/vda /mnt && /scenarios/dio_mmap /mnt $1"; }
rm -f $img
mke2fs -q -F -t ext2 -b 4096 $img 64M || fail "mke2fs"
log=$LOGDIR/scenario-dio-naive-fdm.console
vm_expect 101 $log -- --smp 2 --timeout 120 --disk $img -- naive=fdm hung_task=3 init=/bin/busybox -- sh -c "$(run 2)"
expect_line $log 'naive=fdm: faults ignore faults_disabled_mapping'
expect_line $log 'deadlock: +dio_mmap \(pid [0-9]+\) waits for two_state\(0\) .*"pagecache_add_lock", held in state 1 by 1 task: dio_mmap'
expect_line $log 'deadlock: cycle: back to dio_mmap'
rm -f $img
mke2fs -q -F -t ext2 -b 4096 $img 64M || fail "mke2fs"
log=$LOGDIR/scenario-dio-naive-nodio-lock.console
vm_expect 1 $log -- --smp 2 --timeout 120 --disk $img -- naive=nodio-lock init=/bin/busybox -- sh -c "$(run 7)"
expect_line $log 'naive=nodio-lock: O_DIRECT without the BLOCK state'
expect_line $log 'dio_mmap: stale: read\(\) after an O_DIRECT write returns the old page'
expect_line $log 'dio_mmap: [0-9]+ passed, [1-9][0-9]* failed'
rm -f $img
