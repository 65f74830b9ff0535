#!/usr/bin/env bash
# Unknown options are warned about, never fatal; init arguments after "--"
# keep their quoting.
. "$(dirname "$0")/lib.sh"
log=$LOGDIR/cmdline.console
vm_expect 0 $log -- --timeout 60 -- bogus=1 loglevel=7 -- "two words" x
expect_line $log "cmdline: unknown option 'bogus' ignored"
