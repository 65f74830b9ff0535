#!/usr/bin/env bash
# The fallback paths: pci=nomsix makes virtio use INTx through the I/O APIC
# (q35 PIRQ routing, GSI 16-23), virtio=noevent,noindirect turns off event
# indexes and indirect descriptors (direct chains, flag-based interrupt
# suppression).  test=blkcheck must pass the same way as with MSI-X.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/blk-lib.sh"
mkdir -p $LOGDIR
log=$LOGDIR/blk-intx.console
img=build/test-blk-intx.img ro=build/test-blk-intx-ro.img
blk_mkpattern $img 4096 TEACHOS1 13
blk_mkpattern $ro 256 TEACHOS1 13
vm_expect 0 $log -- --smp 2 --timeout 60 --disk $img --ro-disk $ro -- \
	test=blkcheck pci=nomsix virtio=noevent,noindirect
expect_line $log 'pci 00:0[0-9a-f].0: INTA on GSI (1[6-9]|2[0-3])'
expect_line $log 'virtio virtio0: 1 queue\(s\) of [0-9]+, INTx'
expect_line $log 'blkcheck: PASS'
blk_check $img 0 2048 TEACHOS1 13
blk_check $img 2048 4096 KWRITTEN 29
rm -f $img $ro
echo "blk-intx: ok"
