/*
 * fs-writeback.c - dirty pages and dirty inodes, and writing them back:
 * the global dirty page count and its limits, the list of dirty inodes,
 * the flusher thread, the throttling of writers, and the generic loop that
 * hands dirty pages to a_ops->writepage.
 *
 * Model (one writeback domain for every device, like a single Linux bdi):
 *   - A page of a writeback-capable mapping (a_ops->writepage) that turns
 *     dirty counts in nr_dirty (filemap.c calls account_page_dirtied/
 *     cleaned under the mapping's tree_lock) and puts its inode on the
 *     dirty list with I_DIRTY_PAGES; file systems mark inode metadata dirty
 *     with mark_inode_dirty() (I_DIRTY_SYNC/I_DIRTY_DATASYNC) when they
 *     have ->write_inode.  dirtied_when is when a clean inode became dirty.
 *   - The flusher thread ("writeback") wakes every dirty_expire/5 (and when
 *     kicked): above the background limit it writes back inodes, oldest
 *     first in list order, until the count is below it; then it writes back
 *     every inode dirty for longer than dirty_expire; every dirty_expire it
 *     also calls ->sync_fs(sb, 0), so metadata a file system keeps in its
 *     own buffers reaches the disk without sync(2) too.
 *   - A writer that pushes nr_dirty above the hard limit sleeps in
 *     balance_dirty_pages_ratelimited() until the flusher brings it down.
 *   - Writeback of a page: lock it, unmap it from every page table if it is
 *     mapped (the rmap helper we have; a later store faults and dirties the
 *     page again, so nothing written through mmap is lost), clear PG_dirty,
 *     ->writepage (which sets PG_writeback, unlocks, and submits).
 *   - sync(2)/syncfs(2)/umount: a WB_SYNC_ALL pass writes every dirty inode
 *     and waits for its pages' I/O, then ->write_inode(inode, 1).
 *
 * Tunables (boot options): dirty_expire=MS (default 5000), dirty_ratio=PCT
 * of RAM (default 20; the background limit is half of it).
 *
 * Locks: wb_list_lock (spinlock, IRQ-safe, innermost) guards the dirty
 * list and every inode's i_wb_state and dirtied_when.  wb_mutex serialises
 * the passes over the dirty list (the flusher's and sync's), so an inode is
 * written by one pass at a time (the flusher only trylocks it and holds it
 * for one bounded pass); I_SYNC marks the inode a pass is writing,
 * and eviction waits for it to clear.  Writeback takes page locks (trylock
 * in the background, where a locked page is skipped) and never i_rwsem.
 * Lock order: wb_mutex -> page lock -> file system locks -> wb_list_lock.
 */
#include "internal.h"
#include <kernel/bootinfo.h>
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <mm/mm.h>

#define I_WILL_FREE 0x100 /* i_wb_state: being evicted, never requeue */
#define I_DIRTY_ALL (I_DIRTY_INODE | I_DIRTY_PAGES)
#define MAX_WRITEBACK_PAGES 1024 /* per inode and pass in the background */
#define GANG 16
#define ANY_AGE (~0ULL)

static DEFINE_SPINLOCK(wb_list_lock);
static LIST_HEAD(dirty_inodes);
static DEFINE_MUTEX(wb_mutex);
static DECLARE_WAIT_QUEUE_HEAD(wb_wait); /* the flusher sleeps here */
static DECLARE_WAIT_QUEUE_HEAD(wb_done_wait); /* throttled writers, I_SYNC waiters */
static atomic_long_t nr_dirty;
static bool wb_kicked;

static u64 dirty_expire_ns = 5 * NSEC_PER_SEC;
static unsigned long dirty_limit = ~0UL, background_limit = ~0UL; /* pages */

/* ---- the dirty page count ---- */

void account_page_dirtied(struct address_space *mapping)
{
	if (mapping_can_writeback(mapping))
		atomic_long_add_return(1, &nr_dirty);
}

void account_page_cleaned(struct address_space *mapping)
{
	if (mapping_can_writeback(mapping))
		atomic_long_add_return(-1, &nr_dirty);
}

unsigned long global_dirty_pages(void)
{
	long n = atomic_long_read(&nr_dirty);

	return n > 0 ? (unsigned long)n : 0;
}

void wakeup_flusher_threads(void)
{
	WRITE_ONCE(wb_kicked, true);
	wake_up(&wb_wait);
}

