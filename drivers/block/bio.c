/*
 * bio.c - bios: allocation, the checks every request passes before a
 * driver sees it, completion and the synchronous helpers.
 *
 * submit_bio() refuses a malformed or out-of-range request itself (see
 * blkdev.h for the rules and the errors), so drivers only ever see bios
 * that fit the device.  A bio is owned by its submitter; the block layer
 * and the driver only read its vector and set bi_status.  No locks here.
 */
#include <drivers/blkdev.h>
#include <kernel/completion.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/page.h>
#include <mm/slab.h>

void bio_init(struct bio *bio, struct block_device *bdev, struct bio_vec *table,
	      unsigned int max_vecs, enum req_op op)
{
	memset(bio, 0, sizeof(*bio));
	bio->bi_bdev = bdev;
	bio->bi_op = op;
	bio->bi_io_vec = table;
	bio->bi_max_vecs = (unsigned short)max_vecs;
}

struct bio *bio_alloc(struct block_device *bdev, unsigned int nr_vecs, enum req_op op)
{
	struct bio *bio;

	if (nr_vecs > 0xffff)
		return NULL;
	bio = kmalloc(sizeof(*bio) + nr_vecs * sizeof(struct bio_vec), 0);
	if (bio)
		bio_init(bio, bdev, bio->bi_inline_vecs, nr_vecs, op);
	return bio;
}

void bio_put(struct bio *bio) { kfree(bio); }

bool bio_add_page(struct bio *bio, struct page *page, unsigned int len, unsigned int offset)
{
	struct bio_vec *bv;

	if (bio->bi_vcnt >= bio->bi_max_vecs)
		return false;
	bv = &bio->bi_io_vec[bio->bi_vcnt++];
	bv->bv_page = page;
	bv->bv_len = len;
	bv->bv_offset = offset;
	bio->bi_size += len;
	return true;
}

void bio_endio(struct bio *bio, int status)
{
	bio->bi_status = status;
	if (status)
		__atomic_fetch_add(&bio->bi_bdev->bd_nr_errors, 1, __ATOMIC_RELAXED);
	if (bio->bi_end_io)
		bio->bi_end_io(bio);
}

/* 0 if the driver may see the bio, else the error to complete it with. */
static int bio_check(struct bio *bio)
{
	struct block_device *bdev = bio->bi_bdev;
	u64 total = 0, nsect;

	if (bio->bi_op == REQ_OP_FLUSH)
		return bio->bi_vcnt ? -EINVAL : 0;
	if (bio->bi_op != REQ_OP_READ && bio->bi_op != REQ_OP_WRITE)
		return -EINVAL;
	if (!bio->bi_vcnt || bio->bi_vcnt > bdev->bd_max_segments)
		return -EINVAL;
	for (unsigned int i = 0; i < bio->bi_vcnt; i++) {
		const struct bio_vec *bv = &bio->bi_io_vec[i];

		if (!bv->bv_page || !bv->bv_len || bv->bv_len % SECTOR_SIZE ||
		    bv->bv_offset % SECTOR_SIZE || bv->bv_offset + bv->bv_len > PAGE_SIZE)
			return -EINVAL;
		total += bv->bv_len;
	}
	if (total != bio->bi_size)
		return -EINVAL;
	nsect = total >> SECTOR_SHIFT;
	if (bio->bi_sector >= bdev->bd_nr_sectors || nsect > bdev->bd_nr_sectors - bio->bi_sector)
		return -EIO;
	if (bio->bi_op == REQ_OP_WRITE && bdev->bd_read_only)
		return -EROFS;
	return 0;
}

void submit_bio(struct bio *bio)
{
	struct block_device *bdev = bio->bi_bdev;
	int err;

	bio->bi_status = 0;
	if (!bdev) {
		bio->bi_status = -ENODEV;
		if (bio->bi_end_io)
			bio->bi_end_io(bio);
		return;
	}
	__atomic_fetch_add(&bdev->bd_nr_submitted, 1, __ATOMIC_RELAXED);
	err = bio_check(bio);
	if (err) {
		bio_endio(bio, err);
		return;
	}
	bdev->bd_ops->submit_bio(bio);
}

static void bio_wait_end_io(struct bio *bio) { complete(bio->bi_private); }

int submit_bio_wait(struct bio *bio)
{
	struct completion done;

	init_completion(&done);
	/* done outlives the bio's use of it: we wait below. */
	/* cppcheck-suppress autoVariables */
	bio->bi_private = &done;
	bio->bi_end_io = bio_wait_end_io;
	submit_bio(bio);
	wait_for_completion(&done);
	return bio->bi_status;
}

int blkdev_issue_flush(struct block_device *bdev)
{
	struct bio bio;

	bio_init(&bio, bdev, NULL, 0, REQ_OP_FLUSH);
	return submit_bio_wait(&bio);
}
