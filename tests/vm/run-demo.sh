#!/usr/bin/env bash
# `make run`'s default demo boots and returns 0.
. "$(dirname "$0")/lib.sh"
log=$LOGDIR/demo.console
vm_expect 0 $log -- --smp 2 --timeout 120
expect_line $log 'demo exited with status 0'