void balance_dirty_pages_ratelimited(struct address_space *mapping)
{
	if (!mapping_can_writeback(mapping))
		return; /* in-memory data is never written back: never throttled */
	if (global_dirty_pages() <= background_limit)
		return;
	if (!READ_ONCE(wb_kicked))
		wakeup_flusher_threads();
	while (global_dirty_pages() > dirty_limit) {
		wakeup_flusher_threads();
		wait_event_timeout(wb_done_wait, global_dirty_pages() <= dirty_limit,
				   100 * NSEC_PER_MSEC);
	}
}

/* ---- dirty inodes ---- */

static bool inode_can_writeback(struct inode *inode)
{
	const struct super_operations *op = inode->i_sb->s_op;

	return mapping_can_writeback(inode->i_mapping) || (op && op->write_inode);
}

void __mark_inode_dirty(struct inode *inode, int flags)
{
	unsigned long irq;

	if (!inode_can_writeback(inode))
		return;
	if ((READ_ONCE(inode->i_wb_state) & flags) == (unsigned long)flags)
		return; /* nothing new */
	irq = spin_lock_irqsave(&wb_list_lock);
	if (!(inode->i_wb_state & I_DIRTY_ALL))
		inode->dirtied_when = ktime_get_ns();
	inode->i_wb_state |= flags & I_DIRTY_ALL;
	/* A pass writing it (I_SYNC) requeues it when done. */
	if (!(inode->i_wb_state & (I_SYNC | I_WILL_FREE)) && list_empty(&inode->i_io_list))
		list_add_tail(&inode->i_io_list, &dirty_inodes);
	spin_unlock_irqrestore(&wb_list_lock, irq);
}

/* Is the inode worth a pass: not being set up or torn down? */
static bool inode_writable_now(struct inode *inode)
{
	return !(READ_ONCE(inode->i_state) & (I_NEW | I_FREEING)) &&
	       !(inode->i_wb_state & I_WILL_FREE);
}

/* The pass is done with inode (I_SYNC set): requeue it if still dirty. */
static void writeback_finish(struct inode *inode, u64 old_dirtied)
{
	unsigned long irq = spin_lock_irqsave(&wb_list_lock);

	inode->i_wb_state &= ~I_SYNC;
	list_del_init(&inode->i_io_list);
	if (READ_ONCE(inode->i_mapping->nrdirty) && mapping_can_writeback(inode->i_mapping)) {
		if (!(inode->i_wb_state & I_DIRTY_ALL))
			inode->dirtied_when = old_dirtied; /* left over: still that old */
		inode->i_wb_state |= I_DIRTY_PAGES;
	}
	if ((inode->i_wb_state & I_DIRTY_ALL) && !(inode->i_wb_state & I_WILL_FREE))
		list_add_tail(&inode->i_io_list, &dirty_inodes);
	spin_unlock_irqrestore(&wb_list_lock, irq);
	wake_up_all(&wb_done_wait);
}

static int write_inode(struct inode *inode, int wait)
{
	const struct super_operations *op = inode->i_sb->s_op;

	if (!op || !op->write_inode || (inode->i_sb->s_flags & SB_RDONLY))
		return 0;
	return op->write_inode(inode, wait);
}

/*
 * One pass over the dirty list (caller holds wb_mutex): every inode of sb
 * (all when NULL) dirtied at or before older_than (ANY_AGE: all).  Background
 * (sync_mode NONE): at most MAX_WRITEBACK_PAGES of each inode, the inode
 * written without waiting; with stop_below, the pass ends once nr_dirty
 * is below it.  WB_SYNC_ALL: every page, then the wait, then the inode.
 * Returns the pages written.
 */
