/*
 * mremap.c - mremap(2): shrink a mapping, grow it in place when the space
 * after it is free, or move it (MREMAP_MAYMOVE, MREMAP_FIXED) by moving
 * its page-table entries, so the pages themselves never move or copy.
 *
 * Contract: Linux semantics for private and shared, anonymous and file
 * mappings; old_len 0 (duplicating a shared mapping) and
 * MREMAP_DONTUNMAP are not supported (-EINVAL).  The old range must lie
 * in one VMA (-EFAULT otherwise).
 * Locks: mmap_lock for writing; entries move under page_table_lock and
 * the old range is flushed from every CPU before the call returns.
 */
#include <fs/fs.h>
#include <kernel/errno.h>
#include "internal.h"

/* Moves the entries of [from, from + len) to [to, to + len); on -ENOMEM
 * (a table could not be allocated) everything moved goes back. */
static int move_ptes(struct mm_struct *mm, unsigned long from, unsigned long to, unsigned long len)
{
	unsigned long off;
	int err = 0;

	spin_lock(&mm->page_table_lock);
	for (off = 0; off < len; off += PAGE_SIZE) {
		u64 *op = pte_lookup(mm, from + off, false, NULL), *np;

		if (!op || !pte_page_mapped(*op))
			continue;
		np = pte_lookup(mm, to + off, true, NULL);
		if (!np) {
			err = -ENOMEM;
			break;
		}
		*np = *op;
		*op = 0;
	}
	if (err) {
		while (off) {
			off -= PAGE_SIZE;
			u64 *np = pte_lookup(mm, to + off, false, NULL), *op;
			if (!np || !pte_page_mapped(*np))
				continue;
			op = pte_lookup(mm, from + off, false, NULL); /* its table still exists */
			*op = *np;
			*np = 0;
		}
	}
	spin_unlock(&mm->page_table_lock);
	flush_tlb_mm_range(mm, err ? to : from, (err ? to : from) + len);
	return err;
}

static long move_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long old_addr,
		     unsigned long old_len, unsigned long new_addr, unsigned long new_len)
{
	struct vm_area_struct *nv;
	int err;

	if (mm->map_count + 3 > MAX_MAP_COUNT)
		return -ENOMEM;
	if (vma->vm_start < old_addr && !(vma = split_vma(mm, vma, old_addr)))
		return -ENOMEM;
	if (vma->vm_end > old_addr + old_len && !split_vma(mm, vma, old_addr + old_len))
		return -ENOMEM;
	nv = vm_area_dup(vma);
	if (!nv)
		return -ENOMEM;
	nv->vm_start = new_addr;
	nv->vm_end = new_addr + new_len;
	err = move_ptes(mm, old_addr, new_addr, old_len);
	if (err) {
		vm_area_free(nv);
		return err;
	}
	vma_link(mm, nv);
	vma_link_file(nv);
	do_munmap(mm, old_addr, old_len); /* only the VMA is left there */
	vma_merge_neighbours(mm, nv);
	return (long)new_addr;
}

long do_mremap(struct mm_struct *mm, unsigned long addr, unsigned long old_len,
	       unsigned long new_len, unsigned long flags, unsigned long new_addr)
{
	struct vm_area_struct *vma, *next;
	long ret;

	if (flags & ~(unsigned long)(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
		return -EINVAL;
	if (((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) || (flags & MREMAP_DONTUNMAP))
		return -EINVAL;
	if (addr & ~PAGE_MASK)
		return -EINVAL;
	if (old_len > TASK_SIZE || new_len > TASK_SIZE)
		return -EINVAL;
	old_len = PAGE_ALIGN(old_len);
	new_len = PAGE_ALIGN(new_len);
	if (!new_len || !old_len || addr > TASK_SIZE - old_len)
		return -EINVAL;
	if (flags & MREMAP_FIXED) {
		if ((new_addr & ~PAGE_MASK) || new_addr > TASK_SIZE - new_len)
			return -EINVAL;
		if (new_addr < addr + old_len && addr < new_addr + new_len)
			return -EINVAL; /* overlap */
		if (new_addr < MMAP_MIN_ADDR)
			return -EPERM;
	}
	down_write(&mm->mmap_lock);
	ret = -EFAULT;
	vma = find_vma(mm, addr);
	if (!vma || vma->vm_start > addr || addr + old_len > vma->vm_end)
		goto out;
	if (flags & MREMAP_FIXED) {
		ret = do_munmap(mm, new_addr, new_len);
		if (ret)
			goto out;
		if (old_len > new_len) {
			ret = do_munmap(mm, addr + new_len, old_len - new_len);
			if (ret)
				goto out;
			old_len = new_len;
		}
		vma = find_vma(mm, addr);
		ret = move_vma(mm, vma, addr, old_len, new_addr, new_len);
		goto out;
	}
	if (new_len <= old_len) {
		ret = do_munmap(mm, addr + new_len, old_len - new_len);
		if (!ret)
			ret = (long)addr;
		goto out;
	}
	next = vma_next(mm, vma);
	if (addr + old_len == vma->vm_end && addr + new_len <= TASK_SIZE &&
	    (!next || next->vm_start >= addr + new_len)) {
		if (vma->vm_file)
			spin_lock(&vma->vm_file->f_mapping->i_mmap_lock);
		vma->vm_end = addr + new_len;
		if (vma->vm_file)
			spin_unlock(&vma->vm_file->f_mapping->i_mmap_lock);
		ret = (long)addr;
		goto out;
	}
	ret = -ENOMEM;
	if (!(flags & MREMAP_MAYMOVE))
		goto out;
	new_addr = get_unmapped_area(mm, 0, new_len);
	if (new_addr)
		ret = move_vma(mm, vma, addr, old_len, new_addr, new_len);
out:
	up_write(&mm->mmap_lock);
	return ret;
}
