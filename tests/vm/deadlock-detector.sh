#!/usr/bin/env bash
# test=deadlock: two tasks deadlock AB-BA on two two-state locks (the
# naive=order failure).  lockdep must report the cycle, and the deadlock
# detector must print the wait-for cycle and power off with status 101.
. "$(dirname "$0")/lib.sh"
log=$LOGDIR/deadlock.console
LOCKDEP_REPORT_OK=1 # the broken design is the point: lockdep may see it too
vm_expect 101 $log -- --smp 2 --timeout 60 -- test=deadlock hung_task=2 lockdep=1
expect_line $log 'lockdep: possible circular locking dependency'
expect_line $log '"pagecache_add_lock\(file [AB]\)" \(shared\(1\)\) -> "pagecache_add_lock\(file [AB]\)" \(shared\(0\)\)'
expect_line $log 'deadlock: +dio_[ab] \(pid [0-9]+\) waits for two_state\(0\)'
expect_line $log 'deadlock: cycle: back to dio_[ab]'
