/*
 * virtio_net.c - the virtio network device driver (virtio 1.x section 5.1),
 * without offloads: one receive and one transmit queue, whole Ethernet
 * frames behind a 12-byte virtio_net_hdr that is always zero on transmit.
 *
 * Receive: the ring is kept full of 2 KiB buffers (header + 1514-byte frame
 * + slack).  The queue's interrupt only disables further receive
 * interrupts and wakes the device's receive thread, which drains the ring
 * NAPI-style: it hands each frame to netif_receive_frame() (the EtherType
 * handlers run in this thread), puts the same buffer straight back in the
 * ring, and re-arms the interrupt when the ring is empty (re-checking for
 * a frame that raced the re-arm).
 *
 * Transmit: a frame is copied into a kmalloc'd buffer (so the caller's
 * frame may be reused at once) and queued.  Transmit interrupts stay off
 * while nobody waits: completed buffers are reclaimed by the next send.  A
 * sender that finds the ring full reclaims, asks for an interrupt after
 * about 3/4 of the ring has been sent (event index) and sleeps on tx_wait:
 * that is the back-pressure.
 *
 * Link: with VIRTIO_NET_F_STATUS the link state is read at probe time and
 * on every configuration interrupt; without it the link is always up.  The
 * MAC comes from the device (VIRTIO_NET_F_MAC) or is made up (locally
 * administered).
 *
 * Locking: rx_lock guards the receive queue, tx_lock the transmit queue
 * (both IRQ-safe, never nested); the device is notified outside them.
 */
#include <drivers/netdev.h>
#include <drivers/virtio.h>
#include <kernel/errno.h>
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/wait.h>
#include <mm/slab.h>
#include <x86/asm.h>
#include <x86/layout.h>

#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_STATUS 16
#define VIRTIO_NET_S_LINK_UP 1
#define VNET_CFG_MAC 0
#define VNET_CFG_STATUS 6

#define VNET_HDR_LEN 12 /* struct virtio_net_hdr_v1, no offloads */
#define RX_BUF_SIZE 2048

struct virtnet {
	struct net_device dev;
	struct virtio_device *vdev;
	struct virtqueue *rvq, *svq;
	spinlock_t rx_lock, tx_lock;
	struct wait_queue_head rx_wait, tx_wait;
	bool rx_pending;
	struct task_struct *rx_thread;
};

static int virtnet_index;

/* Caller holds rx_lock. */
static int virtnet_add_rxbuf(struct virtnet *vi, void *buf)
{
	struct vq_buf b = { __pa(buf), RX_BUF_SIZE };

	return virtqueue_add(vi->rvq, &b, 0, 1, buf);
}

static void virtnet_rx_irq(struct virtqueue *vq)
{
	struct virtnet *vi = vq->vdev->priv;
	unsigned long flags = spin_lock_irqsave(&vi->rx_lock);

	virtqueue_disable_cb(vq);
	spin_unlock_irqrestore(&vi->rx_lock, flags);
	WRITE_ONCE(vi->rx_pending, true);
	wake_up(&vi->rx_wait);
}

static int virtnet_rx_thread(void *arg)
{
	struct virtnet *vi = arg;

	for (;;) {
		wait_event(vi->rx_wait, READ_ONCE(vi->rx_pending));
		WRITE_ONCE(vi->rx_pending, false);
		for (;;) {
			unsigned long flags = spin_lock_irqsave(&vi->rx_lock);
			u32 len = 0;
			u8 *buf = virtqueue_get_buf(vi->rvq, &len);
			bool kick;

			if (!buf) {
				bool empty = virtqueue_enable_cb(vi->rvq);

				if (!empty)
					virtqueue_disable_cb(vi->rvq);
				spin_unlock_irqrestore(&vi->rx_lock, flags);
				if (empty)
					break;
				continue;
			}
			spin_unlock_irqrestore(&vi->rx_lock, flags);
			if (len > VNET_HDR_LEN && len <= RX_BUF_SIZE)
				netif_receive_frame(&vi->dev, buf + VNET_HDR_LEN,
						    len - VNET_HDR_LEN);
			else
				__atomic_fetch_add(&vi->dev.rx_dropped, 1, __ATOMIC_RELAXED);
			flags = spin_lock_irqsave(&vi->rx_lock);
			if (virtnet_add_rxbuf(vi, buf) < 0)
				kfree(buf); /* cannot happen: its slot was just freed */
			kick = virtqueue_kick_prepare(vi->rvq);
			spin_unlock_irqrestore(&vi->rx_lock, flags);
			if (kick)
				virtqueue_notify(vi->rvq);
		}
	}
	return 0;
}

