#!/usr/bin/env bash
# procfs with root=/dev/vda: a disk that has /proc gets procfs mounted there
# (df and mount list the disk as "/", /proc/self/exe names the busybox in
# /initrd); a disk without /proc is left alone with a log line (the kernel
# never writes a directory onto a disk root for it).
. "$(dirname "$0")/lib.sh"
mkdir -p $LOGDIR
log=$LOGDIR/proc-root.console
img=build/test-proc-root.img
tmp=build/test-proc-root.d
rm -rf $img $tmp
mkdir -p $tmp/tree/proc $tmp/bare/etc
mke2fs -q -F -t ext2 -b 4096 -d $tmp/tree $img 32M || fail "mke2fs"
script='mount; df; readlink /proc/self/exe; ps; echo proc-done'
vm_expect 0 $log -- --smp 2 --mem 128 --timeout 60 --disk $img -- root=/dev/vda \
	init=/bin/busybox -- sh -c "$script"
expect_line $log '^/dev/vda on / type ext2 '
expect_line $log '^proc on /proc type proc '
expect_line $log '^rootfs on /initrd type ramfs '
expect_line $log '^/dev/vda .* /[[:space:]]*$'
expect_line $log '^/initrd/bin/busybox[[:space:]]*$'
expect_line $log '^ +1 .*busybox sh -c'
expect_line $log '^proc-done'
e2fsck -fn $img > $tmp/fsck.log 2>&1 || { cat $tmp/fsck.log; fail "e2fsck -fn found problems"; }

rm -f $img
mke2fs -q -F -t ext2 -b 4096 -d $tmp/bare $img 32M || fail "mke2fs (no /proc)"
vm_expect 0 $log -- --smp 1 --mem 128 --timeout 60 --disk $img -- root=/dev/vda \
	init=/bin/busybox -- sh -c 'ls -d /proc || echo no-proc'
expect_line $log 'proc: not mounted on /proc \(error -2\): make the directory /proc'
expect_line $log '^no-proc'
debugfs -R 'stat /proc' $img 2>&1 | grep -q 'not found' || fail "/proc was made on the disk"
rm -rf $img $tmp
echo "proc-root: ok"
