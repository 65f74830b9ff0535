#!/usr/bin/env bash
# A legacy-only virtio device (disable-modern=on: no virtio 1.x
# capabilities) is refused with a clear message; the modern disk next to it
# still becomes vda and the boot goes on.
. "$(dirname "$0")/lib.sh"
mkdir -p $LOGDIR
log=$LOGDIR/blk-legacy.console
img=build/test-blk-legacy.img old=build/test-blk-legacy-old.img
rm -f $img $old
truncate -s 1M $img
truncate -s 1M $old
vm_expect 0 $log -- --timeout 60 --disk $img \
	--qemu-arg -drive --qemu-arg "file=$old,format=raw,if=none,id=old,file.locking=off" \
	--qemu-arg -device --qemu-arg "virtio-blk-pci,drive=old,disable-modern=on,disable-legacy=off" \
	-- test=ktest ktest=blk_names
expect_line $log 'virtio-pci 00:0[0-9a-f].0: legacy-only virtio device \[1af4:1001\]'
expect_line $log 'blk vda: 2048 sectors'
grep -q 'blk vdb' $log && fail "the legacy device became a disk"
rm -f $img $old
echo "blk-legacy: ok"
