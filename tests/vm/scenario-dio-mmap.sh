#!/usr/bin/env bash
# Issue 6 scenarios 1, 2, 3, 7 and 9 from user space on ext2: O_DIRECT into
# and out of MAP_SHARED mappings (of another file, of the same range, of a
# disjoint range, of a hole) and coherence between read(), mmap and
# O_DIRECT.  On 1 and 4 vCPUs with lockdep on; the image must stay
# e2fsck-clean.
. "$(dirname "$0")/lib.sh"
img=build/test-scenario-dio.img
for smp in 1 4; do
	rm -f $img
	mke2fs -q -F -t ext2 -b 4096 $img 64M || fail "mke2fs"
	log=$LOGDIR/scenario-dio-mmap-$smp.console
	vm_expect 0 $log -- --smp $smp --timeout 180 --disk $img -- lockdep=1 init=/bin/busybox -- \
		sh -c 'mkdir -p /mnt && mount -t ext2 /dev/vda /mnt && /scenarios/dio_mmap /mnt && umount /mnt'
	expect_line $log 'dio_mmap: 34 passed, 0 failed'
	e2fsck -fn $img || fail "e2fsck found problems"
done
rm -f $img
