#!/bin/sh
# sh_proc.sh - busybox tools that read /proc: ps, df, mount, free, uptime,
# top, plus a few direct reads.  Prints "sh_proc: N passed, N failed" and
# exits non-zero on any failure.
pass=0
fail=0
ok() { # ok NAME CONDITION-STATUS OUTPUT
	if [ "$2" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1:"; echo "$3"; fi
}
[ -d /proc/self ] || mount -t proc proc /proc
out=$(ps 2>&1)
echo "$out" | grep -Eq '^ *1 ' ; ok "ps lists PID 1" $? "$out"
echo "$out" | grep -Eq "^ *$$ " ; ok "ps lists the shell ($$)" $? "$out"
echo "$out" | grep -q 'ps' ; ok "ps lists itself" $? "$out"
# busybox df skips the device "rootfs" (an initramfs root, as on Linux):
# / is listed only when the root is a disk.  A tmpfs shows up.
mkdir -p /tmp/sh_proc_df && mount -t tmpfs tmpfs /tmp/sh_proc_df
out=$(df 2>&1)
echo "$out" | grep -Eq '^tmpfs .* /tmp/sh_proc_df$' ; ok "df lists a tmpfs" $? "$out"
if ! grep -q '^rootfs / ' /proc/mounts; then
	echo "$out" | grep -Eq ' /$' ; ok "df lists /" $? "$out"
fi
umount /tmp/sh_proc_df && rmdir /tmp/sh_proc_df
out=$(df -a 2>&1)
echo "$out" | grep -Eq ' /proc$' ; ok "df -a lists /proc" $? "$out"
out=$(mount 2>&1)
echo "$out" | grep -q ' on / type ' ; ok "mount lists /" $? "$out"
echo "$out" | grep -q '^proc on /proc type proc ' ; ok "mount lists /proc" $? "$out"
out=$(free 2>&1)
echo "$out" | grep -Eq '^Mem: +[1-9][0-9]* +[0-9]+ +[1-9][0-9]*' ; ok "free Mem row" $? "$out"
out=$(uptime 2>&1)
echo "$out" | grep -q 'up .*load average' ; ok "uptime" $? "$out"
out=$(top -b -n1 2>&1)
echo "$out" | grep -q '^Mem:' && echo "$out" | grep -Eq '^ *1 ' ; ok "top -n1" $? "$out"
out=$(cat /proc/meminfo)
echo "$out" | grep -Eq '^MemTotal: +[1-9][0-9]* kB$' ; ok "meminfo MemTotal" $? "$out"
out=$(cat /proc/self/cmdline | tr '\0' ' ')
[ "$out" = "cat /proc/self/cmdline " ] ; ok "cmdline of cat" $? "$out"
out=$(readlink /proc/self/exe)
case "$out" in */busybox) r=0 ;; *) r=1 ;; esac ; ok "readlink /proc/self/exe" $r "$out"
out=$(ls -l /proc/self/fd/ 2>&1)
echo "$out" | grep -q ' 0 -> ' ; ok "ls -l /proc/self/fd" $? "$out"
out=$(sh -c 'readlink /proc/$$/cwd' 2>&1)
[ "$out" = "$(pwd)" ] ; ok "cwd link" $? "$out"
out=$(cat /proc/self/stat)
echo "$out" | grep -Eq '^[0-9]+ \(cat\) R [0-9]+ ' ; ok "stat line" $? "$out"
n=$(echo "$out" | wc -w) ; [ "$n" = 52 ] ; ok "stat has 52 fields" $? "$n: $out"
out=$(cat /proc/filesystems)
echo "$out" | grep -q 'nodev	proc' ; ok "filesystems lists proc" $? "$out"
grep -q '^processor' /proc/cpuinfo ; ok "cpuinfo" $? "$(cat /proc/cpuinfo)"
# Read every process's files while short-lived processes come and go.
i=0; (while [ $i -lt 60 ]; do sh -c 'echo x >/dev/null' & i=$((i + 1)); done; wait) &
j=0; while [ $j -lt 8 ]; do
	cat /proc/[0-9]*/stat /proc/[0-9]*/cmdline /proc/[0-9]*/maps /proc/[0-9]*/status >/dev/null 2>&1
	ls -l /proc/[0-9]*/fd/ /proc/[0-9]*/exe /proc/[0-9]*/cwd >/dev/null 2>&1
	j=$((j + 1))
done
wait
out=$(ps | wc -l)
[ "$out" -ge 3 ] ; ok "ps after the churn" $? "$out"
echo "sh_proc: $pass passed, $fail failed"
[ $fail = 0 ]
