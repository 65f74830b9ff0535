/*
 * virtio_blk.c - the virtio block device driver (virtio 1.x section 5.2).
 *
 * Each bio becomes one request: a device-readable header (type, sector), the
 * bio's segments in place (page_to_phys(page) + offset: no copy; readable
 * by the device for a write, writable for a read) and a one-byte status the
 * device writes.  With VIRTIO_RING_F_INDIRECT_DESC a request takes one ring
 * slot, so the queue depth is the ring size (256 on QEMU); without it a
 * request of n segments takes n + 2 descriptors.  A submitter that finds
 * the ring full sleeps on wait_room (exclusive, FIFO) until completions
 * free room: submit_bio() may sleep, which is the back-pressure.
 *
 * Completion is interrupt driven: the queue's interrupt collects finished
 * requests (with interrupts suppressed while it drains, re-armed with the
 * usual re-check), then outside the lock maps the status (OK -> 0, UNSUPP
 * -> -EOPNOTSUPP, anything else -> -EIO) and calls each bio's bi_end_io.
 * Flush is VIRTIO_BLK_T_FLUSH when VIRTIO_BLK_F_FLUSH was negotiated;
 * without it the device has no volatile cache and a flush completes at
 * once.  VIRTIO_BLK_F_RO makes the block device read-only (submit_bio
 * refuses writes with -EROFS before they get here).
 *
 * Locking: vb->lock (IRQ-safe spinlock) guards the virtqueue and inflight;
 * the device is notified after dropping it.  bi_end_io runs without it.
 */
#include <drivers/blkdev.h>
#include <drivers/virtio.h>
#include <kernel/errno.h>
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <kernel/wait.h>
#include <mm/page.h>
#include <mm/slab.h>

#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9

/* struct virtio_blk_config offsets */
#define VBLK_CFG_CAPACITY 0
#define VBLK_CFG_SIZE_MAX 8
#define VBLK_CFG_SEG_MAX 12
#define VBLK_CFG_BLK_SIZE 20

#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#define VBLK_MAX_SEGMENTS 256

#define VIRTBLK_FEATURES                                                            \
	(VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) |     \
	 VIRTIO_BIT(VIRTIO_BLK_F_RO) | VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |          \
	 VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) | VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC) | \
	 VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX))

struct virtio_blk_outhdr {
	u32 type;
	u32 ioprio;
	u64 sector;
};

struct virtblk {
	struct block_device bdev;
	struct virtio_device *vdev;
	struct virtqueue *vq;
	spinlock_t lock;
	struct wait_queue_head wait_room;
	unsigned int inflight;
	bool flush;
};

struct virtblk_req {
	struct virtio_blk_outhdr hdr;
	u8 status;
	struct bio *bio;
	struct virtblk_req *next_done;
	struct vq_buf bufs[];
};

static int virtblk_index;

static int virtblk_status(u8 status)
{
	if (status == VIRTIO_BLK_S_OK)
		return 0;
	return status == VIRTIO_BLK_S_UNSUPP ? -EOPNOTSUPP : -EIO;
}

static void virtblk_done(struct virtqueue *vq)
{
	struct virtblk *vb = vq->vdev->priv;
	struct virtblk_req *done = NULL, **tail = &done, *req;
	unsigned int n = 0;
	unsigned long flags;
	u32 len;

	flags = spin_lock_irqsave(&vb->lock);
	do {
		virtqueue_disable_cb(vq);
		while ((req = virtqueue_get_buf(vq, &len))) {
			req->next_done = NULL;
			*tail = req;
			tail = &req->next_done;
			n++;
		}
	} while (!virtqueue_enable_cb(vq));
	vb->inflight -= n;
	spin_unlock_irqrestore(&vb->lock, flags);
	while (done) {
		struct bio *bio;
		int err;

		req = done;
		done = req->next_done;
		bio = req->bio;
		err = virtblk_status(req->status);
		if (err)
			pr_err("blk %s: %s of sector %llu failed: device status %u\n",
			       vb->bdev.bd_name,
			       bio->bi_op == REQ_OP_READ  ? "read" :
			       bio->bi_op == REQ_OP_WRITE ? "write" :
							    "flush",
			       (unsigned long long)bio->bi_sector, req->status);
		kfree(req);
		bio_endio(bio, err);
	}
	if (n && waitqueue_active(&vb->wait_room))
		wake_up_nr(&vb->wait_room, (int)n);
}

