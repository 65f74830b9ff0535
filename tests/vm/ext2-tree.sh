#!/usr/bin/env bash
# ext2 end to end: the host makes an image with mke2fs -d from a known tree
# (files from empty to double indirect, a sparse file reaching triple
# indirect blocks, fast and slow symlinks, 3000 entries in one directory,
# nested directories); the kernel mounts it with mount(2) (busybox), checks
# what mke2fs wrote, then creates, writes, renames (within and across
# directories, over files, moving directories), links, truncates and deletes
# trees, writes 2000 small files and a sparse file, unmounts, mounts again
# and checks its own checksums from the disk.  The host then runs
# e2fsck -fn (must be clean) and extracts every file the VM wrote with
# debugfs to compare checksums, and looks at the sparse file's blocks.
# The VM's script lives on the image (.vmtest/run.sh): the kernel command
# line is too short for it.  lockdep is on and must stay quiet.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ext2-lib.sh"
mkdir -p $LOGDIR
log=$LOGDIR/ext2-tree.console
img=build/test-ext2-tree.img tree=build/test-ext2-tree.d
rm -rf $tree
mkdir -p $tree/.vmtest

python3 - $tree <<'EOF' || fail "cannot make the tree"
import os, sys
root = sys.argv[1]
def data(n, seed):
    return bytes((i * 131 + seed * 7 + (i >> 12)) & 255 for i in range(n))
for d in ("files", "links", "big", "deep/a/b/c/d/e", "sparse"):
    os.makedirs(root + "/" + d, exist_ok=True)
sizes = [0, 1, 100, 4095, 4096, 4097, 12 * 4096, 12 * 4096 + 1, 1036 * 4096, 1036 * 4096 + 7,
         9 * 1024 * 1024 + 5]
for k, n in enumerate(sizes):
    with open("%s/files/s%d" % (root, n), "wb") as f:
        f.write(data(n, k))
with open(root + "/deep/a/b/c/d/e/leaf", "wb") as f:
    f.write(data(30000, 99))
for i in range(3000):
    with open("%s/big/entry-%05d-%s" % (root, i, "x" * (i % 40)), "wb") as f:
        f.write(data(i % 50, i))
with open(root + "/sparse/tind", "wb") as f:  # data at 4.5 GB: triple indirect
    f.write(data(100, 5))
    f.seek(1100000 * 4096)
    f.write(data(8192, 6))
os.symlink("../files/s100", root + "/links/fast")
os.symlink("/" + "long/" * 40 + "target", root + "/links/slow")
EOF
(cd $tree && find files deep big -type f | sort | xargs md5sum) > $tree/.vmtest/MD5SUMS
tind_sum=$(dd if=$tree/sparse/tind bs=4096 skip=1100000 count=2 2>/dev/null | md5sum | cut -c1-32)
slow_target="/$(printf 'long/%.0s' $(seq 40))target"

cat > $tree/.vmtest/run.sh <<EOF
set -e
fail() { echo "ext2-tree: FAIL: \$*"; exit 1; }
cd /mnt
# ---- what mke2fs wrote ----
md5sum -c -s .vmtest/MD5SUMS || fail "files mke2fs wrote read back wrong"
[ "\$(ls big | wc -l)" = 3000 ] || fail "big/ lists \$(ls big | wc -l) entries"
[ "\$(readlink links/fast)" = ../files/s100 ] || fail "fast symlink"
[ "\$(readlink links/slow)" = "$slow_target" ] || fail "slow symlink"
[ "\$(cat links/fast | md5sum)" = "\$(cat files/s100 | md5sum)" ] || fail "following a symlink"
[ "\$(dd if=sparse/tind bs=4096 skip=1100000 count=2 2>/dev/null | md5sum | cut -c1-32)" = $tind_sum ] ||
	fail "triple indirect data"
[ "\$(dd if=sparse/tind bs=4096 skip=500000 count=1 2>/dev/null | tr -d '\\0' | wc -c)" = 0 ] ||
	fail "a hole is not zeros"
echo "ext2-tree: mke2fs tree ok"
# ---- changes ----
mkdir -p w/a/b/c w/many w/gone/x/y
dd if=/dev/urandom of=w/r10m bs=65536 count=160 2>/dev/null
dd if=/dev/urandom of=w/a/r4097 bs=4097 count=1 2>/dev/null
dd if=/dev/urandom of=w/a/b/r49153 bs=49153 count=1 2>/dev/null
i=0
while [ \$i -lt 2000 ]; do
	echo "small file \$i" > w/many/f\$i
	i=\$((i + 1))
