/*
 * page_alloc.c - the buddy allocator for physical pages.
 *
 * Free memory is kept as blocks of 2^order pages, each block aligned to its
 * size.  Allocation takes the smallest free block that fits and splits it;
 * freeing merges a block with its "buddy" (the neighbour that differs in bit
 * `order` of the frame number) while that buddy is free too.
 *
 * Lock: zone_lock (IRQ-safe spinlock) guards the free lists and the
 * PG_buddy/order fields of free blocks.  Reference counts are atomic.
 *
 * Reclaim hooks (mm/vmscan.c): an allocation that leaves fewer than
 * kswapd_low_wmark pages free wakes kswapd; one that finds no block calls
 * try_to_free_pages() (which refuses in atomic context and never recurses)
 * and tries again a few times before it returns NULL.
 *
 * Debug checks: freeing a page that is already free panics ("double free");
 * a freed page is filled with PAGE_POISON and an allocation that finds the
 * poison disturbed panics ("use after free"), naming the frame.
 */
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <mm/memblock_int.h>
#include <mm/page.h>

struct page *mem_map;
unsigned long max_pfn;
bool page_poison_enabled = true;

static struct list_head free_area[MAX_ORDER];
static unsigned long nr_free[MAX_ORDER];
static unsigned long total_free, total_managed;
static DEFINE_SPINLOCK(zone_lock);

static void poison_block(struct page *p, unsigned int order)
{
	if (page_poison_enabled)
		memset(page_address(p), PAGE_POISON, PAGE_SIZE << order);
}

static void check_poison(struct page *p, unsigned int order)
{
	if (!page_poison_enabled)
		return;
	for (unsigned long i = 0; i < (1UL << order); i++) {
		const u64 *w = page_address(p + i);
		for (unsigned int j = 0; j < PAGE_SIZE / 8; j++) {
			if (w[j] != 0x6b6b6b6b6b6b6b6bULL)
				panic("use after free: page frame %#lx (phys %#llx) was written at "
				      "offset %#x while free",
				      page_to_pfn(p + i), (unsigned long long)page_to_phys(p + i),
				      j * 8);
		}
	}
}

static void add_free(struct page *p, unsigned int order)
{
	SetPageBuddy(p);
	p->order = order;
	list_add(&p->lru, &free_area[order]);
	nr_free[order]++;
}

static void del_free(struct page *p, unsigned int order)
{
	list_del(&p->lru);
	ClearPageBuddy(p);
	nr_free[order]--;
}

/* Caller holds zone_lock. */
static void free_block_locked(struct page *p, unsigned int order)
{
	unsigned long pfn = page_to_pfn(p);

	total_free += 1UL << order;
	while (order < MAX_ORDER - 1) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct page *buddy;

		if (buddy_pfn >= max_pfn)
			break;
		buddy = pfn_to_page(buddy_pfn);
		if (!PageBuddy(buddy) || buddy->order != order)
			break;
		del_free(buddy, order);
		pfn &= ~(1UL << order);
		order++;
	}
	add_free(pfn_to_page(pfn), order);
}

struct page *alloc_pages(unsigned int gfp, unsigned int order)
{
	unsigned long flags;
	unsigned int o, tries = 0;
	struct page *p = NULL;
	bool low;

	if (order >= MAX_ORDER)
		return NULL;
retry:
	flags = spin_lock_irqsave(&zone_lock);
	for (o = order; o < MAX_ORDER; o++) {
		if (!list_empty(&free_area[o])) {
			p = list_first_entry(&free_area[o], struct page, lru);
			break;
		}
	}
	if (!p) {
		spin_unlock_irqrestore(&zone_lock, flags);
		if (tries++ < 3 && try_to_free_pages(gfp, order))
			goto retry;
		return NULL;
	}
	del_free(p, o);
	while (o > order) { /* give back the upper halves */
		o--;
		add_free(p + (1UL << o), o);
	}
	total_free -= 1UL << order;
	low = total_free < kswapd_low_wmark;
	spin_unlock_irqrestore(&zone_lock, flags);
	if (low)
		wakeup_kswapd();

