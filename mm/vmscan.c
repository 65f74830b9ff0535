/*
 * vmscan.c - reclaiming page-cache pages: the LRU, kswapd, direct reclaim.
 *
 * The LRU: every page of a writeback-capable mapping is on lru_list while
 * it is in the page cache (PG_lru), newest at the head.  add_to_page_cache
 * adds it; leaving the cache (under the mapping's tree_lock) removes it.
 * The list holds no reference of its own: a page on it always has the
 * cache's, so taking a reference under lru_lock is safe.  In-memory file
 * systems (ramfs) have nothing to write back to and stay off the list.
 *
 * The scan (second chance): pages are taken from the tail and rotated to
 * the head; a page with PG_referenced (a read hit it since the last scan)
 * only loses the bit.  Then, without lru_lock, each page is tried:
 *   - locked or under writeback: kept (a later scan tries again);
 *   - mapped in page tables: kswapd unmaps it (unmap_mapping_range on its
 *     one page; dirty bits of the entries go to the page), then treats it
 *     like the others; direct reclaim keeps it.  A fault marks the page
 *     accessed, so a page in use that was unmapped survives the next scan;
 *   - dirty: written back (->writepage, WB_SYNC_NONE) when the scanner may
 *     do I/O (kswapd), freed by a later scan once clean; kept otherwise;
 *   - clean and used by nobody else: remove_mapping() takes it out of the
 *     cache (the refcount check and the removal under tree_lock, so no
 *     lookup can pick it up in between) and the last put frees it.
 *
 * Who reclaims:
 *   - kswapd, woken when an allocation leaves fewer than kswapd_low_wmark
 *     free pages (or noticing it itself every 100 ms, for allocations from
 *     atomic context, which cannot wake it), works until free pages are
 *     above the high watermark, writing dirty pages too, and kicks the
 *     flusher when it meets many dirty pages.
 *   - direct reclaim: alloc_pages() calls try_to_free_pages() when it finds
 *     no block, and wakeup_kswapd() reclaims a batch itself when free pages
 *     are below the min watermark (a reserve for atomic allocations).  It
 *     frees clean pages only (trylock_page, no I/O, no sleeping lock), and
 *     then waits at most RECLAIM_WAIT_MS for kswapd.  It runs only where
 *     sleeping is allowed and never recurses: not in atomic context
 *     (spinlock held, interrupts off), not for GFP_ATOMIC, not in a task
 *     with PF_MEMALLOC (kswapd, or a reclaimer that allocates).
 * So reclaim never waits for a lock its caller may hold: it takes page
 * locks only with trylock and its only other locks are spinlocks
 * (lru_lock, tree_lock) that allocation paths under a spinlock never reach.
 *
 * Locks: lru_lock (IRQ-safe spinlock) guards lru_list, nr_lru and PG_lru;
 * order: mapping->tree_lock -> lru_lock.
 */
#include <fs/fs.h>
#include <kernel/init.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <mm/mm.h>
#include <mm/page.h>

#define SCAN_BATCH 32
#define RECLAIM_WAIT_MS 50

static DEFINE_SPINLOCK(lru_lock);
static LIST_HEAD(lru_list);
static unsigned long nr_lru;

unsigned long kswapd_low_wmark; /* 0 until kswapd runs: alloc_pages never wakes it */
static unsigned long min_wmark, high_wmark;
static DECLARE_WAIT_QUEUE_HEAD(kswapd_wait);
static DECLARE_WAIT_QUEUE_HEAD(reclaim_wait); /* direct reclaimers wait for kswapd */
static bool kswapd_kicked;
static bool reclaim_ready;
static unsigned long nr_reclaimed_total, nr_pageout_total; /* statistics */

/* ---- the LRU ---- */

void lru_cache_add(struct page *page)
{
	unsigned long flags = spin_lock_irqsave(&lru_lock);

	if (!test_and_set_bit(PG_lru, &page->flags)) {
		list_add(&page->lru, &lru_list);
		nr_lru++;
	}
	spin_unlock_irqrestore(&lru_lock, flags);
}

