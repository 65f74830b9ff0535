#!/usr/bin/env bash
# A lossy wire: tools/cluster --wirefilter 'loss 20 delay 2' puts vde2's
# wirefilter between node 1 and the switch; test=netloss sends 3000 frames
# each way, counts what arrived and must finish (no hang) with no corrupt
# frame and a loss rate near 20% in each direction.
. "$(dirname "$0")/lib.sh"
mkdir -p $LOGDIR
log=$LOGDIR/net-loss.console
tools/cluster --nodes 2 --timeout 60 --wirefilter 'loss 20 delay 2' --logdir $LOGDIR/net-loss \
	-- test=netloss > $log 2>&1
rc=$?
cat $log
[ $rc = 0 ] || fail "cluster exit status $rc"
expect_line $log "cluster: wirefilter 'loss 20 delay 2' between node 1 and the switch"
for n in 0 1; do
	line=$(grep -E "^\[node$n\] .*netloss: node $n: sent 3000, received [0-9]+ of 3000" $log) ||
		fail "no loss report from node $n"
	echo "$line" | grep -q ' 0 corrupt' || fail "node $n saw corrupt frames"
	pct=$(echo "$line" | sed -E 's/.*lost [0-9]+ \(([0-9]+)\.[0-9]%\).*/\1/')
	[ "$pct" -ge 8 ] && [ "$pct" -le 35 ] || fail "node $n: loss ${pct}% is not near 20%"
	expect_line $log "^\[node$n\] .*netloss: node $n: PASS"
done
echo "net-loss: ok"
