/*
 * filemap.c - the page cache: page locks, adding and finding pages,
 * truncation, invalidation of a range (O_DIRECT writes, hole punch; the
 * caller holds BLOCK), and buffered read/write and mmap faults through the
 * cache.
 *
 * Contract and locks: see <fs/pagemap.h>.  In short: add_to_page_cache() is
 * the only way into a mapping (locked page in, cache reference taken);
 * pages leave locked; readers take a reference, then lock and recheck
 * page->mapping.  lock_page() sleeps on one of PAGE_WAIT_TABLE hashed wait
 * queues; unlock_page() wakes every waiter of that queue (they recheck their
 * own page), so a shared queue can never lose a wake-up.
 *
 * Buffered write copies each chunk of user data into a kernel bounce page
 * before it locks the page-cache page: a fault in the copy (the buffer may be
 * a mapping of this very page) then never waits for a page lock held by the
 * faulting task itself.
 *
 * Hooks of the other page-cache files: pages of writeback-capable mappings
 * join the LRU (mm/vmscan.c) when added and leave it when removed; PG_dirty
 * of a cached page changes under tree_lock, with the global dirty count
 * (fs/fs-writeback.c); reads start readahead (fs/readahead.c) and mark the
 * pages they use accessed; writes call balance_dirty_pages_ratelimited().
 */
#include "internal.h"
#include <fs/direct_io.h>
#include <fs/fs.h>
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/wait.h>
#include <mm/mm.h>
#include <mm/slab.h>

#define PAGE_WAIT_TABLE_BITS 8
static struct wait_queue_head page_wait_table[1 << PAGE_WAIT_TABLE_BITS];

static struct wait_queue_head *page_waitqueue(struct page *page)
{
	unsigned long h = (unsigned long)page_to_pfn(page) * 0x9E3779B97F4A7C15UL;
	return &page_wait_table[h >> (64 - PAGE_WAIT_TABLE_BITS)];
}

static int page_wait_init(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(page_wait_table); i++)
		init_waitqueue_head(&page_wait_table[i]);
	return 0;
}
/* Runs before any file system exists (core level). */
core_initcall(page_wait_init);

static void wake_page_waiters(struct page *page)
{
	struct wait_queue_head *wq = page_waitqueue(page);

	if (waitqueue_active(wq))
		wake_up_all(wq);
}

/* Sleeps until bit of page->flags is clear; with take, sets it atomically. */
static void wait_on_page_bit(struct page *page, int bit, bool take)
{
	struct wait_queue_head *wq = page_waitqueue(page);
	DEFINE_WAIT(w);

	for (;;) {
		prepare_to_wait(wq, &w, TASK_UNINTERRUPTIBLE);
		if (take ? !test_and_set_bit(bit, &page->flags) : !test_bit(bit, &page->flags))
			break;
		schedule();
	}
	finish_wait(wq, &w);
}

bool trylock_page(struct page *page) { return !test_and_set_bit(PG_locked, &page->flags); }

void lock_page(struct page *page)
{
	if (!trylock_page(page))
		wait_on_page_bit(page, PG_locked, true);
}

void unlock_page(struct page *page)
{
	BUG_ON(!PageLocked(page));
	clear_bit(PG_locked, &page->flags); /* a full barrier */
	wake_page_waiters(page);
}

void wait_on_page_locked(struct page *page)
{
	if (PageLocked(page))
		wait_on_page_bit(page, PG_locked, false);
}

void wait_on_page_writeback(struct page *page)
{
	if (PageWriteback(page))
		wait_on_page_bit(page, PG_writeback, false);
}

void end_page_writeback(struct page *page)
{
	clear_bit(PG_writeback, &page->flags);
	wake_page_waiters(page);
}

void address_space_init(struct address_space *mapping, struct inode *host)
{
	memset(mapping, 0, sizeof(*mapping));
	mapping->host = host;
	spin_lock_init(&mapping->tree_lock);
	spin_lock_init(&mapping->i_mmap_lock);
	INIT_LIST_HEAD(&mapping->i_mmap);
	pagecache_lock_init(mapping);
}