static long writeback_pass(struct super_block *sb, int sync_mode, u64 older_than,
			   unsigned long stop_below)
{
	LIST_HEAD(io);
	struct inode *inode, *tmp;
	unsigned long irq;
	long written = 0;
	int err = 0;

	/* Take the eligible inodes off the dirty list; I_SYNC keeps each one
	 * alive (eviction waits) until writeback_finish(). */
	irq = spin_lock_irqsave(&wb_list_lock);
	list_for_each_entry_safe(inode, tmp, &dirty_inodes, i_io_list) {
		if (sb && inode->i_sb != sb)
			continue;
		if (inode->dirtied_when > older_than)
			continue;
		if (!inode_writable_now(inode))
			continue;
		inode->i_wb_state |= I_SYNC;
		list_move_tail(&inode->i_io_list, &io);
	}
	spin_unlock_irqrestore(&wb_list_lock, irq);

	while (!list_empty(&io)) {
		struct writeback_control wbc = { 0 };
		unsigned long dirty;
		u64 when;

		inode = list_first_entry(&io, struct inode, i_io_list);
		irq = spin_lock_irqsave(&wb_list_lock);
		list_del_init(&inode->i_io_list);
		dirty = inode->i_wb_state & I_DIRTY_ALL;
		when = inode->dirtied_when;
		inode->i_wb_state &= ~I_DIRTY_ALL; /* new dirt during the pass sets them again */
		spin_unlock_irqrestore(&wb_list_lock, irq);

		if (stop_below && global_dirty_pages() < stop_below) {
			/* Done early: put it back as it was. */
			irq = spin_lock_irqsave(&wb_list_lock);
			inode->i_wb_state |= dirty;
			spin_unlock_irqrestore(&wb_list_lock, irq);
			writeback_finish(inode, when);
			continue;
		}
		wbc.sync_mode = sync_mode;
		wbc.nr_to_write =
			sync_mode == WB_SYNC_ALL ? (long)(~0UL >> 1) : MAX_WRITEBACK_PAGES;
		if (dirty & I_DIRTY_PAGES) {
			long before = wbc.nr_to_write;
			int r = do_writepages(inode->i_mapping, &wbc);
			if (r && !err)
				err = r;
			written += before - wbc.nr_to_write;
			if (sync_mode == WB_SYNC_ALL) {
				r = filemap_fdatawait_range(inode->i_mapping, 0, 0);
				if (r && !err)
					err = r;
			}
		}
		if (dirty & I_DIRTY_INODE) {
			int r = write_inode(inode, sync_mode == WB_SYNC_ALL);
			if (r) {
				if (!err)
					err = r;
				__mark_inode_dirty(inode, (int)(dirty & I_DIRTY_INODE));
			}
		}
		writeback_finish(inode, when);
	}
	if (err && err != -ENOMEM)
		printk(KERN_WARNING "writeback: error %d\n", err);
	return sync_mode == WB_SYNC_ALL && err ? err : written;
}

int write_inode_now(struct inode *inode, int sync)
{
	struct writeback_control wbc = { 0 };
	unsigned long dirty, irq;
	int err = 0, r;

	wbc.sync_mode = sync ? WB_SYNC_ALL : WB_SYNC_NONE;
	wbc.nr_to_write = (long)(~0UL >> 1);
	irq = spin_lock_irqsave(&wb_list_lock);
	dirty = inode->i_wb_state & I_DIRTY_ALL;
	inode->i_wb_state &= ~I_DIRTY_ALL;
	if (!(inode->i_wb_state & I_SYNC))
		list_del_init(&inode->i_io_list);
	spin_unlock_irqrestore(&wb_list_lock, irq);
	if (mapping_can_writeback(inode->i_mapping)) {
		err = do_writepages(inode->i_mapping, &wbc);
		if (sync) {
			r = filemap_fdatawait_range(inode->i_mapping, 0, 0);
			if (r && !err)
				err = r;
		}
	}
	if (dirty & I_DIRTY_INODE) {
		r = write_inode(inode, sync);
		if (r && !err)
			err = r;
	}
	if (READ_ONCE(inode->i_mapping->nrdirty))
		__mark_inode_dirty(inode, I_DIRTY_PAGES);
	return err;
}

int sync_inode_metadata(struct inode *inode, int datasync)
{
	unsigned long want = datasync ? I_DIRTY_DATASYNC : I_DIRTY_INODE, dirty, irq;
	int err;

	irq = spin_lock_irqsave(&wb_list_lock);
	dirty = inode->i_wb_state & I_DIRTY_INODE;
	if (dirty & want)
		inode->i_wb_state &= ~I_DIRTY_INODE;
	spin_unlock_irqrestore(&wb_list_lock, irq);
	if (!(dirty & want))
		return 0;
	err = write_inode(inode, 1);
	if (err)
		__mark_inode_dirty(inode, (int)dirty);
	return err;
}

