/*
 * netdev.c - network devices: the registry, frame transmission checks and
 * receive dispatch by EtherType.
 *
 * Handlers live in a small table guarded by ptype_lock (an rwsem): delivery
 * holds it for reading around the handler call, so dev_remove_pack() (a
 * writer) returns only when no call is running.  A handler must therefore
 * not call dev_add_pack()/dev_remove_pack() itself.  The device list is
 * guarded by netdev_lock (a spinlock); devices are never removed.
 */
#include <drivers/netdev.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/rwsem.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/time.h>

#define MAX_PTYPES 16

struct packet_type {
	u16 type;
	packet_handler_t fn;
	void *arg;
};

static DECLARE_RWSEM(ptype_lock);
static struct packet_type ptypes[MAX_PTYPES];
static DEFINE_SPINLOCK(netdev_lock);
static LIST_HEAD(netdev_list);

int register_netdev(struct net_device *dev)
{
	spin_lock(&netdev_lock);
	list_add_tail(&dev->list, &netdev_list);
	spin_unlock(&netdev_lock);
	printk(KERN_INFO "net %s: MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s\n", dev->name,
	       dev->dev_addr[0], dev->dev_addr[1], dev->dev_addr[2], dev->dev_addr[3],
	       dev->dev_addr[4], dev->dev_addr[5], dev->carrier ? "up" : "down");
	return 0;
}

struct net_device *netdev_get_by_name(const char *name)
{
	struct net_device *d, *found = NULL;

	spin_lock(&netdev_lock);
	list_for_each_entry(d, &netdev_list, list) {
		if (strcmp(d->name, name) == 0) {
			found = d;
			break;
		}
	}
	spin_unlock(&netdev_lock);
	return found;
}

struct net_device *netdev_get_nth(int n)
{
	struct net_device *d, *found = NULL;

	spin_lock(&netdev_lock);
	list_for_each_entry(d, &netdev_list, list) {
		if (n-- == 0) {
			found = d;
			break;
		}
	}
	spin_unlock(&netdev_lock);
	return found;
}

void netif_carrier_set(struct net_device *dev, bool up)
{
	if (READ_ONCE(dev->carrier) == up)
		return;
	WRITE_ONCE(dev->carrier, up);
	printk(KERN_INFO "net %s: link %s\n", dev->name, up ? "up" : "down");
	wake_up_all(&dev->carrier_wait);
}

bool netif_wait_carrier(struct net_device *dev, u64 timeout_ns)
{
	return wait_event_timeout(dev->carrier_wait, READ_ONCE(dev->carrier), timeout_ns);
}

int dev_queue_xmit(struct net_device *dev, const void *frame, size_t len)
{
	if (len < ETH_HLEN || len > ETH_FRAME_LEN)
		return -EINVAL;
	return dev->ops->ndo_start_xmit(dev, frame, len);
}

int dev_add_pack(u16 ethertype, packet_handler_t fn, void *arg)
{
	int free = -1, err = 0;

	down_write(&ptype_lock);
	for (int i = 0; i < MAX_PTYPES; i++) {
		if (ptypes[i].fn && ptypes[i].type == ethertype)
			err = -EBUSY;
		if (!ptypes[i].fn && free < 0)
			free = i;
	}
	if (!err && free < 0)
		err = -ENOSPC;
	if (!err) {
		ptypes[free].type = ethertype;
		ptypes[free].arg = arg;
		ptypes[free].fn = fn;
	}
	up_write(&ptype_lock);
	return err;
}

void dev_remove_pack(u16 ethertype)
{
	down_write(&ptype_lock);
	for (int i = 0; i < MAX_PTYPES; i++)
		if (ptypes[i].fn && ptypes[i].type == ethertype)
			ptypes[i].fn = NULL;
	up_write(&ptype_lock);
}

void netif_receive_frame(struct net_device *dev, const void *frame, size_t len)
{
	const struct ethhdr *eh = frame;
	u16 type;
	bool handled = false;

	if (len < ETH_HLEN) {
		__atomic_fetch_add(&dev->rx_dropped, 1, __ATOMIC_RELAXED);
		return;
	}
	if (!is_multicast_ether_addr(eh->h_dest) && memcmp(eh->h_dest, dev->dev_addr, ETH_ALEN)) {
		__atomic_fetch_add(&dev->rx_dropped, 1, __ATOMIC_RELAXED);
		return; /* unicast for somebody else (the device is promiscuous) */
	}
	__atomic_fetch_add(&dev->rx_packets, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&dev->rx_bytes, len, __ATOMIC_RELAXED);
	type = ntohs(eh->h_proto);
	down_read(&ptype_lock);
	for (int i = 0; i < MAX_PTYPES; i++) {
		if (ptypes[i].fn && ptypes[i].type == type) {
			ptypes[i].fn(dev, frame, len, ptypes[i].arg);
			handled = true;
			break;
		}
	}
	up_read(&ptype_lock);
	if (!handled)
		__atomic_fetch_add(&dev->rx_unhandled, 1, __ATOMIC_RELAXED);
}