int add_to_page_cache(struct page *page, struct address_space *mapping, pgoff_t index)
{
	unsigned long flags;
	int err;

	BUG_ON(!PageLocked(page));
	BUG_ON(page->mapping);
	get_page(page);
	page->mapping = mapping;
	page->index = index;
	flags = spin_lock_irqsave(&mapping->tree_lock);
	err = page_tree_insert(&mapping->pages, index, page);
	if (!err)
		mapping->nrpages++;
	spin_unlock_irqrestore(&mapping->tree_lock, flags);
	if (err) {
		page->mapping = NULL;
		put_page(page);
	} else if (mapping_can_writeback(mapping)) {
		lru_cache_add(page); /* reclaimable (mm/vmscan.c); locked: stays */
	}
	return err;
}

struct page *find_get_page(struct address_space *mapping, pgoff_t index)
{
	unsigned long flags = spin_lock_irqsave(&mapping->tree_lock);
	struct page *page = page_tree_lookup(&mapping->pages, index);

	if (page)
		get_page(page);
	spin_unlock_irqrestore(&mapping->tree_lock, flags);
	return page;
}

unsigned int find_get_pages(struct address_space *mapping, pgoff_t *start, struct page **pages,
			    unsigned int max)
{
	unsigned long flags = spin_lock_irqsave(&mapping->tree_lock);
	unsigned int n = page_tree_gang_lookup(&mapping->pages, (void **)pages, *start, max, start);

	for (unsigned int i = 0; i < n; i++)
		get_page(pages[i]);
	spin_unlock_irqrestore(&mapping->tree_lock, flags);
	return n;
}

struct page *find_lock_page(struct address_space *mapping, pgoff_t index)
{
	struct page *page;

	for (;;) {
		page = find_get_page(mapping, index);
		if (!page)
			return NULL;
		lock_page(page);
		if (page->mapping == mapping && page->index == index)
			return page;
		unlock_page(page); /* truncated meanwhile: look again */
		put_page(page);
	}
}

struct page *find_or_create_page(struct address_space *mapping, pgoff_t index)
{
	struct page *page;
	int err;

	for (;;) {
		page = find_lock_page(mapping, index);
		if (page)
			return page;
		page = alloc_page(0);
		if (!page)
			return NULL;
		set_bit(PG_locked, &page->flags);
		err = add_to_page_cache(page, mapping, index);
		if (!err)
			return page; /* our allocation reference goes to the caller */
		unlock_page(page);
		put_page(page);
		if (err != -EEXIST)
			return NULL;
	}
}

/* Reads page (locked, in the cache) if it is not uptodate; unlocks it. */
static int fill_page(struct address_space *mapping, struct file *file, struct page *page)
{
	int err;

	if (PageUptodate(page)) {
		unlock_page(page);
		return 0;
	}
	ClearPageError(page);
	err = mapping->a_ops->readpage(file, page);
	if (err)
		return err;
	wait_on_page_locked(page);
	return PageUptodate(page) ? 0 : -EIO;
}

struct page *read_mapping_page(struct address_space *mapping, pgoff_t index, struct file *file)
{
	for (;;) {
		struct page *page = find_get_page(mapping, index);
		int err;

		if (page && PageUptodate(page))
			return page;
		if (!page) {
			page = alloc_page(0);
			if (!page)
				return ERR_PTR(-ENOMEM);
			set_bit(PG_locked, &page->flags);
			err = add_to_page_cache(page, mapping, index);
			if (err) {
				unlock_page(page);
				put_page(page);
				if (err == -EEXIST)
					continue;
				return ERR_PTR(err);
			}
		} else {
			lock_page(page);
			if (page->mapping != mapping) {
				unlock_page(page);
				put_page(page);
				continue;
			}
		}
		err = fill_page(mapping, file, page);
		if (!err)
			return page;
		put_page(page);
		return ERR_PTR(err);
	}
}