void inode_writeback_evict(struct inode *inode)
{
	unsigned long irq, dirty;

	irq = spin_lock_irqsave(&wb_list_lock);
	inode->i_wb_state |= I_WILL_FREE;
	while (inode->i_wb_state & I_SYNC) {
		spin_unlock_irqrestore(&wb_list_lock, irq);
		wait_event(wb_done_wait, !(READ_ONCE(inode->i_wb_state) & I_SYNC));
		irq = spin_lock_irqsave(&wb_list_lock);
	}
	list_del_init(&inode->i_io_list);
	dirty = inode->i_wb_state & I_DIRTY_ALL;
	spin_unlock_irqrestore(&wb_list_lock, irq);
	/* Still linked: its data must survive the inode cache (no one will
	 * write it later).  Unlinked: the file system frees it all. */
	if (dirty && inode->i_nlink && !(inode->i_sb->s_flags & SB_RDONLY))
		write_inode_now(inode, 1);
}

/* ---- for sync.c ---- */

int writeback_inodes_sync(struct super_block *sb)
{
	long r;

	mutex_lock(&wb_mutex);
	r = writeback_pass(sb, WB_SYNC_ALL, ANY_AGE, 0);
	mutex_unlock(&wb_mutex);
	return r < 0 ? (int)r : 0;
}

/* ---- writing back a mapping's pages ---- */

static bool page_mapped(struct page *page) { return atomic_read(&page->_mapcount) > 0; }

int write_cache_pages(struct address_space *mapping, struct writeback_control *wbc,
		      writepage_t writepage, void *data)
{
	bool whole = !wbc->range_start && !wbc->range_end;
	bool cyclic = whole && wbc->sync_mode == WB_SYNC_NONE;
	pgoff_t index, end, first;
	struct page *pages[GANG];
	bool wrapped = false, done = false;
	int err = 0;

	if (cyclic) {
		first = index = READ_ONCE(mapping->writeback_index);
		end = ~(pgoff_t)0;
	} else {
		first = index = (u64)wbc->range_start >> PAGE_SHIFT;
		end = wbc->range_end ? (u64)wbc->range_end >> PAGE_SHIFT : ~(pgoff_t)0;
	}
	while (!done) {
		unsigned int n;

		n = find_get_pages(mapping, &index, pages, GANG);
		if (!n) {
			if (cyclic && !wrapped && first) {
				/* From the start up to where this pass began. */
				wrapped = true;
				end = first - 1;
				index = 0;
				continue;
			}
			break;
		}
		for (unsigned int i = 0; i < n; i++) {
			struct page *page = pages[i];
			pgoff_t pidx = page->index;
			int r;

			if (done || pidx > end) {
				done = true;
				put_page(page);
				continue;
			}
			if (wbc->sync_mode == WB_SYNC_NONE) {
				if (!PageDirty(page) || !trylock_page(page)) {
					put_page(page);
					continue;
				}
			} else {
				lock_page(page);
			}
			if (page->mapping != mapping || !PageDirty(page) ||
			    (PageWriteback(page) && wbc->sync_mode == WB_SYNC_NONE)) {
				unlock_page(page);
				put_page(page);
				continue;
			}
			wait_on_page_writeback(page);
			if (page_mapped(page)) /* write-protect: no store may bypass PG_dirty */
				unmap_mapping_range(mapping, (u64)page->index << PAGE_SHIFT,
						    PAGE_SIZE, false);
			if (!clear_page_dirty_for_io(page)) {
				unlock_page(page);
				put_page(page);
				continue;
			}
			r = writepage(page, wbc, data); /* unlocks the page */
			if (r && !err)
				err = r;
			put_page(page);
			if (--wbc->nr_to_write <= 0 && wbc->sync_mode == WB_SYNC_NONE) {
				done = true;
				if (cyclic)
					WRITE_ONCE(mapping->writeback_index, pidx + 1);
			}
		}
		if (!done && index > end)
			break;
	}
	if (cyclic && !done)
		WRITE_ONCE(mapping->writeback_index, 0);
	return err;
}

static int a_ops_writepage(struct page *page, struct writeback_control *wbc, void *data)
{
	return page->mapping->a_ops->writepage(page, wbc);
}

int do_writepages(struct address_space *mapping, struct writeback_control *wbc)
{
	if (!mapping_can_writeback(mapping))
		return 0;
	if (mapping->a_ops->writepages)
		return mapping->a_ops->writepages(mapping, wbc);
	return write_cache_pages(mapping, wbc, a_ops_writepage, NULL);
}

int filemap_fdatawrite_range(struct address_space *mapping, loff_t start, loff_t end)
{
	struct writeback_control wbc = { 0 };

	wbc.sync_mode = WB_SYNC_ALL;
	wbc.nr_to_write = (long)(~0UL >> 1);
	wbc.range_start = start;
	wbc.range_end = end == (loff_t)(~0ULL >> 1) ? 0 : end;
	return do_writepages(mapping, &wbc);
}