done
rm w/many/f*5
mv w/many/f1 w/a/b/c/moved1
mv w/a w/moved_a
mv w/moved_a/b w/b_moved
ln w/r10m w/r10m.link
ln -s ../r10m w/moved_a/rel
ln -s "$slow_target/vm" w/slow
cp w/b_moved/r49153 w/copy
mv -f w/copy w/r10m.link
[ "\$(stat -c %h w/r10m)" = 1 ] || fail "link count after replacing a link"
cp w/r10m w/r10m.orig
truncate -s 100000 w/r10m
truncate -s 6000000 w/r10m
echo tail >> w/r10m
dd if=/dev/urandom of=w/sparse.data bs=4096 count=2 2>/dev/null
dd if=w/sparse.data of=w/sparse bs=4096 seek=1100000 conv=notrunc 2>/dev/null
[ "\$(stat -c %b w/sparse)" -lt 100 ] || fail "sparse file owns \$(stat -c %b w/sparse) blocks"
echo appended >> files/s9437189
truncate -s 50000 files/s4243463
rm -r deep w/gone
rm big/entry-001*
mkdir w/empty
rmdir w/empty
sync
find w files -type f ! -name sparse | sort | xargs md5sum > .vmtest/VMSUMS
cd /
umount /mnt
# ---- from the disk again ----
mount -t ext2 /dev/vda /mnt
cd /mnt
md5sum -c -s .vmtest/VMSUMS || fail "files read back wrong after a remount"
[ "\$(ls w/many | wc -l)" = 1799 ] || fail "w/many lists \$(ls w/many | wc -l) entries"
[ "\$(ls big | wc -l)" = 2900 ] || fail "big/ lists \$(ls big | wc -l) entries"
[ "\$(cat w/b_moved/c/moved1)" = "small file 1" ] || fail "moved file"
[ ! -e deep ] || fail "deep/ still exists"
# the less common file calls (fadvise, sync_file_range, copy_file_range...)
mkdir fileops && /tests/t_fileops /mnt/fileops || fail "t_fileops on ext2"
# fault accounting, fault-around, and read-around after a cold fault
/tests/t_faults /mnt/fileops --cold || fail "t_faults on ext2"
rmdir fileops
[ "\$(dd if=w/sparse bs=4096 skip=1100000 count=2 2>/dev/null | md5sum | cut -c1-32)" = \
  "\$(md5sum < w/sparse.data | cut -c1-32)" ] || fail "sparse data after a remount"
cd /
umount /mnt
echo "ext2-tree: PASS"
EOF

ext2_mkfs $img 512M $tree
vm_expect 0 $log -- --smp 2 --timeout 300 --disk $img -- lockdep=1 init=/bin/busybox -- \
	sh -c 'mkdir -p /mnt && mount -t ext2 /dev/vda /mnt && cp /mnt/.vmtest/run.sh /run.sh && exec sh /run.sh'
expect_line $log '^ext2-tree: mke2fs tree ok'
expect_line $log '^ext2-tree: PASS'
grep -q 'lockdep:' $log && fail "lockdep reported a problem"
ext2_fsck $img
ext2_check_sums $img .vmtest/VMSUMS
# The sparse file: two data blocks at logical 1100000 (triple indirect), a hole before.
phys=$(debugfs -R "bmap /w/sparse 1100000" $img 2>/dev/null)
hole=$(debugfs -R "bmap /w/sparse 1099999" $img 2>/dev/null)
[ -n "$phys" ] && [ "$phys" != 0 ] || fail "no block at 1100000 in w/sparse"
[ "$hole" = 0 ] || fail "block 1099999 of w/sparse is $hole, not a hole"
want=$(grep ' w/sparse.data$' <(debugfs -R "cat /.vmtest/VMSUMS" $img 2>/dev/null) | cut -c1-32)
got=$(dd if=$img bs=4096 skip=$phys count=2 2>/dev/null | md5sum | cut -c1-32)
[ "$got" = "$want" ] || fail "w/sparse's blocks on disk ($got) differ from what the VM wrote ($want)"
for gone in /deep /w/gone "/big/entry-00100-$(printf 'x%.0s' $(seq 20))"; do
	debugfs -R "stat $gone" $img 2>&1 | grep -q "not found" || fail "$gone still on disk"
done
rm -rf $tree $img
echo "ext2-tree: ok"
