#!/usr/bin/env bash
# ext2 with a file bigger than RAM: in a 128 MiB VM, busybox writes a
# 160 MiB file (160 copies of one random 1 MiB + 1 byte chunk, so every
# 4 KiB block differs from every other) and reads it back after a remount
# (the page cache cannot hold it: reclaim and writeback must work); a
# second file's blocks come back when it is removed.  The host runs e2fsck -fn and compares debugfs's copy
# of the file with the VM's checksum.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ext2-lib.sh"
mkdir -p $LOGDIR
log=$LOGDIR/ext2-bigfile.console
img=build/test-ext2-bigfile.img
ext2_mkfs $img 600M

script='set -e
mkdir -p /mnt
mount -t ext2 /dev/vda /mnt
dd if=/dev/urandom of=/chunk bs=1048577 count=1 2>/dev/null
gen() { i=0; while [ $i -lt $1 ]; do cat /chunk; i=$((i + 1)); done; }
free0=$(stat -f -c %f /mnt)
gen 160 > /mnt/big
gen 20 > /mnt/big2
echo "bigfile: written $(stat -c %s /mnt/big)"
umount /mnt
mount -t ext2 /dev/vda /mnt
s1=$(md5sum < /mnt/big)
[ "$s1" = "$(gen 160 | md5sum)" ] || { echo "bigfile: read back wrong"; exit 1; }
[ "$(md5sum < /mnt/big2)" = "$(gen 20 | md5sum)" ] || { echo "bigfile: big2 wrong"; exit 1; }
echo "bigfile: md5 $s1"
rm /mnt/big2
free1=$(stat -f -c %f /mnt)
[ $((free0 - free1)) -lt 42000 ] || { echo "bigfile: blocks of big2 not freed"; exit 1; }
umount /mnt
echo "bigfile: PASS"'

vm_expect 0 $log -- --smp 2 --mem 128 --timeout 400 --disk $img -- init=/bin/busybox -- sh -c "$script"
expect_line $log "^bigfile: written $((160 * 1048577))"
expect_line $log '^bigfile: PASS'
ext2_fsck $img
want=$(sed -n 's/^bigfile: md5 \([0-9a-f]*\).*/\1/p' $log | head -1)
got=$(debugfs -R "cat /big" $img 2>/dev/null | md5sum | cut -c1-32)
[ "$got" = "$want" ] || fail "debugfs reads /big as $got, the VM wrote $want"
echo "debugfs: /big matches ($got)"
rm -f $img
echo "ext2-bigfile: ok"
