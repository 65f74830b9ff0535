#!/usr/bin/env bash
# Link status: a VM with a virtio-net port on QEMU's user network waits in
# test=netlink; the host turns the link off and on through the QEMU monitor
# (set_link) and the driver must report both changes (configuration
# interrupt, VIRTIO_NET_F_STATUS).
. "$(dirname "$0")/lib.sh"
mkdir -p $LOGDIR
log=$LOGDIR/net-link.console mon=build/test-net-link.mon
rm -f $log $mon
setsid tools/vm --timeout 60 --qemu-arg -monitor --qemu-arg "unix:$mon,server=on,wait=off" \
	--qemu-arg -netdev --qemu-arg user,id=u0 \
	--qemu-arg -device --qemu-arg virtio-net-pci,netdev=u0,disable-legacy=on \
	-- test=netlink > $log 2>&1 &
vm=$! # its own session: stop() reaches QEMU too
stop() { kill -TERM -- -$vm 2>/dev/null; wait $vm; cat $log; fail "$1"; }
monitor() { python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode())
time.sleep(0.3)
s.close()' $mon "$1"; }
waitfor() {
	for _ in $(seq 300); do
		grep -qE "$1" $log && return 0
		kill -0 $vm 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
waitfor 'netlink: eth0 link up, waiting' || stop "test=netlink did not start"
monitor "set_link u0 off"
waitfor 'net eth0: link down' || stop "the link going down was not seen"
monitor "set_link u0 on"
wait $vm
rc=$?
cat $log
rm -f $mon
[ $rc = 0 ] || fail "exit status $rc"
expect_line $log 'net eth0: link down'
expect_line $log 'net eth0: link up'
expect_line $log 'netlink: saw down 1, up 1: PASS'
echo "net-link: ok"
