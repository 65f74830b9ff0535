/*
 * net_test.c - network test modes, mostly between two VMs of tools/cluster
 * (node=0 and node=1; other nodes do nothing), over EtherType ETH_P_TEST:
 *
 *   test=netexchange  each node sends NET_FRAMES frames of varying length
 *       (60-1514 bytes) to the other while receiving the other's; every
 *       frame must arrive in order with the right content.  A window of
 *       WINDOW unacknowledged frames (cumulative ACKs every 16 frames,
 *       POLL on a stall) keeps the receiver's ring from overflowing.
 *   test=netloss  the same traffic without the in-order requirement, for a
 *       lossy wire (tools/cluster --wirefilter 'loss 20'): each node counts
 *       which frames arrived and reports the loss; ACKs carry the highest
 *       frame seen so the window still moves, a stalled sender polls, and
 *       every wait is bounded so the test ends whatever the loss.
 *   test=netlink  (one VM) the link goes down and up (the host uses QEMU's
 *       set_link); the configuration interrupt must report both.
 *
 * netexchange and netloss start with a handshake: HELLO (broadcast, every 100 ms) is answered
 * by HELLO_ACK (unicast); a node has found its peer when it got a
 * HELLO_ACK or any data.  Both end with DONE / DONE_ACK.  Frame content:
 * after the header, byte j of frame seq from node n is
 * (seq * 131 + j * 7 + n * 29) mod 256.
 *
 * Locking: the receive handler (the NIC's receive thread) and the test
 * thread share struct net_test under nt.lock (a spinlock; nothing sleeps
 * under it); the test thread waits on nt.wq.
 */
#include <drivers/netdev.h>
#include <kernel/bootinfo.h>
#include <kernel/errno.h>
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <mm/slab.h>

#define NET_FRAMES 3000
#define WINDOW 32
#define BURST 5000
#define TEST_MAGIC 0x4e455431u /* "NET1" */
#define MS (NSEC_PER_MSEC)

enum { T_HELLO = 1, T_HELLO_ACK, T_DATA, T_ACK, T_POLL, T_DONE, T_DONE_ACK };

struct test_hdr {
	struct ethhdr eth;
	u32 magic;
	u8 type;
	u8 node;
	u16 pad;
	u32 seq;
	u32 len;
} __attribute__((packed));

struct net_test {
	struct net_device *dev;
	bool loss_mode;
	int me, peer;
	spinlock_t lock;
	struct wait_queue_head wq;
	u8 peer_mac[ETH_ALEN];
	bool peer_known, peer_seen_me;
	/* receive side */
	u32 rx_next; /* exchange: next expected sequence number */
	u32 rx_count; /* distinct data frames received */
	u32 rx_highest; /* loss: highest seq + 1 seen */
	u32 rx_dups, rx_corrupt, rx_order;
	u32 since_ack;
	u8 *seen; /* loss: bitmap of received frames */
	bool peer_done;
	u32 peer_total;
	/* send side */
	u32 acked; /* frames the peer confirmed (see above) */
	bool got_done_ack;
};

static struct net_test nt;

static u32 frame_len(u32 seq) { return ETH_ZLEN + (seq * 37) % (ETH_FRAME_LEN - ETH_ZLEN + 1); }
static u8 payload_byte(u32 seq, u32 j, int node) { return (u8)(seq * 131 + j * 7 + node * 29); }

static int send_frame(int type, u32 seq, const u8 *dest)
{
	static const u8 bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	u8 buf[ETH_FRAME_LEN];
	struct test_hdr h = { 0 };
	u32 len = type == T_DATA ? frame_len(seq) : sizeof(h);

	memcpy(h.eth.h_dest, dest ? dest : bcast, ETH_ALEN);
	memcpy(h.eth.h_source, nt.dev->dev_addr, ETH_ALEN);
	h.eth.h_proto = htons(ETH_P_TEST);
	h.magic = TEST_MAGIC;
	h.type = (u8)type;
	h.node = (u8)nt.me;
	h.pad = 0;
	h.seq = seq;
	h.len = len;
	memcpy(buf, &h, sizeof(h));
	for (u32 j = sizeof(h); j < len; j++)
		buf[j] = payload_byte(seq, j, nt.me);
	return dev_queue_xmit(nt.dev, buf, len);
}

