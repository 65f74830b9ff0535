#!/usr/bin/env bash
# Issue 6 scenario 10 from user space on ext2 (user/scenarios/dio_mix.c): a
# mixed random workload on four threads (buffered, mmap and O_DIRECT
# reads and writes, O_DIRECT from and into mappings of the file itself,
# truncate down and up, fsync) checked against a shadow copy, with the
# seed printed.  About half a minute per run; on 1 and 4 vCPUs with
# lockdep on; the image must stay e2fsck-clean.  DIO_MIX_OPS=N (ops per
# thread, default 2000) and DIO_MIX_SEED run it longer or replay a seed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ext2-lib.sh"
img=build/test-scenario-mix.img
ops=${DIO_MIX_OPS:-2000}
seed=${DIO_MIX_SEED:-1592614925}
for smp in 1 4; do
	rm -f $img
	mke2fs -q -F -t ext2 -b 4096 $img 64M || fail "mke2fs"
	log=$LOGDIR/scenario-dio-mix-$smp.console
	vm_expect 0 $log -- --smp $smp --timeout $((240 + ops / 10)) --disk $img -- lockdep=1 init=/bin/busybox -- \
		sh -c "mkdir -p /mnt && mount -t ext2 /dev/vda /mnt && /scenarios/dio_mix /mnt $ops $seed 4 && umount /mnt"
	expect_line $log "dio_mix: seed $seed, 4 threads x $ops ops"
	expect_line $log "dio_mix: $((4 * ops)) ops in [0-9]+ ms"
	expect_line $log 'dio_mix: [0-9]+ passed, 0 failed'
	ext2_fsck $img
done
rm -f $img
