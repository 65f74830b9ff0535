/*
 * test_readahead.c - self-tests of the readahead window (ktest=readahead)
 * on a fake file: an inode of a private superblock whose readpage fills a
 * pattern at once and counts, so every read the window issues is seen.
 * Checked: the window grows 4 -> 8 -> 16 -> 32 on sequential reads and is
 * read one window ahead, a random read drops it (only the asked pages are
 * read) and the next sequential run starts small again, nothing is read
 * twice or beyond EOF, cached pages are not read again, and a file system
 * with readpages gets whole runs in one call.
 */
#include "internal.h"
#include <kernel/ktest.h>
#include <kernel/string.h>

static struct file_system_type ra_test_fs = { .name = "ra_test" };
static int nr_reads, nr_readpages_calls, last_batch;

static void fill(struct page *page)
{
	memset(page_address(page), (int)(page->index & 0xff), PAGE_SIZE);
	SetPageUptodate(page);
	unlock_page(page);
}

static int ra_readpage(struct file *file, struct page *page)
{
	__atomic_fetch_add(&nr_reads, 1, __ATOMIC_RELAXED);
	fill(page);
	return 0;
}

static int ra_readpages(struct file *file, struct address_space *mapping, struct page **pages,
			unsigned int nr)
{
	nr_readpages_calls++;
	last_batch = (int)nr;
	for (unsigned int i = 0; i < nr; i++) {
		if (i && pages[i]->index != pages[i - 1]->index + 1)
			last_batch = -1; /* not consecutive: the test fails */
		ra_readpage(file, pages[i]);
	}
	return 0;
}

static int ra_writepage(struct page *page, struct writeback_control *wbc)
{
	unlock_page(page); /* never dirty here */
	return 0;
}

static const struct address_space_operations ra_aops = {
	.readpage = ra_readpage,
	.writepage = ra_writepage,
};
static const struct address_space_operations ra_aops_batch = {
	.readpage = ra_readpage,
	.readpages = ra_readpages,
	.writepage = ra_writepage,
};

static struct inode *ra_file(struct super_block **sbp, loff_t size,
			     const struct address_space_operations *aops)
{
	struct super_block *sb = sget_anon(&ra_test_fs, NULL);
	struct inode *inode = sb ? new_inode(sb) : NULL;

	*sbp = sb;
	if (inode) {
		inode->i_mode = S_IFREG | 0600;
		i_size_write(inode, size);
		inode->i_mapping->a_ops = aops;
	}
	nr_reads = nr_readpages_calls = last_batch = 0;
	return inode;
}

static void ra_file_put(struct super_block *sb, struct inode *inode)
{
	truncate_inode_pages(inode->i_mapping, 0);
	iput(inode);
	generic_shutdown_super(sb);
}

KTEST(readahead_window_grows)
{
	/* (index read, pages issued, window size after) where reads start. */
	static const unsigned int want[][3] = {
		{ 0, 4, 4 },	{ 1, 8, 8 },	{ 4, 16, 16 },	{ 12, 32, 32 },
		{ 28, 32, 32 }, { 60, 32, 32 }, { 92, 32, 32 },
	};
	struct super_block *sb;
	struct inode *inode = ra_file(&sb, 1000 * PAGE_SIZE, &ra_aops);
	struct file_ra_state ra = { 0 };
	unsigned int k = 0;

	KT_ASSERT(t, inode, "fake file");
	for (unsigned int idx = 0; idx <= 100; idx++) {
		unsigned int n = page_cache_readahead(inode->i_mapping, &ra, NULL, idx, 1);
		if (!n)
			continue;
		KT_ASSERT(t, k < ARRAY_SIZE(want), "an extra window at page %u (%u pages)", idx, n);
		KT_ASSERT(t, idx == want[k][0] && n == want[k][1] && ra.size == want[k][2],
			  "window %u: read %u pages at page %u, size %u (want %u at %u, size %u)",
			  k, n, idx, ra.size, want[k][1], want[k][0], want[k][2]);
		/* one window ahead: the reader is inside the previous one */
		KT_ASSERT(t, k < 2 || ra.start > idx, "window %u starts at %lu, reader at %u", k,
			  (unsigned long)ra.start, idx);
		k++;
	}
	KT_ASSERT(t, k == ARRAY_SIZE(want), "%u windows", k);
	KT_ASSERT(t, nr_reads == 156 && inode->i_mapping->nrpages == 156,
		  "each page read once: %d reads, %lu pages", nr_reads, inode->i_mapping->nrpages);
	ra_file_put(sb, inode);
}