/* Caller holds tree_lock.  PG_dirty of a page in a mapping changes only
 * under its tree_lock, so nrdirty and the global dirty count stay exact. */
static void page_cache_delete(struct address_space *mapping, struct page *page)
{
	page_tree_delete(&mapping->pages, page->index);
	mapping->nrpages--;
	if (PageDirty(page)) {
		ClearPageDirty(page);
		mapping->nrdirty--;
		account_page_cleaned(mapping);
	}
	lru_cache_del(page);
	page->mapping = NULL;
}

void delete_from_page_cache(struct page *page)
{
	struct address_space *mapping = page->mapping;
	unsigned long flags;

	BUG_ON(!PageLocked(page));
	if (!mapping)
		return;
	flags = spin_lock_irqsave(&mapping->tree_lock);
	page_cache_delete(mapping, page);
	spin_unlock_irqrestore(&mapping->tree_lock, flags);
	put_page(page);
}

bool remove_mapping(struct address_space *mapping, struct page *page)
{
	unsigned long flags;

	BUG_ON(!PageLocked(page));
	flags = spin_lock_irqsave(&mapping->tree_lock);
	/* The cache's reference and the caller's: nobody else can see it. */
	if (page->mapping != mapping || page_count(page) != 2 || PageDirty(page) ||
	    PageWriteback(page)) {
		spin_unlock_irqrestore(&mapping->tree_lock, flags);
		return false;
	}
	page_cache_delete(mapping, page);
	spin_unlock_irqrestore(&mapping->tree_lock, flags);
	put_page(page);
	return true;
}

bool set_page_dirty(struct page *page)
{
	struct address_space *mapping = page->mapping;

	if (mapping && mapping->a_ops && mapping->a_ops->set_page_dirty)
		return mapping->a_ops->set_page_dirty(page);
	return __set_page_dirty_nobuffers(page);
}

bool __set_page_dirty_nobuffers(struct page *page)
{
	struct address_space *mapping = page->mapping;
	unsigned long flags;
	bool counted = false;

	if (!mapping)
		return !test_and_set_bit(PG_dirty, &page->flags);
	flags = spin_lock_irqsave(&mapping->tree_lock);
	if (test_and_set_bit(PG_dirty, &page->flags)) {
		spin_unlock_irqrestore(&mapping->tree_lock, flags);
		return false;
	}
	if (page->mapping == mapping) {
		mapping->nrdirty++;
		account_page_dirtied(mapping);
		counted = true;
	}
	spin_unlock_irqrestore(&mapping->tree_lock, flags);
	if (counted && mapping_can_writeback(mapping))
		__mark_inode_dirty(mapping->host, I_DIRTY_PAGES);
	return true;
}

bool clear_page_dirty_for_io(struct page *page)
{
	struct address_space *mapping = page->mapping;
	unsigned long flags;
	bool was;

	if (!mapping)
		return test_and_clear_bit(PG_dirty, &page->flags);
	flags = spin_lock_irqsave(&mapping->tree_lock);
	was = test_and_clear_bit(PG_dirty, &page->flags);
	if (was && page->mapping == mapping) {
		mapping->nrdirty--;
		account_page_cleaned(mapping);
	}
	spin_unlock_irqrestore(&mapping->tree_lock, flags);
	return was;
}

unsigned long mapping_nrpages(struct address_space *mapping) { return READ_ONCE(mapping->nrpages); }

#define GANG 16

/* Zeroes bytes [from, to) of page index (inside one page) if it is cached. */
static void zero_cached_part(struct address_space *mapping, pgoff_t index, unsigned int from,
			     unsigned int to)
{
	struct page *page = find_lock_page(mapping, index);

	if (!page)
		return; /* not cached: a hole or on disk, the caller's business */
	wait_on_page_writeback(page);
	if (page->mapping == mapping)
		memset((char *)page_address(page) + from, 0, to - from);
	unlock_page(page);
	put_page(page);
}

