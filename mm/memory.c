/*
 * memory.c - the page tables of user address spaces: walking, clearing
 * ranges (munmap, MADV_DONTNEED, exit), copying them for fork, rewriting
 * protections (mprotect) and freeing tables nobody needs any more.
 *
 * Contract: every function here takes mm->page_table_lock itself unless
 * its comment says the caller holds it; callers hold mmap_lock (read for
 * zapping file ranges and lookups, write for everything that changes VMAs).
 * Invariants: an entry that maps a page (present or PTE_PROTNONE) holds a
 * page reference and a _mapcount; clearing it gives both back, the
 * reference only after the TLB flush (mmu_gather).  User tables never use
 * huge pages; intermediate entries are P|W|U (the leaf decides).
 */
#include <fs/pagemap.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include "internal.h"

static const int level_shift[4] = { 39, 30, 21, 12 };

u64 vm_pte_bits(unsigned long vm_flags)
{
	u64 b = PTE_P | PTE_U;

	if (!(vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
		return PTE_PROTNONE;
	if (!(vm_flags & VM_EXEC))
		b |= PTE_NX;
	return b;
}

u64 *pte_lookup(struct mm_struct *mm, unsigned long addr, bool alloc, unsigned long *next)
{
	u64 *t = mm->pgd;

	for (int l = 0; l < 3; l++) {
		u64 *e = &t[(addr >> level_shift[l]) & 511];

		if (!(*e & PTE_P)) {
			u64 *nt;
			if (!alloc) {
				if (next)
					*next = ALIGN_DOWN(addr, 1UL << level_shift[l]) +
						(1UL << level_shift[l]);
				return NULL;
			}
			nt = get_zeroed_page();
			if (!nt)
				return NULL;
			*e = __pa(nt) | PTE_P | PTE_W | PTE_U;
		}
		t = __va(*e & PTE_ADDR_MASK);
	}
	return &t[(addr >> PAGE_SHIFT) & 511];
}

static bool table_empty(const u64 *t)
{
	for (int i = 0; i < 512; i++)
		if (t[i])
			return false;
	return true;
}

/* Frees tables below table (level l, covering from base) whose whole
 * range lies in [floor, ceiling). */
static void free_level(struct mmu_gather *tlb, u64 *table, int l, unsigned long base,
		       unsigned long floor, unsigned long ceiling)
{
	unsigned long span = 1UL << level_shift[l];
	unsigned long lo = MAX(floor, base), hi = MIN(ceiling, base + 512 * span);
	int nr = l == 0 ? 256 : 512;

	if (lo >= hi)
		return;
	for (unsigned long i = (lo - base) / span; i <= (hi - 1 - base) / span && i < (unsigned)nr;
	     i++) {
		unsigned long s = base + i * span;
		u64 *child;

		if (!(table[i] & PTE_P))
			continue;
		child = __va(table[i] & PTE_ADDR_MASK);
		if (l < 2)
			free_level(tlb, child, l + 1, s, floor, ceiling);
		if (s >= floor && s + span <= ceiling && table_empty(child)) {
			table[i] = 0;
			if (tlb_remove_table(tlb, child))
				tlb_flush_batch(tlb);
		}
	}
}

void free_pgtables(struct mmu_gather *tlb, unsigned long floor, unsigned long ceiling)
{
	free_level(tlb, tlb->mm->pgd, 0, 0, floor, ceiling);
}

static void free_all_level(u64 *table, int l)
{
	int nr = l == 0 ? 256 : 512;

	for (int i = 0; i < nr; i++) {
		if (!(table[i] & PTE_P))
			continue;
		u64 *child = __va(table[i] & PTE_ADDR_MASK);
		if (l < 2)
			free_all_level(child, l + 1);
		else if (!table_empty(child))
			printk(KERN_ERR "mm: page table freed with live entries\n");
		table[i] = 0;
		free_page_va(child);
	}
}

void free_all_pgtables(struct mm_struct *mm) { free_all_level(mm->pgd, 0); }

void unmap_page_range(struct mmu_gather *tlb, struct vm_area_struct *vma, unsigned long start,
		      unsigned long end, bool only_file_pages)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr = start;

	spin_lock(&mm->page_table_lock);
	while (addr < end) {
		unsigned long next = addr + PAGE_SIZE;
		u64 *pte = pte_lookup(mm, addr, false, &next);
		u64 e;
		struct page *pg;

		if (!pte || !pte_page_mapped(e = *pte)) {
			addr = next;
			continue;
		}
		pg = pte_to_page(e);
		if (only_file_pages && PageAnon(pg)) {
			addr = next;
			continue;
		}
		*pte = 0;
		if ((e & PTE_D) && !PageAnon(pg))
			set_page_dirty(pg); /* written through a shared mapping */
		atomic_dec(&pg->_mapcount);
		mm->total_pages--;
		if (tlb_remove_page(tlb, addr, pg))
			tlb_flush_batch(tlb);
		addr = next;
	}
	spin_unlock(&mm->page_table_lock);
}

void zap_vma_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mmu_gather tlb;

	start = MAX(start, vma->vm_start);
	end = MIN(end, vma->vm_end);
	if (start >= end)
		return;
	tlb_gather_init(&tlb, vma->vm_mm);
	unmap_page_range(&tlb, vma, start, end, false);
	tlb_finish(&tlb);
}

