/*
 * pgtable.h - x86_64 4-level page tables (mm/pgtable.c).
 *
 * The kernel half (PML4 entries 256..511) is built once at boot and shared
 * by every address space: its PDPT pages are allocated up front, so a new
 * address space just copies those 256 entries.  kernel_pml4 is the table
 * of kernel threads.  Lock: kernel mappings change only at boot or under
 * ioremap_lock; user page tables are guarded by their mm's page_table_lock.
 */
#ifndef MM_PGTABLE_H
#define MM_PGTABLE_H

#include <kernel/types.h>

#define PTE_P (1ULL << 0)
#define PTE_W (1ULL << 1)
#define PTE_U (1ULL << 2)
#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_A (1ULL << 5)
#define PTE_D (1ULL << 6)
#define PTE_PS (1ULL << 7)
#define PTE_G (1ULL << 8)
#define PTE_NX (1ULL << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ULL

extern u64 *kernel_pml4;
extern phys_addr_t kernel_pml4_phys;

/* Builds the direct map of all RAM, the kernel image mapping and the
 * ioremap area, and switches to them (boot CPU, after memblock is set). */
void paging_init(void);
/* Returns the level-1 entry for va in pml4, allocating intermediate tables
 * when alloc (a newly allocated table is zeroed, entries get flags
 * PTE_P|PTE_W|(va is user ? PTE_U : 0)).  NULL if absent or out of memory. */
u64 *pgtable_walk(u64 *pml4, unsigned long va, bool alloc);
/* Maps [pa, pa+size) uncached into the ioremap area; returns its address. */
void *ioremap(phys_addr_t pa, size_t size);
/* Flushes va from this CPU's TLB. */
void flush_tlb_one(unsigned long va);
void flush_tlb_all_local(void);

#endif
