#!/usr/bin/env bash
# test=fault: a kernel page fault must give a clean panic report with a
# symbolised backtrace and the panic exit status (100).
. "$(dirname "$0")/lib.sh"
log=$LOGDIR/fault.console
vm_expect 100 $log -- --timeout 60 -- test=fault
expect_line $log 'Kernel panic: unhandled page fault at address 0xdead000'
expect_line $log 'RIP: 0008:'
expect_line $log 'CR2: 000000000dead000'
expect_line $log '\] test_fault\+0x'
expect_line $log '\] main_thread\+0x'
