#!/usr/bin/env bash
# make-corrupt.sh OUTDIR - the ext2 fuzz seeds: small images, each with one
# known corruption, made deterministically (fixed UUID, hash seed, time and
# contents; the corruption written with debugfs or at a fixed offset).
#
# Writes OUTDIR/NAME.img for each seed and OUTDIR/MANIFEST, one line each:
#   NAME mount-fails          mounting must fail with an error
#   NAME mount-ro             a read-write mount must succeed read-only
#   NAME eio PATH             the volume mounts; PATH (stat, read, readdir or
#                             readlink) fails with EIO, the rest works
# Used by the host test (tests/unit/test_ext2_corrupt.c) and the VM test
# (tests/vm/ext2-corrupt.sh).  Needs e2fsprogs and python3.
set -eu
out=${1:?usage: make-corrupt.sh OUTDIR}
mkdir -p "$out"
rm -f "$out"/*.img "$out/MANIFEST"
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT

# The base tree: files with a direct block, single and double indirect
# blocks, a directory, fast and slow symlinks.
python3 - "$tree" <<'EOF'
import os, sys
root = sys.argv[1]
def data(n, seed):
    return bytes((i * 131 + seed * 7 + (i >> 12)) & 255 for i in range(n))
os.mkdir(root + "/dir")
for name, size, seed in (("small", 100, 1), ("ind", 60 * 1024, 2), ("big", 5 * 1024 * 1024, 3),
                         ("dir/a", 10, 4), ("dir/b", 5000, 5)):
    with open(root + "/" + name, "wb") as f:
        f.write(data(size, seed))
os.symlink("dir/a", root + "/fastlink")
os.symlink("d" * 100, root + "/slowlink")
for p in ("small", "ind", "big", "dir/a", "dir/b", "dir", ""):
    os.utime(root + "/" + p, (1600000000, 1600000000))
for p in ("fastlink", "slowlink"):
    os.utime(root + "/" + p, (1600000000, 1600000000), follow_symlinks=False)
EOF

mkfs() { # IMG [mke2fs options]
	local img=$1
	shift
	E2FSPROGS_FAKE_TIME=1700000000 mke2fs -q -F -t ext2 -b 4096 -N 64 \
		-U 3c7e5a2b-0d4f-4e61-9b8a-7f1e2d3c4b5a -E hash_seed=5e4d3c2b-1a09-4f8e-8d7c-6b5a49382716 \
		"$@" -d "$tree" "$img" 8M > /dev/null
	# mke2fs copies the host's change times: make them fixed too.
	local cmds=$tree.cmds
	for ino in 2 $(seq 11 19); do # the root, lost+found and the tree
		echo "sif <$ino> ctime 1600000000"
		echo "sif <$ino> atime 1600000000"
	done > "$cmds"
	E2FSPROGS_FAKE_TIME=1700000000 debugfs -w -f "$cmds" "$img" > /dev/null 2>&1
	rm -f "$cmds"
}
base=$out/base.img.tmp
mkfs "$base"

dbg() { # IMG REQUEST
	E2FSPROGS_FAKE_TIME=1700000000 debugfs -w -R "$2" "$1" > /dev/null 2>&1
}
# The physical block of PATH's logical block or indirect block LABEL
# ("0", "IND", "DIND") as debugfs prints them.
block_of() {
	debugfs -R "stat \"$2\"" "$1" 2>/dev/null | tr ',' '\n' |
		sed -n "s/^ *(\($3\)\(-[0-9]*\)*):\([0-9]*\).*/\3/p" | head -1
}
poke() { # IMG BYTE-OFFSET HEX-BYTES (little endian already)
	python3 -c "import sys
with open(sys.argv[1], 'r+b') as f:
    f.seek(int(sys.argv[2])); f.write(bytes.fromhex(sys.argv[3]))" "$@"
}
seed() { # NAME EXPECT [PATH]  (the image is $out/NAME.img)
	if cmp -s "$base" "$out/$1.img"; then
		echo "make-corrupt: $1 did not change the image" >&2
		exit 1
	fi
	echo "$*" >> "$out/MANIFEST"
}
new() { # NAME: a copy of the base to corrupt
	cp "$base" "$out/$1.img"
	echo "$out/$1.img"
}

