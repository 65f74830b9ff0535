/*
 * internal.h - helpers shared by the user-memory files of mm/ (mmap.c,
 * memory.c, fault.c, tlb.c, gup.c, shmem.c...).  Nothing outside mm/ uses
 * this; the interface is <mm/mm.h>.
 *
 * User page-table entries: a present entry is P|U, W when writable now,
 * NX unless VM_EXEC.  An entry of a PROT_NONE range keeps its page but is
 * not present: PTE_PROTNONE (a software bit, ignored by the CPU when P is
 * clear) marks it.  pte_page_mapped() is true for both kinds; each such
 * entry holds one page reference and one _mapcount.
 * Locks: see <mm/mm.h>.  Page tables are walked and changed under
 * mm->page_table_lock; tables are freed only under it too.
 */
#ifndef MM_INTERNAL_H
#define MM_INTERNAL_H

#include <mm/mm.h>
#include <mm/page.h>
#include <mm/pgtable.h>

#define PTE_PROTNONE (1ULL << 9) /* software: PROT_NONE entry with a page */
#define PAGE_ALIGN(x) ALIGN_UP((unsigned long)(x), PAGE_SIZE)

static inline bool pte_page_mapped(u64 pte) { return (pte & (PTE_P | PTE_PROTNONE)) != 0; }
static inline struct page *pte_to_page(u64 pte) { return phys_to_page(pte & PTE_ADDR_MASK); }

static inline bool PageAnon(const struct page *p) { return test_bit(PG_anon, &p->flags); }
static inline void SetPageAnon(struct page *p) { set_bit(PG_anon, &p->flags); }
static inline bool vma_is_anonymous(const struct vm_area_struct *v) { return !v->vm_ops; }
static inline bool vma_accessible(const struct vm_area_struct *v)
{
	return (v->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)) != 0;
}
/* Private and possibly writable: writes must copy shared pages. */
static inline bool is_cow_mapping(unsigned long flags)
{
	return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}
static inline u64 vma_pgoff_of(const struct vm_area_struct *v, unsigned long addr)
{
	return v->vm_pgoff + ((addr - v->vm_start) >> PAGE_SHIFT);
}

/* The entry bits for a page in a VMA with these flags, never W (writes
 * are granted by the fault path); PTE_PROTNONE for an inaccessible VMA. */
u64 vm_pte_bits(unsigned long vm_flags);

/* memory.c: page-table walking */
/* The level-1 entry of addr, allocating tables when alloc; NULL if absent
 * (then *next, when not NULL, is where the next table could start). */
u64 *pte_lookup(struct mm_struct *mm, unsigned long addr, bool alloc, unsigned long *next);
/* Frees the page tables that only cover [floor, ceiling): no VMA there.
 * Caller holds page_table_lock; the tables go onto tlb for freeing after
 * the TLB flush. */
struct mmu_gather;
void free_pgtables(struct mmu_gather *tlb, unsigned long floor, unsigned long ceiling);
/* Clears the entries of [start, end) in vma, pages onto tlb. */
void unmap_page_range(struct mmu_gather *tlb, struct vm_area_struct *vma, unsigned long start,
		      unsigned long end, bool only_file_pages);
/* fork: copies the entries of vma from src into dst (see dup_mm). */
int copy_page_range(struct mm_struct *dst, struct mm_struct *src, struct vm_area_struct *vma);
/* mmput: frees every user page table (entries must be clear). */
void free_all_pgtables(struct mm_struct *mm);
/* mprotect: rewrites the entries of [start, end) for vma's new flags. */
void change_protection(struct vm_area_struct *vma, unsigned long start, unsigned long end);

/* tlb.c: batching of page frees after a TLB flush (Linux's mmu_gather). */
#define MMU_GATHER_BATCH 64
struct mmu_gather {
	struct mm_struct *mm;
	unsigned long start, end; /* range to flush; start >= end: none */
	bool flush_all; /* page tables were freed: flush everything */
	int nr;
	struct page *pages[MMU_GATHER_BATCH]; /* mapped pages and freed tables */
};
void tlb_gather_init(struct mmu_gather *tlb, struct mm_struct *mm);
/* Records that addr's entry changed; the page (may be NULL) is released
 * after the flush.  Returns true when the batch is full: the caller then
 * drops page_table_lock and calls tlb_flush_batch(). */
bool tlb_remove_page(struct mmu_gather *tlb, unsigned long addr, struct page *page);
bool tlb_remove_table(struct mmu_gather *tlb, void *table);
void tlb_flush_batch(struct mmu_gather *tlb);
void tlb_finish(struct mmu_gather *tlb);
/* The mm loaded on this CPU (NULL: kernel_pml4). */
struct mm_struct *this_cpu_loaded_mm(void);
/* mmput: makes sure no CPU has mm loaded (unloads it here). */
void tlb_unload_mm(struct mm_struct *mm);

/* mmap.c: the VMA list */
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm);
/* A copy of vma (file referenced, vm_ops->open called, on the i_mmap list),
 * not on any mm list. */
struct vm_area_struct *vm_area_dup(struct vm_area_struct *vma);
/* Undoes vm_area_dup/creation: close, i_mmap removal, fput, free. */
void vm_area_free(struct vm_area_struct *vma);
void vma_link(struct mm_struct *mm, struct vm_area_struct *vma);
void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma);
void vma_link_file(struct vm_area_struct *vma);
/* Splits vma at addr: vma keeps [vm_start, addr), the returned new VMA
 * (linked after it) gets [addr, vm_end).  NULL: -ENOMEM. */
struct vm_area_struct *split_vma(struct mm_struct *mm, struct vm_area_struct *vma,
				 unsigned long addr);
/* Merges vma with its neighbours when they are compatible; returns the
 * surviving VMA. */
struct vm_area_struct *vma_merge_neighbours(struct mm_struct *mm, struct vm_area_struct *vma);
/* A free, page-aligned range of len bytes (hint first, else top-down below
 * mm->mmap_base, else anywhere); 0 when there is none. */
unsigned long get_unmapped_area(struct mm_struct *mm, unsigned long hint, unsigned long len);
static inline struct vm_area_struct *vma_next(struct mm_struct *mm, struct vm_area_struct *v)
{
	return v->vm_list.next == &mm->mmap ?
		       NULL :
		       list_entry(v->vm_list.next, struct vm_area_struct, vm_list);
}
static inline struct vm_area_struct *vma_prev(struct mm_struct *mm, struct vm_area_struct *v)
{
	return v->vm_list.prev == &mm->mmap ?
		       NULL :
		       list_entry(v->vm_list.prev, struct vm_area_struct, vm_list);
}

/* shmem.c: MAP_SHARED|MAP_ANONYMOUS memory */
int shmem_zero_setup(struct vm_area_struct *vma);

/* fault.c: stack growth (mmap_lock held for writing) */
int expand_stack(struct vm_area_struct *vma, unsigned long addr);

#endif
