/*
 * fadvise.c - hints about future access to a file: posix_fadvise
 * (fadvise64) and readahead(2), and invalidate_mapping_pages(), which drops
 * the clean, unused cached pages of a range.
 *
 * The advice, for a regular file (or a raw disk) with a page cache:
 *   NORMAL      the readahead window may grow to its default maximum;
 *   SEQUENTIAL  it may grow to twice that;
 *   RANDOM      no readahead: only the pages a read asks for;
 *   WILLNEED    start reading the range now (readahead(2) does the same);
 *   DONTNEED    start writing the range's dirty pages back, then drop the
 *               pages that are clean, unmapped and unused;
 *   NOREUSE     accepted, no effect (as on Linux).
 * Pipes and FIFOs give -ESPIPE; other files without a page cache accept
 * the advice and ignore it, as Linux does.
 *
 * Locks: WILLNEED adds pages, so it holds the mapping's pagecache ADD state
 * around the readahead (the one rule for every path that adds pages).
 * invalidate_mapping_pages() takes each page's lock with trylock only, so
 * it never waits for I/O or for a page a fault holds; a page it cannot
 * take simply stays.
 */
#include "internal.h"
#include <kernel/syscall.h>

#define POSIX_FADV_NORMAL 0
#define POSIX_FADV_RANDOM 1
#define POSIX_FADV_SEQUENTIAL 2
#define POSIX_FADV_WILLNEED 3
#define POSIX_FADV_DONTNEED 4
#define POSIX_FADV_NOREUSE 5

/* Pages [start, end] (inclusive) of mapping that are clean, not under
 * writeback, mapped by no page table and used by nobody leave the cache.
 * Returns how many left. */
unsigned long invalidate_mapping_pages(struct address_space *mapping, pgoff_t start, pgoff_t end)
{
	struct page *pages[16];
	unsigned long dropped = 0;
	pgoff_t next = start;
	unsigned int n;

	while (next <= end && (n = find_get_pages(mapping, &next, pages, 16)) != 0) {
		for (unsigned int i = 0; i < n; i++) {
			struct page *page = pages[i];

			if (page->index <= end && trylock_page(page)) {
				if (page->mapping == mapping && !PageDirty(page) &&
				    !PageWriteback(page) && atomic_read(&page->_mapcount) == 0 &&
				    remove_mapping(mapping, page))
					dropped++;
				unlock_page(page);
			}
			put_page(page); /* frees the page if it left the cache */
		}
		if (!next)
			break; /* wrapped past the last index */
	}
	return dropped;
}

/* The last byte of [offset, offset + len); len 0 or too large: the end.
 * Both are non-negative. */
static loff_t range_end(loff_t offset, loff_t len)
{
	return (len == 0 || len > OFFSET_MAX - offset) ? OFFSET_MAX : offset + len - 1;
}

/* The pages of [offset, offset + len) (len 0: to the end), clamped. */
static void advice_range(loff_t offset, loff_t len, pgoff_t *first, pgoff_t *last)
{
	loff_t end = range_end(offset, len);

	*first = (pgoff_t)(offset >> PAGE_SHIFT);
	*last = (pgoff_t)(end >> PAGE_SHIFT);
}

static void willneed(struct file *f, pgoff_t first, pgoff_t last)
{
	struct address_space *mapping = f->f_mapping;
	loff_t isize = i_size_read(mapping->host);
	pgoff_t eof = (pgoff_t)((isize + PAGE_SIZE - 1) >> PAGE_SHIFT);

	if (!isize || first >= eof)
		return;
	if (last >= eof)
		last = eof - 1;
	/* In windows the size of the readahead batch, so a large range
	 * does not pin the whole of it at once. */
	for (pgoff_t i = first; i <= last; i += RA_MAX_PAGES) {
		pagecache_add_get(mapping);
		do_page_cache_ra(mapping, f, i, MIN((pgoff_t)RA_MAX_PAGES, last - i + 1));
		pagecache_add_put(mapping);
		if (last - i < RA_MAX_PAGES)
			break;
	}
}

int vfs_fadvise(struct file *f, loff_t offset, loff_t len, int advice)
{
	struct inode *inode = file_inode(f);
	struct address_space *mapping = f->f_mapping;
	pgoff_t first, last;

	if (S_ISFIFO(inode->i_mode))
		return -ESPIPE;
	if (offset < 0 || len < 0 || advice < POSIX_FADV_NORMAL || advice > POSIX_FADV_NOREUSE)
		return -EINVAL;
	if (!mapping || !mapping->a_ops || !mapping_can_writeback(mapping) ||
	    !(S_ISREG(inode->i_mode) || S_ISBLK(inode->i_mode)))
		return 0; /* no page cache to advise (ramfs, devices): accepted */
	advice_range(offset, len, &first, &last);
	switch (advice) {
	case POSIX_FADV_NORMAL:
		f->f_ra.ra_pages = 0; /* the default maximum */
		break;
	case POSIX_FADV_RANDOM:
		f->f_ra.ra_pages = 1;
		f->f_ra.size = 0;
		break;
	case POSIX_FADV_SEQUENTIAL:
		f->f_ra.ra_pages = 2 * RA_MAX_PAGES;
		break;
	case POSIX_FADV_WILLNEED:
		willneed(f, first, last);
		break;
	case POSIX_FADV_DONTNEED:
		filemap_fdatawrite_range(mapping, offset, range_end(offset, len));
		invalidate_mapping_pages(mapping, first, last);
		break;
	default: /* NOREUSE */
		break;
	}
	return 0;
}

SYSCALL_DEFINE(__NR_fadvise64, fadvise64)
{
	struct file *f = fget((int)a0);
	int err;

	if (!f)
		return -EBADF;
	err = vfs_fadvise(f, a1, a2, (int)a3);
	fput(f);
	return err;
}

SYSCALL_DEFINE(__NR_readahead, readahead)
{
	struct file *f = fget((int)a0);
	umode_t mode;
	int err;

	if (!f)
		return -EBADF;
	mode = file_inode(f)->i_mode;
	if (!(f->f_mode & FMODE_READ))
		err = -EBADF;
	else if (!S_ISREG(mode) && !S_ISBLK(mode))
		err = -EINVAL;
	else
		err = vfs_fadvise(f, a1, (loff_t)a2 < 0 ? 0 : a2, POSIX_FADV_WILLNEED);
	fput(f);
	return err;
}
