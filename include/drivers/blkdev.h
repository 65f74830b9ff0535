/*
 * blkdev.h - the block layer (drivers/block/): block devices and bios.
 *
 * A block device (vda, vdb, ... in probe order) has a capacity in 512-byte
 * sectors, a read-only flag, and a driver's submit_bio().  Devices are
 * registered once and never go away; blkdev_get_by_name() finds one.
 *
 * A bio is one request: an operation (read, write, flush), a start sector
 * and a vector of (page, offset, length) segments that the device reads or
 * writes in place (no copy: the driver hands page_to_phys(page) + offset
 * to the hardware).  The owner keeps the pages referenced until the bio
 * completes.  Rules checked by submit_bio() before the driver sees the bio,
 * which then completes at once with bi_status set:
 *   - each segment lies within its page, lengths are multiples of 512 and
 *     the total is non-zero (flush: no segments): else -EINVAL;
 *   - no more than the device's max_segments segments: else -EINVAL;
 *   - [sector, sector + size/512) lies within the device: else -EIO;
 *   - a write to a read-only device: -EROFS.
 * A device error completes the bio with -EIO.  Completion calls
 * bi_end_io(bio) exactly once, possibly from interrupt context (it must not
 * sleep) or, for a refused bio, from submit_bio() itself.
 *
 * submit_bio() may sleep (waiting for room in the device's queue): call it
 * from a thread, never from interrupt context or with a spinlock held.
 * Many threads on many CPUs may submit to one device at once; requests in
 * flight complete in any order.  A flush completes after every write that
 * completed before it was submitted is durable; it orders nothing else.
 */
#ifndef DRIVERS_BLKDEV_H
#define DRIVERS_BLKDEV_H

#include <kernel/list.h>
#include <kernel/types.h>

#define SECTOR_SHIFT 9
#define SECTOR_SIZE 512
#define BDEVNAME_SIZE 16

struct page;
struct bio;
struct block_device;

enum req_op {
	REQ_OP_READ = 0,
	REQ_OP_WRITE = 1,
	REQ_OP_FLUSH = 2,
};

struct bio_vec {
	struct page *bv_page;
	unsigned int bv_len;
	unsigned int bv_offset;
};

typedef void bio_end_io_t(struct bio *bio);

struct bio {
	struct block_device *bi_bdev;
	enum req_op bi_op;
	u64 bi_sector; /* first 512-byte sector */
	unsigned int bi_size; /* bytes, the sum of the segments */
	unsigned short bi_vcnt; /* segments in use */
	unsigned short bi_max_vecs;
	int bi_status; /* 0 or a negative errno, set before bi_end_io */
	bio_end_io_t *bi_end_io;
	void *bi_private; /* for the owner */
	void *bi_driver; /* for the driver while in flight */
	struct bio_vec *bi_io_vec;
	struct bio_vec bi_inline_vecs[]; /* bio_alloc puts the vector here */
};

struct block_device_operations {
	/* Starts the (checked) bio; completes it later with bio_endio(). */
	void (*submit_bio)(struct bio *bio);
};

struct block_device {
	char bd_name[BDEVNAME_SIZE];
	u64 bd_nr_sectors; /* capacity */
	bool bd_read_only;
	bool bd_write_cache; /* flush does something */
	unsigned int bd_logical_block_size; /* 512 */
	unsigned int bd_max_segments;
	unsigned int bd_queue_depth; /* requests the device holds at once */
	const struct block_device_operations *bd_ops;
	void *bd_private;
	struct list_head bd_list;
	u64 bd_nr_submitted; /* statistics (atomic updates) */
	u64 bd_nr_errors;
};

/* Registry. */
int blkdev_register(struct block_device *bdev);
struct block_device *blkdev_get_by_name(const char *name);
/* The nth registered device (0 = first), or NULL. */
struct block_device *blkdev_get_nth(int n);
/* Names like "vda": prefix + a, b, ..., z, aa, ab... for index. */
void blkdev_format_name(char *buf, size_t size, const char *prefix, int index);

/* bios: bio_alloc() puts the segment vector in the same allocation; NULL
 * when memory is exhausted.  bio_init() prepares a caller-owned bio (on the
 * stack, or embedded) with a caller-owned vector; bio_put() only for
 * bio_alloc()'s. */
struct bio *bio_alloc(struct block_device *bdev, unsigned int nr_vecs, enum req_op op);
void bio_init(struct bio *bio, struct block_device *bdev, struct bio_vec *table,
	      unsigned int max_vecs, enum req_op op);
void bio_put(struct bio *bio);
/* Appends a segment; returns false when the vector is full. */
bool bio_add_page(struct bio *bio, struct page *page, unsigned int len, unsigned int offset);
void submit_bio(struct bio *bio);
/* Submits and sleeps until done; returns bi_status. */
int submit_bio_wait(struct bio *bio);
/* For drivers: finishes a bio with status. */
void bio_endio(struct bio *bio, int status);

/* Convenience: a synchronous flush. */
int blkdev_issue_flush(struct block_device *bdev);

#endif