/* fork of a pinned private page: the child gets its own copy now (a later
 * COW would take the page away from the device or O_DIRECT holding it). */
static int copy_pinned_page(struct mm_struct *dst, unsigned long addr, u64 e, struct page *pg)
{
	struct page *np = alloc_page(0);
	u64 *dpte;

	if (!np)
		return -ENOMEM;
	memcpy(page_address(np), page_address(pg), PAGE_SIZE);
	SetPageAnon(np);
	dpte = pte_lookup(dst, addr, true, NULL);
	if (!dpte) {
		put_page(np);
		return -ENOMEM;
	}
	*dpte = page_to_phys(np) | (e & ~PTE_ADDR_MASK);
	atomic_inc(&np->_mapcount);
	dst->total_pages++;
	return 0;
}

int copy_page_range(struct mm_struct *dst, struct mm_struct *src, struct vm_area_struct *vma)
{
	bool cow = is_cow_mapping(vma->vm_flags), wrprotected = false;
	unsigned long addr = vma->vm_start;
	int err = 0;

	if (vma->vm_flags & VM_WIPEONFORK)
		return 0;
	while (addr < vma->vm_end && !err) {
		unsigned long next = addr + PAGE_SIZE;
		u64 *spte, *dpte, e;
		struct page *pg;

		spin_lock(&src->page_table_lock);
		spte = pte_lookup(src, addr, false, &next);
		if (!spte || !pte_page_mapped(e = *spte)) {
			spin_unlock(&src->page_table_lock);
			addr = next;
			continue;
		}
		pg = pte_to_page(e);
		get_page(pg);
		if (cow && PageAnon(pg) && atomic_read(&pg->pincount) > 0) {
			spin_unlock(&src->page_table_lock);
			err = copy_pinned_page(dst, addr, e, pg);
			put_page(pg);
			addr = next;
			continue;
		}
		if (cow && (e & PTE_W)) {
			e &= ~PTE_W;
			*spte = e;
			wrprotected = true;
		}
		atomic_inc(&pg->_mapcount);
		spin_unlock(&src->page_table_lock);
		/* dst is not visible to anyone yet: no lock needed */
		dpte = pte_lookup(dst, addr, true, NULL);
		if (!dpte) {
			atomic_dec(&pg->_mapcount);
			put_page(pg);
			err = -ENOMEM;
			break;
		}
		*dpte = e;
		dst->total_pages++;
		addr = next;
	}
	if (wrprotected)
		flush_tlb_mm_range(src, vma->vm_start, vma->vm_end);
	return err;
}

void change_protection(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	u64 bits = vm_pte_bits(vma->vm_flags);
	bool changed = false;
	unsigned long addr = start;

	spin_lock(&mm->page_table_lock);
	while (addr < end) {
		unsigned long next = addr + PAGE_SIZE;
		u64 *pte = pte_lookup(mm, addr, false, &next);
		u64 e, ne;

		if (!pte || !pte_page_mapped(e = *pte)) {
			addr = next;
			continue;
		}
		ne = (e & PTE_ADDR_MASK) | bits;
		if (bits & PTE_P) {
			ne |= e & (PTE_A | PTE_D);
			/* never grant write here: the fault path decides (COW) */
			if ((e & PTE_W) && (vma->vm_flags & VM_WRITE))
				ne |= PTE_W;
		} else if ((e & PTE_D) && !PageAnon(pte_to_page(e))) {
			set_page_dirty(pte_to_page(e));
		}
		if (ne != e) {
			*pte = ne;
			changed = true;
		}
		addr = next;
	}
	spin_unlock(&mm->page_table_lock);
	if (changed)
		flush_tlb_mm_range(mm, start, end);
}

int mm_follow_pfn(struct mm_struct *mm, unsigned long addr, unsigned long *pfn, bool *writable)
{
	int ret = -EFAULT;
	u64 *pte;

	if (addr >= TASK_SIZE)
		return -EFAULT;
	spin_lock(&mm->page_table_lock);
	pte = pte_lookup(mm, addr, false, NULL);
	if (pte && (*pte & PTE_P)) {
		*pfn = (*pte & PTE_ADDR_MASK) >> PAGE_SHIFT;
		if (writable)
			*writable = (*pte & PTE_W) != 0;
		ret = 0;
	}
	spin_unlock(&mm->page_table_lock);
	return ret;
}
