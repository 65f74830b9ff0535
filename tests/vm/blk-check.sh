#!/usr/bin/env bash
# Block content end to end: the host writes a known pattern, the kernel
# (test=blkcheck) checks every sector of it, writes its own pattern over the
# second half with many bios in flight, flushes, and checks out-of-range and
# malformed requests (-EIO, -EINVAL) and a read-only second disk (-EROFS).
# Then the host checks the image: first half untouched, second half the
# kernel's pattern, size unchanged, the read-only image unchanged.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/blk-lib.sh"
mkdir -p $LOGDIR
log=$LOGDIR/blk-check.console
img=build/test-blk-check.img ro=build/test-blk-check-ro.img
nsect=16384 # 8 MiB
blk_mkpattern $img $nsect TEACHOS1 13
blk_mkpattern $ro 2048 TEACHOS1 13
ro_sum=$(md5sum < $ro)
vm_expect 0 $log -- --smp 2 --timeout 60 --disk $img --ro-disk $ro -- test=blkcheck
expect_line $log 'blk vda: 16384 sectors \(8 MiB\), write cache'
expect_line $log 'blk vdb: 2048 sectors \(1 MiB\), read-only'
expect_line $log 'blkcheck: vda: 16384 sectors read, 0 differ from the host pattern'
expect_line $log 'blkcheck: vda: wrote sectors 8192-16383, flush: 0'
expect_line $log 'blkcheck: vda: read back, 0 sectors differ'
expect_line $log 'blkcheck: read at the end \(sector 16384\): -5'
expect_line $log 'blkcheck: write across the end: -5'
expect_line $log 'blkcheck: 100-byte read: -22'
expect_line $log 'blkcheck: vdb: write: -30'
expect_line $log 'blkcheck: PASS'
blk_check $img 0 8192 TEACHOS1 13
blk_check $img 8192 $nsect KWRITTEN 29
[ "$(blk_size $img)" = $((nsect * 512)) ] || fail "the image changed size"
[ "$(md5sum < $ro)" = "$ro_sum" ] || fail "the read-only image changed"
rm -f $img $ro
echo "blk-check: ok"
