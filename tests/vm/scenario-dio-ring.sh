#!/usr/bin/env bash
# Issue 6 scenarios 4 and 8 from user space on ext2 (user/scenarios/dio_ring.c):
# a ring of three processes, each O_DIRECT-writing its file from a shared
# mapping of the next one's, and truncate racing faults and O_DIRECT with
# SIGBUS past EOF.  Passes on 1 and 4 vCPUs with lockdep on; with
# naive=order (no order-or-trylock rule) the ring deadlocks and the
# detector must print the three-task cycle and end the VM with status 101.
. "$(dirname "$0")/lib.sh"
img=build/test-scenario-ring.img
run='mkdir -p /mnt && mount -t ext2 /dev/vda /mnt && /scenarios/dio_ring /mnt 200 && umount /mnt'
for smp in 1 4; do
	rm -f $img
	mke2fs -q -F -t ext2 -b 4096 $img 64M || fail "mke2fs"
	log=$LOGDIR/scenario-dio-ring-$smp.console
	vm_expect 0 $log -- --smp $smp --timeout 240 --disk $img -- lockdep=1 init=/bin/busybox -- sh -c "$run"
	expect_line $log 'dio_ring: ring of 3 x 200 O_DIRECT writes from mapped buffers: 3/3 finished'
	expect_line $log 'dio_ring: [0-9]+ passed, 0 failed'
	e2fsck -fn $img || fail "e2fsck found problems"
done
rm -f $img
mke2fs -q -F -t ext2 -b 4096 $img 64M || fail "mke2fs"
log=$LOGDIR/scenario-dio-ring-naive.console
LOCKDEP_REPORT_OK=1
vm_expect 101 $log -- --smp 4 --timeout 120 --disk $img -- naive=order hung_task=3 init=/bin/busybox -- sh -c "$run"
expect_line $log 'deadlock: cycle: back to dio_ring .*: these 3 tasks wait for each other forever'
rm -f $img
