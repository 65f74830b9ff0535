/*
 * blk_test.c - block test modes that check content against the host:
 *
 *   test=blkcheck  vda holds the host's pattern (sector i: its number, the
 *                  magic "TEACHOS1", a filler made from i, and a hash of the
 *                  rest; see blk_pattern_fill).  Reads and checks all of it
 *                  through three segment layouts, writes the kernel pattern
 *                  ("KWRITTEN") over the second half with 32 bios in flight,
 *                  flushes, reads it back, checks that out-of-range and
 *                  malformed requests fail (-EIO, -EINVAL) and, if vdb
 *                  exists, that it is read-only (-EROFS) but readable.
 *                  The host then checks the image (tests/vm/blk-check.sh).
 *   test=blkeio    vda is a QEMU blkdebug disk failing reads that cover
 *                  sector BLK_EIO_SECTOR: those requests end with -EIO, the
 *                  others succeed (tests/vm/blk-eio.sh).
 *
 * Both print one line per check and "blk...: PASS" or "FAIL", and return
 * the number of failed checks (the VM's exit status).  No locks: each test
 * runs in the main thread; async completions only touch an atomic counter
 * and a completion.
 */
#include <drivers/blkdev.h>
#include <kernel/completion.h>
#include <kernel/errno.h>
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/page.h>
#include <mm/slab.h>

#define CHUNK_SECT 128 /* sectors per request: 64 KiB */
#define CHUNK_PAGES 16 /* CHUNK_SECT * SECTOR_SIZE / PAGE_SIZE */
#define BLK_EIO_SECTOR 1000
#define NR_LAYOUTS 3

static int failures;

#define CHECK(cond, ...)                                       \
	do {                                                   \
		if (!(cond)) {                                 \
			failures++;                            \
			printk(KERN_ERR "FAIL: " __VA_ARGS__); \
		}                                              \
	} while (0)

static u64 rd64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, 8);
	return v;
}

/* The hash of a pattern sector: a weighted sum of its first 63 words. */
static u64 blk_sector_hash(const u8 *sec)
{
	u64 h = 0;

	for (int k = 0; k < 63; k++)
		h += rd64(sec + 8 * k) * ((u64)(2 * k + 1) * 0x9e3779b97f4a7c15ULL);
	return h ^ (h >> 29);
}

static void blk_pattern_fill(u8 *sec, u64 i, const char *magic, unsigned int seed)
{
	u8 c = (u8)(i * 31 + (i >> 8));
	u64 h;

	memcpy(sec, &i, 8);
	memcpy(sec + 8, magic, 8);
	for (int j = 0; j < 488; j++)
		sec[16 + j] = (u8)(c + j * seed);
	h = blk_sector_hash(sec);
	memcpy(sec + 504, &h, 8);
}

/* Where sector s of a request lives in layout (each sector is contiguous):
 * 0: whole pages in order; 1: 512-byte segments spread round-robin over
 * the pages; 2: whole pages in reverse order. */
static u8 *sector_ptr(struct page **pages, int layout, unsigned int s)
{
	switch (layout) {
	case 1:
		return (u8 *)page_address(pages[s % CHUNK_PAGES]) + (s / CHUNK_PAGES) * SECTOR_SIZE;
	case 2:
		return (u8 *)page_address(pages[CHUNK_PAGES - 1 - s / 8]) + (s % 8) * SECTOR_SIZE;
	default:
		return (u8 *)page_address(pages[s / 8]) + (s % 8) * SECTOR_SIZE;
	}
}

static struct bio *make_bio(struct block_device *b, enum req_op op, u64 sector, unsigned int nsect,
			    struct page **pages, int layout)
{
	struct bio *bio = bio_alloc(b, CHUNK_SECT, op);

	if (!bio)
		return NULL;
	bio->bi_sector = sector;
	if (layout == 1) {
		for (unsigned int s = 0; s < nsect; s++)
			bio_add_page(bio, pages[s % CHUNK_PAGES], SECTOR_SIZE,
				     (s / CHUNK_PAGES) * SECTOR_SIZE);
		return bio;
	}
	for (unsigned int s = 0; s < nsect; s += 8) {
		unsigned int n = nsect - s < 8 ? nsect - s : 8;
		struct page *pg = layout == 2 ? pages[CHUNK_PAGES - 1 - s / 8] : pages[s / 8];

		bio_add_page(bio, pg, n * SECTOR_SIZE, 0);
	}
	return bio;
}

