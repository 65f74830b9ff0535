#!/usr/bin/env bash
# Dirty data reaches the disk by itself within the age limit: with
# dirty_expire=1000 (ms) a file written on ext2 is on the disk, content and
# metadata (e2fsck -fn clean), 4 s later without sync or unmount.  The
# control run with a ten-minute limit powers off after the same wait and
# the file must not be there: the first result is the flusher's doing.
. "$(dirname "$0")/lib.sh"
mkdir -p $LOGDIR
img=build/test-pagecache-writeback.img
tmp=build/test-pagecache-writeback.d
script='mkdir -p /mnt && mount -t ext2 /dev/vda /mnt || exit 1
dd if=/dev/urandom of=/mnt/aged bs=4096 count=100 2>/dev/null || exit 2
echo "aged $(md5sum < /mnt/aged)"
sleep 4
echo slept'
for expire in 1000 600000; do
	log=$LOGDIR/pagecache-writeback-$expire.console
	rm -rf $img $tmp
	mkdir -p $tmp
	mke2fs -q -F -t ext2 -b 4096 $img 32M || fail "mke2fs"
	vm_expect 0 $log -- --smp 2 --mem 128 --timeout 60 --disk $img -- dirty_expire=$expire \
		init=/bin/busybox -- sh -c "$script"
	expect_line $log '^slept'
	want=$(sed -n 's/^aged \([0-9a-f]*\).*/\1/p' $log | tr -d '\r')
	debugfs -R "dump /aged $tmp/aged" $img 2>/dev/null
	got=$( [ -f $tmp/aged ] && md5sum < $tmp/aged | cut -d' ' -f1)
	if [ $expire = 1000 ]; then
		e2fsck -fn $img > $tmp/fsck.log 2>&1 || { cat $tmp/fsck.log; fail "e2fsck -fn found problems"; }
		[ "$got" = "$want" ] || fail "expire 1 s: the disk holds '$got', the VM wrote $want"
		echo "expire 1 s: on the disk after 4 s"
	else
		[ "$got" != "$want" ] || fail "expire 600 s: the data is on the disk already (who wrote it?)"
		echo "expire 600 s: not on the disk after 4 s, as it should be"
	fi
done
rm -rf $img $tmp
echo "pagecache-writeback: ok"