static void virtblk_submit_bio(struct bio *bio)
{
	struct virtblk *vb = bio->bi_bdev->bd_private;
	unsigned int n = bio->bi_vcnt, out, in;
	struct virtblk_req *req;
	unsigned long flags;
	bool kick;
	int err;

	if (bio->bi_op == REQ_OP_FLUSH && !vb->flush) {
		bio_endio(bio, 0); /* no volatile cache: writes are durable */
		return;
	}
	req = kmalloc(sizeof(*req) + (n + 2) * sizeof(struct vq_buf), 0);
	if (!req) {
		bio_endio(bio, -ENOMEM);
		return;
	}
	req->bio = bio;
	req->status = 0xff;
	req->hdr.ioprio = 0;
	req->hdr.sector = bio->bi_op == REQ_OP_FLUSH ? 0 : bio->bi_sector;
	req->hdr.type = bio->bi_op == REQ_OP_READ  ? VIRTIO_BLK_T_IN :
			bio->bi_op == REQ_OP_WRITE ? VIRTIO_BLK_T_OUT :
						     VIRTIO_BLK_T_FLUSH;
	req->bufs[0].addr = __pa(&req->hdr);
	req->bufs[0].len = sizeof(req->hdr);
	for (unsigned int i = 0; i < n; i++) {
		const struct bio_vec *bv = &bio->bi_io_vec[i];

		req->bufs[1 + i].addr = page_to_phys(bv->bv_page) + bv->bv_offset;
		req->bufs[1 + i].len = bv->bv_len;
	}
	req->bufs[n + 1].addr = __pa(&req->status);
	req->bufs[n + 1].len = 1;
	out = 1 + (bio->bi_op == REQ_OP_WRITE ? n : 0);
	in = (bio->bi_op == REQ_OP_READ ? n : 0) + 1;

	flags = spin_lock_irqsave(&vb->lock);
	while ((err = virtqueue_add(vb->vq, req->bufs, out, in, req)) == -ENOSPC) {
		DEFINE_WAIT(w);

		/* On the wait queue before the lock goes: no lost wake-up. */
		prepare_to_wait_exclusive(&vb->wait_room, &w, TASK_UNINTERRUPTIBLE);
		spin_unlock_irqrestore(&vb->lock, flags);
		schedule();
		finish_wait(&vb->wait_room, &w);
		flags = spin_lock_irqsave(&vb->lock);
	}
	if (err) {
		spin_unlock_irqrestore(&vb->lock, flags);
		kfree(req);
		bio_endio(bio, err == -EINVAL ? -EINVAL : -EIO);
		return;
	}
	vb->inflight++;
	kick = virtqueue_kick_prepare(vb->vq);
	spin_unlock_irqrestore(&vb->lock, flags);
	if (kick)
		virtqueue_notify(vb->vq);
}

static const struct block_device_operations virtblk_ops = {
	.submit_bio = virtblk_submit_bio,
};

static int virtblk_probe(struct virtio_device *vdev)
{
	vq_callback_t *cbs[] = { virtblk_done };
	const char *const names[] = { "requests" };
	struct virtqueue *vq;
	struct virtblk *vb;
	u32 seg_max = 126, blk_size = SECTOR_SIZE;
	int err;

	err = virtio_negotiate(vdev, VIRTBLK_FEATURES);
	if (err)
		return err;
	vb = kzalloc(sizeof(*vb), 0);
	if (!vb)
		return -ENOMEM;
	spin_lock_init(&vb->lock);
	init_waitqueue_head(&vb->wait_room);
	vb->vdev = vdev;
	vdev->priv = vb;
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_SEG_MAX) &&
	    virtio_cread32(vdev, VBLK_CFG_SEG_MAX))
		seg_max = virtio_cread32(vdev, VBLK_CFG_SEG_MAX);
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_BLK_SIZE))
		blk_size = virtio_cread32(vdev, VBLK_CFG_BLK_SIZE);
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_SIZE_MAX) &&
	    virtio_cread32(vdev, VBLK_CFG_SIZE_MAX) < PAGE_SIZE)
		pr_warn("virtio-blk %s: size_max %u is below a page: not supported\n", vdev->name,
			virtio_cread32(vdev, VBLK_CFG_SIZE_MAX));
	err = virtio_find_vqs(vdev, 1, &vq, cbs, names);
	if (err)
		return err; /* vb stays: the transport may still reach vdev->priv */
	vb->vq = vq;
	vb->flush = virtio_has_feature(vdev, VIRTIO_BLK_F_FLUSH);
	if (seg_max > VBLK_MAX_SEGMENTS)
		seg_max = VBLK_MAX_SEGMENTS;
	if (seg_max > vq->num - 2)
		seg_max = vq->num - 2;
	blkdev_format_name(vb->bdev.bd_name, sizeof(vb->bdev.bd_name), "vd",
			   __atomic_fetch_add(&virtblk_index, 1, __ATOMIC_RELAXED));
	vb->bdev.bd_nr_sectors = virtio_cread64(vdev, VBLK_CFG_CAPACITY);
	vb->bdev.bd_read_only = virtio_has_feature(vdev, VIRTIO_BLK_F_RO);
	vb->bdev.bd_write_cache = vb->flush;
	vb->bdev.bd_logical_block_size = blk_size;
	vb->bdev.bd_max_segments = seg_max;
	vb->bdev.bd_queue_depth = vq->indirect ? vq->num : vq->num / 3;
	vb->bdev.bd_ops = &virtblk_ops;
	vb->bdev.bd_private = vb;
	if (blk_size != SECTOR_SIZE)
		pr_warn("blk %s: logical block size %u (requests must be multiples of it)\n",
			vb->bdev.bd_name, blk_size);
	virtio_device_ready(vdev);
	return blkdev_register(&vb->bdev);
}

static struct virtio_driver virtio_blk_driver = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.probe = virtblk_probe,
};

static int virtio_blk_init(void) { return virtio_register_driver(&virtio_blk_driver); }
device_initcall(virtio_blk_init);
