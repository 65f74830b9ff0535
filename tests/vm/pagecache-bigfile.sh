#!/usr/bin/env bash
# Issue 5's reclaim line: a file twice as large as RAM on ext2 (--mem 128),
# written through the page cache (dirty limits throttle the writer, written
# pages are reclaimed), unmounted, mounted again and read back (clean pages
# reclaimed behind readahead).  The content depends on the position (a 1 MiB
# random seed, each copy prefixed by its number), so a page lost, written
# to the wrong block or read stale changes the sum.  The VM prints the md5
# it read back; the host rebuilds the expected file from the seed on the
# image and compares it with that and with the image's copy; e2fsck -fn.
. "$(dirname "$0")/lib.sh"
mkdir -p $LOGDIR
log=$LOGDIR/pagecache-bigfile.console
img=build/test-pagecache-bigfile.img
tmp=build/test-pagecache-bigfile.d
mb=256
rm -rf $img $tmp
mkdir -p $tmp
mke2fs -q -F -t ext2 -b 4096 $img 320M || fail "mke2fs"
script='mkdir -p /mnt && mount -t ext2 /dev/vda /mnt || exit 1
dd if=/dev/urandom of=/mnt/seed bs=65536 count=16 2>/dev/null || exit 2
i=0
while [ $i -lt '$mb' ]; do echo "chunk $i"; cat /mnt/seed || exit 3; i=$((i + 1)); done > /mnt/big
ls -l /mnt/big
umount /mnt || exit 4
mount -t ext2 /dev/vda /mnt || exit 5
echo "readback $(md5sum < /mnt/big)"
umount /mnt || exit 6'
vm_expect 0 $log -- --smp 2 --mem 128 --timeout 300 --disk $img -- init=/bin/busybox -- \
	sh -c "$script"
vm_sum=$(sed -n 's/^readback \([0-9a-f]*\).*/\1/p' $log | tr -d '\r')
[ -n "$vm_sum" ] || fail "no readback line"
e2fsck -fn $img > $tmp/fsck.log 2>&1 || { cat $tmp/fsck.log; fail "e2fsck -fn found problems"; }
debugfs -R "dump /seed $tmp/seed" $img 2>/dev/null
debugfs -R "dump /big $tmp/big" $img 2>/dev/null
want=$(python3 -c '
import hashlib, sys
seed = open(sys.argv[1], "rb").read()
assert len(seed) == 1 << 20, len(seed)
h = hashlib.md5()
for i in range(int(sys.argv[2])):
    h.update(b"chunk %d\n" % i)
    h.update(seed)
print(h.hexdigest())' $tmp/seed $mb) || fail "cannot rebuild the expected file"
disk=$(md5sum < $tmp/big | cut -d' ' -f1)
echo "expected $want, on disk $disk, read back in the VM $vm_sum"
[ "$disk" = "$want" ] || fail "the file on the image differs from what was written"
[ "$vm_sum" = "$want" ] || fail "the VM read back something else"
rm -rf $img $tmp
echo "pagecache-bigfile: ok"
