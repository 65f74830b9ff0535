#!/usr/bin/env bash
# In-kernel self-tests on four CPUs (BIOS): all CPUs must come up.
. "$(dirname "$0")/lib.sh"
log=$LOGDIR/ktest-4.console
vm_expect 0 $log -- --smp 4 --timeout 300 -- test=ktest
expect_line $log 'ktest: seed=[0-9]+ cpus=4'
expect_line $log 'ktest: [0-9]+ passed, 0 failed'
