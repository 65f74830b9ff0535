/*
 * pagemap.h - the page cache: a file's pages in its address_space
 * (fs/filemap.c, fs/page_tree.c).
 *
 * An address_space maps a file's page index to a struct page through a
 * radix tree (struct page_tree).  A page in the cache has page->mapping and
 * page->index set and holds one reference owned by the cache.
 *
 * Contract:
 *   - add_to_page_cache() is the ONE place a page enters any mapping.  The
 *     page comes in locked (PG_locked) and not yet uptodate; whoever added
 *     it reads it (a_ops->readpage, which unlocks it) or fills it.  A later
 *     issue guards exactly this function with pagecache_add_lock.
 *   - find_get_page() returns a referenced page that may be locked, not
 *     uptodate, or already truncated (page->mapping NULL): lock it and check
 *     page->mapping before trusting it.
 *   - A page leaves the cache only locked (delete_from_page_cache()).
 *   - Flags (include/mm/page.h): PG_locked (I/O or truncate in progress),
 *     PG_uptodate (contents valid), PG_dirty (newer than the backing store;
 *     in-memory file systems keep their pages dirty so nothing drops them),
 *     PG_writeback, PG_error.
 *
 * Locks: mapping->tree_lock (spinlock, IRQ-safe) guards the tree and
 * nrpages; mapping->i_mmap_lock guards i_mmap (the VMAs mapping the file,
 * used by mm/).  lock_page() sleeps on a hashed wait queue: never call it
 * with a spinlock held.  Order: i_rwsem -> mmap_lock -> page lock ->
 * tree_lock (DESIGN.md section 4).  Buffered writes copy the user data into
 * a kernel buffer before locking the page, so a fault on a mapping of the
 * same page can never wait for a page lock its own task holds.
 */
#ifndef FS_PAGEMAP_H
#define FS_PAGEMAP_H

#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <kernel/two_state_lock.h>
#include <kernel/types.h>
#include <mm/page.h>

typedef s64 loff_t;
#define OFFSET_MAX ((loff_t)(~0ULL >> 1)) /* the largest file offset */

struct address_space;
struct file;
struct inode;
struct kiocb;
struct iov_iter;
struct vm_fault;
struct vm_area_struct;

/* ---- the index -> page tree (fs/page_tree.c) ---- */

#define PAGE_TREE_SHIFT 6
#define PAGE_TREE_SLOTS (1U << PAGE_TREE_SHIFT)

struct page_tree {
	void *root; /* a node when height > 0 */
	unsigned int height; /* covers indices < 64^height */
};

void *page_tree_lookup(const struct page_tree *t, pgoff_t index);
/* -EEXIST if index is taken, -ENOMEM.  Never sleeps (callers hold a lock). */
int page_tree_insert(struct page_tree *t, pgoff_t index, void *item);
/* Returns the removed item or NULL; frees emptied nodes. */
void *page_tree_delete(struct page_tree *t, pgoff_t index);
/* Up to max items with index >= first, in index order; *next is set past
 * the last one returned. */
unsigned int page_tree_gang_lookup(const struct page_tree *t, void **items, pgoff_t first,
				   unsigned int max, pgoff_t *next);

/* ---- address_space ---- */

struct writeback_control {
	int sync_mode; /* WB_SYNC_NONE or WB_SYNC_ALL */
	long nr_to_write; /* pages still to write; writepage(s) count it down */
	/* Bytes [range_start, range_end] to write; range_end 0 means "to the
	 * end of the file" (fs/fs-writeback.c). */
	loff_t range_start, range_end;
	bool for_reclaim; /* from the reclaimer (mm/vmscan.c): never wait */
};
#define WB_SYNC_NONE 0
#define WB_SYNC_ALL 1