/* Removes the cached pages of [start, stop) from the cache, each under its
 * page lock after its write-back; a page still mapped (a fault that found
 * it before the caller's unmap) leaves every page table first. */
static void delete_cache_range(struct address_space *mapping, pgoff_t start, pgoff_t stop)
{
	struct page *pages[GANG];
	pgoff_t next = start;
	unsigned int n;

	while (next < stop && (n = find_get_pages(mapping, &next, pages, GANG)) != 0) {
		for (unsigned int i = 0; i < n; i++) {
			struct page *page = pages[i];

			if (page->index < stop) {
				lock_page(page);
				wait_on_page_writeback(page);
				if (page->mapping == mapping) {
					if (atomic_read(&page->_mapcount) > 0)
						unmap_mapping_range(mapping,
								    (u64)page->index << PAGE_SHIFT,
								    PAGE_SIZE, true);
					if (mapping->a_ops && mapping->a_ops->invalidatepage)
						mapping->a_ops->invalidatepage(page, 0, PAGE_SIZE);
					delete_from_page_cache(page);
				}
				unlock_page(page);
			}
			put_page(page);
		}
	}
}

void truncate_inode_pages(struct address_space *mapping, loff_t lstart)
{
	unsigned int partial = lstart & (PAGE_SIZE - 1);

	if (partial)
		zero_cached_part(mapping, (pgoff_t)(lstart >> PAGE_SHIFT), partial, PAGE_SIZE);
	delete_cache_range(mapping, (pgoff_t)((lstart + PAGE_SIZE - 1) >> PAGE_SHIFT), ~(pgoff_t)0);
}

void truncate_inode_pages_range(struct address_space *mapping, loff_t lstart, loff_t lend)
{
	pgoff_t first = (pgoff_t)(lstart >> PAGE_SHIFT), last = (pgoff_t)(lend >> PAGE_SHIFT);
	pgoff_t start = (pgoff_t)((lstart + PAGE_SIZE - 1) >> PAGE_SHIFT);
	pgoff_t stop = (pgoff_t)((lend + 1) >> PAGE_SHIFT); /* whole pages: [start, stop) */

	if (lend < lstart)
		return;
	if (lstart & (PAGE_SIZE - 1))
		zero_cached_part(mapping, first, lstart & (PAGE_SIZE - 1),
				 first == last ? (unsigned int)((lend & (PAGE_SIZE - 1)) + 1) :
						 (unsigned int)PAGE_SIZE);
	if (((lend + 1) & (PAGE_SIZE - 1)) && (last != first || !(lstart & (PAGE_SIZE - 1))))
		zero_cached_part(mapping, last, 0, (unsigned int)((lend & (PAGE_SIZE - 1)) + 1));
	if (start >= stop)
		return;
	unmap_mapping_range(mapping, (u64)start << PAGE_SHIFT, (u64)(stop - start) << PAGE_SHIFT,
			    true);
	delete_cache_range(mapping, start, stop);
}

/* O_DIRECT writes and hole punch (declared in <fs/direct_io.h>). */
int invalidate_inode_pages_range(struct address_space *mapping, loff_t start, loff_t end)
{
	pgoff_t next = start >> PAGE_SHIFT, last = end >> PAGE_SHIFT;
	u64 first_byte = (u64)next << PAGE_SHIFT;
	struct page *pages[GANG];
	unsigned int n;
	int err;

	if (end < start)
		return 0;
	/* page-table dirty bits move to the pages; then they are written */
	unmap_mapping_range(mapping, first_byte, ((u64)(last + 1) << PAGE_SHIFT) - first_byte,
			    false);
	err = filemap_write_and_wait_range(mapping, start, end);
	for (;;) {
		n = find_get_pages(mapping, &next, pages, GANG);
		if (!n)
			break;
		for (unsigned int i = 0; i < n; i++) {
			struct page *page = pages[i];

			if (page->index <= last) {
				lock_page(page);
				wait_on_page_writeback(page);
				/* a fault that found the page before we took BLOCK
				 * may have mapped it since the unmap above */
				if (page->mapping == mapping && atomic_read(&page->_mapcount) > 0)
					unmap_mapping_range(mapping, (u64)page->index << PAGE_SHIFT,
							    PAGE_SIZE, false);
				/* a dirty page without writepage is the only copy */
				if (page->mapping == mapping && !PageDirty(page))
					delete_from_page_cache(page);
				unlock_page(page);
			}
			put_page(page);
		}
		if (next > last)
			break;
	}
	return err;
}

