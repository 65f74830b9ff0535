#!/usr/bin/env bash
# The raw disk through its page cache (fs/block_dev.c): /dev/vda is a block
# device node of the disk's size; reading it returns what the host wrote
# (through readahead), and 8 MiB written at 16 MiB with conv=fsync are on
# the image afterwards while the rest of it is unchanged.  BLKGETSIZE64
# (blockdev --getsize64) tells the size.
. "$(dirname "$0")/lib.sh"
mkdir -p $LOGDIR
log=$LOGDIR/pagecache-blkdev.console
img=build/test-pagecache-blkdev.img
tmp=build/test-pagecache-blkdev.d
rm -rf $img $tmp
mkdir -p $tmp
head -c $((64 << 20)) /dev/urandom > $img || fail "cannot make the image"
first=$(head -c $((32 << 20)) $img | md5sum | cut -d' ' -f1)
cp $img $tmp/orig
script='ls -l /dev/vda; echo "size $(blockdev --getsize64 /dev/vda)"
echo "first $(dd if=/dev/vda bs=65536 count=512 2>/dev/null | md5sum)"
dd if=/dev/urandom of=/dev/vda bs=65536 seek=256 count=128 conv=notrunc,fsync 2>/dev/null || exit 1
echo "written $(dd if=/dev/vda bs=65536 skip=256 count=128 2>/dev/null | md5sum)"'
vm_expect 0 $log -- --smp 2 --mem 128 --timeout 60 --disk $img -- dirty_expire=600000 \
	init=/bin/busybox -- sh -c "$script"
expect_line $log '^b.* 254, +0 .*/dev/vda'
expect_line $log "^size $((64 << 20))"
expect_line $log "^first $first"
want=$(sed -n 's/^written \([0-9a-f]*\).*/\1/p' $log | tr -d '\r')
got=$(dd if=$img bs=65536 skip=256 count=128 2>/dev/null | md5sum | cut -d' ' -f1)
[ "$want" = "$got" ] || fail "the image holds $got at 16 MiB, the VM wrote $want"
cmp -n $((16 << 20)) $img $tmp/orig || fail "the first 16 MiB changed"
cmp -i $((24 << 20)) $img $tmp/orig || fail "the last 40 MiB changed"
rm -rf $img $tmp
echo "pagecache-blkdev: ok"