struct address_space_operations {
	/* page is locked and in the cache; read it, set uptodate (or error),
	 * unlock it.  Returns 0 or -errno. */
	int (*readpage)(struct file *file, struct page *page);
	/* page is locked and dirty; write it back and unlock it. */
	int (*writepage)(struct page *page, struct writeback_control *wbc);
	/* Prepare [pos, pos+len) of one page for a buffered write: returns the
	 * locked, referenced page in *pagep. */
	int (*write_begin)(struct file *file, struct address_space *mapping, loff_t pos,
			   unsigned int len, struct page **pagep);
	/* copied bytes went in: mark dirty, grow i_size, unlock and release. */
	int (*write_end)(struct file *file, struct address_space *mapping, loff_t pos,
			 unsigned int len, unsigned int copied, struct page *page);
	bool (*set_page_dirty)(struct page *page);
	/* Part of a page is being truncated away (page locked). */
	void (*invalidatepage)(struct page *page, unsigned int offset, unsigned int len);
	/* O_DIRECT (IOCB_DIRECT) read or write, e.g. by blockdev_direct_IO()
	 * (<fs/direct_io.h>); NULL: O_DIRECT goes through the page cache. */
	ssize_t (*direct_IO)(struct kiocb *iocb, struct iov_iter *iter);
	/* Optional, for readahead: pages[0..nr) are locked, in the cache,
	 * not uptodate, at consecutive indices; read each as readpage would
	 * (set uptodate or error, unlock), e.g. with one bio.  0 or -errno
	 * (pages it did not start must still be unlocked). */
	int (*readpages)(struct file *file, struct address_space *mapping, struct page **pages,
			 unsigned int nr);
	/* Optional: write back the dirty pages wbc asks for (default:
	 * write_cache_pages() calling writepage on each).  It may leave the
	 * I/O in flight: callers that need it done wait for PG_writeback. */
	int (*writepages)(struct address_space *mapping, struct writeback_control *wbc);
};

#define AS_EIO 0 /* a writeback error to report at fsync */

struct address_space {
	struct inode *host;
	spinlock_t tree_lock;
	struct page_tree pages;
	unsigned long nrpages;
	unsigned long nrdirty;
	const struct address_space_operations *a_ops;
	unsigned long flags;
	spinlock_t i_mmap_lock;
	struct list_head i_mmap; /* VMAs mapping it (vm_area_struct.i_mmap_node) */
	void *private_data;
	pgoff_t writeback_index; /* where background writeback resumes */
	/* pagecache_add_lock (fs/pagecache_lock.c): ADD (0) around every add
	 * of pages, BLOCK (1) while pages must stay out (O_DIRECT, truncate). */
	struct two_state_lock add_lock;
};

void address_space_init(struct address_space *mapping, struct inode *host);

/* ---- pagecache_add_lock (fs/pagecache_lock.c, DESIGN.md sections 2-4) ----
 * Rules: take it before any page lock (never wait for it with a page
 * locked: unlock, take, retry); lock order i_rwsem -> it -> page lock; two
 * mappings' locks nest in (s_dev, i_ino) order (mapping_lock_before()). */
#define PAGECACHE_ADD 0
#define PAGECACHE_BLOCK 1
void pagecache_lock_init(struct address_space *mapping);
void pagecache_add_get(struct address_space *mapping);
void pagecache_add_put(struct address_space *mapping);
bool pagecache_add_tryget(struct address_space *mapping);
void pagecache_block_get(struct address_space *mapping);
void pagecache_block_put(struct address_space *mapping);
bool pagecache_block_tryget(struct address_space *mapping);
/* true when a's lock comes before b's in the declared order. */
bool mapping_lock_before(const struct address_space *a, const struct address_space *b);
/* The fault side (filemap_fault, page_mkwrite): returns 0 with ADD held on
 * mapping, or a VM_FAULT_* code (VM_FAULT_RETRY: mmap_lock was released;
 * VM_FAULT_NOPAGE: current->faults_disabled_mapping is this mapping). */
int pagecache_fault_lock(struct vm_fault *vmf, struct address_space *mapping);
/* Build switch for `make bench` only: `make PAGECACHE_ADD_LOCK=0` (into
 * build-nolock/) compiles the ADD-side get/put/trylock out of the buffered
 * read path (filemap_read) and the fault path (filemap_fault,
 * filemap_page_mkwrite, including their faults_disabled_mapping checks), so
 * the bench can measure what the lock costs there.  Such a kernel is NOT
 * correct: O_DIRECT and truncate no longer keep those paths' pages out. */
#ifndef PAGECACHE_ADD_LOCK
#define PAGECACHE_ADD_LOCK 1
#endif
/* faults_disabled_mapping bit 0: "the fault handler dropped my locks". */
#define FDM_DROPPED 1UL
static inline struct address_space *fdm_mapping(struct address_space *fdm)
{
	return (struct address_space *)((unsigned long)fdm & ~FDM_DROPPED);
}
/* Boot option naive=: fdm (no faults_disabled_mapping check), order (no
 * order-or-trylock rule), nodio-lock (O_DIRECT without BLOCK). */
extern bool pagecache_naive_fdm, pagecache_naive_order, pagecache_naive_nodio_lock;

/* ---- page locks ---- */

void lock_page(struct page *page);
bool trylock_page(struct page *page);
void unlock_page(struct page *page);
void wait_on_page_locked(struct page *page);
/* Sleeps until PG_writeback clears; end_page_writeback() clears and wakes. */
void wait_on_page_writeback(struct page *page);
void end_page_writeback(struct page *page);

/* ---- the page cache ---- */

