# shellcheck shell=bash
# ext2-lib.sh - host side of the ext2 VM tests (sourced after lib.sh; not a
# test).  Images are made with mke2fs -d (fixed UUID and time); after a run
# the host checks them with e2fsprogs only, never with our kernel.
#
#   ext2_mkfs IMG SIZE [DIR] [mke2fs options...]   makes an ext2 image (4 KiB blocks)
#   ext2_fsck IMG                                  fails unless e2fsck -fn is clean
#   ext2_check_sums IMG LIST                       LIST is a file inside the image
#                                                  ("md5  path" lines, paths relative to
#                                                  the image root): debugfs extracts each
#                                                  file, its md5 must match
ext2_mkfs() {
	local img=$1 size=$2 dir=${3:-}
	shift 2
	[ $# -gt 0 ] && shift
	rm -f "$img"
	E2FSPROGS_FAKE_TIME=1700000000 mke2fs -q -F -t ext2 -b 4096 \
		-U 0f2a1b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b ${dir:+-d "$dir"} "$@" "$img" "$size" \
		> /dev/null || fail "mke2fs $img"
}
ext2_fsck() {
	local out rc
	out=$(e2fsck -fn "$1" 2>&1)
	rc=$?
	# Some findings (the superblock's free counts) leave the status 0
	# under -n: any question e2fsck asked counts.
	[ $rc = 0 ] && grep -q '? no' <<< "$out" && rc=100
	[ $rc = 0 ] || { echo "$out"; fail "e2fsck -fn $1: exit $rc"; }
	echo "e2fsck -fn $1: clean"
}
ext2_check_sums() {
	local img=$1 list=$2 tmp n=0 bad=0 sum path got
	tmp=$(mktemp -d)
	debugfs -R "dump /$list $tmp/list" "$img" > /dev/null 2>&1 || fail "debugfs: no /$list in $img"
	while read -r sum path; do
		path=${path#./}
		rm -f "$tmp/f"
		debugfs -R "dump \"/$path\" $tmp/f" "$img" > /dev/null 2>&1
		got=$(md5sum < "$tmp/f" 2>/dev/null | cut -d' ' -f1)
		if [ "$got" != "$sum" ]; then
			echo "debugfs /$path: md5 $got, the VM wrote $sum"
			bad=$((bad + 1))
		fi
		n=$((n + 1))
	done < "$tmp/list"
	rm -rf "$tmp"
	[ $bad = 0 ] || fail "$bad of $n files differ"
	[ $n -gt 0 ] || fail "/$list lists no files"
	echo "debugfs: $n files match what the VM wrote"
}
