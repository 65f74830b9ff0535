#!/usr/bin/env bash
# In-kernel self-tests on UEFI firmware (OVMF), two CPUs.
. "$(dirname "$0")/lib.sh"
log=$LOGDIR/ktest-uefi.console
vm_expect 0 $log -- --uefi --smp 2 --timeout 300 -- test=ktest
expect_line $log 'ktest: seed=[0-9]+ cpus=2'
expect_line $log 'ktest: [0-9]+ passed, 0 failed'