void lru_cache_del(struct page *page)
{
	unsigned long flags;

	if (!test_bit(PG_lru, &page->flags))
		return; /* PG_lru is set only before the page is visible */
	flags = spin_lock_irqsave(&lru_lock);
	if (test_and_clear_bit(PG_lru, &page->flags)) {
		list_del(&page->lru);
		nr_lru--;
	}
	spin_unlock_irqrestore(&lru_lock, flags);
}

unsigned long lru_nr_pages(void) { return READ_ONCE(nr_lru); }

/* Takes up to max pages from the tail (referenced), rotating what it
 * passes to the head; *scanned counts the pages looked at. */
static unsigned int isolate_batch(struct page **batch, unsigned int max, unsigned long *scanned,
				  unsigned long max_scan)
{
	unsigned long flags = spin_lock_irqsave(&lru_lock);
	unsigned int got = 0;

	while (got < max && *scanned < max_scan && nr_lru) {
		struct page *page = list_entry(lru_list.prev, struct page, lru);

		list_del(&page->lru);
		list_add(&page->lru, &lru_list);
		(*scanned)++;
		if (test_and_clear_bit(PG_referenced, &page->flags))
			continue; /* used since the last pass: one more round */
		get_page(page); /* safe: the cache's reference is still there */
		batch[got++] = page;
	}
	spin_unlock_irqrestore(&lru_lock, flags);
	return got;
}

/* ---- reclaiming pages ---- */

static bool page_mapped(struct page *page) { return atomic_read(&page->_mapcount) > 0; }

/* Writes page (locked, dirty) back for reclaim; the page comes back
 * unlocked.  True if the write started. */
static bool pageout(struct address_space *mapping, struct page *page)
{
	struct writeback_control wbc = { 0 };

	if (!clear_page_dirty_for_io(page)) {
		unlock_page(page);
		return false;
	}
	wbc.sync_mode = WB_SYNC_NONE;
	wbc.nr_to_write = 1;
	wbc.for_reclaim = true;
	if (mapping->a_ops->writepage(page, &wbc) < 0)
		return false; /* the file system redirtied it or recorded an error */
	nr_pageout_total++;
	return true;
}

unsigned long shrink_page_list(struct page **pages, unsigned int nr, bool may_write)
{
	unsigned long freed = 0;

	for (unsigned int i = 0; i < nr; i++) {
		struct page *page = pages[i];
		struct address_space *mapping;

		if (!trylock_page(page))
			continue;
		mapping = page->mapping;
		if (mapping && page_mapped(page) && may_write)
			unmap_mapping_range(mapping, (u64)page->index << PAGE_SHIFT, PAGE_SIZE,
					    false);
		if (!mapping || PageWriteback(page) || page_mapped(page)) {
			unlock_page(page); /* truncated meanwhile, or busy */
			continue;
		}
		if (PageDirty(page)) {
			if (may_write && mapping_can_writeback(mapping))
				pageout(mapping, page);
			else
				unlock_page(page);
			continue;
		}
		if (remove_mapping(mapping, page))
			freed++;
		unlock_page(page);
	}
	return freed;
}

/* Scans up to max_scan LRU pages until nr_to_free are freed; returns the
 * pages freed and, in *dirty, how many dirty ones it met. */
static unsigned long shrink_lru(unsigned long nr_to_free, unsigned long max_scan, bool may_write,
				unsigned long *dirty)
{
	struct page *batch[SCAN_BATCH];
	unsigned long scanned = 0, freed = 0;
	unsigned int n;

	while (freed < nr_to_free &&
	       (n = isolate_batch(batch, SCAN_BATCH, &scanned, max_scan)) != 0) {
		if (dirty)
			for (unsigned int i = 0; i < n; i++)
				*dirty += PageDirty(batch[i]);
		freed += shrink_page_list(batch, n, may_write);
		for (unsigned int i = 0; i < n; i++)
			put_page(batch[i]); /* frees the pages that left the cache */
	}
	__atomic_fetch_add(&nr_reclaimed_total, freed, __ATOMIC_RELAXED);
	return freed;
}

unsigned long shrink_page_cache(unsigned long nr_to_free, bool may_write)
{
	return shrink_lru(nr_to_free, lru_nr_pages(), may_write, NULL);
}

