/*
 * mprotect.c - changing the flags of a range of VMAs: mprotect(2) and the
 * flag-setting advice of madvise(2); madvise's page dropping
 * (MADV_DONTNEED/MADV_FREE) and population.
 *
 * Contract: Linux semantics and errno values.  mprotect checks the whole
 * range first (no hole: -ENOMEM; no VM_MAY* right: -EACCES) and then
 * changes it all, splitting the VMAs at the edges and merging neighbours
 * that became alike.  Entries lose rights at once (with a TLB flush);
 * rights are granted lazily by the fault path.  MADV_DONTNEED zaps the
 * entries: private anonymous memory reads back as zeroes, file and shared
 * memory re-fault from their object.
 * Locks: mmap_lock for writing when VMAs change, for reading to zap.
 */
#include <kernel/errno.h>
#include "internal.h"

static unsigned long prot_to_vm(unsigned long prot)
{
	return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

/* Every page of [start, end) lies in some VMA: the first one, or NULL. */
static struct vm_area_struct *range_mapped(struct mm_struct *mm, unsigned long start,
					   unsigned long end)
{
	struct vm_area_struct *first = find_vma(mm, start), *v = first;
	unsigned long addr = start;

	while (v && v->vm_start <= addr) {
		addr = v->vm_end;
		if (addr >= end)
			return first;
		v = vma_next(mm, v);
	}
	return NULL;
}

/* Sets vm_flags = (vm_flags & ~clear) | set on [start, end), which is
 * mapped; splits and merges.  reprotect: rewrite the entries too. */
static int change_vma_flags(struct mm_struct *mm, unsigned long start, unsigned long end,
			    unsigned long clear, unsigned long set, bool reprotect)
{
	struct vm_area_struct *v = find_vma(mm, start), *p;

	while (v && v->vm_start < end) {
		unsigned long nf = (v->vm_flags & ~clear) | set;

		if (nf != v->vm_flags) {
			if (v->vm_start < start && !(v = split_vma(mm, v, start)))
				return -ENOMEM;
			if (v->vm_end > end && !split_vma(mm, v, end))
				return -ENOMEM;
			v->vm_flags = nf;
			if (reprotect)
				change_protection(v, v->vm_start, v->vm_end);
		}
		v = vma_next(mm, v);
	}
	/* merge what became alike, from the VMA before start */
	v = find_vma(mm, start ? start - 1 : 0);
	while (v && v->vm_start <= end) {
		p = vma_merge_neighbours(mm, v);
		v = vma_next(mm, p);
	}
	return 0;
}

int do_mprotect(struct mm_struct *mm, unsigned long start, unsigned long len, unsigned long prot)
{
	unsigned long grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP), end, want;
	struct vm_area_struct *v;
	int err;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (!len)
		return 0;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (!len || end <= start)
		return -ENOMEM;
	prot &= ~grows;
	if (grows == (PROT_GROWSDOWN | PROT_GROWSUP) || (grows & PROT_GROWSUP))
		return -EINVAL;
	if (prot & ~(unsigned long)(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM))
		return -EINVAL;
	want = prot_to_vm(prot);
	down_write(&mm->mmap_lock);
	err = -ENOMEM;
	v = find_vma(mm, start);
	if (!v)
		goto out;
	if (grows & PROT_GROWSDOWN) {
		err = -EINVAL;
		if (v->vm_start >= end || !(v->vm_flags & VM_GROWSDOWN))
			goto out;
		start = v->vm_start;
	}
	err = -ENOMEM;
	if (!range_mapped(mm, start, end))
		goto out;
	err = -EACCES;
	for (v = find_vma(mm, start); v && v->vm_start < end; v = vma_next(mm, v))
		if (((want & VM_READ) && !(v->vm_flags & VM_MAYREAD)) ||
		    ((want & VM_WRITE) && !(v->vm_flags & VM_MAYWRITE)) ||
		    ((want & VM_EXEC) && !(v->vm_flags & VM_MAYEXEC)))
			goto out;
	err = change_vma_flags(mm, start, end, VM_READ | VM_WRITE | VM_EXEC, want, true);
out:
	up_write(&mm->mmap_lock);
	return err;
}

static bool advice_valid(int advice)
{
	return (advice >= MADV_NORMAL && advice <= MADV_DONTNEED) ||
	       (advice >= MADV_FREE && advice <= MADV_COLLAPSE);
}

/* MADV_DONTNEED / MADV_FREE on [start, end): mmap_lock held for reading. */
static void drop_pages(struct mm_struct *mm, unsigned long start, unsigned long end, bool free)
{
	for (struct vm_area_struct *v = find_vma(mm, start); v && v->vm_start < end;
	     v = vma_next(mm, v)) {
		if (free && !(vma_is_anonymous(v) && !(v->vm_flags & VM_SHARED)))
			continue; /* MADV_FREE only means something for private anonymous memory */
		zap_vma_range(v, start, end);
	}
}

int do_madvise(struct mm_struct *mm, unsigned long start, unsigned long len, int advice)
{
	unsigned long end, clear = 0, set = 0;
	bool mapped;
	int err = 0;

	if ((start & ~PAGE_MASK) || !advice_valid(advice))
		return -EINVAL;
	end = start + PAGE_ALIGN(len);
	if ((len && !PAGE_ALIGN(len)) || end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	switch (advice) {
	case MADV_NORMAL:
		clear = VM_SEQ_READ | VM_RAND_READ;
		break;
	case MADV_RANDOM:
		clear = VM_SEQ_READ;
		set = VM_RAND_READ;
		break;
	case MADV_SEQUENTIAL:
		clear = VM_RAND_READ;
		set = VM_SEQ_READ;
		break;
	case MADV_DONTFORK:
		set = VM_DONTCOPY;
		break;
	case MADV_DOFORK:
		clear = VM_DONTCOPY;
		break;
	case MADV_WIPEONFORK:
		set = VM_WIPEONFORK;
		break;
	case MADV_KEEPONFORK:
		clear = VM_WIPEONFORK;
		break;
	}
	if (clear || set) {
		down_write(&mm->mmap_lock);
		mapped = range_mapped(mm, start, end) != NULL;
		err = change_vma_flags(mm, start, end, clear, set, false);
		up_write(&mm->mmap_lock);
		return err ? err : mapped ? 0 : -ENOMEM;
	}
	if (advice == MADV_POPULATE_WRITE || advice == MADV_POPULATE_READ) {
		down_read(&mm->mmap_lock);
		mapped = range_mapped(mm, start, end) != NULL;
		up_read(&mm->mmap_lock);
		if (!mapped)
			return -ENOMEM;
		return mm_populate(mm, start, end - start);
	}
	down_read(&mm->mmap_lock);
	mapped = range_mapped(mm, start, end) != NULL;
	if (advice == MADV_DONTNEED || advice == MADV_FREE)
		drop_pages(mm, start, end, advice == MADV_FREE);
	up_read(&mm->mmap_lock);
	return mapped ? 0 : -ENOMEM;
}
