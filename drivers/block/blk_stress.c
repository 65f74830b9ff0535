/*
 * blk_stress.c - test=blkstress: many threads on every CPU hammer vda with
 * reads and writes at once, and every byte read is checked.
 *
 * The disk (zeroed by the host) is split into one region per thread, so
 * each thread alone decides its region's content: it remembers the
 * generation it last wrote to every 4 KiB block (0 = never: zeros) and a
 * block of generation g holds words derived from (block, g, word index).
 * Each step writes or reads a random run of 1-16 blocks as one bio, with
 * whole-page segments or two half-page segments per page, and compares
 * every word read with what the thread wrote; now and then it flushes.
 * After STRESS_SECS every thread re-reads its whole region.
 * Prints per-thread totals and "blkstress: PASS"; returns the number of
 * threads that saw a wrong byte or an error.
 *
 * Locking: none shared; the result counters are atomics.
 */
#include <drivers/blkdev.h>
#include <kernel/errno.h>
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <mm/page.h>
#include <mm/slab.h>

#define STRESS_THREADS 16
#define STRESS_SECS 8
#define MAX_RUN 16
#define BLOCK_SECT (PAGE_SIZE / SECTOR_SIZE)

struct stress_thread {
	struct block_device *bdev;
	int id;
	u64 first_block, nr_blocks;
	u16 *gen; /* per block */
	u64 rnd;
	u64 deadline;
	u64 reads, writes, bytes;
	int errors;
	struct page *pages[MAX_RUN];
};

static u64 xrand(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static u64 word_for(u64 block, u16 gen, unsigned int k)
{
	if (!gen)
		return 0;
	return ((block << 32) | ((u64)gen << 16) | k) * 0x9e3779b97f4a7c15ULL + 1;
}

static struct bio *stress_bio(struct stress_thread *t, enum req_op op, u64 block, unsigned int n,
			      bool halves)
{
	struct bio *bio = bio_alloc(t->bdev, 2 * MAX_RUN, op);

	if (!bio)
		return NULL;
	bio->bi_sector = block * BLOCK_SECT;
	for (unsigned int i = 0; i < n; i++) {
		if (halves) {
			bio_add_page(bio, t->pages[i], PAGE_SIZE / 2, 0);
			bio_add_page(bio, t->pages[i], PAGE_SIZE / 2, PAGE_SIZE / 2);
		} else {
			bio_add_page(bio, t->pages[i], PAGE_SIZE, 0);
		}
	}
	return bio;
}

static int stress_io(struct stress_thread *t, enum req_op op, u64 rel, unsigned int n)
{
	u64 block = t->first_block + rel;
	struct bio *bio = stress_bio(t, op, block, n, xrand(&t->rnd) & 1);
	int err;

	if (!bio)
		return -ENOMEM;
	err = submit_bio_wait(bio);
	bio_put(bio);
	if (err) {
		printk(KERN_ERR "blkstress %d: %s of block %llu (+%u) failed: %d\n", t->id,
		       op == REQ_OP_READ ? "read" : "write", (unsigned long long)block, n, err);
		t->errors++;
	}
	t->bytes += (u64)n * PAGE_SIZE;
	return err;
}

static void stress_write(struct stress_thread *t, u64 rel, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		u64 *w = page_address(t->pages[i]);
		u16 g = (u16)(t->gen[rel + i] + 1);

		if (!g)
			g = 1;
		for (unsigned int k = 0; k < PAGE_SIZE / 8; k++)
			w[k] = word_for(t->first_block + rel + i, g, k);
		t->gen[rel + i] = g;
	}
	stress_io(t, REQ_OP_WRITE, rel, n);
	t->writes++;
}

static void stress_read(struct stress_thread *t, u64 rel, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		memset(page_address(t->pages[i]), 0xa5, PAGE_SIZE);
	if (stress_io(t, REQ_OP_READ, rel, n))
		return;
	t->reads++;
	for (unsigned int i = 0; i < n; i++) {
		const u64 *w = page_address(t->pages[i]);
		u64 block = t->first_block + rel + i;

		for (unsigned int k = 0; k < PAGE_SIZE / 8; k++) {
			u64 want = word_for(block, t->gen[rel + i], k);

			if (w[k] != want) {
				if (t->errors++ < 3)
					printk(KERN_ERR
					       "blkstress %d: block %llu word %u: got %#llx, "
					       "want %#llx (generation %u)\n",
					       t->id, (unsigned long long)block, k,
					       (unsigned long long)w[k], (unsigned long long)want,
					       t->gen[rel + i]);
				break;
			}
		}
	}
}

