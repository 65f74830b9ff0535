#!/usr/bin/env bash
# The user-space test suite (user/tests) on one vCPU.
. "$(dirname "$0")/lib.sh"
log=$LOGDIR/user-1.console
vm_expect 0 $log -- --smp 1 --timeout 300 -- init=/bin/busybox -- sh /tests/run.sh
expect_line $log 'user tests: [0-9]+ passed, 0 failed'
