#!/usr/bin/env bash
# The allocators catch a double free (pages and kmalloc) and a write to a
# freed page, each with a clear panic and the panic status.
. "$(dirname "$0")/lib.sh"
vm_expect 100 $LOGDIR/doublefree.console -- --timeout 60 -- test=doublefree
expect_line $LOGDIR/doublefree.console 'Kernel panic: double free of page frame'
vm_expect 100 $LOGDIR/kfree2.console -- --timeout 60 -- test=kfree2
expect_line $LOGDIR/kfree2.console 'Kernel panic: kfree: double free of'
vm_expect 100 $LOGDIR/uaf.console -- --mem 64 --timeout 120 -- test=uaf
expect_line $LOGDIR/uaf.console 'Kernel panic: use after free: page frame'
