/*
 * test_ring.c - ktests of the split virtqueue against a simulated device:
 * the test plays the device, walking the available ring and descriptor
 * chains (direct and indirect) and filling the used ring, and checks free
 * descriptor accounting, completion order, notification suppression
 * (VRING_USED_F_NO_NOTIFY and avail_event) and the enable_cb re-check.
 */
#include <drivers/virtio.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/string.h>
#include <x86/layout.h>

static volatile u16 fake_notify;

/* The device side: completes every available request, writing `len` bytes
 * each; checks each chain has `nbufs` buffers laid out as make_bufs does. */
static int device_complete_all(struct virtqueue *vq, u16 *dev_avail, unsigned int nbufs)
{
	int done = 0;

	while (*dev_avail != vq->avail->idx) {
		u16 head = vq->avail->ring[*dev_avail % vq->num];
		struct vring_desc *d = &vq->desc[head], *table = vq->desc;
		unsigned int i = head, n = 0;

		if (d->flags & VRING_DESC_F_INDIRECT) {
			table = __va(d->addr);
			i = 0;
			if (d->len != nbufs * sizeof(struct vring_desc))
				return -1;
		}
		for (;;) {
			struct vring_desc *e = &table[i];

			if (e->addr != 0x1000u * (n + 1) || e->len != 100 + n)
				return -1;
			if (!!(e->flags & VRING_DESC_F_WRITE) != (n >= 1))
				return -1;
			n++;
			if (!(e->flags & VRING_DESC_F_NEXT))
				break;
			i = e->next;
		}
		if (n != nbufs)
			return -1;
		struct vring_used_elem *u = &vq->used->ring[vq->used->idx % vq->num];
		u->id = head;
		u->len = 42;
		vq->used->idx++;
		(*dev_avail)++;
		done++;
	}
	return done;
}

static void make_bufs(struct vq_buf *b, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		b[i].addr = 0x1000u * (i + 1);
		b[i].len = 100 + i;
	}
}

static void ring_test(struct ktest *t, u64 features)
{
	struct virtio_device vdev;
	struct virtqueue *vq;
	struct vq_buf bufs[3];
	int tokens[8], added = 0;
	u16 dev_avail = 0;
	u32 len;

	memset(&vdev, 0, sizeof(vdev));
	strlcpy(vdev.name, "fake", sizeof(vdev.name));
	vdev.features = features;
	vq = vring_create(&vdev, 0, 8, NULL, "test");
	KT_ASSERT(t, vq != NULL, "vring_create");
	vq->notify_addr = &fake_notify;
	make_bufs(bufs, 3);
	while (added < 8 && virtqueue_add(vq, bufs, 1, 2, &tokens[added]) == 0)
		added++;
	/* direct: 3 descriptors each -> 2 fit in 8; indirect: one each */
	KT_ASSERT(t, added == (vq->indirect ? 8 : 2), "added %d", added);
	KT_ASSERT(t, virtqueue_add(vq, bufs, 1, 2, &tokens[0]) == -ENOSPC, "full ring");
	KT_ASSERT(t, virtqueue_add(vq, bufs, 0, 0, &tokens[0]) == -EINVAL, "empty request");
	vq->used->flags = VRING_USED_F_NO_NOTIFY;
	*(u16 *)&vq->used->ring[vq->num] = 0; /* avail_event: notify at the first */
	bool kick = virtqueue_kick_prepare(vq);
	KT_ASSERT(t, kick == vq->event_idx, "kick %d with event_idx %d", kick, vq->event_idx);
	virtqueue_disable_cb(vq);
	KT_ASSERT(t, device_complete_all(vq, &dev_avail, 3) == added, "device walk");
	KT_ASSERT(t, !virtqueue_enable_cb(vq), "enable_cb must see the pending completions");
	for (int i = 0; i < added; i++) {
		int *tok = virtqueue_get_buf(vq, &len);
		KT_ASSERT(t, tok == &tokens[i] && len == 42, "completion %d out of order", i);
	}
	KT_ASSERT(t, virtqueue_get_buf(vq, &len) == NULL, "spurious completion");
	KT_ASSERT(t, virtqueue_num_free(vq) == 8, "free %u", virtqueue_num_free(vq));
	KT_ASSERT(t, virtqueue_enable_cb(vq), "nothing pending");
	/* Reuse after wrap-around of the free list: single-buffer requests. */
	for (int round = 0; round < 20; round++) {
		KT_ASSERT(t, virtqueue_add(vq, bufs, 1, 0, &tokens[round % 8]) == 0, "round %d",
			  round);
		KT_ASSERT(t, device_complete_all(vq, &dev_avail, 1) == 1, "round %d walk", round);
		KT_ASSERT(t, virtqueue_get_buf(vq, &len) == &tokens[round % 8], "round %d", round);
	}
	KT_ASSERT(t, virtqueue_num_free(vq) == 8, "free %u at the end", virtqueue_num_free(vq));
	if (vq->event_idx) {
		/* avail_event behind the new entries: no notification needed */
		virtqueue_add(vq, bufs, 1, 0, &tokens[0]);
		*(u16 *)&vq->used->ring[vq->num] = (u16)(vq->avail_idx + 5);
		KT_ASSERT(t, !virtqueue_kick_prepare(vq), "event index not honoured");
	} else {
		virtqueue_add(vq, bufs, 1, 0, &tokens[0]);
		KT_ASSERT(t, !virtqueue_kick_prepare(vq), "NO_NOTIFY not honoured");
	}
	vring_destroy(vq);
}

KTEST(virtqueue_direct) { ring_test(t, 0); }

KTEST(virtqueue_indirect_event_idx)
{
	ring_test(t, VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC) | VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX));
}