/* ---- direct reclaim ---- */

static bool may_direct_reclaim(unsigned int gfp)
{
	return reclaim_ready && !(gfp & GFP_ATOMIC) && !in_atomic_context() &&
	       !(current->flags & (PF_MEMALLOC | PF_IDLE));
}

/* Clean pages only: never waits for anything but the bounded sleep. */
static unsigned long direct_reclaim(unsigned long nr, bool wait)
{
	unsigned long freed, before = nr_free_pages();

	current->flags |= PF_MEMALLOC;
	freed = shrink_lru(nr, lru_nr_pages() / 4 + 2 * SCAN_BATCH, false, NULL);
	current->flags &= ~PF_MEMALLOC;
	if (freed < nr && wait) {
		WRITE_ONCE(kswapd_kicked, true);
		wake_up(&kswapd_wait);
		wait_event_timeout(reclaim_wait, nr_free_pages() > min_wmark,
				   RECLAIM_WAIT_MS * NSEC_PER_MSEC);
	}
	return freed || nr_free_pages() > before;
}

unsigned long try_to_free_pages(unsigned int gfp, unsigned int order)
{
	if (!may_direct_reclaim(gfp))
		return 0;
	return direct_reclaim(SCAN_BATCH + (1UL << order), true);
}

void wakeup_kswapd(void)
{
	if (!reclaim_ready || in_atomic_context())
		return; /* kswapd notices by itself within 100 ms */
	if (!READ_ONCE(kswapd_kicked)) {
		WRITE_ONCE(kswapd_kicked, true);
		wake_up(&kswapd_wait);
	}
	/* Below the reserve: the allocator pays with a little reclaim. */
	if (nr_free_pages() < min_wmark && may_direct_reclaim(0))
		direct_reclaim(SCAN_BATCH, false);
}

/* ---- kswapd ---- */

static int kswapd(void *arg)
{
	u64 last_report = 0;
	unsigned long reported = 0;

	(void)arg;
	current->flags |= PF_MEMALLOC; /* its allocations (bios) never reclaim */
	for (;;) {
		unsigned int idle_rounds = 0;

		wait_event_timeout(kswapd_wait,
				   READ_ONCE(kswapd_kicked) || nr_free_pages() < kswapd_low_wmark,
				   100 * NSEC_PER_MSEC);
		WRITE_ONCE(kswapd_kicked, false);
		for (unsigned long free;
		     (free = nr_free_pages()) < high_wmark && idle_rounds < 10;) {
			unsigned long dirty = 0, want = high_wmark - free + SCAN_BATCH;
			unsigned long freed = shrink_lru(want, 2 * lru_nr_pages(), true, &dirty);

			wake_up_all(&reclaim_wait);
			if (dirty)
				wakeup_flusher_threads();
			if (freed) {
				idle_rounds = 0;
				continue;
			}
			/* Nothing clean: let the writes started above complete. */
			idle_rounds++;
			msleep(10);
		}
		wake_up_all(&reclaim_wait);
		if (READ_ONCE(nr_reclaimed_total) != reported &&
		    ktime_get_ns() - last_report > 10 * NSEC_PER_SEC) {
			last_report = ktime_get_ns();
			reported = READ_ONCE(nr_reclaimed_total);
			printk(KERN_INFO
			       "vmscan: %lu pages reclaimed, %lu written out for it so far\n",
			       reported, READ_ONCE(nr_pageout_total));
		}
	}
	return 0;
}

static int vmscan_init(void)
{
	unsigned long total = nr_total_pages();

	min_wmark = total / 128;
	if (min_wmark < 64)
		min_wmark = 64;
	high_wmark = 3 * min_wmark;
	if (!kthread_run(kswapd, NULL, "kswapd"))
		return -ENOMEM;
	WRITE_ONCE(kswapd_low_wmark, 2 * min_wmark);
	WRITE_ONCE(reclaim_ready, true);
	printk(KERN_INFO "vmscan: watermarks min %lu low %lu high %lu pages\n", min_wmark,
	       2 * min_wmark, high_wmark);
	return 0;
}
core_initcall(vmscan_init);
