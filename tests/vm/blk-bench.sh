#!/usr/bin/env bash
# test=blkbench prints its table: sequential and random reads and writes at
# queue depth 1 and 32 (eight rows of MiB/s and IOPS) on a scratch disk.
. "$(dirname "$0")/lib.sh"
mkdir -p $LOGDIR
log=$LOGDIR/blk-bench.console
img=build/test-blk-bench.img
rm -f $img
truncate -s 64M $img
vm_expect 0 $log -- --smp 2 --timeout 60 --disk $img -- test=blkbench
for c in seq-read seq-write rand-read rand-write; do
	for qd in 1 32; do
		expect_line $log "blkbench: $c +[0-9]+K +$qd +[0-9]+\.[0-9] +[0-9]+[[:space:]]*$"
	done
done
expect_line $log 'blkbench: done, 0 errors'
rm -f $img
echo "blk-bench: ok"
