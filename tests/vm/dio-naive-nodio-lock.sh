#!/usr/bin/env bash
# naive=nodio-lock: O_DIRECT without the BLOCK state.  An O_DIRECT write
# whose own buffer maps the target range lets gup fault the old page back
# into the cache after the invalidation; read() then returns stale data.
# The checker (ktest dio_stale_page) must report exactly that.
. "$(dirname "$0")/lib.sh"
mkdir -p $LOGDIR
img=build/test-dio-nolock.img
rm -f $img && truncate -s 32M $img
log=$LOGDIR/dio-naive-nodio-lock.console
LOCKDEP_REPORT_OK=1 # the broken design is the point: lockdep may see it too
vm_expect 1 $log -- --smp 2 --timeout 60 --disk $img -- test=ktest ktest=dio_stale_page naive=nodio-lock
expect_line $log 'naive=nodio-lock: O_DIRECT without the BLOCK state'
expect_line $log 'ktest dio_stale_page: read\(\) after O_DIRECT write returns stale data'
expect_line $log 'ktest: 0 passed, 1 failed'
rm -f $img