KTEST(readahead_random_resets)
{
	struct super_block *sb;
	struct inode *inode = ra_file(&sb, 1000 * PAGE_SIZE, &ra_aops);
	struct file_ra_state ra = { 0 };
	unsigned int n;

	KT_ASSERT(t, inode, "fake file");
	for (unsigned int idx = 0; idx < 20; idx++)
		page_cache_readahead(inode->i_mapping, &ra, NULL, idx, 1);
	KT_ASSERT(t, ra.size == 32, "grown to 32: %u", ra.size);
	n = page_cache_readahead(inode->i_mapping, &ra, NULL, 500, 1);
	KT_ASSERT(t, n == 1 && ra.size == 0, "random read: %u pages, window %u", n, ra.size);
	n = page_cache_readahead(inode->i_mapping, &ra, NULL, 300, 3);
	KT_ASSERT(t, n == 3 && ra.size == 0, "random 3-page read: %u pages, window %u", n, ra.size);
	/* the same page again (small reads) is still sequential, not random */
	n = page_cache_readahead(inode->i_mapping, &ra, NULL, 300, 1);
	KT_ASSERT(t, ra.size == 4 && n == 1, "restart small: window %u, %u new pages", ra.size, n);
	n = page_cache_readahead(inode->i_mapping, &ra, NULL, 301, 1);
	KT_ASSERT(t, n == 8 && ra.size == 8, "then grows again: %u, %u", n, ra.size);
	/* a large request opens a large window at once */
	n = page_cache_readahead(inode->i_mapping, &ra, NULL, 700, 16);
	KT_ASSERT(t, n == 16 && ra.size == 0, "random 16-page read: %u", n);
	n = page_cache_readahead(inode->i_mapping, &ra, NULL, 701, 16);
	KT_ASSERT(t, ra.size == 32 && ra.start == 701 && n == 32 - 15,
		  "sequential 16-page read: window %u at %lu, %u new", ra.size,
		  (unsigned long)ra.start, n);
	/* cached pages are not read again */
	{
		struct file_ra_state ra2 = { 0 };
		int before = nr_reads;
		for (unsigned int idx = 0; idx < 20; idx++)
			page_cache_readahead(inode->i_mapping, &ra2, NULL, idx, 1);
		KT_ASSERT(t, nr_reads == before, "cached pages read again: %d", nr_reads - before);
	}
	ra_file_put(sb, inode);
}

KTEST(readahead_eof_and_batches)
{
	struct super_block *sb;
	struct inode *inode = ra_file(&sb, 10 * PAGE_SIZE + 100, &ra_aops_batch);
	struct file_ra_state ra = { 0 };
	unsigned int total = 0;

	KT_ASSERT(t, inode, "fake file");
	for (unsigned int idx = 0; idx < 11; idx++)
		total += page_cache_readahead(inode->i_mapping, &ra, NULL, idx, 1);
	KT_ASSERT(t, total == 11 && inode->i_mapping->nrpages == 11,
		  "11 pages up to EOF: %u read, %lu cached", total, inode->i_mapping->nrpages);
	KT_ASSERT(t, !page_cache_readahead(inode->i_mapping, &ra, NULL, 11, 1), "none past EOF");
	KT_ASSERT(t, nr_readpages_calls == 2 && last_batch == 7,
		  "runs go to readpages whole: %d calls, last %d pages", nr_readpages_calls,
		  last_batch);
	ra_file_put(sb, inode);
}
