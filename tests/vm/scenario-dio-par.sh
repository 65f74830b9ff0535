#!/usr/bin/env bash
# Issue 6 scenario 5 from user space on ext2 (user/scenarios/dio_par.c):
# O_DIRECT writers of one file overlap in time (small calls run inside a
# big one), and buffered readers wait for an O_DIRECT write: no torn page,
# no newer-then-older page along one read, nothing older than a completed
# write.  On 1 and 4 vCPUs with lockdep on; the image must stay clean.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ext2-lib.sh"
img=build/test-scenario-par.img
for smp in 1 4; do
	rm -f $img
	mke2fs -q -F -t ext2 -b 4096 $img 64M || fail "mke2fs"
	log=$LOGDIR/scenario-dio-par-$smp.console
	vm_expect 0 $log -- --smp $smp --timeout 300 --disk $img -- lockdep=1 init=/bin/busybox -- \
		sh -c 'mkdir -p /mnt && mount -t ext2 /dev/vda /mnt && /scenarios/dio_par /mnt && umount /mnt'
	expect_line $log 'dio_par: writers: .* [0-9]+ small calls ran inside a big one'
	expect_line $log 'dio_par: readers: '
	expect_line $log 'dio_par: [0-9]+ passed, 0 failed'
	ext2_fsck $img
done
rm -f $img
