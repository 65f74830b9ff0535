/*
 * virtio_ring.c - split virtqueues (virtio 1.x section 2.7).
 *
 * One physically contiguous, zeroed allocation holds the descriptor table,
 * the available ring (with used_event after it) and, on the next page
 * boundary, the used ring (with avail_event after it).  Free descriptors
 * form a list through desc[].next starting at free_head; a direct chain
 * takes descriptors off that list in order, so their next fields already
 * link the chain.  An indirect request takes one descriptor pointing at a
 * kmalloc'd table that is freed when the request completes.
 *
 * Ownership: the driver writes desc and avail, the device writes used.
 * Memory order (x86 is TSO, but the compiler is not): the descriptors are
 * written before the ring entry, the ring entry before avail->idx
 * (smp_wmb); avail->idx is published before the decision to notify is read
 * (smp_mb); used->idx is read before the used element (smp_rmb).
 *
 * Locking: none inside; see virtio.h (the driver's lock covers every call
 * except virtqueue_notify).
 */
#include <drivers/virtio.h>
#include <kernel/atomic.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/page.h>
#include <mm/slab.h>

#define used_event(vq) ((vq)->avail->ring[(vq)->num])
#define avail_event(vq) (*(volatile u16 *)&(vq)->used->ring[(vq)->num])

/* The device wants a notification (interrupt) when new_idx passes event
 * since old (virtio 1.x 2.7.10). */
static bool vring_need_event(u16 event, u16 new_idx, u16 old)
{
	return (u16)(new_idx - event - 1) < (u16)(new_idx - old);
}

struct virtqueue *vring_create(struct virtio_device *vdev, unsigned int index, unsigned int num,
			       vq_callback_t *callback, const char *name)
{
	size_t desc_sz = num * sizeof(struct vring_desc);
	size_t avail_sz = sizeof(struct vring_avail) + (num + 1) * sizeof(u16);
	size_t used_off = ALIGN_UP(desc_sz + avail_sz, PAGE_SIZE);
	size_t used_sz = sizeof(struct vring_used) + num * sizeof(struct vring_used_elem) + 2;
	size_t total = used_off + ALIGN_UP(used_sz, PAGE_SIZE);
	unsigned int order = 0;
	struct virtqueue *vq;
	struct page *pg;
	u8 *base;

	if (!num || (num & (num - 1)) || num > 32768)
		return NULL;
	while ((PAGE_SIZE << order) < total)
		order++;
	vq = kzalloc(sizeof(*vq), 0);
	if (!vq)
		return NULL;
	vq->slots = kcalloc(num, sizeof(*vq->slots), 0);
	pg = alloc_pages(__GFP_ZERO, order);
	if (!vq->slots || !pg) {
		kfree(vq->slots);
		kfree(vq);
		if (pg)
			__free_pages(pg, order);
		return NULL;
	}
	base = page_address(pg);
	vq->vdev = vdev;
	vq->index = index;
	vq->name = name;
	vq->callback = callback;
	vq->num = num;
	vq->ring_order = order;
	vq->desc = (struct vring_desc *)base;
	vq->avail = (struct vring_avail *)(base + desc_sz);
	vq->used = (struct vring_used *)(base + used_off);
	vq->desc_pa = page_to_phys(pg);
	vq->avail_pa = vq->desc_pa + desc_sz;
	vq->used_pa = vq->desc_pa + used_off;
	for (unsigned int i = 0; i + 1 < num; i++)
		vq->desc[i].next = (u16)(i + 1);
	vq->free_head = 0;
	vq->num_free = num;
	vq->event_idx = virtio_has_feature(vdev, VIRTIO_RING_F_EVENT_IDX);
	vq->indirect = virtio_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC);
	vq->cb_enabled = true;
	return vq;
}

void vring_destroy(struct virtqueue *vq)
{
	if (!vq)
		return;
	for (unsigned int i = 0; i < vq->num; i++)
		kfree(vq->slots[i].indir);
	__free_pages(virt_to_page(vq->desc), vq->ring_order);
	kfree(vq->slots);
	kfree(vq);
}

static void fill_desc(struct vring_desc *d, const struct vq_buf *b, bool write, bool more)
{
	d->addr = b->addr;
	d->len = b->len;
	d->flags = (u16)((write ? VRING_DESC_F_WRITE : 0) | (more ? VRING_DESC_F_NEXT : 0));
}

