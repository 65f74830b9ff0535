/*
 * test_writeback.c - self-tests of dirty tracking and writeback
 * (ktest=writeback) on a fake file whose writepage completes at once,
 * records the pages it wrote and can be told to fail one.  Checked: the
 * per-mapping and global dirty counts (dirtying twice counts once,
 * truncating a dirty page uncounts it), the inode joining the dirty list,
 * fsync-style write-and-wait writing exactly the dirty pages, a write
 * error reported once, the flusher writing an expired inode by itself, and
 * writeback taking a page out of the page tables that map it, so a store
 * through a shared mapping after the write dirties the page again (and
 * reclaim unmapping and freeing a mapped page).
 */
#include "internal.h"
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>
#include <mm/mm.h>

static struct file_system_type wb_test_fs = { .name = "writeback_test" };
static unsigned long written_mask;
static long fail_index = -1;

static int wb_readpage(struct file *file, struct page *page)
{
	memset(page_address(page), 0, PAGE_SIZE);
	SetPageUptodate(page);
	unlock_page(page);
	return 0;
}

static int wb_writepage(struct page *page, struct writeback_control *wbc)
{
	set_page_writeback(page);
	unlock_page(page);
	if ((long)page->index == READ_ONCE(fail_index)) {
		SetPageError(page);
		mapping_set_error(page->mapping, -EIO);
	} else {
		__atomic_fetch_or(&written_mask, 1UL << (page->index & 63), __ATOMIC_SEQ_CST);
	}
	end_page_writeback(page);
	return 0;
}

static const struct address_space_operations wb_aops = {
	.readpage = wb_readpage,
	.writepage = wb_writepage,
};

static struct inode *wb_file(struct super_block **sbp)
{
	struct super_block *sb = sget_anon(&wb_test_fs, NULL);
	struct inode *inode = sb ? new_inode(sb) : NULL;

	*sbp = sb;
	if (inode) {
		inode->i_mode = S_IFREG | 0600;
		i_size_write(inode, 64 * PAGE_SIZE);
		inode->i_mapping->a_ops = &wb_aops;
	}
	written_mask = 0;
	fail_index = -1;
	return inode;
}

static void wb_file_put(struct super_block *sb, struct inode *inode)
{
	truncate_inode_pages(inode->i_mapping, 0);
	iput(inode);
	generic_shutdown_super(sb);
}

static struct page *dirty_page(struct address_space *mapping, pgoff_t index)
{
	struct page *page = find_or_create_page(mapping, index);

	if (page) {
		memset(page_address(page), (int)index, PAGE_SIZE);
		SetPageUptodate(page);
		set_page_dirty(page);
		unlock_page(page);
	}
	return page;
}

KTEST(writeback_dirty_accounting)
{
	struct super_block *sb;
	struct inode *inode = wb_file(&sb);
	struct address_space *mapping;
	struct page *p[8];
	unsigned long d0 = global_dirty_pages();
	int err;

	KT_ASSERT(t, inode, "fake file");
	mapping = inode->i_mapping;
	for (int i = 0; i < 8; i++)
		KT_ASSERT(t, (p[i] = dirty_page(mapping, i)) != NULL, "page %d", i);
	KT_ASSERT(t, !set_page_dirty(p[0]), "dirtying a dirty page changes nothing");
	KT_ASSERT(t, mapping->nrdirty == 8 && global_dirty_pages() >= d0 + 8,
		  "8 dirty pages counted: %lu, global %lu (was %lu)", mapping->nrdirty,
		  global_dirty_pages(), d0);
	KT_ASSERT(t, inode->i_wb_state & I_DIRTY_PAGES, "the inode is dirty");

	lock_page(p[7]);
	delete_from_page_cache(p[7]); /* truncated while dirty */
	unlock_page(p[7]);
	KT_ASSERT(t, mapping->nrdirty == 7, "a truncated dirty page is uncounted: %lu",
		  mapping->nrdirty);

	err = filemap_write_and_wait(mapping);
	KT_ASSERT(t, !err && written_mask == 0x7f, "write and wait: %d, pages %#lx", err,
		  written_mask);
	KT_ASSERT(t, mapping->nrdirty == 0, "all clean: %lu", mapping->nrdirty);
	for (int i = 0; i < 7; i++)
		KT_ASSERT(t, !PageDirty(p[i]) && !PageWriteback(p[i]), "page %d clean and idle", i);

	/* A failed write: reported once, by the next wait. */
	fail_index = 2;
	set_page_dirty(p[2]);
	err = filemap_write_and_wait(mapping);
	KT_ASSERT(t, err == -EIO, "a write error reaches fsync: %d", err);
	err = filemap_write_and_wait(mapping);
	KT_ASSERT(t, err == 0, "and is reported once: %d", err);

	err = write_inode_now(inode, 1);
	KT_ASSERT(t, !err && !(inode->i_wb_state & (I_DIRTY_PAGES | I_DIRTY_INODE)),
		  "write_inode_now leaves it clean: %d, state %#lx", err, inode->i_wb_state);
	for (int i = 0; i < 8; i++)
		put_page(p[i]);
	wb_file_put(sb, inode);
}

