/*
 * test_mm.c - self-tests of the page allocator and kmalloc: stress from
 * every CPU at once, with each allocation filled with a per-owner pattern
 * and verified before it is freed (catches double allocation), and a check
 * that the free page count returns to where it started (no leak).
 */
#include <kernel/atomic.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <mm/page.h>
#include <mm/slab.h>

#define SLOTS 64

struct mm_stress {
	atomic_t errors;
	int rounds;
};

static int page_stress_thread(void *arg)
{
	struct mm_stress *s = arg;
	struct page *slots[SLOTS] = { 0 };
	unsigned int orders[SLOTS];
	u64 tag = (u64)current->pid << 32;

	for (int r = 0; r < s->rounds; r++) {
		int i = ktest_rand() % SLOTS;
		if (slots[i]) {
			u64 *w = page_address(slots[i]);
			for (unsigned long j = 0; j < (PAGE_SIZE << orders[i]) / 8; j += 61)
				if (w[j] != (tag | i))
					atomic_inc(&s->errors);
			__free_pages(slots[i], orders[i]);
			slots[i] = NULL;
		} else {
			orders[i] = ktest_rand() % 4;
			slots[i] = alloc_pages(0, orders[i]);
			if (!slots[i])
				continue;
			u64 *w = page_address(slots[i]);
			for (unsigned long j = 0; j < (PAGE_SIZE << orders[i]) / 8; j++)
				w[j] = tag | i;
		}
	}
	for (int i = 0; i < SLOTS; i++)
		if (slots[i])
			__free_pages(slots[i], orders[i]);
	return 0;
}

static int kmalloc_stress_thread(void *arg)
{
	struct mm_stress *s = arg;
	u8 *slots[SLOTS] = { 0 };
	size_t sizes[SLOTS];
	u8 tag = (u8)current->pid;

	for (int r = 0; r < s->rounds; r++) {
		int i = ktest_rand() % SLOTS;
		if (slots[i]) {
			for (size_t j = 0; j < sizes[i]; j++)
				if (slots[i][j] != (u8)(tag + i))
					atomic_inc(&s->errors);
			kfree(slots[i]);
			slots[i] = NULL;
		} else {
			sizes[i] = 1 + ktest_rand() % 5000;
			slots[i] = kmalloc(sizes[i], 0);
			if (slots[i])
				memset(slots[i], (u8)(tag + i), sizes[i]);
		}
	}
	for (int i = 0; i < SLOTS; i++)
		kfree(slots[i]);
	return 0;
}

static void run_on_all_cpus(int (*fn)(void *), void *arg, int per_cpu)
{
	struct task_struct *th[MAX_CPUS * 4];
	int n = 0;

	for (int c = 0; c < nr_cpus_online; c++)
		for (int k = 0; k < per_cpu; k++)
			th[n++] = kthread_run_on(fn, arg, "mmstress", c);
	for (int i = 0; i < n; i++)
		if (th[i])
			kthread_join(th[i]);
}

KTEST(page_alloc_stress)
{
	struct mm_stress s = { ATOMIC_INIT(0), 3000 };
	unsigned long before = nr_free_pages();

	run_on_all_cpus(page_stress_thread, &s, 2);
	KT_ASSERT(t, atomic_read(&s.errors) == 0, "%d corrupted words", atomic_read(&s.errors));
	KT_ASSERT(t, nr_free_pages() == before, "free pages %lu before, %lu after", before,
		  nr_free_pages());
}

KTEST(kmalloc_stress)
{
	struct mm_stress s = { ATOMIC_INIT(0), 4000 };

	run_on_all_cpus(kmalloc_stress_thread, &s, 2);
	KT_ASSERT(t, atomic_read(&s.errors) == 0, "%d corrupted bytes", atomic_read(&s.errors));
}

KTEST(buddy_merge)
{
	/* Freeing every page of a large block must merge it back. */
	struct page *big = alloc_pages(0, 8);
	struct page *parts[4];

	KT_ASSERT(t, big != NULL, "no order-8 block");
	__free_pages(big, 8);
	for (int i = 0; i < 4; i++) {
		parts[i] = alloc_pages(0, 6);
		KT_ASSERT(t, parts[i] != NULL, "order-6 allocation failed");
	}
	for (int i = 0; i < 4; i++)
		__free_pages(parts[i], 6);
	big = alloc_pages(__GFP_ZERO, 8);
	KT_ASSERT(t, big != NULL, "order-8 block did not come back");
	const u64 *w = page_address(big);
	for (unsigned long j = 0; j < (PAGE_SIZE << 8) / 8; j++)
		KT_ASSERT(t, w[j] == 0, "__GFP_ZERO page not zero at %lu", j);
	__free_pages(big, 8);
}
