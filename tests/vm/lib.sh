# lib.sh - helpers for VM test scripts (sourced).
#   vm_expect STATUS LOG -- tools/vm args...   boots, saves the console to
#                                             LOG, fails unless the status is STATUS
#   expect_line LOG REGEX                     fails unless LOG has a matching line
set -u
cd "$(dirname "$0")/../.." || exit 2
LOGDIR=build/test-logs
fail() { echo "TEST FAILED: $*"; exit 1; }
vm_expect() {
	local want=$1 log=$2; shift 3
	tools/vm "$@" > "$log" 2>&1
	local rc=$?
	cat "$log"
	[ "$rc" = "$want" ] || fail "exit status $rc, expected $want"
}
expect_line() { grep -qE "$2" "$1" || fail "no line matching /$2/ in $1"; }
