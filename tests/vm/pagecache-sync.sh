#!/usr/bin/env bash
# sync(2), syncfs(2), fsync(2) and fdatasync(2) (busybox sync, sync -f FILE,
# sync FILE, sync -d FILE) on ext2 make data durable by themselves: the
# flusher is kept out of it (dirty_expire of ten minutes), each file's call
# is the last one that could write its data (syncfs on a second disk, the
# fsyncs last, each covering only its own file's pages), and the VM powers
# off right after, without unmounting.  The host then finds every file
# with the right content, and e2fsck -fn finds no problem on either disk.
. "$(dirname "$0")/lib.sh"
mkdir -p $LOGDIR
log=$LOGDIR/pagecache-sync.console
img=build/test-pagecache-sync.img img2=build/test-pagecache-sync2.img
tmp=build/test-pagecache-sync.d
rm -rf $img $img2 $tmp
mkdir -p $tmp
mke2fs -q -F -t ext2 -b 4096 $img 64M || fail "mke2fs"
mke2fs -q -F -t ext2 -b 4096 $img2 16M || fail "mke2fs"
script='mkdir -p /mnt /mnt2 && mount -t ext2 /dev/vda /mnt && mount -t ext2 /dev/vdb /mnt2 || exit 1
echo "sync(2) data" > /mnt/a && sync || exit 2
mkdir /mnt2/dir && echo "syncfs(2) data" > /mnt2/dir/d && sync -f /mnt2/dir/d || exit 3
dd if=/dev/urandom of=/mnt/b bs=4096 count=300 2>/dev/null && sync /mnt/b || exit 4
echo "b $(md5sum < /mnt/b)"
dd if=/dev/urandom of=/mnt/c bs=1000 count=77 2>/dev/null && sync -d /mnt/c || exit 5
echo "c $(md5sum < /mnt/c)"
echo calls-done'
vm_expect 0 $log -- --smp 2 --mem 128 --timeout 60 --disk $img --disk $img2 -- \
	dirty_expire=600000 init=/bin/busybox -- sh -c "$script"
expect_line $log '^calls-done'
for i in $img $img2; do
	e2fsck -fn $i > $tmp/fsck.log 2>&1 || { cat $tmp/fsck.log; fail "e2fsck -fn $i found problems"; }
done
for f in a b c; do
	debugfs -R "dump /$f $tmp/$f" $img 2>/dev/null
	[ -f $tmp/$f ] || fail "/$f is not on the disk"
done
debugfs -R "dump /dir/d $tmp/d" $img2 2>/dev/null
[ "$(cat $tmp/a)" = "sync(2) data" ] || fail "/a after sync: '$(cat $tmp/a)'"
[ "$(cat $tmp/d 2> /dev/null)" = "syncfs(2) data" ] || fail "/dir/d after syncfs: not there"
for f in b c; do
	want=$(sed -n "s/^$f \([0-9a-f]*\).*/\1/p" $log | tr -d '\r')
	got=$(md5sum < $tmp/$f | cut -d' ' -f1)
	[ "$want" = "$got" ] || fail "/$f: the VM wrote $want, the disk holds $got"
done
rm -rf $img $img2 $tmp
echo "pagecache-sync: ok"
