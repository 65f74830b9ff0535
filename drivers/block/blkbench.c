/*
 * blkbench.c - test=blkbench: a block-device benchmark in the kernel.
 *
 * Eight cases on one disk (vda): sequential and random, reads and writes,
 * at queue depth 1 and 32.  Sequential requests are 64 KiB, random ones
 * 4 KiB at 4 KiB-aligned offsets spread over the disk (at most its first
 * GiB).  Each case keeps `qd` bios in flight from one thread for BENCH_MS,
 * resubmitting each slot as soon as its previous bio completed, and prints
 * MiB/s and IOPS.  THE WRITE CASES OVERWRITE THE DISK: use a scratch
 * image.  A read-only disk gets the read cases only.
 *
 * Locking: a completion (interrupt context) pushes its slot onto the done
 * list and complete()s the benchmark thread, both under done_lock (IRQ-safe;
 * order done_lock -> the completion's lock); the thread alone submits.
 */
#include <drivers/blkdev.h>
#include <kernel/completion.h>
#include <kernel/errno.h>
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <mm/page.h>
#include <mm/slab.h>

#define BENCH_MS 1500
#define MAX_QD 32
#define SEQ_PAGES 16 /* 64 KiB */
#define BLOCK_SECT (PAGE_SIZE / SECTOR_SIZE)

struct bench_slot {
	struct bio bio;
	struct bio_vec vecs[SEQ_PAGES];
	struct page *pages[SEQ_PAGES];
	int next_done; /* the done list, -1 ends it */
};

struct bench {
	struct block_device *bdev;
	struct bench_slot *slots; /* MAX_QD */
	spinlock_t done_lock;
	int done_head;
	struct completion done;
	u64 span_blocks; /* 4 KiB blocks the benchmark may touch */
	u64 seq_next, rnd;
	int errors;
};

static void bench_end_io(struct bio *bio)
{
	struct bench *b = bio->bi_private;
	struct bench_slot *s = container_of(bio, struct bench_slot, bio);
	unsigned long flags;

	if (bio->bi_status)
		__atomic_fetch_add(&b->errors, 1, __ATOMIC_RELAXED);
	flags = spin_lock_irqsave(&b->done_lock);
	s->next_done = b->done_head;
	b->done_head = (int)(s - b->slots);
	/* Still under done_lock: once the benchmark thread finds this slot
	 * on the list, this complete() is over, so the next case may
	 * re-initialise the completion (doing it while a complete() still
	 * held its spinlock corrupted the lock and hung the next case). */
	complete(&b->done);
	spin_unlock_irqrestore(&b->done_lock, flags);
}

static void bench_submit(struct bench *b, struct bench_slot *s, enum req_op op, bool seq)
{
	unsigned int npages = seq ? SEQ_PAGES : 1;
	u64 block;

	if (seq) {
		if (b->seq_next + npages > b->span_blocks)
			b->seq_next = 0;
		block = b->seq_next;
		b->seq_next += npages;
	} else {
		b->rnd ^= b->rnd << 13;
		b->rnd ^= b->rnd >> 7;
		b->rnd ^= b->rnd << 17;
		block = b->rnd % b->span_blocks;
	}
	bio_init(&s->bio, b->bdev, s->vecs, SEQ_PAGES, op);
	s->bio.bi_sector = block * BLOCK_SECT;
	for (unsigned int i = 0; i < npages; i++)
		bio_add_page(&s->bio, s->pages[i], PAGE_SIZE, 0);
	s->bio.bi_private = b;
	s->bio.bi_end_io = bench_end_io;
	submit_bio(&s->bio);
}

