#!/usr/bin/env bash
# Device errors reach the request's owner as -EIO: vda is a QEMU blkdebug
# disk whose reads covering sector 1000 fail with EIO (test=blkeio checks
# that those requests, and only those, fail; writes and flush still work).
. "$(dirname "$0")/lib.sh"
mkdir -p $LOGDIR
log=$LOGDIR/blk-eio.console
img=build/test-blk-eio.img conf=build/test-blk-eio.conf
rm -f $img
truncate -s 4M $img
cat > $conf <<'CONF'
[inject-error]
event = "read_aio"
errno = "5"
iotype = "read"
sector = "1000"
CONF
vm_expect 0 $log -- --smp 2 --timeout 60 \
	--qemu-arg -drive --qemu-arg "file=blkdebug:$conf:$img,format=raw,if=none,id=eio,cache=directsync" \
	--qemu-arg -device --qemu-arg "virtio-blk-pci,drive=eio,disable-legacy=on" \
	-- test=blkeio
expect_line $log 'blk vda: read of sector 1000 failed: device status 1'
expect_line $log 'blkeio: read 0-7: 0'
expect_line $log 'blkeio: read 1000: -5'
expect_line $log 'blkeio: read 996-1003: -5'
expect_line $log 'blkeio: write 1000: 0'
expect_line $log 'blkeio: PASS'
rm -f $img $conf
echo "blk-eio: ok"