static int rw_sync(struct block_device *b, enum req_op op, u64 sector, unsigned int nsect,
		   struct page **pages, int layout)
{
	struct bio *bio = make_bio(b, op, sector, nsect, pages, layout);
	int err;

	if (!bio)
		return -ENOMEM;
	err = submit_bio_wait(bio);
	bio_put(bio);
	return err;
}

static bool alloc_chunk(struct page **pages)
{
	for (int i = 0; i < CHUNK_PAGES; i++)
		if (!(pages[i] = alloc_page(__GFP_ZERO)))
			return false;
	return true;
}

static void free_chunk(struct page **pages)
{
	for (int i = 0; i < CHUNK_PAGES; i++)
		if (pages[i])
			put_page(pages[i]);
}

/* Checks nsect sectors starting at sector against the pattern; returns the
 * number of bad sectors (printing the first few). */
static int verify(struct page **pages, int layout, u64 sector, unsigned int nsect,
		  const char *magic, unsigned int seed, int *reported)
{
	u8 want[SECTOR_SIZE];
	int bad = 0;

	for (unsigned int s = 0; s < nsect; s++) {
		const u8 *got = sector_ptr(pages, layout, s);

		blk_pattern_fill(want, sector + s, magic, seed);
		if (memcmp(got, want, SECTOR_SIZE)) {
			bad++;
			if ((*reported)++ < 5)
				printk(KERN_ERR "sector %llu: content differs (holds sector %llu, "
						"magic %.8s)\n",
				       (unsigned long long)(sector + s),
				       (unsigned long long)rd64(got), (const char *)got + 8);
		}
	}
	return bad;
}

static int read_verify(struct block_device *b, u64 start, u64 end, const char *magic,
		       unsigned int seed, struct page **pages)
{
	int bad = 0, reported = 0, n = 0;

	for (u64 s = start; s < end; s += CHUNK_SECT, n++) {
		unsigned int len = end - s < CHUNK_SECT ? (unsigned int)(end - s) : CHUNK_SECT;
		int layout = n % NR_LAYOUTS;
		int err = rw_sync(b, REQ_OP_READ, s, len, pages, layout);

		if (err) {
			printk(KERN_ERR "read of sector %llu failed: %d\n", (unsigned long long)s,
			       err);
			return -1;
		}
		bad += verify(pages, layout, s, len, magic, seed, &reported);
	}
	return bad;
}

/* Async writes: up to 32 bios in flight, completions counted. */
struct write_batch {
	struct completion done;
	int inflight; /* atomic */
	int errors; /* atomic */
};

static void batch_end_io(struct bio *bio)
{
	struct write_batch *wb = bio->bi_private;

	if (bio->bi_status)
		__atomic_fetch_add(&wb->errors, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < bio->bi_vcnt; i++)
		put_page(bio->bi_io_vec[i].bv_page);
	bio_put(bio);
	__atomic_sub_fetch(&wb->inflight, 1, __ATOMIC_SEQ_CST);
	complete(&wb->done);
}