static bool data_ok(const u8 *frame, size_t len, const struct test_hdr *h)
{
	if (h->len != len || len != frame_len(h->seq))
		return false;
	for (u32 j = sizeof(*h); j < len; j++)
		if (frame[j] != payload_byte(h->seq, j, nt.peer))
			return false;
	return true;
}

/* Receive side of a data frame; returns the ACK to send (or 0). Under lock. */
static u32 rx_data(const struct test_hdr *h, bool ok, bool *ack)
{
	if (!ok) {
		nt.rx_corrupt++;
		return 0;
	}
	if (h->seq >= NET_FRAMES) {
		nt.rx_corrupt++;
		return 0;
	}
	if (nt.loss_mode) {
		if (nt.seen[h->seq / 8] & (1 << (h->seq % 8))) {
			nt.rx_dups++;
		} else {
			nt.seen[h->seq / 8] |= (u8)(1 << (h->seq % 8));
			nt.rx_count++;
		}
		if (h->seq + 1 > nt.rx_highest)
			nt.rx_highest = h->seq + 1;
		*ack = ++nt.since_ack >= 8 || h->seq + 1 == NET_FRAMES;
		return nt.rx_highest;
	}
	if (h->seq == nt.rx_next) {
		nt.rx_next++;
		nt.rx_count++;
	} else {
		if (nt.rx_order++ < 5)
			printk(KERN_ERR "net test: frame %u arrived, expected %u\n", h->seq,
			       nt.rx_next);
	}
	*ack = ++nt.since_ack >= 16 || nt.rx_next == NET_FRAMES;
	return nt.rx_next;
}

static void test_rx(struct net_device *dev, const void *frame, size_t len, void *arg)
{
	const struct test_hdr *h = frame;
	bool ack = false, hello_ack = false, done_ack = false;
	u32 ackval = 0;

	if (len < sizeof(*h) || h->magic != TEST_MAGIC || h->node != nt.peer)
		return;
	bool ok = h->type != T_DATA || data_ok(frame, len, h);
	spin_lock(&nt.lock);
	if (!nt.peer_known) {
		memcpy(nt.peer_mac, h->eth.h_source, ETH_ALEN);
		nt.peer_known = true;
	}
	switch (h->type) {
	case T_HELLO:
		hello_ack = true;
		break;
	case T_HELLO_ACK:
		nt.peer_seen_me = true;
		break;
	case T_DATA:
		nt.peer_seen_me = true;
		ackval = rx_data(h, ok, &ack);
		break;
	case T_POLL:
		ack = true;
		ackval = nt.loss_mode ? nt.rx_highest : nt.rx_next;
		break;
	case T_ACK:
		if (h->seq > nt.acked && h->seq <= NET_FRAMES)
			nt.acked = h->seq;
		break;
	case T_DONE:
		nt.peer_done = true;
		nt.peer_total = h->seq;
		done_ack = true;
		break;
	case T_DONE_ACK:
		nt.got_done_ack = true;
		break;
	}
	if (ack)
		nt.since_ack = 0;
	spin_unlock(&nt.lock);
	if (hello_ack)
		send_frame(T_HELLO_ACK, 0, h->eth.h_source);
	if (ack)
		send_frame(T_ACK, ackval, h->eth.h_source);
	if (done_ack)
		send_frame(T_DONE_ACK, 0, h->eth.h_source);
	wake_up_all(&nt.wq);
}

static bool handshake(void)
{
	u64 deadline = ktime_get_ns() + 60 * NSEC_PER_SEC;

	while (!READ_ONCE(nt.peer_seen_me)) {
		if (ktime_get_ns() > deadline)
			return false;
		send_frame(T_HELLO, 0, NULL);
		wait_event_timeout(nt.wq, READ_ONCE(nt.peer_seen_me), 100 * MS);
	}
	return true;
}

