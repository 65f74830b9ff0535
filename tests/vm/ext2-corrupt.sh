#!/usr/bin/env bash
# Corrupt ext2 images through mount(2): every fuzz seed of
# tests/ext2/make-corrupt.sh is a disk of the VM (two boots, ~21 disks each)
# and busybox mounts each, reads everything on it, writes a file and
# unmounts.  Each must give what the seed's MANIFEST line says: a refused
# mount, a read-only mount, or EIO for exactly one path while the rest
# works; and the kernel must survive all of them (no panic, status 0).  A
# clean image on a read-only disk must mount read-only.  (busybox ls ignores
# readdir errors, so a directory counts as readable when its entry "a" --
# every seed's dir/ has one -- can be looked up.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ext2-lib.sh"
mkdir -p $LOGDIR
dir=build/test-ext2-seeds
tests/ext2/make-corrupt.sh $dir > /dev/null || fail "cannot make the seeds"
ext2_mkfs $dir/clean-ro.img 8M
mapfile -t lines < $dir/MANIFEST
lines+=("clean-ro mount-ro-device")

script='mkdir -p /m
t() { if [ -L "$1" ]; then readlink "$1"; elif [ -d "$1" ]; then ls -la "$1" && [ -e "$1/a" ]; else cat "$1"; fi; }
for d in $(ls /dev | grep "^vd"); do
if mount -t ext2 /dev/$d /m; then
echo "corrupt $d: mounted"
for p in small ind big dir fastlink slowlink; do
{ ls -la /m/$p && t /m/$p; } > /dev/null 2>&1 || echo "corrupt $d: error $p"
done
ls -laR /m > /dev/null 2>&1
{ echo hi > /m/new && rm /m/new; } 2>/dev/null || echo "corrupt $d: cannot write"
umount /m || echo "corrupt $d: umount failed"
else
echo "corrupt $d: refused"
fi
done
echo "ext2-corrupt: survived"'

name_of() { # index -> vda, vdb, ...
	local i=$1 s=""
	[ "$i" -ge 26 ] && s=$(printf "\\$(printf %o $((96 + i / 26)))")
	printf "vd%s%s" "$s" "$(printf "\\$(printf %o $((97 + i % 26)))")"
}

check() { # LOG FIRST COUNT: the seeds lines[FIRST..FIRST+COUNT) were vda...
	local log=$1 first=$2 count=$3 k
	for ((k = 0; k < count; k++)); do
		read -r name expect path <<< "${lines[first + k]}"
		local d
		d=$(name_of $k)
		local size=$(($(stat -c %s $dir/$name.img) / 512))
		expect_line $log "blk $d: $size sectors"
		case $expect in
		mount-fails)
			expect_line $log "corrupt $d: refused" ;;
		mount-ro|mount-ro-device)
			expect_line $log "corrupt $d: mounted"
			expect_line $log "corrupt $d: cannot write" ;;
		eio)
			expect_line $log "corrupt $d: mounted"
			expect_line $log "corrupt $d: error ${path}[[:space:]]*\$"
			[ "$(grep -c "corrupt $d: error" $log)" = 1 ] ||
				fail "$name ($d): more than $path failed"
			grep -q "corrupt $d: cannot write" $log && fail "$name ($d): cannot write" ;;
		esac
		grep -q "corrupt $d: umount failed" $log && fail "$name ($d): umount failed"
		echo "ext2-corrupt: $name ($d): $expect ${path:-} as expected"
	done
}

half=$(((${#lines[@]} + 1) / 2))
for part in 0 1; do
	first=$((part * half))
	count=$((${#lines[@]} - first < half ? ${#lines[@]} - first : half))
	args=()
	for ((k = 0; k < count; k++)); do
		read -r name expect _ <<< "${lines[first + k]}"
		if [ "$expect" = mount-ro-device ]; then
			args+=(--ro-disk $dir/$name.img)
		else
			args+=(--disk $dir/$name.img)
		fi
	done
	log=$LOGDIR/ext2-corrupt-$part.console
	vm_expect 0 $log -- --smp 2 --timeout 120 "${args[@]}" -- init=/bin/busybox -- sh -c "$script"
	expect_line $log '^ext2-corrupt: survived'
	check $log $first $count
done
rm -rf $dir
echo "ext2-corrupt: ok"
