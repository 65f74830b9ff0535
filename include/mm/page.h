/*
 * page.h - physical page frames (mm/page_alloc.c).
 *
 * Every frame of RAM has a struct page in mem_map[], indexed by frame
 * number.  Free frames live in a binary buddy allocator (orders 0..10,
 * i.e. 4 KiB to 4 MiB blocks) guarded by one IRQ-safe spinlock.  A page in
 * use has _refcount >= 1; put_page() frees it when the count reaches zero,
 * so a page held by anyone (page cache, a page table, a pinned I/O) is
 * never freed under them.  The page cache uses flags/mapping/index.
 *
 * Debugging: a freed page is filled with PAGE_POISON and checked on
 * allocation (use after free); freeing a free page panics (double free).
 */
#ifndef MM_PAGE_H
#define MM_PAGE_H

#include <kernel/atomic.h>
#include <kernel/list.h>
#include <kernel/types.h>
#include <x86/layout.h>

enum pageflags {
	PG_locked,
	PG_uptodate,
	PG_dirty,
	PG_writeback,
	PG_error,
	PG_referenced,
	PG_lru,
	PG_reserved, /* not managed by the allocator (firmware, kernel image) */
	PG_buddy, /* free, head of a buddy block of order page->order */
	PG_slab, /* owned by kmalloc */
	PG_head, /* head of a multi-page kmalloc allocation */
	PG_pinned, /* pinned by get_user_pages (see pin count) */
	PG_anon,
};

struct address_space;

struct page {
	unsigned long flags;
	atomic_t _refcount;
	atomic_t _mapcount; /* page-table entries mapping it */
	atomic_t pincount; /* get_user_pages pins */
	u8 order; /* buddy order when PG_buddy, or allocation order */
	struct list_head lru; /* buddy free list, LRU, or slab list */
	struct address_space *mapping;
	pgoff_t index;
	unsigned long private;
};

extern struct page *mem_map;
extern unsigned long max_pfn;

#define MAX_ORDER 11
#define PAGE_MASK (~(unsigned long)(PAGE_SIZE - 1))
#define PAGE_POISON 0x6b

static inline unsigned long page_to_pfn(const struct page *p)
{
	return (unsigned long)(p - mem_map);
}
static inline struct page *pfn_to_page(unsigned long pfn) { return &mem_map[pfn]; }
static inline phys_addr_t page_to_phys(const struct page *p)
{
	return (phys_addr_t)page_to_pfn(p) << PAGE_SHIFT;
}
static inline void *page_address(const struct page *p) { return __va(page_to_phys(p)); }
static inline struct page *virt_to_page(const void *va)
{
	return pfn_to_page(__pa(va) >> PAGE_SHIFT);
}
static inline struct page *phys_to_page(phys_addr_t pa) { return pfn_to_page(pa >> PAGE_SHIFT); }

static inline bool test_bit(int nr, const unsigned long *w)
{
	return (__atomic_load_n(w, __ATOMIC_RELAXED) >> nr) & 1;
}
static inline void set_bit(int nr, unsigned long *w)
{
	__atomic_fetch_or(w, 1UL << nr, __ATOMIC_SEQ_CST);
}
static inline void clear_bit(int nr, unsigned long *w)
{
	__atomic_fetch_and(w, ~(1UL << nr), __ATOMIC_SEQ_CST);
}
static inline bool test_and_set_bit(int nr, unsigned long *w)
{
	return (__atomic_fetch_or(w, 1UL << nr, __ATOMIC_SEQ_CST) >> nr) & 1;
}
static inline bool test_and_clear_bit(int nr, unsigned long *w)
{
	return (__atomic_fetch_and(w, ~(1UL << nr), __ATOMIC_SEQ_CST) >> nr) & 1;
}

#define PageFlag(name, bit)                                                                      \
	static inline bool Page##name(const struct page *p) { return test_bit(bit, &p->flags); } \
	static inline void SetPage##name(struct page *p) { set_bit(bit, &p->flags); }            \
	static inline void ClearPage##name(struct page *p) { clear_bit(bit, &p->flags); }
PageFlag(Locked, PG_locked) PageFlag(Uptodate, PG_uptodate) PageFlag(Dirty, PG_dirty)
	PageFlag(Writeback, PG_writeback) PageFlag(Error, PG_error) PageFlag(Reserved, PG_reserved)
		PageFlag(Buddy, PG_buddy) PageFlag(Slab, PG_slab) PageFlag(Head, PG_head)
#undef PageFlag

/* gfp flags */
#define GFP_KERNEL 0x0
#define __GFP_ZERO 0x1
#define GFP_ATOMIC 0x2 /* caller cannot sleep (we never sleep in the allocator anyway) */

			struct page *alloc_pages(unsigned int gfp, unsigned int order);
static inline struct page *alloc_page(unsigned int gfp) { return alloc_pages(gfp, 0); }
void __free_pages(struct page *p, unsigned int order);
static inline void get_page(struct page *p) { atomic_inc(&p->_refcount); }
/* Drops a reference; the page is freed (order 0) when it was the last. */
void put_page(struct page *p);
static inline int page_count(const struct page *p) { return atomic_read(&p->_refcount); }
/* Convenience: a zeroed page's kernel address, or NULL. */
void *get_zeroed_page(void);
void free_page_va(void *va);

unsigned long nr_free_pages(void);
unsigned long nr_total_pages(void);

/* Reclaim (mm/vmscan.c).  alloc_pages() wakes kswapd when free pages fall
 * below kswapd_low_wmark (0 until kswapd runs) and, when it finds no
 * block, calls try_to_free_pages() and tries again.  That frees clean
 * page-cache pages (trylocks only, no I/O) and waits a bounded time for
 * kswapd; it returns 0 at once where reclaim is not allowed: atomic
 * context (a spinlock held, interrupts off), GFP_ATOMIC, or a task in
 * reclaim already (PF_MEMALLOC), so it never recurses or waits for a lock
 * the caller may hold. */
extern unsigned long kswapd_low_wmark;
void wakeup_kswapd(void);
unsigned long try_to_free_pages(unsigned int gfp, unsigned int order);
extern bool page_poison_enabled;

/* Early boot (mm/memblock.c): physical memory map and the allocator used
 * before mem_map exists. */
void memblock_add(phys_addr_t base, phys_addr_t size);
void memblock_reserve(phys_addr_t base, phys_addr_t size);
phys_addr_t memblock_alloc(phys_addr_t size, phys_addr_t align);
void page_alloc_init(void);

#endif