# ---- superblock ----
i=$(new sb-magic); poke "$i" $((1024 + 56)) 3412; seed sb-magic mount-fails
i=$(new sb-log-block-size); dbg "$i" "ssv log_block_size 30"; seed sb-log-block-size mount-fails
i=$(new sb-block-size-2k); dbg "$i" "ssv log_block_size 1"; seed sb-block-size-2k mount-fails
mkfs "$out/sb-block-size-1k.img" -b 1024; seed sb-block-size-1k mount-fails
i=$(new sb-incompat); dbg "$i" "ssv feature_incompat 0x10002"; seed sb-incompat mount-fails
i=$(new sb-incompat-extents); dbg "$i" "feature extent"; seed sb-incompat-extents mount-fails
i=$(new sb-ro-compat); dbg "$i" "ssv feature_ro_compat 0x8003"; seed sb-ro-compat mount-ro
i=$(new sb-inodes-count); dbg "$i" "ssv inodes_count 1000"; seed sb-inodes-count mount-fails
i=$(new sb-blocks-count); dbg "$i" "ssv blocks_count 99999999"; seed sb-blocks-count mount-fails
i=$(new sb-bpg-zero); dbg "$i" "ssv blocks_per_group 0"; seed sb-bpg-zero mount-fails
i=$(new sb-ipg-huge); dbg "$i" "ssv inodes_per_group 300000"; seed sb-ipg-huge mount-fails
i=$(new sb-inode-size); dbg "$i" "ssv inode_size 100"; seed sb-inode-size mount-fails
i=$(new sb-first-ino); dbg "$i" "ssv first_ino 3"; seed sb-first-ino mount-fails
i=$(new sb-rev); dbg "$i" "ssv rev_level 7"; seed sb-rev mount-fails
i=$(new sb-first-data-block); dbg "$i" "ssv first_data_block 1"; seed sb-first-data-block mount-fails
head -c 1048576 /dev/zero > "$out/zero.img"; seed zero mount-fails
head -c 65536 "$base" > "$out/truncated.img"; seed truncated mount-fails
head -c 1024 "$base" > "$out/tiny.img"; seed tiny mount-fails

# ---- group descriptors ----
i=$(new gd-block-bitmap); dbg "$i" "set_bg 0 block_bitmap 999999"; seed gd-block-bitmap mount-fails
i=$(new gd-inode-bitmap); dbg "$i" "set_bg 0 inode_bitmap 0"; seed gd-inode-bitmap mount-fails
i=$(new gd-inode-table); dbg "$i" "set_bg 0 inode_table 2047"; seed gd-inode-table mount-fails
i=$(new gd-free-blocks); dbg "$i" "set_bg 0 free_blocks_count 65000"; seed gd-free-blocks mount-fails
i=$(new gd-free-inodes); dbg "$i" "set_bg 0 free_inodes_count 9999"; seed gd-free-inodes mount-fails

# ---- inodes ----
i=$(new root-not-dir); dbg "$i" "sif <2> mode 0100644"; seed root-not-dir mount-fails
i=$(new root-deleted); dbg "$i" "sif <2> links_count 0"; dbg "$i" "sif <2> dtime 1600000000"
seed root-deleted mount-fails
i=$(new file-direct-oob); dbg "$i" "sif /small block[0] 9999999"; seed file-direct-oob eio small
i=$(new file-ind-oob); dbg "$i" "sif /ind block[IND] 4000000000"; seed file-ind-oob eio ind
i=$(new file-ind-entry-oob)
b=$(block_of "$i" /ind IND); poke "$i" $((b * 4096 + 4)) ffffff0f; seed file-ind-entry-oob eio ind
i=$(new file-dind-oob)
b=$(block_of "$i" /big DIND); poke "$i" $((b * 4096)) 00ffffff; seed file-dind-oob eio big
i=$(new file-extents-flag); dbg "$i" "sif /small flags 0x80000"; seed file-extents-flag eio small
i=$(new file-xattr-oob); dbg "$i" "sif /small file_acl 99999999"; seed file-xattr-oob eio small
i=$(new file-mode-bad); dbg "$i" "sif /small mode 0170644"; seed file-mode-bad eio small
i=$(new symlink-size); dbg "$i" "sif /slowlink size 5000"; seed symlink-size eio slowlink
i=$(new fastlink-size); dbg "$i" "sif /fastlink size 80"; seed fastlink-size eio fastlink
i=$(new dir-size); dbg "$i" "sif /dir size 1000"; seed dir-size eio dir
i=$(new dir-hole); dbg "$i" "sif /dir block[0] 0"; seed dir-hole eio dir
i=$(new deleted-inode); dbg "$i" "sif /small links_count 0"; dbg "$i" "sif /small dtime 1"
seed deleted-inode eio small

# ---- directory entries (of /dir: ".", "..", "a", "b") ----
d=$(block_of "$base" /dir 0)
i=$(new dirent-reclen-small); poke "$i" $((d * 4096 + 4)) 0500; seed dirent-reclen-small eio dir
i=$(new dirent-reclen-unaligned); poke "$i" $((d * 4096 + 4)) 0e00; seed dirent-reclen-unaligned eio dir
i=$(new dirent-reclen-cross); poke "$i" $((d * 4096 + 12 + 4)) 401f; seed dirent-reclen-cross eio dir
i=$(new dirent-namelen); poke "$i" $((d * 4096 + 24 + 6)) ff; seed dirent-namelen eio dir
i=$(new dirent-inode); poke "$i" $((d * 4096 + 24)) ffffff00; seed dirent-inode eio dir

rm -f "$base"
echo "make-corrupt: $(wc -l < "$out/MANIFEST") seeds in $out"
