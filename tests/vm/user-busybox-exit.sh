#!/usr/bin/env bash
# Issue 3's acceptance line: busybox as PID 1, a pipe, and the exit status
# of the shell becomes the VM's.
. "$(dirname "$0")/lib.sh"
log=$LOGDIR/busybox-exit.console
vm_expect 7 $log -- --smp 4 --timeout 120 -- init=/bin/busybox -- sh -c 'echo hi | cat; exit 7'
expect_line $log '^hi'