int filemap_write_and_wait_range(struct address_space *mapping, loff_t start, loff_t end)
{
	/* Start every page's I/O first, then wait (fs/fs-writeback.c). */
	int err = filemap_fdatawrite_range(mapping, start, end);
	int err2 = filemap_fdatawait_range(mapping, start, end);

	return err ? err : err2;
}

/* ---- buffered read ---- */

/* rf_*: the ADD state around the read (r) and fault (f) paths' page-cache
 * lookups; no-ops when built with PAGECACHE_ADD_LOCK=0 (<fs/pagemap.h>). */
#if PAGECACHE_ADD_LOCK
#define rf_add_get(mapping) pagecache_add_get(mapping)
#define rf_add_put(mapping) pagecache_add_put(mapping)
#define rf_fault_lock(vmf, mapping) pagecache_fault_lock(vmf, mapping)
#else
#define rf_add_get(mapping) ((void)(mapping))
#define rf_add_put(mapping) ((void)(mapping))
#define rf_fault_lock(vmf, mapping) ((void)(vmf), (void)(mapping), 0)
#endif

ssize_t filemap_read(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *file = iocb->ki_filp;
	struct address_space *mapping = file->f_mapping;
	struct inode *inode = mapping->host;
	ssize_t done = 0;
	int err = 0;

	if (iocb->ki_pos < 0)
		return -EINVAL;
	while (iov_iter_count(to)) {
		loff_t pos = iocb->ki_pos, isize = i_size_read(inode);
		unsigned int off = pos & (PAGE_SIZE - 1);
		size_t n = MIN(PAGE_SIZE - off, iov_iter_count(to)), copied;
		unsigned long ra_req; /* pages this read still wants: for readahead */
		struct page *page;

		if (pos >= isize)
			break;
		if ((loff_t)n > isize - pos)
			n = isize - pos;
		ra_req = MIN((loff_t)iov_iter_count(to), isize - pos);
		ra_req = DIV_ROUND_UP(off + ra_req, PAGE_SIZE);
		rf_add_get(mapping); /* no page locked here (invariant 1) */
		page_cache_readahead(mapping, &file->f_ra, file, pos >> PAGE_SHIFT, ra_req);
		page = read_mapping_page(mapping, pos >> PAGE_SHIFT, file);
		rf_add_put(mapping);
		if (IS_ERR(page)) {
			err = PTR_ERR(page);
			break;
		}
		mark_page_accessed(page);
		/* No page lock while copying out: the user buffer may fault. */
		copied = copy_to_iter((char *)page_address(page) + off, n, to);
		put_page(page);
		done += copied;
		iocb->ki_pos += copied;
		if (copied < n) {
			err = -EFAULT;
			break;
		}
	}
	return done ? done : err;
}

ssize_t generic_file_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct address_space *mapping = iocb->ki_filp->f_mapping;

	if ((iocb->ki_flags & IOCB_DIRECT) && mapping->a_ops && mapping->a_ops->direct_IO)
		return mapping->a_ops->direct_IO(iocb, to);
	return filemap_read(iocb, to);
}

/* ---- buffered write ---- */

