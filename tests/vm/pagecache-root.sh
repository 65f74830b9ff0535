#!/usr/bin/env bash
# root=/dev/vda: the disk's ext2 is "/" before init starts, the initramfs is
# at /initrd, /dev is there (console, vda), and init=/bin/busybox is found
# in /initrd although the disk has no busybox.  The shell reads a file the
# host put on the disk, creates, renames and removes files, syncs; the host
# finds the result and e2fsck -fn is clean.
. "$(dirname "$0")/lib.sh"
mkdir -p $LOGDIR
log=$LOGDIR/pagecache-root.console
img=build/test-pagecache-root.img
tmp=build/test-pagecache-root.d
rm -rf $img $tmp
mkdir -p $tmp/tree/etc $tmp/tree/gone
echo "from the host" > $tmp/tree/etc/motd
echo x > $tmp/tree/gone/file
mke2fs -q -F -t ext2 -b 4096 -d $tmp/tree $img 32M || fail "mke2fs"
script='cat /etc/motd; ls /initrd/bin/busybox && ls /dev/console /dev/vda || exit 1
echo "made on the root" > /new && mkdir /d && mv /new /d/moved || exit 2
rm -r /gone && sync || exit 3
echo root-done'
vm_expect 0 $log -- --smp 2 --mem 128 --timeout 60 --disk $img -- root=/dev/vda \
	init=/bin/busybox -- sh -c "$script"
expect_line $log 'VFS: mounted /dev/vda \(ext2\) as the root; the initramfs is at /initrd'
expect_line $log '^from the host'
expect_line $log '^/initrd/bin/busybox'
expect_line $log '^root-done'
e2fsck -fn $img > $tmp/fsck.log 2>&1 || { cat $tmp/fsck.log; fail "e2fsck -fn found problems"; }
[ "$(debugfs -R 'cat /d/moved' $img 2>/dev/null)" = "made on the root" ] || fail "/d/moved missing"
debugfs -R 'stat /gone' $img 2>&1 | grep -q 'not found' || fail "/gone still there"
debugfs -R 'stat /initrd' $img 2>&1 | grep -q 'Type: directory' || fail "no /initrd directory"
rm -rf $img $tmp
echo "pagecache-root: ok"