static int stress_thread_fn(void *arg)
{
	struct stress_thread *t = arg;

	while (ktime_get_ns() < t->deadline && t->errors == 0) {
		unsigned int n = 1 + (unsigned int)(xrand(&t->rnd) % MAX_RUN);
		u64 rel;

		if (n > t->nr_blocks)
			n = (unsigned int)t->nr_blocks;
		rel = xrand(&t->rnd) % (t->nr_blocks - n + 1);
		if (xrand(&t->rnd) % 100 < 55)
			stress_write(t, rel, n);
		else
			stress_read(t, rel, n);
		if (xrand(&t->rnd) % 64 == 0)
			blkdev_issue_flush(t->bdev);
	}
	for (u64 rel = 0; rel < t->nr_blocks && !t->errors; rel += MAX_RUN) {
		unsigned int n =
			t->nr_blocks - rel < MAX_RUN ? (unsigned int)(t->nr_blocks - rel) : MAX_RUN;
		stress_read(t, rel, n);
	}
	return 0;
}

static int test_blkstress(void)
{
	struct block_device *b = blkdev_get_by_name("vda");
	struct stress_thread *ts;
	struct task_struct *th[STRESS_THREADS];
	u64 nblocks, per, start, secs = STRESS_SECS;
	u64 reads = 0, writes = 0, bytes = 0;
	int bad = 0;

	if (!b || b->bd_read_only) {
		printk(KERN_ERR "blkstress: needs a writable vda (boot with --disk IMG)\n");
		return 1;
	}
	nblocks = b->bd_nr_sectors / BLOCK_SECT;
	per = nblocks / STRESS_THREADS;
	if (per < MAX_RUN) {
		printk(KERN_ERR "blkstress: vda is too small\n");
		return 1;
	}
	ts = kcalloc(STRESS_THREADS, sizeof(*ts), 0);
	if (!ts)
		return 1;
	printk(KERN_INFO "blkstress: %d threads on %d CPUs, %llu blocks each, %llu s\n",
	       STRESS_THREADS, nr_cpus_online, (unsigned long long)per, (unsigned long long)secs);
	start = ktime_get_ns();
	for (int i = 0; i < STRESS_THREADS; i++) {
		struct stress_thread *t = &ts[i];

		t->bdev = b;
		t->id = i;
		t->first_block = (u64)i * per;
		t->nr_blocks = per;
		t->rnd = 0x1234567ULL * (u64)(i + 1) + ktime_get_ns();
		t->deadline = start + secs * NSEC_PER_SEC;
		t->gen = kcalloc(per, sizeof(u16), 0);
		bool ok = t->gen != NULL;
		for (int p = 0; p < MAX_RUN; p++)
			ok = (t->pages[p] = alloc_page(0)) && ok;
		th[i] = ok ? kthread_run_on(stress_thread_fn, t, "blkstress", i % nr_cpus_online) :
			     NULL;
	}
	for (int i = 0; i < STRESS_THREADS; i++) {
		struct stress_thread *t = &ts[i];

		if (th[i])
			kthread_join(th[i]);
		else
			t->errors++;
		reads += t->reads;
		writes += t->writes;
		bytes += t->bytes;
		if (t->errors)
			bad++;
		for (int p = 0; p < MAX_RUN; p++)
			if (t->pages[p])
				put_page(t->pages[p]);
		kfree(t->gen);
	}
	kfree(ts);
	printk(KERN_INFO "blkstress: %llu reads, %llu writes, %llu MiB in %llu ms\n",
	       (unsigned long long)reads, (unsigned long long)writes,
	       (unsigned long long)(bytes >> 20),
	       (unsigned long long)((ktime_get_ns() - start) / NSEC_PER_MSEC));
	printk(KERN_INFO "blkstress: %s (%d threads failed)\n", bad ? "FAIL" : "PASS", bad);
	return bad;
}
TEST_MODE(blkstress, test_blkstress, "block: 16 threads of verified random I/O on vda");
