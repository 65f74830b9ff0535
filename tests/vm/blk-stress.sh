#!/usr/bin/env bash
# Many threads on four vCPUs issue random reads and writes to vda at once
# (test=blkstress: 16 threads, each owning a region, every byte read is
# checked against what that thread wrote, and a final pass re-reads it all).
# The image must keep its size.
. "$(dirname "$0")/lib.sh"
mkdir -p $LOGDIR
log=$LOGDIR/blk-stress.console
img=build/test-blk-stress.img
rm -f $img
truncate -s 32M $img
vm_expect 0 $log -- --smp 4 --timeout 90 --disk $img -- test=blkstress
expect_line $log 'blkstress: 16 threads on 4 CPUs'
expect_line $log 'blkstress: [0-9]+ reads, [0-9]+ writes'
expect_line $log 'blkstress: PASS'
[ "$(stat -c %s $img)" = $((32 << 20)) ] || fail "the image changed size"
rm -f $img
echo "blk-stress: ok"
