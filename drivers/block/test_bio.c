/*
 * test_bio.c - ktests of the block layer's request checks, on a fake
 * device (never registered) whose submit_bio completes at once: malformed,
 * out-of-range and read-only-violating bios must be refused with the right
 * error before the driver sees them, good ones must reach it.
 */
#include <drivers/blkdev.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/string.h>
#include <mm/page.h>

static int fake_calls;

static void fake_submit(struct bio *bio)
{
	fake_calls++;
	bio_endio(bio, 0);
}

static const struct block_device_operations fake_ops = { .submit_bio = fake_submit };

static int try_bio(struct block_device *b, enum req_op op, u64 sector, struct page *pg,
		   unsigned int len, unsigned int off)
{
	struct bio_vec vec;
	struct bio bio;

	bio_init(&bio, b, &vec, 1, op);
	bio.bi_sector = sector;
	if (len)
		bio_add_page(&bio, pg, len, off);
	return submit_bio_wait(&bio);
}

KTEST(blk_bio_checks)
{
	struct block_device b;
	struct page *pg = alloc_page(0);
	int calls;

	KT_ASSERT(t, pg != NULL, "no page");
	memset(&b, 0, sizeof(b));
	strlcpy(b.bd_name, "fake", sizeof(b.bd_name));
	b.bd_nr_sectors = 64;
	b.bd_max_segments = 4;
	b.bd_ops = &fake_ops;
	fake_calls = 0;
	KT_ASSERT(t, try_bio(&b, REQ_OP_READ, 0, pg, 4096, 0) == 0, "plain read");
	KT_ASSERT(t, try_bio(&b, REQ_OP_WRITE, 56, pg, 4096, 0) == 0, "write of the last 8");
	KT_ASSERT(t, try_bio(&b, REQ_OP_FLUSH, 0, pg, 0, 0) == 0, "flush");
	KT_ASSERT(t, fake_calls == 3, "driver saw %d bios", fake_calls);
	calls = fake_calls;
	KT_ASSERT(t, try_bio(&b, REQ_OP_READ, 64, pg, 512, 0) == -EIO, "read at the end");
	KT_ASSERT(t, try_bio(&b, REQ_OP_READ, 60, pg, 4096, 0) == -EIO, "read across the end");
	KT_ASSERT(t, try_bio(&b, REQ_OP_READ, ~0ULL, pg, 512, 0) == -EIO, "huge sector");
	KT_ASSERT(t, try_bio(&b, REQ_OP_READ, 0, pg, 100, 0) == -EINVAL, "partial sector");
	KT_ASSERT(t, try_bio(&b, REQ_OP_READ, 0, pg, 512, 100) == -EINVAL, "unaligned offset");
	KT_ASSERT(t, try_bio(&b, REQ_OP_READ, 0, pg, 1024, 3584) == -EINVAL, "crosses the page");
	KT_ASSERT(t, try_bio(&b, REQ_OP_READ, 0, pg, 0, 0) == -EINVAL, "no segments");
	KT_ASSERT(t, try_bio(&b, REQ_OP_FLUSH, 0, pg, 512, 0) == -EINVAL, "flush with data");
	b.bd_read_only = true;
	KT_ASSERT(t, try_bio(&b, REQ_OP_WRITE, 0, pg, 512, 0) == -EROFS, "read-only write");
	KT_ASSERT(t, try_bio(&b, REQ_OP_READ, 0, pg, 512, 0) == 0, "read-only read");
	KT_ASSERT(t, fake_calls == calls + 1, "the driver saw a refused bio");
	put_page(pg);
}

KTEST(blk_names)
{
	char n[BDEVNAME_SIZE];

	blkdev_format_name(n, sizeof(n), "vd", 0);
	KT_ASSERT(t, strcmp(n, "vda") == 0, "%s", n);
	blkdev_format_name(n, sizeof(n), "vd", 25);
	KT_ASSERT(t, strcmp(n, "vdz") == 0, "%s", n);
	blkdev_format_name(n, sizeof(n), "vd", 26);
	KT_ASSERT(t, strcmp(n, "vdaa") == 0, "%s", n);
	blkdev_format_name(n, sizeof(n), "vd", 27);
	KT_ASSERT(t, strcmp(n, "vdab") == 0, "%s", n);
}