ssize_t generic_perform_write(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct address_space *mapping = file->f_mapping;
	const struct address_space_operations *a_ops = mapping->a_ops;
	struct inode *inode = mapping->host;
	loff_t maxbytes = inode->i_sb->s_maxbytes;
	ssize_t done = 0;
	char *bounce;
	int err = 0;

	if (iocb->ki_pos >= maxbytes)
		return iov_iter_count(from) ? -EFBIG : 0;
	if ((loff_t)iov_iter_count(from) > maxbytes - iocb->ki_pos)
		iov_iter_truncate(from, maxbytes - iocb->ki_pos);
	bounce = kmalloc(PAGE_SIZE, 0);
	if (!bounce)
		return -ENOMEM;
	while (iov_iter_count(from)) {
		loff_t pos = iocb->ki_pos;
		unsigned int off = pos & (PAGE_SIZE - 1);
		size_t n = MIN(PAGE_SIZE - off, iov_iter_count(from));
		size_t got = copy_from_iter(bounce, n, from);
		struct page *page;

		if (!got) {
			err = -EFAULT;
			break;
		}
		pagecache_add_get(mapping); /* before write_begin locks the page */
		err = a_ops->write_begin(file, mapping, pos, got, &page);
		if (err) {
			pagecache_add_put(mapping);
			break; /* the bytes in bounce are lost: a short write */
		}
		memcpy((char *)page_address(page) + off, bounce, got);
		err = a_ops->write_end(file, mapping, pos, got, got, page);
		pagecache_add_put(mapping);
		if (err < 0)
			break;
		balance_dirty_pages_ratelimited(mapping); /* may sleep: no lock but i_rwsem */
		err = 0;
		done += got;
		iocb->ki_pos += got;
		if (got < n) {
			err = -EFAULT;
			break;
		}
	}
	kfree(bounce);
	return done ? done : err;
}

static void file_update_time(struct file *file)
{
	struct inode *inode = file_inode(file);

	inode->i_mtime = inode->i_ctime = current_time();
}

ssize_t generic_file_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	struct address_space *mapping = iocb->ki_filp->f_mapping;
	ssize_t ret;

	if ((iocb->ki_flags & IOCB_DIRECT) && mapping->a_ops && mapping->a_ops->direct_IO) {
		/*
		 * Not under i_rwsem exclusive: blockdev_direct_IO holds it
		 * shared for its whole transfer, so an exclusive wait here
		 * would queue behind every O_DIRECT in flight (and, the rwsem
		 * being fair, make later shared holders queue behind it): O_DIRECT
		 * writers of one file would run one after another.  The time
		 * update needs only the shared hold; O_APPEND reads i_size
		 * under the exclusive one.
		 */
		if (iocb->ki_flags & IOCB_APPEND) {
			inode_lock(inode);
			iocb->ki_pos = i_size_read(inode);
			file_update_time(iocb->ki_filp);
			inode_unlock(inode);
		} else {
			inode_lock_shared(inode);
			file_update_time(iocb->ki_filp);
			inode_unlock_shared(inode);
		}
		ret = mapping->a_ops->direct_IO(iocb, from);
		goto sync;
	}
	inode_lock(inode);
	if (iocb->ki_flags & IOCB_APPEND)
		iocb->ki_pos = i_size_read(inode);
	file_update_time(iocb->ki_filp);
	ret = generic_perform_write(iocb, from);
	inode_unlock(inode);
sync:
	if (ret > 0 && (iocb->ki_flags & IOCB_DSYNC)) {
		int err = vfs_fsync(iocb->ki_filp, 1);
		if (err)
			ret = err;
	}
	return ret;
}

/* ---- helpers for in-memory file systems ---- */

int simple_readpage(struct file *file, struct page *page)
{
	memset(page_address(page), 0, PAGE_SIZE);
	SetPageUptodate(page);
	unlock_page(page);
	return 0;
}

int simple_write_begin(struct file *file, struct address_space *mapping, loff_t pos,
		       unsigned int len, struct page **pagep)
{
	struct page *page = find_or_create_page(mapping, pos >> PAGE_SHIFT);

	if (!page)
		return -ENOMEM;
	if (!PageUptodate(page) && len != PAGE_SIZE) {
		/* A new page of a hole: zero what the write will not cover. */
		unsigned int from = pos & (PAGE_SIZE - 1);
		char *va = page_address(page);
		memset(va, 0, from);
		memset(va + from + len, 0, PAGE_SIZE - from - len);
	}
	*pagep = page;
	return 0;
}

