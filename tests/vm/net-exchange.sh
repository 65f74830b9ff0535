#!/usr/bin/env bash
# Two VMs under tools/cluster (one vde_switch) exchange 3000 raw Ethernet
# frames each way (test=netexchange): every frame must arrive in order with
# its content, then a burst of 5000 full-size frames exercises transmit
# back-pressure.  A third node on the same segment must not disturb them.
. "$(dirname "$0")/lib.sh"
mkdir -p $LOGDIR
log=$LOGDIR/net-exchange.console
tools/cluster --nodes 3 --timeout 60 --logdir $LOGDIR/net-exchange -- test=netexchange > $log 2>&1
rc=$?
cat $log
[ $rc = 0 ] || fail "cluster exit status $rc"
for n in 0 1; do
	expect_line $log "^\[node$n\] .*netexchange: node $n: sent 3000, received 3000 in order, 0 out of order, 0 corrupt"
	expect_line $log "^\[node$n\] .*netexchange: burst of 5000 frames in [0-9]+ ms"
	expect_line $log "^\[node$n\] .*netexchange: node $n: PASS"
done
expect_line $log '^\[node2\] .*netexchange: node 2 does not take part'
expect_line $log 'cluster: node 0 exited with status 0'

# The same over the fallback paths (INTx, no event index), with a shared
# disk attached to both nodes.
img=build/test-net-exchange.img
rm -f $img
truncate -s 1M $img
log=$LOGDIR/net-exchange-intx.console
tools/cluster --nodes 2 --timeout 60 --disk $img --logdir $LOGDIR/net-exchange-intx \
	-- test=netexchange pci=nomsix virtio=noevent > $log 2>&1
rc=$?
cat $log
[ $rc = 0 ] || fail "cluster (INTx) exit status $rc"
for n in 0 1; do
	expect_line $log "^\[node$n\] .*virtio virtio[0-9]: 2 queue\(s\) of [0-9]+, INTx"
	expect_line $log "^\[node$n\] .*blk vda: 2048 sectors"
	expect_line $log "^\[node$n\] .*netexchange: node $n: PASS"
done
rm -f $img
echo "net-exchange: ok"