static int write_pattern_async(struct block_device *b, u64 start, u64 end)
{
	struct write_batch wb;
	u64 s = start, rnd = 12345;
	int n = 0;

	init_completion(&wb.done);
	wb.inflight = 0;
	wb.errors = 0;
	while (s < end) {
		struct page *pages[CHUNK_PAGES] = { 0 };
		unsigned int len;
		int layout = n++ % NR_LAYOUTS;
		struct bio *bio;

		rnd = rnd * 6364136223846793005ULL + 1442695040888963407ULL;
		len = 1 + (unsigned int)((rnd >> 33) % CHUNK_SECT);
		if (len > end - s)
			len = (unsigned int)(end - s);
		if (!alloc_chunk(pages)) {
			free_chunk(pages);
			return -ENOMEM;
		}
		for (unsigned int i = 0; i < len; i++)
			blk_pattern_fill(sector_ptr(pages, layout, i), s + i, "KWRITTEN", 29);
		bio = make_bio(b, REQ_OP_WRITE, s, len, pages, layout);
		if (!bio) {
			free_chunk(pages);
			return -ENOMEM;
		}
		/* The bio holds one reference per segment; drop ours. */
		for (int i = 0; i < bio->bi_vcnt; i++)
			get_page(bio->bi_io_vec[i].bv_page);
		free_chunk(pages);
		bio->bi_private = &wb;
		bio->bi_end_io = batch_end_io;
		while (__atomic_load_n(&wb.inflight, __ATOMIC_SEQ_CST) >= 32)
			wait_for_completion(&wb.done);
		__atomic_add_fetch(&wb.inflight, 1, __ATOMIC_SEQ_CST);
		submit_bio(bio);
		s += len;
	}
	while (__atomic_load_n(&wb.inflight, __ATOMIC_SEQ_CST) > 0)
		wait_for_completion(&wb.done);
	return wb.errors ? -EIO : 0;
}

static void check_bounds(struct block_device *b, struct page **pages)
{
	u64 cap = b->bd_nr_sectors;
	struct bio *bio;
	int err;

	err = rw_sync(b, REQ_OP_READ, cap, 1, pages, 0);
	printk(KERN_INFO "blkcheck: read at the end (sector %llu): %d\n", (unsigned long long)cap,
	       err);
	CHECK(err == -EIO, "read past the end gave %d, want -EIO\n", err);
	err = rw_sync(b, REQ_OP_READ, cap - 1, 2, pages, 0);
	CHECK(err == -EIO, "read across the end gave %d, want -EIO\n", err);
	err = rw_sync(b, REQ_OP_WRITE, cap - 4, 8, pages, 0);
	printk(KERN_INFO "blkcheck: write across the end: %d\n", err);
	CHECK(err == -EIO, "write across the end gave %d, want -EIO\n", err);
	err = rw_sync(b, REQ_OP_READ, ~0ULL - 3, 8, pages, 0);
	CHECK(err == -EIO, "read at a huge sector gave %d, want -EIO\n", err);
	bio = bio_alloc(b, 1, REQ_OP_READ);
	bio_add_page(bio, pages[0], 100, 0);
	err = submit_bio_wait(bio);
	bio_put(bio);
	printk(KERN_INFO "blkcheck: 100-byte read: %d\n", err);
	CHECK(err == -EINVAL, "a 100-byte read gave %d, want -EINVAL\n", err);
	bio = bio_alloc(b, 1, REQ_OP_READ);
	err = submit_bio_wait(bio);
	bio_put(bio);
	CHECK(err == -EINVAL, "an empty read gave %d, want -EINVAL\n", err);
	err = rw_sync(b, REQ_OP_READ, cap - 1, 1, pages, 0);
	CHECK(err == 0, "reading the last sector gave %d\n", err);
	if (!err) {
		int reported = 0;

		CHECK(verify(pages, 0, cap - 1, 1, "KWRITTEN", 29, &reported) == 0,
		      "the last sector is wrong\n");
	}
}

static void check_readonly(struct block_device *ro, struct page **pages)
{
	int err, bad;

	printk(KERN_INFO "blkcheck: %s: read-only %d\n", ro->bd_name, ro->bd_read_only);
	CHECK(ro->bd_read_only, "%s is not read-only\n", ro->bd_name);
	err = rw_sync(ro, REQ_OP_WRITE, 0, 8, pages, 0);
	printk(KERN_INFO "blkcheck: %s: write: %d\n", ro->bd_name, err);
	CHECK(err == -EROFS, "a write to read-only %s gave %d, want -EROFS\n", ro->bd_name, err);
	bad = read_verify(ro, 0, ro->bd_nr_sectors, "TEACHOS1", 13, pages);
	CHECK(bad == 0, "%s: %d bad sectors\n", ro->bd_name, bad);
	err = blkdev_issue_flush(ro);
	CHECK(err == 0, "flush of %s gave %d\n", ro->bd_name, err);
}