	check_poison(p, order);
	for (unsigned long i = 0; i < (1UL << order); i++) {
		p[i].flags = 0;
		p[i].mapping = NULL;
		p[i].index = 0;
		p[i].private = 0;
		atomic_set(&p[i]._mapcount, 0);
		atomic_set(&p[i].pincount, 0);
		atomic_set(&p[i]._refcount, 0);
	}
	p->order = order;
	atomic_set(&p->_refcount, 1);
	if (gfp & __GFP_ZERO)
		memset(page_address(p), 0, PAGE_SIZE << order);
	return p;
}

void __free_pages(struct page *p, unsigned int order)
{
	unsigned long flags;

	for (unsigned long i = 0; i < (1UL << order); i++) {
		if (PageBuddy(&p[i]) || (p[i].flags & (1UL << PG_buddy)))
			panic("double free of page frame %#lx", page_to_pfn(&p[i]));
		if (PageReserved(&p[i]))
			panic("freeing reserved page frame %#lx", page_to_pfn(&p[i]));
	}
	/* A free page inside a larger free block has no PG_buddy; catch it by
	 * its refcount, which free pages keep at -1. */
	if (atomic_read(&p->_refcount) == -1)
		panic("double free of page frame %#lx", page_to_pfn(p));
	for (unsigned long i = 0; i < (1UL << order); i++)
		atomic_set(&p[i]._refcount, -1);
	poison_block(p, order);
	flags = spin_lock_irqsave(&zone_lock);
	free_block_locked(p, order);
	spin_unlock_irqrestore(&zone_lock, flags);
}

void put_page(struct page *p)
{
	int v = atomic_sub_return(1, &p->_refcount);

	if (v == 0)
		__free_pages(p, p->order);
	else if (v < 0)
		panic("put_page: reference count of page frame %#lx went negative (double free)",
		      page_to_pfn(p));
}

void *get_zeroed_page(void)
{
	struct page *p = alloc_page(__GFP_ZERO);

	return p ? page_address(p) : NULL;
}

void free_page_va(void *va) { put_page(virt_to_page(va)); }

unsigned long nr_free_pages(void) { return READ_ONCE(total_free); }
unsigned long nr_total_pages(void) { return total_managed; }

/* Builds mem_map and hands every usable, unreserved frame to the buddy
 * allocator.  Boot CPU, before any other CPU runs. */
void page_alloc_init(void)
{
	phys_addr_t base, end;
	size_t map_bytes;
	phys_addr_t map_pa;

	for (int i = 0; i < MAX_ORDER; i++)
		INIT_LIST_HEAD(&free_area[i]);
	for (int i = 0; i < memblock_count(); i++) {
		memblock_region(i, &base, &end);
		if ((end >> PAGE_SHIFT) > max_pfn)
			max_pfn = end >> PAGE_SHIFT;
	}
	map_bytes = ALIGN_UP(max_pfn * sizeof(struct page), PAGE_SIZE);
	map_pa = memblock_alloc(map_bytes, PAGE_SIZE);
	mem_map = __va(map_pa);
	memset(mem_map, 0, map_bytes);
	for (unsigned long pfn = 0; pfn < max_pfn; pfn++) {
		mem_map[pfn].flags = 1UL << PG_reserved;
		atomic_set(&mem_map[pfn]._refcount, 1);
		INIT_LIST_HEAD(&mem_map[pfn].lru);
	}
	for (int i = 0; i < memblock_count(); i++) {
		memblock_region(i, &base, &end);
		for (phys_addr_t pa = ALIGN_UP(base, PAGE_SIZE); pa + PAGE_SIZE <= end;
		     pa += PAGE_SIZE) {
			struct page *p = phys_to_page(pa);
			if (pa < 0x100000 || memblock_is_reserved(pa))
				continue;
			p->flags = 0;
			atomic_set(&p->_refcount, -1);
			poison_block(p, 0);
			free_block_locked(p, 0);
			total_managed++;
		}
	}
	printk(KERN_INFO "mm: %lu MiB managed, %lu MiB free, mem_map %zu KiB at %#llx\n",
	       total_managed >> 8, total_free >> 8, map_bytes >> 10, (unsigned long long)map_pa);
}