/* Caller holds tx_lock. */
static void virtnet_tx_reclaim(struct virtnet *vi)
{
	void *buf;
	u64 n = 0;

	while ((buf = virtqueue_get_buf(vi->svq, NULL))) {
		kfree(buf);
		n++;
	}
	if (n)
		__atomic_fetch_add(&vi->dev.tx_completed, n, __ATOMIC_RELAXED);
}

static void virtnet_tx_irq(struct virtqueue *vq)
{
	struct virtnet *vi = vq->vdev->priv;
	unsigned long flags = spin_lock_irqsave(&vi->tx_lock);

	virtqueue_disable_cb(vq);
	spin_unlock_irqrestore(&vi->tx_lock, flags);
	wake_up_all(&vi->tx_wait);
}

static int virtnet_xmit(struct net_device *dev, const void *frame, size_t len)
{
	struct virtnet *vi = dev->priv;
	size_t flen = len < ETH_ZLEN ? ETH_ZLEN : len;
	u8 *buf = kmalloc(VNET_HDR_LEN + flen, 0);
	struct vq_buf b;
	unsigned long flags;
	bool kick;
	int err;

	if (!buf)
		return -ENOMEM;
	memset(buf, 0, VNET_HDR_LEN);
	memcpy(buf + VNET_HDR_LEN, frame, len);
	if (flen > len)
		memset(buf + VNET_HDR_LEN + len, 0, flen - len);
	b.addr = __pa(buf);
	b.len = (u32)(VNET_HDR_LEN + flen);
	flags = spin_lock_irqsave(&vi->tx_lock);
	for (;;) {
		DEFINE_WAIT(w);

		virtnet_tx_reclaim(vi);
		err = virtqueue_add(vi->svq, &b, 1, 0, buf);
		if (err != -ENOSPC)
			break;
		/* Ring full: interrupt me once a good part of it is sent. */
		if (!virtqueue_enable_cb_delayed(vi->svq)) {
			virtqueue_disable_cb(vi->svq);
			continue; /* already sent meanwhile: reclaim again */
		}
		__atomic_fetch_add(&dev->tx_waits, 1, __ATOMIC_RELAXED);
		prepare_to_wait(&vi->tx_wait, &w, TASK_UNINTERRUPTIBLE);
		spin_unlock_irqrestore(&vi->tx_lock, flags);
		schedule();
		finish_wait(&vi->tx_wait, &w);
		flags = spin_lock_irqsave(&vi->tx_lock);
	}
	kick = !err && virtqueue_kick_prepare(vi->svq);
	spin_unlock_irqrestore(&vi->tx_lock, flags);
	if (err) {
		kfree(buf);
		return err;
	}
	if (kick)
		virtqueue_notify(vi->svq);
	__atomic_fetch_add(&dev->tx_packets, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&dev->tx_bytes, len, __ATOMIC_RELAXED);
	return 0;
}

static const struct net_device_ops virtnet_ops = {
	.ndo_start_xmit = virtnet_xmit,
};

static void virtnet_config_changed(struct virtio_device *vdev)
{
	struct virtnet *vi = vdev->priv;

	if (vi && virtio_has_feature(vdev, VIRTIO_NET_F_STATUS))
		netif_carrier_set(&vi->dev,
				  virtio_cread16(vdev, VNET_CFG_STATUS) & VIRTIO_NET_S_LINK_UP);
}

