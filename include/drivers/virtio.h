/*
 * virtio.h - virtio 1.x devices over the modern PCI transport, and split
 * virtqueues (drivers/virtio/).
 *
 * A device driver (virtio-blk, virtio-net) registers a struct
 * virtio_driver for a device type; the PCI transport binds it to every
 * matching device (PCI vendor 0x1af4, device 0x1040 + type, or a
 * transitional 0x1000-0x103f id that also has the modern capabilities; a
 * legacy-only device is refused with a message).  probe() then:
 *   1. virtio_negotiate(vdev, wanted): VIRTIO_F_VERSION_1 is always
 *      required (a device without it is refused: -ENODEV), the accepted
 *      features are vdev->features;
 *   2. reads its configuration with virtio_cread*();
 *   3. virtio_find_vqs(): sets up its virtqueues and their interrupts
 *      (MSI-X: one vector for configuration changes and one per queue;
 *      else one shared MSI-X vector; else INTx);
 *   4. virtio_device_ready(): DRIVER_OK; from now on callbacks may run.
 * On failure it returns a negative errno and the transport resets the
 * device and marks it FAILED.
 *
 * Virtqueues: a queue is NOT internally locked.  The driver serialises
 * every call on one queue with its own IRQ-safe lock, except
 * virtqueue_notify(), which may run after dropping it.  The callback runs
 * in interrupt context (interrupts off, must not sleep).  Buffers are given
 * as physical address ranges: device-readable ones ("out") first, then
 * device-writable ones ("in"); a request of several buffers becomes a
 * descriptor chain, or one indirect descriptor when the device offers
 * VIRTIO_RING_F_INDIRECT_DESC and memory allows, so a request then takes
 * one ring slot and the queue depth is the ring size.
 * Event suppression: virtqueue_disable_cb() asks the device for no
 * interrupts (VIRTQ_AVAIL_F_NO_INTERRUPT, or a used_event far behind when
 * VIRTIO_RING_F_EVENT_IDX is negotiated); virtqueue_enable_cb() re-arms
 * them and returns false when buffers completed meanwhile (the caller must
 * then poll again); virtqueue_enable_cb_delayed() asks for an interrupt
 * only after about 3/4 of the outstanding buffers (event index), and
 * notifications to the device honour VIRTQ_USED_F_NO_NOTIFY / avail_event.
 */
#ifndef DRIVERS_VIRTIO_H
#define DRIVERS_VIRTIO_H

#include <kernel/list.h>
#include <kernel/types.h>

struct pci_dev;

/* Device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED 128

/* Transport and ring feature bits. */
#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_ACCESS_PLATFORM 33
#define VIRTIO_BIT(b) (1ULL << (b))

/* Device types. */
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2

/* Split ring layout (virtio 1.x section 2.7), little endian. */
#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2
#define VRING_DESC_F_INDIRECT 4
#define VRING_AVAIL_F_NO_INTERRUPT 1
#define VRING_USED_F_NO_NOTIFY 1

struct vring_desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};

struct vring_avail {
	u16 flags;
	u16 idx;
	u16 ring[]; /* then u16 used_event */
};

struct vring_used_elem {
	u32 id;
	u32 len;
};

struct vring_used {
	u16 flags;
	u16 idx;
	struct vring_used_elem ring[]; /* then u16 avail_event */
};

struct virtqueue;
struct virtio_device;
typedef void vq_callback_t(struct virtqueue *vq);

/* One buffer of a request: a physically contiguous range. */
struct vq_buf {
	phys_addr_t addr;
	u32 len;
};

