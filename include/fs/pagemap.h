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
#include <kernel/types.h>
#include <mm/page.h>

typedef s64 loff_t;

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
	long nr_to_write;
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
};

void address_space_init(struct address_space *mapping, struct inode *host);

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
/* Locked and referenced: the cached page or a new one (not uptodate). */
struct page *find_or_create_page(struct address_space *mapping, pgoff_t index);
/* An uptodate page of mapping (referenced), read if needed; ERR_PTR(-EIO). */
struct page *read_mapping_page(struct address_space *mapping, pgoff_t index, struct file *file);
/* page locked: removes it from its mapping and drops the cache's reference. */
void delete_from_page_cache(struct page *page);
/* Removes every page at or beyond byte lstart and zeroes the part of the
 * page straddling it.  Caller holds i_rwsem (or the inode is dying). */
void truncate_inode_pages(struct address_space *mapping, loff_t lstart);
bool set_page_dirty(struct page *page);
bool clear_page_dirty_for_io(struct page *page);
/* Writes back dirty pages (a_ops->writepage) in [start, end] and waits. */
int filemap_write_and_wait_range(struct address_space *mapping, loff_t start, loff_t end);
unsigned long mapping_nrpages(struct address_space *mapping);

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