/* Back-pressure: BURST full-size frames as fast as possible to a MAC that
 * nobody has; the sender must sleep when the ring is full, not fail. */
static int burst(void)
{
	static const u8 nobody[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x99 };
	u8 *buf = kzalloc(ETH_FRAME_LEN, 0);
	u64 waits = nt.dev->tx_waits, start = ktime_get_ns();
	int err = 0;

	if (!buf)
		return 1;
	memcpy(buf, nobody, ETH_ALEN);
	memcpy(buf + ETH_ALEN, nt.dev->dev_addr, ETH_ALEN);
	((struct ethhdr *)buf)->h_proto = htons(ETH_P_TEST + 1);
	for (int i = 0; i < BURST && !err; i++)
		if (dev_queue_xmit(nt.dev, buf, ETH_FRAME_LEN) < 0)
			err = 1;
	kfree(buf);
	printk(KERN_INFO "netexchange: burst of %d frames in %llu ms, %llu waits for ring room%s\n",
	       BURST, (unsigned long long)((ktime_get_ns() - start) / MS),
	       (unsigned long long)(nt.dev->tx_waits - waits), err ? ", FAILED" : "");
	return err;
}

/* Waits until cond or a stall: polls the peer every 100 ms; false after
 * stall_ms without cond. */
#define WAIT_OR_POLL(cond, stall_ms)                                      \
	({                                                                \
		u64 __end = ktime_get_ns() + (u64)(stall_ms)*MS;          \
		bool __ok;                                                \
		while (!(__ok = (cond)) && ktime_get_ns() < __end)        \
			if (!wait_event_timeout(nt.wq, (cond), 100 * MS)) \
				send_frame(T_POLL, 0, nt.peer_mac);       \
		__ok;                                                     \
	})