struct virtqueue {
	struct virtio_device *vdev;
	unsigned int index;
	const char *name;
	vq_callback_t *callback;
	void *priv; /* for the driver */
	unsigned int num; /* ring size (a power of two) */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	phys_addr_t desc_pa, avail_pa, used_pa;
	unsigned int ring_order; /* pages of the ring allocation */
	volatile u16 *notify_addr;
	u16 free_head;
	unsigned int num_free;
	u16 avail_idx; /* shadow of avail->idx */
	u16 last_used_idx;
	u16 num_added; /* since the last kick */
	u16 avail_flags;
	bool event_idx, indirect, cb_enabled;
	struct vq_slot {
		void *token;
		struct vring_desc *indir; /* kmalloc'd table, or NULL */
		u16 ndescs;
	} * slots; /* by head descriptor */
	u64 nr_notify, nr_interrupts;
};

struct virtio_pci_cfg; /* transport private */

struct virtio_device {
	u32 id; /* device type: VIRTIO_ID_* */
	char name[24];
	u64 features; /* negotiated */
	u64 device_features;
	struct pci_dev *pdev;
	const struct virtio_driver *driver;
	void *priv; /* for the driver */
	unsigned int nvqs;
	struct virtqueue **vqs;
	/* called in interrupt context when the device configuration changes */
	void (*config_changed)(struct virtio_device *vdev);
	/* transport state (drivers/virtio/virtio_pci.c) */
	volatile u8 *common, *isr, *devcfg, *notify_base;
	u32 devcfg_len, notify_mult;
	bool msix, msix_shared;
	struct list_head list;
};

struct virtio_driver {
	const char *name;
	u32 device_id; /* VIRTIO_ID_* */
	int (*probe)(struct virtio_device *vdev);
	struct list_head list;
};

static inline bool virtio_has_feature(const struct virtio_device *vdev, unsigned int bit)
{
	return (vdev->features >> bit) & 1;
}

/* Registers a driver; probes every unclaimed device of its type now and
 * every later one.  Runs probe() from the caller's thread. */
int virtio_register_driver(struct virtio_driver *drv);

/* Negotiates wanted (plus VIRTIO_F_VERSION_1) with the device; sets
 * FEATURES_OK.  0 or -ENODEV (no VERSION_1, or the device refused). */
int virtio_negotiate(struct virtio_device *vdev, u64 wanted);
int virtio_find_vqs(struct virtio_device *vdev, unsigned int nvqs, struct virtqueue *vqs[],
		    vq_callback_t *callbacks[], const char *const names[]);
void virtio_device_ready(struct virtio_device *vdev);
u8 virtio_get_status(struct virtio_device *vdev);

/* Device configuration space (device-specific layout). */
u8 virtio_cread8(struct virtio_device *vdev, unsigned int off);
u16 virtio_cread16(struct virtio_device *vdev, unsigned int off);
u32 virtio_cread32(struct virtio_device *vdev, unsigned int off);
u64 virtio_cread64(struct virtio_device *vdev, unsigned int off);

/* Virtqueues (drivers/virtio/virtio_ring.c). */
struct virtqueue *vring_create(struct virtio_device *vdev, unsigned int index, unsigned int num,
			       vq_callback_t *callback, const char *name);
void vring_destroy(struct virtqueue *vq);
/* 0, -ENOSPC when the ring has no room, -EINVAL for a bad request. */
int virtqueue_add(struct virtqueue *vq, const struct vq_buf *bufs, unsigned int out,
		  unsigned int in, void *token);
/* Returns true when the device must be notified (call virtqueue_notify). */
bool virtqueue_kick_prepare(struct virtqueue *vq);
void virtqueue_notify(struct virtqueue *vq);
/* Next completed request's token (and bytes written into it), or NULL. */
void *virtqueue_get_buf(struct virtqueue *vq, u32 *len);
bool virtqueue_more_used(const struct virtqueue *vq);
void virtqueue_disable_cb(struct virtqueue *vq);
bool virtqueue_enable_cb(struct virtqueue *vq);
bool virtqueue_enable_cb_delayed(struct virtqueue *vq);
unsigned int virtqueue_num_free(const struct virtqueue *vq);
/* Called by the transport when the queue's interrupt fires. */
void vring_interrupt(struct virtqueue *vq);

#endif