int simple_write_end(struct file *file, struct address_space *mapping, loff_t pos, unsigned int len,
		     unsigned int copied, struct page *page)
{
	struct inode *inode = mapping->host;

	SetPageUptodate(page);
	set_page_dirty(page);
	if (pos + copied > i_size_read(inode))
		i_size_write(inode, pos + copied);
	unlock_page(page);
	put_page(page);
	return copied;
}

/* ---- mmap ---- */

/*
 * A fault whose page is missing reads the pages around it too (the
 * process is likely to touch them next): RA_MAX_PAGES centred on the
 * fault, or starting at it under madvise(MADV_SEQUENTIAL), nothing extra
 * under MADV_RANDOM.  Only starts the reads (do_page_cache_ra); the fault
 * then waits for its own page like any reader.  Caller holds ADD.
 */
static void fault_read_around(struct vm_fault *vmf, struct address_space *mapping,
			      struct file *file)
{
	unsigned long vm_flags = vmf->vma->vm_flags;
	pgoff_t start = vmf->pgoff;

	if (vm_flags & VM_RAND_READ)
		return;
	if (!(vm_flags & VM_SEQ_READ))
		start = start > RA_MAX_PAGES / 2 ? start - RA_MAX_PAGES / 2 : 0;
	do_page_cache_ra(mapping, file, start, RA_MAX_PAGES);
}

int filemap_fault(struct vm_fault *vmf)
{
	struct file *file = vmf->vma->vm_file;
	struct address_space *mapping = file->f_mapping;
	struct inode *inode = mapping->host;
	struct page *page;
	loff_t size;
	int ret;

	/* ADD state first (no page locked yet), faults_disabled_mapping rules */
	ret = rf_fault_lock(vmf, mapping);
	if (ret)
		return ret;
	size = i_size_read(inode);
	if (vmf->pgoff >= (u64)((size + PAGE_SIZE - 1) >> PAGE_SHIFT)) {
		rf_add_put(mapping);
		return VM_FAULT_SIGBUS;
	}
	page = find_get_page(mapping, vmf->pgoff);
	if (page) {
		put_page(page);
	} else {
		current->fault_major = true; /* getrusage: not in the cache */
		fault_read_around(vmf, mapping, file);
	}
	page = read_mapping_page(mapping, vmf->pgoff, file);
	rf_add_put(mapping);
	if (IS_ERR(page))
		return PTR_ERR(page) == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
	mark_page_accessed(page); /* mapped pages get a second chance too */
	vmf->page = page;
	vmf->cache = mapping; /* map it only while it is still cached */
	return 0;
}

int filemap_page_mkwrite(struct vm_fault *vmf)
{
	struct page *page = vmf->page;
	struct address_space *mapping = vmf->vma->vm_file->f_mapping;
	struct inode *inode = mapping->host;
	int ret;

	ret = rf_fault_lock(vmf, mapping); /* before the page lock */
	if (ret)
		return ret;
	lock_page(page);
	if (page->mapping != inode->i_mapping) {
		unlock_page(page);
		rf_add_put(mapping);
		return VM_FAULT_SIGBUS; /* truncated */
	}
	set_page_dirty(page);
	inode->i_mtime = inode->i_ctime = current_time();
	unlock_page(page);
	rf_add_put(mapping);
	return 0;
}

static const struct vm_operations_struct generic_file_vm_ops = {
	.fault = filemap_fault,
	.page_mkwrite = filemap_page_mkwrite,
};

int generic_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (!file->f_mapping->a_ops || !file->f_mapping->a_ops->readpage)
		return -ENODEV;
	vma->vm_ops = &generic_file_vm_ops;
	return 0;
}

int generic_file_readonly_mmap(struct file *file, struct vm_area_struct *vma)
{
	if ((vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_MAYWRITE))
		return -EINVAL;
	return generic_file_mmap(file, vma);
}
