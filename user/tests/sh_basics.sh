#!/bin/sh
# sh_basics.sh - busybox shell exercise: pipes, redirections, loops,
# command substitution, files in the initramfs.  Prints "sh_basics: N passed,
# N failed" and exits non-zero on any failure.
pass=0
fail=0
check() { # check NAME EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1: want '$2' got '$3'"; fi
}
mkdir -p /tmp/sh && cd /tmp/sh || exit 1
check pipe "HELLO" "$(echo hello | tr a-z A-Z)"
check pipe3 "3" "$(printf 'a\nb\nc\n' | cat | wc -l | tr -d ' ')"
echo one > f
echo two >> f
check redirect "one two" "$(cat f | tr '\n' ' ' | sed 's/ $//')"
check stdin "2" "$(wc -l < f | tr -d ' ')"
i=0; while [ $i -lt 50 ]; do echo $i; i=$((i + 1)); done > nums
check loop "1225" "$(awk '{s += $1} END {print s}' nums)"
for n in a b c; do touch file_$n; done
check glob "file_a file_b file_c" "$(echo file_*)"
check ls "3" "$(ls | grep -c '^file_')"
mkdir -p d1/d2/d3 && echo deep > d1/d2/d3/x
check deep "deep" "$(cat d1/d2/d3/x)"
mv d1 moved
check mv "deep" "$(cat moved/d2/d3/x)"
rm -r moved
check rm "no" "$([ -e moved ] && echo yes || echo no)"
check stderr "err" "$( (echo err 1>&2) 2>&1 )"
check status "7" "$(sh -c 'exit 7'; echo $?)"
check subshell "x y" "$(echo $(echo x; echo y))"
check seq "55" "$(seq 1 10 | paste -sd+ | bc 2>/dev/null || seq 1 10 | awk '{s+=$1} END {print s}')"
dd if=/dev/zero of=big bs=4096 count=64 2>/dev/null
check dd "262144" "$(wc -c < big | tr -d ' ')"
check md5 "$(cat big | md5sum | cut -d' ' -f1)" "$(md5sum big | cut -d' ' -f1)"
yes | head -n 1000 | wc -l > yes_count
check sigpipe "1000" "$(tr -d ' ' < yes_count)"
check bg "done" "$( (sleep 0; echo done) & wait )"
cd / && rm -rf /tmp/sh
echo "sh_basics: $pass passed, $fail failed"
[ $fail = 0 ]