static int test_blkcheck(void)
{
	struct block_device *b = blkdev_get_by_name("vda"), *ro = blkdev_get_by_name("vdb");
	struct page *pages[CHUNK_PAGES] = { 0 };
	u64 cap, half;
	int bad, err;

	failures = 0;
	if (!b || !alloc_chunk(pages)) {
		printk(KERN_ERR "blkcheck: no vda (boot with --disk IMG) or no memory\n");
		free_chunk(pages);
		return 1;
	}
	cap = b->bd_nr_sectors;
	half = cap / 2;
	bad = read_verify(b, 0, cap, "TEACHOS1", 13, pages);
	printk(KERN_INFO "blkcheck: vda: %llu sectors read, %d differ from the host pattern\n",
	       (unsigned long long)cap, bad);
	CHECK(bad == 0, "the host pattern did not read back\n");
	err = write_pattern_async(b, half, cap);
	CHECK(err == 0, "writing the kernel pattern failed: %d\n", err);
	err = blkdev_issue_flush(b);
	printk(KERN_INFO "blkcheck: vda: wrote sectors %llu-%llu, flush: %d\n",
	       (unsigned long long)half, (unsigned long long)cap - 1, err);
	CHECK(err == 0, "flush failed: %d\n", err);
	bad = read_verify(b, half, cap, "KWRITTEN", 29, pages);
	printk(KERN_INFO "blkcheck: vda: read back, %d sectors differ\n", bad);
	CHECK(bad == 0, "the kernel pattern did not read back\n");
	check_bounds(b, pages);
	if (ro)
		check_readonly(ro, pages);
	free_chunk(pages);
	printk(KERN_INFO "blkcheck: %s (%d failed checks)\n", failures ? "FAIL" : "PASS", failures);
	return failures;
}
TEST_MODE(blkcheck, test_blkcheck, "block: check vda's host pattern, write, flush, bounds, ro vdb");

static int test_blkeio(void)
{
	struct block_device *b = blkdev_get_by_name("vda");
	struct page *pages[CHUNK_PAGES] = { 0 };
	int err;

	failures = 0;
	if (!b || !alloc_chunk(pages)) {
		printk(KERN_ERR "blkeio: no vda or no memory\n");
		free_chunk(pages);
		return 1;
	}
	err = rw_sync(b, REQ_OP_READ, 0, 8, pages, 0);
	printk(KERN_INFO "blkeio: read 0-7: %d\n", err);
	CHECK(err == 0, "read 0-7 gave %d\n", err);
	err = rw_sync(b, REQ_OP_READ, BLK_EIO_SECTOR, 1, pages, 0);
	printk(KERN_INFO "blkeio: read %d: %d\n", BLK_EIO_SECTOR, err);
	CHECK(err == -EIO, "read of the bad sector gave %d, want -EIO\n", err);
	err = rw_sync(b, REQ_OP_READ, BLK_EIO_SECTOR - 4, 8, pages, 1);
	printk(KERN_INFO "blkeio: read %d-%d: %d\n", BLK_EIO_SECTOR - 4, BLK_EIO_SECTOR + 3, err);
	CHECK(err == -EIO, "read across the bad sector gave %d, want -EIO\n", err);
	err = rw_sync(b, REQ_OP_READ, BLK_EIO_SECTOR + 8, 8, pages, 0);
	CHECK(err == 0, "read after the bad sector gave %d\n", err);
	err = rw_sync(b, REQ_OP_WRITE, BLK_EIO_SECTOR, 1, pages, 0);
	printk(KERN_INFO "blkeio: write %d: %d\n", BLK_EIO_SECTOR, err);
	CHECK(err == 0, "write of the bad sector gave %d\n", err);
	err = blkdev_issue_flush(b);
	CHECK(err == 0, "flush gave %d\n", err);
	free_chunk(pages);
	printk(KERN_INFO "blkeio: %s (%d failed checks)\n", failures ? "FAIL" : "PASS", failures);
	return failures;
}
TEST_MODE(blkeio, test_blkeio, "block: device errors on reads of sector 1000 become -EIO");