/* The one entry point: page locked and not in any mapping.  Takes a
 * reference for the cache.  -EEXIST if index is present, -ENOMEM. */
int add_to_page_cache(struct page *page, struct address_space *mapping, pgoff_t index);
struct page *find_get_page(struct address_space *mapping, pgoff_t index);
/* Locked and referenced, still in mapping; NULL if absent. */
struct page *find_lock_page(struct address_space *mapping, pgoff_t index);
/* Up to max cached pages from index *start on, in index order, each with a
 * reference; *start is set past the last one.  0 when there are none. */
unsigned int find_get_pages(struct address_space *mapping, pgoff_t *start, struct page **pages,
			    unsigned int max);
/* Locked and referenced: the cached page or a new one (not uptodate). */
struct page *find_or_create_page(struct address_space *mapping, pgoff_t index);
/* An uptodate page of mapping (referenced), read if needed; ERR_PTR(-EIO). */
struct page *read_mapping_page(struct address_space *mapping, pgoff_t index, struct file *file);
/* page locked: removes it from its mapping and drops the cache's reference. */
void delete_from_page_cache(struct page *page);
/* Removes every page at or beyond byte lstart and zeroes the part of the
 * page straddling it.  Caller holds i_rwsem (or the inode is dying). */
void truncate_inode_pages(struct address_space *mapping, loff_t lstart);
/* Hole punch in the cache: bytes [lstart, lend] (inclusive) read as zeros
 * afterwards: the cached parts of partial pages are zeroed in place, whole
 * pages are unmapped everywhere (private copies too) and removed.  Caller
 * holds i_rwsem and BLOCK. */
void truncate_inode_pages_range(struct address_space *mapping, loff_t lstart, loff_t lend);
bool set_page_dirty(struct page *page);
bool clear_page_dirty_for_io(struct page *page);
/* Writes back dirty pages (a_ops->writepage) in [start, end] and waits. */
int filemap_write_and_wait_range(struct address_space *mapping, loff_t start, loff_t end);
unsigned long mapping_nrpages(struct address_space *mapping);
/* Reclaim: page locked, referenced by the caller: removes it from mapping
 * if only the cache and the caller hold it and it is clean and not under
 * writeback (checked under tree_lock, so no lookup can pick it up
 * meanwhile).  The cache's reference is dropped; true on success. */
bool remove_mapping(struct address_space *mapping, struct page *page);
/* Drops the clean, unmapped, unused pages of [start, end] (fs/fadvise.c);
 * returns how many left the cache. */
unsigned long invalidate_mapping_pages(struct address_space *mapping, pgoff_t start, pgoff_t end);

/* ---- dirty pages and writeback (fs/fs-writeback.c) ----
 * A mapping can be written back when its a_ops have writepage; only such
 * mappings' dirty pages count towards the dirty limits and make their
 * inode dirty (I_DIRTY_PAGES); in-memory file systems keep pages dirty
 * forever and are not counted.  writepage: set_page_writeback(), unlock
 * the page, submit; the I/O completion calls end_page_writeback() (after
 * mapping_set_error() and SetPageError() on failure).  Writeback leaves no
 * page writable in page tables (it unmaps mapped pages before it cleans
 * them), so a later store through mmap faults and dirties the page again. */
static inline bool mapping_can_writeback(const struct address_space *mapping)
{
	return mapping && mapping->a_ops && mapping->a_ops->writepage;
}
/* The generic set_page_dirty: PG_dirty, the counts, the inode's dirty
 * state.  a_ops->set_page_dirty implementations end by calling it.  Never
 * sleeps (called under page-table locks). */
bool __set_page_dirty_nobuffers(struct page *page);
static inline void set_page_writeback(struct page *page) { SetPageWriteback(page); }
static inline void mapping_set_error(struct address_space *mapping, int err)
{
	if (err)
		__atomic_fetch_or(&mapping->flags, 1UL << AS_EIO, __ATOMIC_SEQ_CST);
}
/* Writes back dirty pages per wbc: a_ops->writepages or write_cache_pages. */
int do_writepages(struct address_space *mapping, struct writeback_control *wbc);
/* Called by write_cache_pages() for each dirty page it picked: the page is
 * locked, its dirty bit cleared for the I/O; writepage unlocks it. */
typedef int (*writepage_t)(struct page *page, struct writeback_control *wbc, void *data);
int write_cache_pages(struct address_space *mapping, struct writeback_control *wbc,
		      writepage_t writepage, void *data);
/* Starts writeback of every dirty page in [start, end] (bytes, inclusive). */
int filemap_fdatawrite_range(struct address_space *mapping, loff_t start, loff_t end);
/* Waits for the writeback of [start, end]; -EIO if one failed since the
 * last check (AS_EIO). */
