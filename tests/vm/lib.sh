# lib.sh - helpers for VM test scripts (sourced).
#   vm_expect STATUS LOG -- tools/vm args...   boots, saves the console to
#                                             LOG, fails unless the status is STATUS
#   expect_line LOG REGEX                     fails unless LOG has a matching line
#
# Every boot through vm_expect runs with lockdep on (lockdep=1 is added to
# the kernel command line unless the test gives lockdep= itself), and a
# lockdep report in the console fails the test: no test run may show a
# lock-order problem.  A test that provokes one on purpose (the naive=
# designs) sets LOCKDEP_REPORT_OK=1 before calling vm_expect.
set -u
cd "$(dirname "$0")/../.." || exit 2
LOGDIR=build/test-logs
mkdir -p $LOGDIR
fail() { echo "TEST FAILED: $*"; exit 1; }
vm_expect() {
	local want=$1 log=$2 a seen=0 has=0
	local -a args=()
	shift 3
	for a in "$@"; do [[ "$a" == lockdep=* ]] && has=1; done
	for a in "$@"; do
		args+=("$a")
		if [ "$a" = -- ] && [ $seen = 0 ]; then
			seen=1
			[ $has = 0 ] && args+=(lockdep=1)
		fi
	done
	[ $seen = 0 ] && args+=(-- lockdep=1)
	tools/vm "${args[@]}" > "$log" 2>&1
	local rc=$?
	cat "$log"
	[ "$rc" = "$want" ] || fail "exit status $rc, expected $want"
	if [ "${LOCKDEP_REPORT_OK:-0}" = 0 ] && grep -q 'lockdep: =====' "$log"; then
		fail "lockdep reported a problem (see $log)"
	fi
}
expect_line() { grep -qE "$2" "$1" || fail "no line matching /$2/ in $1"; }