static int net_test_run(bool loss_mode)
{
	const char *name = loss_mode ? "netloss" : "netexchange";
	u64 start;
	int err = 0;

	memset(&nt, 0, sizeof(nt));
	spin_lock_init(&nt.lock);
	init_waitqueue_head(&nt.wq);
	nt.loss_mode = loss_mode;
	nt.me = (int)cmdline_get_int("node", 0);
	nt.peer = 1 - nt.me;
	nt.dev = netdev_get_nth(0);
	if (nt.me > 1) {
		printk(KERN_INFO "%s: node %d does not take part\n", name, nt.me);
		return 0;
	}
	if (!nt.dev) {
		printk(KERN_ERR "%s: no network device (run under tools/cluster)\n", name);
		return 1;
	}
	nt.seen = kzalloc(NET_FRAMES / 8 + 1, 0);
	if (!nt.seen || dev_add_pack(ETH_P_TEST, test_rx, NULL) < 0)
		return 1;
	if (!netif_wait_carrier(nt.dev, 5 * NSEC_PER_SEC))
		printk(KERN_WARNING "%s: link still down, trying anyway\n", name);
	if (!handshake()) {
		printk(KERN_ERR "%s: node %d: no answer from node %d\n", name, nt.me, nt.peer);
		err = 1;
		goto out;
	}
	printk(KERN_INFO "%s: node %d found node %d (%02x:%02x:%02x:%02x:%02x:%02x)\n", name, nt.me,
	       nt.peer, nt.peer_mac[0], nt.peer_mac[1], nt.peer_mac[2], nt.peer_mac[3],
	       nt.peer_mac[4], nt.peer_mac[5]);
	start = ktime_get_ns();
	for (u32 s = 0; s < NET_FRAMES; s++) {
		if (!WAIT_OR_POLL(s < READ_ONCE(nt.acked) + WINDOW, loss_mode ? 2000 : 10000)) {
			if (!loss_mode) {
				printk(KERN_ERR "%s: stalled at frame %u (acked %u)\n", name, s,
				       nt.acked);
				err = 1;
				goto out;
			}
			nt.acked = s; /* loss: give up on the window, keep going */
		}
		if (send_frame(T_DATA, s, nt.peer_mac) < 0)
			err = 1;
	}
	if (!loss_mode &&
	    !WAIT_OR_POLL(READ_ONCE(nt.acked) == NET_FRAMES && READ_ONCE(nt.rx_next) == NET_FRAMES,
			  10000)) {
		printk(KERN_ERR "%s: not finished: acked %u, received %u\n", name, nt.acked,
		       nt.rx_next);
		err = 1;
	}
	/* DONE until acknowledged (bounded), then wait for the peer's DONE. */
	for (int i = 0; i < 30 && !READ_ONCE(nt.got_done_ack); i++) {
		send_frame(T_DONE, NET_FRAMES, nt.peer_mac);
		wait_event_timeout(nt.wq, READ_ONCE(nt.got_done_ack), 100 * MS);
	}
	wait_event_timeout(nt.wq, READ_ONCE(nt.peer_done), 10 * NSEC_PER_SEC);
	msleep(loss_mode ? 1000 : 300); /* answer the peer's last DONEs */
	spin_lock(&nt.lock);
	u64 ms = (ktime_get_ns() - start) / MS;
	u32 lost = NET_FRAMES - nt.rx_count;
	if (loss_mode) {
		printk(KERN_INFO "netloss: node %d: sent %u, received %u of %u, lost %u (%u.%u%%), "
				 "%u duplicates, %u corrupt, %llu ms%s\n",
		       nt.me, NET_FRAMES, nt.rx_count, NET_FRAMES, lost, lost * 100 / NET_FRAMES,
		       lost * 1000 / NET_FRAMES % 10, nt.rx_dups, nt.rx_corrupt,
		       (unsigned long long)ms, nt.peer_done ? "" : " (no DONE from the peer)");
		if (nt.rx_corrupt || !nt.rx_count)
			err = 1;
	} else {
		printk(KERN_INFO "netexchange: node %d: sent %u, received %u in order, %u out of "
				 "order, %u corrupt, %llu ms\n",
		       nt.me, NET_FRAMES, nt.rx_count, nt.rx_order, nt.rx_corrupt,
		       (unsigned long long)ms);
		if (nt.rx_count != NET_FRAMES || nt.rx_order || nt.rx_corrupt)
			err = 1;
	}
	spin_unlock(&nt.lock);
	if (!loss_mode)
		err |= burst();
	printk(KERN_INFO "%s: tx %llu frames (%llu waits for ring room), rx %llu frames\n", name,
	       (unsigned long long)nt.dev->tx_packets, (unsigned long long)nt.dev->tx_waits,
	       (unsigned long long)nt.dev->rx_packets);
out:
	dev_remove_pack(ETH_P_TEST);
	kfree(nt.seen);
	printk(KERN_INFO "%s: node %d: %s\n", name, nt.me, err ? "FAIL" : "PASS");
	return err;
}

static int test_netexchange(void) { return net_test_run(false); }
TEST_MODE(netexchange, test_netexchange, "net: nodes 0 and 1 exchange frames in order");
static int test_netloss(void) { return net_test_run(true); }
TEST_MODE(netloss, test_netloss, "net: nodes 0 and 1 count lost frames (use --wirefilter)");

/* test=netlink: the host turns the link off and on again (QEMU monitor
 * set_link); the configuration interrupt must report both changes. */
static int test_netlink(void)
{
	struct net_device *dev = netdev_get_nth(0);
	bool down, up;

	if (!dev) {
		printk(KERN_ERR "netlink: no network device\n");
		return 1;
	}
	printk(KERN_INFO "netlink: %s link %s, waiting for it to go down\n", dev->name,
	       dev->carrier ? "up" : "down");
	down = wait_event_timeout(dev->carrier_wait, !READ_ONCE(dev->carrier), 30 * NSEC_PER_SEC);
	up = down &&
	     wait_event_timeout(dev->carrier_wait, READ_ONCE(dev->carrier), 30 * NSEC_PER_SEC);
	printk(KERN_INFO "netlink: saw down %d, up %d: %s\n", down, up,
	       down && up ? "PASS" : "FAIL");
	return down && up ? 0 : 1;
}
TEST_MODE(netlink, test_netlink, "net: report the link going down and up (QEMU set_link)");