KTEST(writeback_flusher_by_age)
{
	struct super_block *sb;
	struct inode *inode = wb_file(&sb);
	struct page *page;
	u64 t0 = ktime_get_ns();
	int ms = 0;

	KT_ASSERT(t, inode, "fake file");
	page = dirty_page(inode->i_mapping, 5);
	KT_ASSERT(t, page, "page");
	put_page(page);
	/* Pretend it was dirtied long ago; the flusher must write it alone. */
	WRITE_ONCE(inode->dirtied_when, 0);
	wakeup_flusher_threads();
	while (READ_ONCE(inode->i_mapping->nrdirty) && ms < 3000) {
		msleep(10);
		ms += 10;
	}
	KT_ASSERT(t, written_mask == 1UL << 5 && !inode->i_mapping->nrdirty,
		  "the flusher wrote the expired page (%#lx) after %d ms", written_mask, ms);
	KT_ASSERT(t, ktime_get_ns() - t0 < NSEC_PER_SEC, "it took %llu ms",
		  (unsigned long long)((ktime_get_ns() - t0) / NSEC_PER_MSEC));
	wb_file_put(sb, inode);
}

/* A ramfs file turned writeback-capable (pages stay in memory anyway):
 * mmap needs a real file, and a store through the mapping goes through
 * the fault path, page_mkwrite, set_page_dirty. */
static const struct address_space_operations wb_mmap_aops = {
	.readpage = simple_readpage,
	.write_begin = simple_write_begin,
	.write_end = simple_write_end,
	.writepage = wb_writepage,
};

KTEST(writeback_unmaps_written_pages)
{
	static const char path[] = "/tmp/wb_mmap";
	struct mm_struct *mm = mm_alloc();
	struct file *f;
	struct page *page;
	unsigned long pfn;
	bool w = false;
	long addr;
	s64 pos = 0;
	int err;

	KT_ASSERT(t, mm, "mm");
	do_mkdirat(AT_FDCWD, "/tmp", 01777);
	f = filp_open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	KT_ASSERT(t, !IS_ERR(f), "open %s", path);
	f->f_mapping->a_ops = &wb_mmap_aops;
	written_mask = 0;
	fail_index = -1;
	KT_ASSERT(t, kernel_write(f, "0123", 4, &pos) == 4, "write");
	err = filemap_write_and_wait(f->f_mapping);
	KT_ASSERT(t, !err && written_mask == 1, "written once: %d %#lx", err, written_mask);

	down_write(&mm->mmap_lock);
	addr = do_mmap(mm, 0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);
	up_write(&mm->mmap_lock);
	KT_ASSERT(t, addr > 0, "mmap: %ld", addr);
	kthread_use_mm(mm);
	err = copy_to_user((void *)addr, "A", 1);
	page = find_get_page(f->f_mapping, 0);
	KT_ASSERT(t, !err && page && PageDirty(page), "a store dirties the page");
	KT_ASSERT(t, !mm_follow_pfn(mm, addr, &pfn, &w) && w && pfn == page_to_pfn(page),
		  "mapped writable");
	written_mask = 0;
	err = filemap_write_and_wait(f->f_mapping);
	KT_ASSERT(t, !err && written_mask == 1 && !PageDirty(page), "written back: %#lx",
		  written_mask);
	w = false;
	KT_ASSERT(t, mm_follow_pfn(mm, addr, &pfn, &w) || !w,
		  "after writeback no store can reach the page unnoticed");
	err = copy_to_user((void *)(addr + 1), "B", 1);
	KT_ASSERT(t, !err && PageDirty(page), "the next store dirties it again");
	written_mask = 0;
	err = filemap_write_and_wait(f->f_mapping);
	KT_ASSERT(t, !err && written_mask == 1, "and it is written again: %#lx", written_mask);
	KT_ASSERT(t, !memcmp(page_address(page), "AB23", 4), "content");
	/* kswapd's reclaim unmaps a mapped clean page and frees it. */
	KT_ASSERT(t, shrink_page_list(&page, 1, true) == 1 && !page->mapping,
		  "reclaimed although mapped");
	KT_ASSERT(t, mm_follow_pfn(mm, addr, &pfn, &w), "no longer mapped");
	put_page(page);
	kthread_unuse_mm(mm);
	mmput(mm);
	fput(f);
	do_unlinkat(AT_FDCWD, path);
}