static int virtnet_probe(struct virtio_device *vdev)
{
	vq_callback_t *cbs[] = { virtnet_rx_irq, virtnet_tx_irq };
	const char *const names[] = { "rx", "tx" };
	struct virtqueue *vqs[2];
	struct virtnet *vi;
	unsigned long flags;
	int err, nbufs = 0;

	err = virtio_negotiate(vdev, VIRTIO_BIT(VIRTIO_NET_F_MAC) |
					     VIRTIO_BIT(VIRTIO_NET_F_STATUS) |
					     VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX));
	if (err)
		return err;
	vi = kzalloc(sizeof(*vi), 0);
	if (!vi)
		return -ENOMEM;
	vi->vdev = vdev;
	spin_lock_init(&vi->rx_lock);
	spin_lock_init(&vi->tx_lock);
	init_waitqueue_head(&vi->rx_wait);
	init_waitqueue_head(&vi->tx_wait);
	init_waitqueue_head(&vi->dev.carrier_wait);
	snprintf(vi->dev.name, sizeof(vi->dev.name), "eth%d",
		 __atomic_fetch_add(&virtnet_index, 1, __ATOMIC_RELAXED));
	if (virtio_has_feature(vdev, VIRTIO_NET_F_MAC)) {
		for (int i = 0; i < ETH_ALEN; i++)
			vi->dev.dev_addr[i] = virtio_cread8(vdev, VNET_CFG_MAC + i);
	} else {
		u64 r = rdtsc() * 0x9e3779b97f4a7c15ULL;

		for (int i = 0; i < ETH_ALEN; i++)
			vi->dev.dev_addr[i] = (u8)(r >> (8 * i));
		vi->dev.dev_addr[0] = (u8)((vi->dev.dev_addr[0] & 0xfe) | 0x02);
	}
	vi->dev.mtu = ETH_DATA_LEN;
	vi->dev.ops = &virtnet_ops;
	vi->dev.priv = vi;
	vdev->priv = vi;
	vdev->config_changed = virtnet_config_changed;
	err = virtio_find_vqs(vdev, 2, vqs, cbs, names);
	if (err)
		return err;
	vi->rvq = vqs[0];
	vi->svq = vqs[1];
	virtqueue_disable_cb(vi->svq); /* no transmit interrupts until a sender waits */
	flags = spin_lock_irqsave(&vi->rx_lock);
	for (unsigned int i = 0; i < vi->rvq->num; i++) {
		void *buf = kmalloc(RX_BUF_SIZE, 0);

		if (!buf || virtnet_add_rxbuf(vi, buf) < 0) {
			kfree(buf);
			break;
		}
		nbufs++;
	}
	spin_unlock_irqrestore(&vi->rx_lock, flags);
	if (!nbufs)
		return -ENOMEM;
	vi->rx_thread = kthread_run(virtnet_rx_thread, vi, "virtio-net-rx");
	if (!vi->rx_thread)
		return -ENOMEM;
	vi->dev.carrier = !virtio_has_feature(vdev, VIRTIO_NET_F_STATUS) ||
			  (virtio_cread16(vdev, VNET_CFG_STATUS) & VIRTIO_NET_S_LINK_UP);
	virtio_device_ready(vdev);
	flags = spin_lock_irqsave(&vi->rx_lock);
	virtqueue_kick_prepare(vi->rvq);
	spin_unlock_irqrestore(&vi->rx_lock, flags);
	virtqueue_notify(vi->rvq);
	return register_netdev(&vi->dev);
}

static struct virtio_driver virtio_net_driver = {
	.name = "virtio-net",
	.device_id = VIRTIO_ID_NET,
	.probe = virtnet_probe,
};

static int virtio_net_init(void) { return virtio_register_driver(&virtio_net_driver); }
device_initcall(virtio_net_init);
