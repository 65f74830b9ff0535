#!/usr/bin/env bash
# Hole punching on ext2 (user/scenarios/punch.c): fallocate modes, a known
# layout of holes in a 6 MiB file (direct, single and double indirect
# blocks), and 40 punches racing faults on a mapping and O_DIRECT reads;
# then the modes and the race (without O_DIRECT) on ramfs.
# On 1 and 4 vCPUs with lockdep on.  The host then checks with debugfs
# that the punched blocks are holes and the others mapped, that the block
# count is the program's, and that e2fsck -fn is clean.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ext2-lib.sh"
img=build/test-scenario-punch.img
for smp in 1 4; do
	rm -f $img
	mke2fs -q -F -t ext2 -b 4096 $img 64M || fail "mke2fs"
	log=$LOGDIR/scenario-punch-$smp.console
	vm_expect 0 $log -- --smp $smp --timeout 240 --disk $img -- lockdep=1 init=/bin/busybox -- \
		sh -c 'mkdir -p /mnt /rp && mount -t ext2 /dev/vda /mnt && /scenarios/punch /mnt && umount /mnt && /scenarios/punch /rp ramfs'
	expect_line $log 'punch: /punch st_blocks 12312 -> 3304 \(512-byte units\), size 6291456'
	expect_line $log 'punch: race: 40 punches against'
	[ "$(grep -cE 'punch: [0-9]+ passed, 0 failed' $log)" = 2 ] || fail "ext2 and ramfs runs: not both passed"
	ext2_fsck $img
	for b in 2 12 500 1035 1100 1199; do
		[ "$(debugfs -R "bmap /punch $b" $img 2>/dev/null)" = 0 ] || fail "debugfs: block $b of /punch is still mapped"
	done
	for b in 0 1 3 11 1036 1099 1200 1535; do
		[ "$(debugfs -R "bmap /punch $b" $img 2>/dev/null)" != 0 ] || fail "debugfs: block $b of /punch is a hole"
	done
	debugfs -R "stat /punch" $img 2>/dev/null | grep -q 'Blockcount: 3304$' || fail "debugfs: /punch block count is not 3304"
	echo "debugfs: /punch has its holes where punched and 3304 sectors"
done
rm -f $img
