#!/usr/bin/env bash
# O_DIRECT and pagecache_add_lock self-tests (ktest=dio, ktest=pagecache)
# on a scratch disk, lockdep on, 1 and 4 CPUs: round trips, coherence with
# buffered I/O, holes, O_DIRECT into a mapping of the same file (buffered
# fallback) and of another file, no stale page, AB-BA between two
# O_DIRECTs and a ring of three writers resolved by the order-or-trylock
# rule, parallel O_DIRECT writers of one file overlapping, BLOCK keeping reads and
# faults out, ADD holders sharing.  No lockdep report, no deadlock.
. "$(dirname "$0")/lib.sh"
mkdir -p $LOGDIR
img=build/test-dio.img
for cpus in 1 4; do
	rm -f $img && truncate -s 32M $img
	for k in dio pagecache; do
		log=$LOGDIR/dio-ktest-$k-$cpus.console
		vm_expect 0 $log -- --smp $cpus --timeout 120 --disk $img -- test=ktest ktest=$k lockdep=1 hung_task=10
		expect_line $log 'ktest: [1-9][0-9]* passed, 0 failed'
		grep -qE 'lockdep: possible|deadlock:' $log && fail "lockdep or deadlock report in $log"
	done
	expect_line $LOGDIR/dio-ktest-dio-$cpus.console 'blk vda'
	expect_line $LOGDIR/dio-ktest-dio-$cpus.console 'ktest dio_same_mapping: [1-9][0-9]* chunks by buffered fallback'
	expect_line $LOGDIR/dio-ktest-dio-$cpus.console 'ktest: dio_ab_ba +ok'
	expect_line $LOGDIR/dio-ktest-dio-$cpus.console 'ktest: dio_ring3 +ok'
	expect_line $LOGDIR/dio-ktest-dio-$cpus.console 'ktest: dio_parallel_writers +ok'
done
rm -f $img
exit 0
