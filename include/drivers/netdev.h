/*
 * netdev.h - network devices and raw Ethernet frames (drivers/net/).
 *
 * A net_device (eth0, eth1, ... in probe order) has a MAC address, a link
 * state and a driver's xmit().  There is no protocol stack: users send whole
 * Ethernet frames (destination, source, EtherType, payload; no FCS) and
 * receive them by EtherType.
 *
 * Sending: dev_queue_xmit() copies the frame into the device's transmit
 * ring and returns once it is queued (0), or a negative errno: -EINVAL for
 * a frame shorter than the 14-byte header or longer than 1514 bytes.
 * Frames shorter than 60 bytes are zero-padded.  When the ring is full the
 * caller sleeps until the device has sent enough (back-pressure), so it
 * must be called from a thread, with no spinlock held.  Frames from one
 * thread leave in order.
 *
 * Receiving: dev_add_pack(type, fn, arg) routes every received frame with
 * that EtherType (host order, e.g. ETH_P_DLM) to fn(dev, frame, len, arg),
 * called from the device's receive thread (process context: it may take
 * mutexes and send frames, but should not block for long, since it holds
 * up the device's receive ring).  The frame is only valid during the call.
 * One handler per EtherType (-EBUSY otherwise).  dev_remove_pack() returns
 * once no call of that handler is running.  Frames of an EtherType nobody
 * registered are counted (rx_unhandled) and dropped; frames for another
 * unicast MAC are dropped.
 *
 * Locking: the handler table is guarded by ptype_lock (an rwsem: delivery
 * takes it for reading); the device list by a spinlock.
 */
#ifndef DRIVERS_NETDEV_H
#define DRIVERS_NETDEV_H

#include <kernel/list.h>
#include <kernel/types.h>
#include <kernel/wait.h>

#define ETH_ALEN 6
#define ETH_HLEN 14
#define ETH_ZLEN 60
#define ETH_DATA_LEN 1500
#define ETH_FRAME_LEN 1514
#define ETH_P_DLM 0x88b5 /* IEEE local experimental 1: the DLM */
#define ETH_P_TEST 0x88b6 /* IEEE local experimental 2: driver tests */
#define IFNAMSIZ 16

struct ethhdr {
	u8 h_dest[ETH_ALEN];
	u8 h_source[ETH_ALEN];
	u16 h_proto; /* big endian */
} __attribute__((packed));

static inline u16 htons(u16 x) { return (u16)(x << 8 | x >> 8); }
static inline u16 ntohs(u16 x) { return htons(x); }

struct net_device;

struct net_device_ops {
	/* Queues a frame of len bytes (padded, checked); may sleep. */
	int (*ndo_start_xmit)(struct net_device *dev, const void *frame, size_t len);
};

struct net_device {
	char name[IFNAMSIZ];
	u8 dev_addr[ETH_ALEN];
	bool carrier; /* link up */
	unsigned int mtu;
	const struct net_device_ops *ops;
	void *priv;
	struct list_head list;
	struct wait_queue_head carrier_wait; /* woken when carrier changes */
	/* statistics, updated atomically */
	u64 tx_packets, tx_bytes, tx_completed, tx_waits;
	u64 rx_packets, rx_bytes, rx_unhandled, rx_dropped;
};

typedef void (*packet_handler_t)(struct net_device *dev, const void *frame, size_t len, void *arg);

int register_netdev(struct net_device *dev);
struct net_device *netdev_get_by_name(const char *name);
/* The nth registered device (0 = first), or NULL. */
struct net_device *netdev_get_nth(int n);
/* Sleeps until the link is up or timeout_ns passes; returns carrier. */
bool netif_wait_carrier(struct net_device *dev, u64 timeout_ns);
/* For drivers: the link changed (any context). */
void netif_carrier_set(struct net_device *dev, bool up);

int dev_queue_xmit(struct net_device *dev, const void *frame, size_t len);
int dev_add_pack(u16 ethertype, packet_handler_t fn, void *arg);
void dev_remove_pack(u16 ethertype);
/* For drivers: hands a received frame to its handler (process context). */
void netif_receive_frame(struct net_device *dev, const void *frame, size_t len);

static inline bool is_broadcast_ether_addr(const u8 *a)
{
	return (a[0] & a[1] & a[2] & a[3] & a[4] & a[5]) == 0xff;
}
static inline bool is_multicast_ether_addr(const u8 *a) { return a[0] & 1; }

#endif
