/*
 * gup.c - get_user_pages (pin the pages behind a user range, faulting them
 * in as the CPU would) and mm_populate (fault a range in, no pins).
 *
 * Contract: see <mm/mm.h>.  Both take mm->mmap_lock for reading; a fault
 * that returns VM_FAULT_RETRY has released it, so we take it again and
 * look the VMA up afresh.  A page is taken (get_page + pincount) under
 * page_table_lock while its entry is present and, for FOLL_WRITE,
 * writable: so a pinned page for writing is never one that COW could
 * later take away (do_wp_page reuses only pages with refcount 1, and fork
 * copies pinned pages instead of sharing them).
 */
#include <kernel/errno.h>
#include <fs/pagemap.h>
#include <kernel/sched.h>
#include "internal.h"

static int fault_to_errno(int ret)
{
	if (ret & VM_FAULT_OOM)
		return -ENOMEM;
	if (ret & VM_FAULT_NOPAGE)
		return -EDEADLK;
	return -EFAULT;
}

/* The page at addr if its entry allows the access; referenced (and pinned
 * when pin). */
static struct page *follow_page(struct mm_struct *mm, unsigned long addr, bool write, bool pin)
{
	struct page *pg = NULL;
	u64 *pte;

	spin_lock(&mm->page_table_lock);
	pte = pte_lookup(mm, addr, false, NULL);
	if (pte && (*pte & PTE_P) && (!write || (*pte & PTE_W))) {
		pg = pte_to_page(*pte);
		get_page(pg);
		if (pin) {
			atomic_inc(&pg->pincount);
			set_bit(PG_pinned, &pg->flags);
		}
	}
	spin_unlock(&mm->page_table_lock);
	return pg;
}

long get_user_pages(struct mm_struct *mm, unsigned long start, unsigned long nr_pages,
		    unsigned int gup_flags, struct page **pages)
{
	bool write = gup_flags & FOLL_WRITE;
	unsigned long i = 0;
	long err = 0;

	start &= PAGE_MASK;
	if (start >= TASK_SIZE || nr_pages > (TASK_SIZE - start) >> PAGE_SHIFT)
		return -EFAULT;
	down_read(&mm->mmap_lock);
	while (i < nr_pages) {
		unsigned long addr = start + i * PAGE_SIZE;
		struct vm_area_struct *vma = find_vma(mm, addr);
		struct page *pg;
		int ret;

		if (!vma || vma->vm_start > addr ||
		    !(vma->vm_flags & (write ? VM_WRITE : VM_READ))) {
			err = -EFAULT;
			break;
		}
		pg = follow_page(mm, addr, write, true);
		if (pg) {
			if (pages)
				pages[i] = pg;
			else
				unpin_user_pages(&pg, 1, false);
			i++;
			continue;
		}
		ret = handle_mm_fault(vma, addr, FAULT_FLAG_GUP | (write ? FAULT_FLAG_WRITE : 0));
		if (ret & VM_FAULT_RETRY) {
			/* the fault released mmap_lock and waited for what it
			 * needed; if it also dropped the caller's own locks
			 * (faults_disabled_mapping bit 0), the caller retries */
			if ((unsigned long)current->faults_disabled_mapping & FDM_DROPPED)
				return i ? (long)i : -EAGAIN;
			down_read(&mm->mmap_lock);
			continue;
		}
		if (ret) {
			err = fault_to_errno(ret);
			break;
		}
	}
	up_read(&mm->mmap_lock);
	return i ? (long)i : err;
}

void unpin_user_pages(struct page **pages, unsigned long nr, bool dirty)
{
	for (unsigned long i = 0; i < nr; i++) {
		struct page *pg = pages[i];

		if (dirty)
			set_page_dirty(pg);
		if (atomic_sub_return(1, &pg->pincount) == 0)
			clear_bit(PG_pinned, &pg->flags);
		put_page(pg);
	}
}

int mm_populate(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	unsigned long addr = start & PAGE_MASK, end = PAGE_ALIGN(start + len);
	int err = 0;

	down_read(&mm->mmap_lock);
	while (addr < end) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		bool write;
		struct page *pg;
		int ret;

		if (!vma || vma->vm_start >= end) {
			break;
		}
		if (vma->vm_start > addr)
			addr = vma->vm_start;
		if (!vma_accessible(vma)) {
			addr = vma->vm_end;
			continue;
		}
		/* private writable memory: break COW now, as a write would */
		write = (vma->vm_flags & VM_WRITE) && !(vma->vm_flags & VM_SHARED);
		pg = follow_page(mm, addr, write, false);
		if (pg) {
			put_page(pg);
			addr += PAGE_SIZE;
			continue;
		}
		ret = handle_mm_fault(vma, addr, FAULT_FLAG_GUP | (write ? FAULT_FLAG_WRITE : 0));
		if (ret & VM_FAULT_RETRY) {
			down_read(&mm->mmap_lock);
			continue;
		}
		if (ret) {
			err = fault_to_errno(ret);
			break;
		}
	}
	up_read(&mm->mmap_lock);
	return err;
}
