/*
 * readahead.c - reading a file's pages before the reader asks for them.
 *
 * Per open file (file->f_ra, <fs/pagemap.h>): the last window read ahead,
 * [start, start + size), whose last async_size pages are the trigger, and
 * next_index, the page after the last one the reader touched.  The buffered
 * read path calls page_cache_readahead() for every page it is about to
 * read:
 *   - sequential (the expected page, or the same one again):
 *       no window yet            open one at the page: RA_INIT_PAGES (more
 *                                when the request is large), capped at the
 *                                file's maximum;
 *       reached the trigger      the next window follows the current one,
 *                                twice as large (4 -> 8 -> 16 -> 32 pages),
 *                                all of it the new trigger, so it is read
 *                                while the reader is still in the previous;
 *       past the window          a new window at the page, grown;
 *   - anything else is random: the window is dropped (size 0) and only the
 *     pages the request covers are read; the next sequential read starts
 *     over at RA_INIT_PAGES.
 * Reading means: for each page of the range below EOF that is not cached,
 * allocate it, add it locked through add_to_page_cache() (the one entry),
 * and start its read: consecutive new pages go to a_ops->readpages in one
 * call when the file system has it, else to ->readpage one by one.  Nobody
 * waits here; the reader then waits for its own page's lock like any
 * reader.  Allocation failure or a page that appeared meanwhile ends a run
 * quietly: readahead is only a hint.
 *
 * Only mappings with a backing store (writeback-capable) read ahead: an
 * in-memory file system's readpage costs nothing and its pages never go.
 *
 * Locks: the caller holds the mapping's pagecache ADD state (pages are
 * added) and no page lock; the pages we add stay locked only until their
 * read completes.  f_ra is updated without a lock: readers sharing a file
 * at once may disturb each other's window, never the page cache.
 */
#include "internal.h"
#include <mm/page.h>

static unsigned int ra_max(const struct file_ra_state *ra)
{
	return ra->ra_pages ? ra->ra_pages : RA_MAX_PAGES;
}

/* Starts the reads of pages[0..n) (locked, in the cache, consecutive);
 * drops our allocation references. */
static void submit_run(struct address_space *mapping, struct file *file, struct page **pages,
		       unsigned int n)
{
	const struct address_space_operations *a_ops = mapping->a_ops;

	if (!n)
		return;
	if (n > 1 && a_ops->readpages) {
		a_ops->readpages(file, mapping, pages, n);
	} else {
		for (unsigned int i = 0; i < n; i++)
			a_ops->readpage(file, pages[i]); /* unlocks, on error too */
	}
	for (unsigned int i = 0; i < n; i++)
		put_page(pages[i]);
}

unsigned int do_page_cache_ra(struct address_space *mapping, struct file *file, pgoff_t index,
			      unsigned long nr)
{
	struct page *run[RA_MAX_PAGES];
	loff_t isize = i_size_read(mapping->host);
	pgoff_t eof = (pgoff_t)((isize + PAGE_SIZE - 1) >> PAGE_SHIFT), end;
	unsigned int n = 0, issued = 0;

	if (!mapping_can_writeback(mapping) || !mapping->a_ops->readpage || index >= eof)
		return 0;
	end = nr > eof - index ? eof : index + nr;
	for (pgoff_t i = index; i < end; i++) {
		struct page *page = find_get_page(mapping, i);
		int err;

		if (page) { /* cached already: a run ends here */
			put_page(page);
			submit_run(mapping, file, run, n);
			n = 0;
			continue;
		}
		page = alloc_page(0);
		if (!page)
			break;
		set_bit(PG_locked, &page->flags);
		err = add_to_page_cache(page, mapping, i);
		if (err) {
			unlock_page(page);
			put_page(page);
			if (err == -EEXIST)
				continue; /* another reader was quicker */
			break;
		}
		run[n++] = page;
		issued++;
		if (n == ARRAY_SIZE(run)) {
			submit_run(mapping, file, run, n);
			n = 0;
		}
	}
	submit_run(mapping, file, run, n);
	return issued;
}

static unsigned int init_size(unsigned long req, unsigned int max)
{
	unsigned long size = RA_INIT_PAGES;

	while (size < 2 * req)
		size *= 2;
	return size > max ? max : (unsigned int)size;
}

unsigned int page_cache_readahead(struct address_space *mapping, struct file_ra_state *ra,
				  struct file *file, pgoff_t index, unsigned long req_pages)
{
	unsigned int max = ra_max(ra), issued = 0;
	bool seq = index == ra->next_index || (ra->next_index && index == ra->next_index - 1);

	if (!mapping_can_writeback(mapping))
		return 0;
	if (!req_pages)
		req_pages = 1;
	if (req_pages > max)
		req_pages = max;
	if (!seq) {
		/* Random: no window, only what was asked for. */
		ra->size = ra->async_size = 0;
		issued = do_page_cache_ra(mapping, file, index, req_pages);
	} else if (!ra->size) {
		ra->start = index;
		ra->size = init_size(req_pages, max);
		ra->async_size =
			ra->size > req_pages ? ra->size - (unsigned int)req_pages : ra->size;
		issued = do_page_cache_ra(mapping, file, ra->start, ra->size);
	} else if (index >= ra->start + ra->size) {
		/* Past the window (it was too small for the request). */
		ra->start = index;
		ra->size = ra->size * 2 > max ? max : ra->size * 2;
		ra->async_size = ra->size;
		issued = do_page_cache_ra(mapping, file, ra->start, ra->size);
	} else if (index >= ra->start + ra->size - ra->async_size) {
		/* The trigger: the next window, read while this one is used. */
		ra->start += ra->size;
		ra->size = ra->size * 2 > max ? max : ra->size * 2;
		ra->async_size = ra->size;
		issued = do_page_cache_ra(mapping, file, ra->start, ra->size);
	}
	ra->next_index = index + 1;
	return issued;
}