int filemap_fdatawait_range(struct address_space *mapping, loff_t start, loff_t end)
{
	pgoff_t index = (u64)start >> PAGE_SHIFT;
	pgoff_t last = end > 0 ? (u64)end >> PAGE_SHIFT : ~(pgoff_t)0;
	struct page *pages[GANG];
	unsigned int n;
	int err = 0;

	if (!mapping_can_writeback(mapping))
		return 0;
	for (;;) {
		n = find_get_pages(mapping, &index, pages, GANG);
		if (!n)
			break;
		for (unsigned int i = 0; i < n; i++) {
			if (pages[i]->index <= last) {
				wait_on_page_writeback(pages[i]);
				if (test_and_clear_bit(PG_error, &pages[i]->flags))
					err = -EIO;
			}
			put_page(pages[i]);
		}
		if (index > last || !index)
			break;
	}
	if (test_and_clear_bit(AS_EIO, &mapping->flags))
		err = -EIO;
	return err;
}

int filemap_write_and_wait(struct address_space *mapping)
{
	return filemap_write_and_wait_range(mapping, 0, (loff_t)(~0ULL >> 1));
}

/* ---- the flusher thread ---- */

/* One bounded pass under wb_mutex, or none (*busy set) while a sync pass
 * holds it (that one writes everything anyway): the flusher never sleeps
 * on the mutex, so a long sync cannot make it look hung. */
static long flusher_pass(u64 older_than, unsigned long stop_below, bool *busy)
{
	long n;

	if (!mutex_trylock(&wb_mutex)) {
		*busy = true;
		return 0;
	}
	n = writeback_pass(NULL, WB_SYNC_NONE, older_than, stop_below);
	mutex_unlock(&wb_mutex); /* between passes sync may get in */
	wake_up_all(&wb_done_wait);
	return n;
}

/* Returns true when it had to stop because a sync pass runs. */
static bool flusher_work(void)
{
	u64 now = ktime_get_ns();
	bool busy = false;
	long n;

	/* Volume: the oldest first until below the background limit. */
	while (!busy && global_dirty_pages() > background_limit)
		if (flusher_pass(ANY_AGE, background_limit, &busy) <= 0)
			break; /* nothing writable now (all locked or in flight) */
	/* Age: everything dirty for longer than dirty_expire. */
	do
		n = flusher_pass(now > dirty_expire_ns ? now - dirty_expire_ns : 0, 0, &busy);
	while (n > 0 && !busy);
	return busy;
}

static int flusher_thread(void *arg)
{
	u64 interval = dirty_expire_ns / 5, last_sync_fs = ktime_get_ns();

	(void)arg;
	if (interval < 100 * NSEC_PER_MSEC)
		interval = 100 * NSEC_PER_MSEC;
	if (interval > 5 * NSEC_PER_SEC)
		interval = 5 * NSEC_PER_SEC;
	for (;;) {
		wait_event_timeout(wb_wait, READ_ONCE(wb_kicked), interval);
		WRITE_ONCE(wb_kicked, false);
		if (flusher_work()) {
			msleep(20); /* a sync pass runs: try again a little later */
			WRITE_ONCE(wb_kicked, true);
		}
		if (ktime_get_ns() - last_sync_fs >= dirty_expire_ns) {
			sync_supers_nowait(); /* metadata by age too (sync.c) */
			last_sync_fs = ktime_get_ns();
		}
	}
	return 0;
}

static int writeback_init(void)
{
	long expire = cmdline_get_int("dirty_expire", 5000);
	long ratio = cmdline_get_int("dirty_ratio", 20);
	unsigned long total = nr_total_pages();

	if (expire < 10)
		expire = 10;
	if (ratio < 1 || ratio > 90)
		ratio = 20;
	dirty_expire_ns = (u64)expire * NSEC_PER_MSEC;
	dirty_limit = total * (unsigned long)ratio / 100;
	background_limit = dirty_limit / 2;
	if (!kthread_run(flusher_thread, NULL, "writeback"))
		return -ENOMEM;
	printk(KERN_INFO "writeback: dirty limit %lu pages (background %lu), expire %ld ms\n",
	       dirty_limit, background_limit, expire);
	return 0;
}
core_initcall(writeback_init);