int virtqueue_add(struct virtqueue *vq, const struct vq_buf *bufs, unsigned int out,
		  unsigned int in, void *token)
{
	unsigned int total = out + in, head;
	struct vring_desc *indir = NULL;

	if (!total || !token || total > vq->num)
		return -EINVAL;
	if (!vq->num_free)
		return -ENOSPC;
	if (vq->indirect && total > 1)
		indir = kmalloc(total * sizeof(*indir), GFP_ATOMIC);
	head = vq->free_head;
	if (indir) {
		struct vring_desc *d = &vq->desc[head];

		for (unsigned int i = 0; i < total; i++) {
			fill_desc(&indir[i], &bufs[i], i >= out, i + 1 < total);
			indir[i].next = (u16)(i + 1);
		}
		vq->free_head = d->next;
		d->addr = __pa(indir);
		d->len = total * sizeof(*indir);
		d->flags = VRING_DESC_F_INDIRECT;
		vq->num_free--;
		vq->slots[head].ndescs = 1;
	} else {
		unsigned int i = head;

		if (total > vq->num_free)
			return -ENOSPC;
		for (unsigned int k = 0; k < total; k++) {
			fill_desc(&vq->desc[i], &bufs[k], k >= out, k + 1 < total);
			i = vq->desc[i].next;
		}
		vq->free_head = (u16)i;
		vq->num_free -= total;
		vq->slots[head].ndescs = (u16)total;
	}
	vq->slots[head].token = token;
	vq->slots[head].indir = indir;
	vq->avail->ring[vq->avail_idx & (vq->num - 1)] = (u16)head;
	smp_wmb();
	vq->avail_idx++;
	WRITE_ONCE(vq->avail->idx, vq->avail_idx);
	vq->num_added++;
	return 0;
}

bool virtqueue_kick_prepare(struct virtqueue *vq)
{
	u16 new_idx = vq->avail_idx, old = (u16)(new_idx - vq->num_added);

	smp_mb();
	vq->num_added = 0;
	if (new_idx == old)
		return false;
	if (vq->event_idx)
		return vring_need_event(avail_event(vq), new_idx, old);
	return !(READ_ONCE(vq->used->flags) & VRING_USED_F_NO_NOTIFY);
}

void virtqueue_notify(struct virtqueue *vq)
{
	*vq->notify_addr = (u16)vq->index;
	__atomic_fetch_add(&vq->nr_notify, 1, __ATOMIC_RELAXED);
}

bool virtqueue_more_used(const struct virtqueue *vq)
{
	return READ_ONCE(vq->used->idx) != vq->last_used_idx;
}

void *virtqueue_get_buf(struct virtqueue *vq, u32 *len)
{
	struct vq_slot *s;
	unsigned int id, last;
	u32 l;
	void *token;

	if (!virtqueue_more_used(vq))
		return NULL;
	smp_rmb();
	id = READ_ONCE(vq->used->ring[vq->last_used_idx & (vq->num - 1)].id);
	l = READ_ONCE(vq->used->ring[vq->last_used_idx & (vq->num - 1)].len);
	if (id >= vq->num || !vq->slots[id].token) {
		pr_err("virtio %s: device returned a bad descriptor id %u\n", vq->vdev->name, id);
		vq->last_used_idx++;
		return NULL;
	}
	s = &vq->slots[id];
	token = s->token;
	last = id;
	for (unsigned int k = 1; k < s->ndescs; k++)
		last = vq->desc[last].next;
	vq->desc[last].next = vq->free_head;
	vq->free_head = (u16)id;
	vq->num_free += s->ndescs;
	kfree(s->indir);
	s->indir = NULL;
	s->token = NULL;
	vq->last_used_idx++;
	if (vq->event_idx && vq->cb_enabled)
		WRITE_ONCE(used_event(vq), vq->last_used_idx);
	if (len)
		*len = l;
	return token;
}

void virtqueue_disable_cb(struct virtqueue *vq)
{
	vq->cb_enabled = false;
	if (vq->event_idx) {
		/* An event index just behind what we consumed is passed only
		 * after the index wraps: no interrupts until re-enabled. */
		WRITE_ONCE(used_event(vq), (u16)(vq->last_used_idx - 1));
	} else if (!(vq->avail_flags & VRING_AVAIL_F_NO_INTERRUPT)) {
		vq->avail_flags |= VRING_AVAIL_F_NO_INTERRUPT;
		WRITE_ONCE(vq->avail->flags, vq->avail_flags);
	}
}

bool virtqueue_enable_cb(struct virtqueue *vq)
{
	vq->cb_enabled = true;
	if (vq->event_idx) {
		WRITE_ONCE(used_event(vq), vq->last_used_idx);
	} else if (vq->avail_flags & VRING_AVAIL_F_NO_INTERRUPT) {
		vq->avail_flags &= (u16)~VRING_AVAIL_F_NO_INTERRUPT;
		WRITE_ONCE(vq->avail->flags, vq->avail_flags);
	}
	smp_mb();
	return !virtqueue_more_used(vq);
}

bool virtqueue_enable_cb_delayed(struct virtqueue *vq)
{
	u16 bufs;

	if (!vq->event_idx)
		return virtqueue_enable_cb(vq);
	/* cb_enabled stays false so get_buf does not move the event back. */
	bufs = (u16)((u16)(vq->avail_idx - vq->last_used_idx) * 3 / 4);
	WRITE_ONCE(used_event(vq), (u16)(vq->last_used_idx + bufs));
	smp_mb();
	return (u16)(READ_ONCE(vq->used->idx) - vq->last_used_idx) <= bufs;
}

unsigned int virtqueue_num_free(const struct virtqueue *vq) { return vq->num_free; }

void vring_interrupt(struct virtqueue *vq)
{
	vq->nr_interrupts++;
	if (vq->callback)
		vq->callback(vq);
}
