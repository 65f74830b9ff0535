#!/bin/sh
# run.sh - runs every user test program in /tests (t_*) and the shell tests
# (sh_*.sh) and exits with the number that failed.  Booted as:
#   tools/vm -- init=/bin/busybox -- sh /tests/run.sh [NAME...]
failed=0
total=0
for t in ${@:-/tests/t_* /tests/sh_*.sh}; do
	case "$t" in /*) ;; *) t=/tests/$t ;; esac
	total=$((total + 1))
	echo "=== $t"
	case "$t" in
	*.sh) sh "$t" ;;
	*) "$t" ;;
	esac
	rc=$?
	if [ $rc != 0 ]; then
		echo "=== $t FAILED (status $rc)"
		failed=$((failed + 1))
	fi
done
echo "user tests: $((total - failed)) passed, $failed failed"
exit $failed
