/*
 * test_vmscan.c - self-tests of page-cache reclaim (ktest=vmscan) on a fake
 * file: an inode of a private superblock whose writepage completes at once
 * and records which pages it wrote.  Checked: pages of a writeback-capable
 * mapping are on the LRU; the reclaim decision for each kind of page
 * (clean, dirty, used by someone, locked); dirty pages are written first
 * and freed by a later pass; the second chance of a referenced page; and
 * that alloc_pages() gets memory back from a page cache that holds it.
 */
#include <fs/fs.h>
#include <kernel/ktest.h>
#include <kernel/string.h>
#include <mm/page.h>

static struct file_system_type vm_test_fs = { .name = "vmscan_test" };
static unsigned long written_mask;

static int vm_readpage(struct file *file, struct page *page)
{
	memset(page_address(page), 0x5a, PAGE_SIZE);
	SetPageUptodate(page);
	unlock_page(page);
	return 0;
}

static int vm_writepage(struct page *page, struct writeback_control *wbc)
{
	set_page_writeback(page);
	unlock_page(page);
	__atomic_fetch_or(&written_mask, 1UL << (page->index & 63), __ATOMIC_SEQ_CST);
	end_page_writeback(page);
	return 0;
}

static const struct address_space_operations vm_aops = {
	.readpage = vm_readpage,
	.writepage = vm_writepage,
};

static struct inode *vm_file(struct super_block **sbp)
{
	struct super_block *sb = sget_anon(&vm_test_fs, NULL);
	struct inode *inode = sb ? new_inode(sb) : NULL;

	*sbp = sb;
	if (inode) {
		inode->i_mode = S_IFREG | 0600;
		i_size_write(inode, (loff_t)1 << 40);
		inode->i_mapping->a_ops = &vm_aops;
	}
	written_mask = 0;
	return inode;
}

static void vm_file_put(struct super_block *sb, struct inode *inode)
{
	truncate_inode_pages(inode->i_mapping, 0);
	iput(inode);
	generic_shutdown_super(sb);
}

/* A clean uptodate page at index, unlocked, referenced for the caller. */
static struct page *vm_page(struct address_space *mapping, pgoff_t index)
{
	struct page *page = find_or_create_page(mapping, index);

	if (page) {
		memset(page_address(page), (int)index, PAGE_SIZE);
		SetPageUptodate(page);
		unlock_page(page);
	}
	return page;
}

KTEST(vmscan_reclaim_decisions)
{
	struct super_block *sb;
	struct inode *inode = vm_file(&sb);
	struct address_space *mapping;
	struct page *p[8];
	unsigned long freed;

	KT_ASSERT(t, inode, "fake file");
	mapping = inode->i_mapping;
	for (int i = 0; i < 8; i++) {
		p[i] = vm_page(mapping, i);
		KT_ASSERT(t, p[i] && test_bit(PG_lru, &p[i]->flags), "page %d on the LRU", i);
	}
	set_page_dirty(p[0]);
	set_page_dirty(p[1]);
	KT_ASSERT(t, mapping->nrdirty == 2, "2 dirty: %lu", mapping->nrdirty);
	get_page(p[3]); /* someone else uses it */
	KT_ASSERT(t, trylock_page(p[4]), "lock page 4");

	freed = shrink_page_list(p, 8, false);
	KT_ASSERT(t, freed == 4 && mapping->nrpages == 4, "clean unused pages go: %lu, %lu left",
		  freed, mapping->nrpages);
	for (int i = 2; i < 8; i++) {
		bool gone = i == 2 || i >= 5;
		KT_ASSERT(t, (p[i]->mapping == NULL) == gone, "page %d %s", i,
			  gone ? "should be gone" : "should stay");
		KT_ASSERT(t, test_bit(PG_lru, &p[i]->flags) == !gone, "page %d PG_lru", i);
	}
	KT_ASSERT(t, p[0]->mapping && p[1]->mapping && PageDirty(p[0]), "dirty pages stay");

	unlock_page(p[4]);
	put_page(p[3]);
	freed = shrink_page_list(p, 2, true);
	KT_ASSERT(t, freed == 0 && (written_mask & 3) == 3, "dirty: written, not freed (%lu, %#lx)",
		  freed, written_mask);
	KT_ASSERT(t, !PageDirty(p[0]) && !PageDirty(p[1]) && mapping->nrdirty == 0, "now clean");
	freed = shrink_page_list(p, 5, false);
	KT_ASSERT(t, freed == 4 && mapping->nrpages == 0, "the rest go: %lu, %lu left", freed,
		  mapping->nrpages);
	for (int i = 0; i < 8; i++)
		put_page(p[i]);
	vm_file_put(sb, inode);
}

KTEST(vmscan_second_chance)
{
	struct super_block *sb;
	struct inode *inode = vm_file(&sb);
	struct address_space *mapping;
	struct page *page;

	KT_ASSERT(t, inode, "fake file");
	mapping = inode->i_mapping;
	for (int i = 0; i < 4; i++) {
		page = vm_page(mapping, i);
		KT_ASSERT(t, page, "page %d", i);
		if (i == 1)
			mark_page_accessed(page);
		put_page(page); /* only the cache holds it now */
	}
	shrink_page_cache(~0UL >> 1, false); /* one round over the LRU */
	page = find_get_page(mapping, 1);
	KT_ASSERT(t, page && mapping->nrpages == 1, "the referenced page survives (%lu cached)",
		  mapping->nrpages);
	KT_ASSERT(t, !test_bit(PG_referenced, &page->flags), "with its bit cleared");
	put_page(page);
	shrink_page_cache(~0UL >> 1, false);
	KT_ASSERT(t, mapping->nrpages == 0, "the next round takes it: %lu", mapping->nrpages);
	vm_file_put(sb, inode);
}

KTEST(vmscan_alloc_reclaims_cache)
{
	struct super_block *sb;
	struct inode *inode = vm_file(&sb);
	struct address_space *mapping;
	LIST_HEAD(taken);
	unsigned long cached = 8192, want, got = 0;
	struct page *page, *pg, *tmp;

	KT_ASSERT(t, inode, "fake file");
	mapping = inode->i_mapping;
	for (unsigned long i = 0; i < cached; i++) {
		page = vm_page(mapping, i);
		KT_ASSERT(t, page, "cache page %lu", i);
		put_page(page);
	}
	/* More than is free: the rest must come out of the page cache. */
	want = nr_free_pages() + 4096;
	while (got < want && (page = alloc_page(0)) != NULL) {
		list_add(&page->lru, &taken);
		got++;
	}
	printk(KERN_INFO "vmscan test: allocated %lu of %lu pages, %lu of %lu cache pages left\n",
	       got, want, mapping->nrpages, cached);
	list_for_each_entry_safe(pg, tmp, &taken, lru)
		put_page(pg);
	KT_ASSERT(t, got == want, "allocation failed at %lu of %lu with %lu cache pages left", got,
		  want, mapping->nrpages);
	KT_ASSERT(t, mapping->nrpages <= cached - 4096, "cache pages reclaimed: %lu left",
		  mapping->nrpages);
	vm_file_put(sb, inode);
}