int filemap_fdatawait_range(struct address_space *mapping, loff_t start, loff_t end);
int filemap_write_and_wait(struct address_space *mapping);
/* The buffered write path calls this after each page it dirtied (no page
 * lock held): wakes the flusher past the background limit and sleeps
 * while dirty memory is above the hard limit. */
void balance_dirty_pages_ratelimited(struct address_space *mapping);
/* Dirty pages in writeback-capable mappings (all of them). */
unsigned long global_dirty_pages(void);

/* ---- the LRU of page-cache pages (mm/vmscan.c) ----
 * Pages of writeback-capable mappings are on one LRU (PG_lru) while they
 * are in the cache: added by add_to_page_cache(), removed when they leave
 * it (under tree_lock; lru_lock nests inside it).  The LRU holds no
 * reference: the cache's keeps the page alive. */
void lru_cache_add(struct page *page);
void lru_cache_del(struct page *page);
unsigned long lru_nr_pages(void);
/* Tries to reclaim pages[0..nr) (each referenced by the caller, who keeps
 * and later drops that reference): a clean, unlocked, unmapped page not
 * under writeback and used by nobody else leaves the cache; with may_write
 * (kswapd) a mapped page is unmapped first and a dirty one is handed to
 * ->writepage.  Returns pages removed. */
unsigned long shrink_page_list(struct page **pages, unsigned int nr, bool may_write);
/* Scans the LRU once round at most until nr_to_free pages are freed. */
unsigned long shrink_page_cache(unsigned long nr_to_free, bool may_write);
/* A cached page was used: it survives one more pass of the reclaimer. */
static inline void mark_page_accessed(struct page *page) { set_bit(PG_referenced, &page->flags); }

/* ---- readahead (fs/readahead.c) ----
 * Each open file has a window [start, start + size) of pages read ahead of
 * the reader.  A read at the next expected page is sequential: the first
 * one opens a window of RA_INIT_PAGES, and when the reader reaches the
 * window's trigger page (start + size - async_size) the next window, twice
 * as large up to ra_pages (RA_MAX_PAGES by default), is read
 * asynchronously.  Any other read is random: the window is dropped and
 * only the pages asked for are read. */
#define RA_INIT_PAGES 4
#define RA_MAX_PAGES 32
struct file_ra_state {
	pgoff_t start; /* the last window issued */
	unsigned int size;
	unsigned int async_size; /* its last pages: reaching them reads more */
	pgoff_t next_index; /* the page after the last one read */
	unsigned int ra_pages; /* the largest window; 0: RA_MAX_PAGES */
};
/* The buffered read path is about to read page index of mapping, and
 * req_pages pages from there are wanted: updates ra and reads ahead the
 * pages that are not cached (asynchronously, through a_ops->readpages or
 * readpage).  Caller holds pagecache ADD on mapping and no page lock.
 * Returns how many pages it started reading. */
unsigned int page_cache_readahead(struct address_space *mapping, struct file_ra_state *ra,
				  struct file *file, pgoff_t index, unsigned long req_pages);
/* Starts reading the uncached pages of [index, index + nr), below EOF. */
unsigned int do_page_cache_ra(struct address_space *mapping, struct file *file, pgoff_t index,
			      unsigned long nr);

/* Buffered I/O through the page cache. */
ssize_t generic_file_read_iter(struct kiocb *iocb, struct iov_iter *to);
ssize_t generic_file_write_iter(struct kiocb *iocb, struct iov_iter *from);
ssize_t filemap_read(struct kiocb *iocb, struct iov_iter *to);
/* Caller holds i_rwsem for writing; writes at iocb->ki_pos. */
ssize_t generic_perform_write(struct kiocb *iocb, struct iov_iter *from);
/* Helpers for in-memory file systems (write_begin/write_end, readpage). */
int simple_readpage(struct file *file, struct page *page);
int simple_write_begin(struct file *file, struct address_space *mapping, loff_t pos,
		       unsigned int len, struct page **pagep);
int simple_write_end(struct file *file, struct address_space *mapping, loff_t pos, unsigned int len,
		     unsigned int copied, struct page *page);

/* Memory-mapped files: f_op->mmap sets vma->vm_ops to generic_file_vm_ops,
 * whose fault returns the uptodate page (referenced, unlocked) in vmf->page
 * and whose page_mkwrite marks it dirty. */
int filemap_fault(struct vm_fault *vmf);
int filemap_page_mkwrite(struct vm_fault *vmf);
int generic_file_mmap(struct file *file, struct vm_area_struct *vma);
int generic_file_readonly_mmap(struct file *file, struct vm_area_struct *vma);

#endif
