#!/usr/bin/env bash
# In-kernel self-tests on one CPU (BIOS).
. "$(dirname "$0")/lib.sh"
log=$LOGDIR/ktest-1.console
vm_expect 0 $log -- --smp 1 --timeout 240 -- test=ktest
expect_line $log 'ktest: [0-9]+ passed, 0 failed'
