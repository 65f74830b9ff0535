/*
 * rmap.c - from a file's pages back to the page-table entries that map
 * them: unmap_mapping_range() walks the file's i_mmap list (every VMA that
 * maps it, kept by mmap.c) and clears the entries of the given file range.
 *
 * Contract: after it returns, no entry maps a page-cache page of that range
 * (a later access faults and finds the page cache as it is then); private
 * COW copies stay unless even_cows.  Entries with the dirty bit hand it to
 * the page (set_page_dirty) as they go.  len 0 means "to the end".
 * Locks: mapping->i_mmap_lock (held throughout, so no VMA on the list can
 * change or go away) -> each mm's page_table_lock; the TLB flush happens
 * before the pages are released.  Callers must not hold a page_table_lock.
 */
#include <fs/pagemap.h>
#include "internal.h"

void unmap_mapping_range(struct address_space *mapping, u64 start, u64 len, bool even_cows)
{
	u64 first = start >> PAGE_SHIFT;
	u64 last = len ? first + DIV_ROUND_UP(len, PAGE_SIZE) - 1 : ~0ULL;
	struct vm_area_struct *v;

	spin_lock(&mapping->i_mmap_lock);
	list_for_each_entry(v, &mapping->i_mmap, i_mmap_node) {
		u64 vfirst = v->vm_pgoff;
		u64 vlast = vfirst + ((v->vm_end - v->vm_start) >> PAGE_SHIFT) - 1;
		struct mmu_gather tlb;

		if (vlast < first || vfirst > last)
			continue;
		tlb_gather_init(&tlb, v->vm_mm);
		unmap_page_range(
			&tlb, v, v->vm_start + ((MAX(first, vfirst) - vfirst) << PAGE_SHIFT),
			v->vm_start + ((MIN(last, vlast) - vfirst + 1) << PAGE_SHIFT), !even_cows);
		tlb_finish(&tlb);
	}
	spin_unlock(&mapping->i_mmap_lock);
}