/* Runs one case; returns the number of requests completed. */
static u64 bench_case(struct bench *b, enum req_op op, bool seq, int qd, u64 *ns)
{
	u64 start = ktime_get_ns(), deadline = start + BENCH_MS * NSEC_PER_MSEC, ops = 0;
	int inflight = qd;
	bool stop = false;

	init_completion(&b->done);
	b->done_head = -1;
	b->seq_next = 0;
	for (int i = 0; i < qd; i++)
		bench_submit(b, &b->slots[i], op, seq);
	while (inflight) {
		unsigned long flags;
		int head;

		wait_for_completion(&b->done);
		flags = spin_lock_irqsave(&b->done_lock);
		head = b->done_head;
		b->done_head = -1;
		spin_unlock_irqrestore(&b->done_lock, flags);
		if (!stop && ktime_get_ns() >= deadline)
			stop = true;
		while (head >= 0) {
			struct bench_slot *s = &b->slots[head];

			head = s->next_done;
			ops++;
			if (stop)
				inflight--;
			else
				bench_submit(b, s, op, seq);
		}
	}
	*ns = ktime_get_ns() - start;
	return ops;
}

static int test_blkbench(void)
{
	static const struct {
		const char *name;
		enum req_op op;
		bool seq;
	} cases[] = {
		{ "seq-read", REQ_OP_READ, true },
		{ "seq-write", REQ_OP_WRITE, true },
		{ "rand-read", REQ_OP_READ, false },
		{ "rand-write", REQ_OP_WRITE, false },
	};
	static const int qds[] = { 1, MAX_QD };
	struct bench *b = kzalloc(sizeof(*b), 0);
	int status = 0;

	if (!b)
		return 1;
	b->bdev = blkdev_get_by_name("vda");
	b->slots = kcalloc(MAX_QD, sizeof(*b->slots), 0);
	if (!b->bdev || !b->slots) {
		printk(KERN_ERR "blkbench: needs a disk (tools/vm --disk SCRATCH.img)\n");
		kfree(b->slots);
		kfree(b);
		return 1;
	}
	spin_lock_init(&b->done_lock);
	b->rnd = 88172645463325252ULL;
	b->span_blocks = b->bdev->bd_nr_sectors / BLOCK_SECT;
	if (b->span_blocks > (1ULL << 18))
		b->span_blocks = 1ULL << 18; /* 1 GiB */
	for (int i = 0; i < MAX_QD; i++)
		for (int p = 0; p < SEQ_PAGES; p++)
			if (!(b->slots[i].pages[p] = alloc_page(0)))
				status = 1;
	if (status || b->span_blocks < SEQ_PAGES) {
		printk(KERN_ERR "blkbench: no memory or disk too small\n");
		goto out;
	}
	printk(KERN_INFO "blkbench: %s, %llu MiB used, %u ms per case, queue depth %u\n",
	       b->bdev->bd_name, (unsigned long long)(b->span_blocks >> 8), BENCH_MS,
	       b->bdev->bd_queue_depth);
	printk(KERN_INFO "blkbench: %-11s %5s %4s %10s %9s\n", "case", "bs", "qd", "MiB/s", "IOPS");
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		for (size_t q = 0; q < ARRAY_SIZE(qds); q++) {
			u64 ns, ops, bytes, mib10, iops;

			if (cases[c].op == REQ_OP_WRITE && b->bdev->bd_read_only)
				continue;
			ops = bench_case(b, cases[c].op, cases[c].seq, qds[q], &ns);
			bytes = ops * (cases[c].seq ? SEQ_PAGES : 1) * PAGE_SIZE;
			mib10 = bytes * 10 * 1000 / (ns / 1000000 + 1) / (1 << 20);
			iops = ops * NSEC_PER_SEC / (ns ? ns : 1);
			printk(KERN_INFO "blkbench: %-11s %4uK %4d %8llu.%llu %9llu\n",
			       cases[c].name, cases[c].seq ? SEQ_PAGES * 4 : 4, qds[q],
			       (unsigned long long)(mib10 / 10), (unsigned long long)(mib10 % 10),
			       (unsigned long long)iops);
		}
	}
	if (blkdev_issue_flush(b->bdev))
		b->errors++;
	printk(KERN_INFO "blkbench: done, %d errors\n", b->errors);
	status = b->errors ? 1 : 0;
out:
	for (int i = 0; i < MAX_QD; i++)
		for (int p = 0; p < SEQ_PAGES; p++)
			if (b->slots[i].pages[p])
				put_page(b->slots[i].pages[p]);
	kfree(b->slots);
	kfree(b);
	return status;
}
TEST_MODE(blkbench, test_blkbench, "block benchmark on vda (OVERWRITES it): seq/rand, qd 1/32");
