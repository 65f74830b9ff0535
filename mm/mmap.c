/*
 * mmap.c - the VMA list of an address space: lookup, free-range search,
 * mmap, munmap, splitting and merging, and brk.
 *
 * Contract: mm->mmap is sorted by address and its VMAs never overlap;
 * map_count is its length and stays <= MAX_MAP_COUNT.  A file VMA holds a
 * reference on vm_file and sits on vm_file->f_mapping->i_mmap while it is
 * on an mm's list; its range and pgoff change only with that mapping's
 * i_mmap_lock held too, so unmap_mapping_range() sees consistent VMAs.
 * Locks: everything here needs mmap_lock; changes need it for writing.
 * New areas are placed top-down below mm->mmap_base (then anywhere), at
 * least MMAP_MIN_ADDR and a guard gap below a VM_GROWSDOWN stack.
 */
#include <fs/fs.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/slab.h>
#include <kernel/uaccess.h>
#include "internal.h"

#define STACK_GUARD_GAP (256 * PAGE_SIZE)

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *v;

	list_for_each_entry(v, &mm->mmap, vm_list)
		if (v->vm_end > addr)
			return v;
	return NULL;
}

struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, unsigned long start,
					     unsigned long end)
{
	struct vm_area_struct *v = find_vma(mm, start);

	return v && v->vm_start < end ? v : NULL;
}

static void file_lock(struct vm_area_struct *v)
{
	if (v->vm_file)
		spin_lock(&v->vm_file->f_mapping->i_mmap_lock);
}

static void file_unlock(struct vm_area_struct *v)
{
	if (v->vm_file)
		spin_unlock(&v->vm_file->f_mapping->i_mmap_lock);
}

struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	struct vm_area_struct *v = kzalloc(sizeof(*v), 0);

	if (!v)
		return NULL;
	v->vm_mm = mm;
	INIT_LIST_HEAD(&v->vm_list);
	INIT_LIST_HEAD(&v->i_mmap_node);
	return v;
}

struct vm_area_struct *vm_area_dup(struct vm_area_struct *vma)
{
	struct vm_area_struct *v = kmalloc(sizeof(*v), 0);

	if (!v)
		return NULL;
	*v = *vma;
	INIT_LIST_HEAD(&v->vm_list);
	INIT_LIST_HEAD(&v->i_mmap_node);
	if (v->vm_file)
		get_file(v->vm_file);
	if (v->vm_ops && v->vm_ops->open)
		v->vm_ops->open(v);
	return v;
}

void vm_area_free(struct vm_area_struct *v)
{
	if (v->vm_ops && v->vm_ops->close)
		v->vm_ops->close(v);
	if (v->vm_file) {
		file_lock(v);
		list_del(&v->i_mmap_node);
		file_unlock(v);
		fput(v->vm_file);
	}
	kfree(v);
}

void vma_link(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *v;

	list_for_each_entry(v, &mm->mmap, vm_list)
		if (v->vm_start > vma->vm_start)
			break;
	list_add_tail(&vma->vm_list, &v->vm_list); /* before v (or at the end) */
	mm->map_count++;
}

void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma)
{
	list_del(&vma->vm_list);
	mm->map_count--;
}

void vma_link_file(struct vm_area_struct *vma)
{
	if (!vma->vm_file)
		return;
	file_lock(vma);
	list_add_tail(&vma->i_mmap_node, &vma->vm_file->f_mapping->i_mmap);
	file_unlock(vma);
}

struct vm_area_struct *split_vma(struct mm_struct *mm, struct vm_area_struct *vma,
				 unsigned long addr)
{
	struct vm_area_struct *nv;

	if (mm->map_count >= MAX_MAP_COUNT)
		return NULL;
	nv = vm_area_dup(vma);
	if (!nv)
		return NULL;
	nv->vm_start = addr;
	nv->vm_pgoff = vma_pgoff_of(vma, addr);
	file_lock(vma);
	vma->vm_end = addr;
	if (nv->vm_file)
		list_add_tail(&nv->i_mmap_node, &nv->vm_file->f_mapping->i_mmap);
	file_unlock(vma);
	list_add(&nv->vm_list, &vma->vm_list);
	mm->map_count++;
	return nv;
}

static bool can_merge(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
	if (a->vm_end != b->vm_start || a->vm_flags != b->vm_flags || a->vm_file != b->vm_file ||
	    a->vm_ops != b->vm_ops || a->vm_private_data != b->vm_private_data)
		return false;
	if (!a->vm_file && !a->vm_ops)
		return true; /* private anonymous memory: offsets do not matter */
	return vma_pgoff_of(a, a->vm_end) == b->vm_pgoff;
}

/* b (right after a) joins a. */
static void merge_into(struct mm_struct *mm, struct vm_area_struct *a, struct vm_area_struct *b)
{
	file_lock(a);
	a->vm_end = b->vm_end;
	file_unlock(a);
	vma_unlink(mm, b);
	vm_area_free(b);
}

struct vm_area_struct *vma_merge_neighbours(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *p = vma_prev(mm, vma), *n;

	if (p && can_merge(p, vma)) {
		merge_into(mm, p, vma);
		vma = p;
	}
	n = vma_next(mm, vma);
	if (n && can_merge(vma, n))
		merge_into(mm, vma, n);
	return vma;
}

/* Highest free [x, x + len) inside [low, high), or 0. */
static unsigned long search_down(struct mm_struct *mm, unsigned long len, unsigned long low,
				 unsigned long high)
{
	unsigned long top = high;

	for (struct list_head *p = mm->mmap.prev; p != &mm->mmap; p = p->prev) {
		struct vm_area_struct *v = list_entry(p, struct vm_area_struct, vm_list);
		unsigned long blocked = v->vm_start;

		if (v->vm_end < top && top - v->vm_end >= len && top - len >= low)
			return top - len;
		if (v->vm_flags & VM_GROWSDOWN)
			blocked = blocked > STACK_GUARD_GAP ? blocked - STACK_GUARD_GAP : 0;
		top = MIN(top, blocked);
		if (top < low + len)
			return 0;
	}
	return top >= low + len ? top - len : 0;
}

unsigned long get_unmapped_area(struct mm_struct *mm, unsigned long hint, unsigned long len)
{
	unsigned long a;

	if (len > TASK_SIZE - MMAP_MIN_ADDR)
		return 0;
	if (hint) {
		hint = PAGE_ALIGN(hint);
		if (hint >= MMAP_MIN_ADDR && hint <= TASK_SIZE - len &&
		    !find_vma_intersection(mm, hint, hint + len))
			return hint;
	}
	a = search_down(mm, len, MMAP_MIN_ADDR, MIN(mm->mmap_base, TASK_SIZE));
	if (!a)
		a = search_down(mm, len, MMAP_MIN_ADDR, TASK_SIZE);
	return a;
}

#define MAP_KNOWN_FLAGS                                                                          \
	(MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_32BIT | MAP_GROWSDOWN | MAP_DENYWRITE |      \
	 MAP_EXECUTABLE | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | \
	 MAP_HUGETLB | MAP_SYNC | MAP_FIXED_NOREPLACE)

/* Checks a file mapping's open mode; adjusts *vm_flags.  0 or -errno. */
static int check_file_mode(struct file *file, unsigned long prot, unsigned long *vm_flags)
{
	if (!file->f_op || !file->f_op->mmap)
		return -ENODEV;
	if (!(file->f_mode & FMODE_READ))
		return -EACCES;
	if (*vm_flags & VM_SHARED) {
		if (!(file->f_mode & FMODE_WRITE)) {
			if (prot & PROT_WRITE)
				return -EACCES;
			*vm_flags &= ~VM_MAYWRITE;
		} else if ((prot & PROT_WRITE) && (file->f_flags & O_APPEND)) {
			return -EACCES;
		}
	}
	return 0;
}

long do_mmap(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned long prot,
	     unsigned long flags, struct file *file, u64 pgoff)
{
	unsigned long type = flags & MAP_TYPE, vm_flags;
	struct vm_area_struct *vma;
	int err = 0;

	if (!len)
		return -EINVAL;
	if (len > TASK_SIZE)
		return -ENOMEM;
	len = PAGE_ALIGN(len);
	if (prot & ~(unsigned long)(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM))
		return -EINVAL;
	if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (type == MAP_SHARED_VALIDATE && (flags & ~(unsigned long)MAP_KNOWN_FLAGS))
		return -EOPNOTSUPP;
	if (flags & MAP_HUGETLB)
		return -EINVAL;
	if (file && pgoff + (len >> PAGE_SHIFT) < pgoff)
		return -EOVERFLOW;
	if (flags & MAP_FIXED_NOREPLACE)
		flags |= MAP_FIXED;
	if (flags & MAP_FIXED) {
		if (addr & ~PAGE_MASK)
			return -EINVAL;
		if (addr > TASK_SIZE - len)
			return -ENOMEM;
		if (addr < MMAP_MIN_ADDR)
			return -EPERM;
		if ((flags & MAP_FIXED_NOREPLACE) && find_vma_intersection(mm, addr, addr + len))
			return -EEXIST;
	} else {
		addr = get_unmapped_area(mm, addr, len);
		if (!addr)
			return -ENOMEM;
	}
	vm_flags = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	vm_flags |= (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
		    (prot & PROT_EXEC ? VM_EXEC : 0);
	if (type != MAP_PRIVATE)
		vm_flags |= VM_SHARED | VM_MAYSHARE;
	if (flags & MAP_GROWSDOWN)
		vm_flags |= VM_GROWSDOWN;
	if (file && (err = check_file_mode(file, prot, &vm_flags)))
		return err;
	if (mm->map_count >= MAX_MAP_COUNT)
		return -ENOMEM;
	vma = vm_area_alloc(mm);
	if (!vma)
		return -ENOMEM;
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = vm_flags;
	if (file) {
		get_file(file);
		vma->vm_file = file;
		vma->vm_pgoff = pgoff;
		err = file->f_op->mmap(file, vma);
	} else if (vm_flags & VM_SHARED) {
		err = shmem_zero_setup(vma);
	}
	if (err) {
		vma->vm_ops = NULL; /* not set up: no close */
		vm_area_free(vma);
		return err;
	}
	if ((flags & MAP_FIXED) && (err = do_munmap(mm, addr, len))) {
		vm_area_free(vma);
		return err;
	}
	vma_link(mm, vma);
	vma_link_file(vma);
	vma_merge_neighbours(mm, vma);
	return (long)addr;
}

int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	struct vm_area_struct *vma, *last, *prev, *next = NULL, *v, *tmp;
	struct mmu_gather tlb;
	unsigned long end;
	LIST_HEAD(doomed);

	if ((start & ~PAGE_MASK) || start > TASK_SIZE || len > TASK_SIZE - start)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!len)
		return -EINVAL;
	end = start + len;
	vma = find_vma(mm, start);
	if (!vma || vma->vm_start >= end)
		return 0;
	if (vma->vm_start < start) {
		/* a hole in the middle needs two more VMAs' room */
		if (end < vma->vm_end && mm->map_count + 1 >= MAX_MAP_COUNT)
			return -ENOMEM;
		vma = split_vma(mm, vma, start);
		if (!vma)
			return -ENOMEM;
	}
	last = find_vma(mm, end);
	if (last && last->vm_start < end && !split_vma(mm, last, end))
		return -ENOMEM;
	prev = vma_prev(mm, vma);
	for (v = vma; v && v->vm_start < end; v = next) {
		next = vma_next(mm, v);
		vma_unlink(mm, v);
		list_add_tail(&v->vm_list, &doomed);
	}
	tlb_gather_init(&tlb, mm);
	list_for_each_entry(v, &doomed, vm_list)
		unmap_page_range(&tlb, v, v->vm_start, v->vm_end, false);
	spin_lock(&mm->page_table_lock);
	free_pgtables(&tlb, prev ? prev->vm_end : 0, next ? next->vm_start : USER_SPACE_END);
	spin_unlock(&mm->page_table_lock);
	tlb_finish(&tlb);
	list_for_each_entry_safe(v, tmp, &doomed, vm_list)
		vm_area_free(v);
	return 0;
}

unsigned long do_brk(struct mm_struct *mm, unsigned long brk)
{
	unsigned long newbrk, oldbrk, ret;
	struct vm_area_struct *next;

	down_write(&mm->mmap_lock);
	if (!mm->start_brk || brk < mm->start_brk || brk > TASK_SIZE)
		goto out;
	newbrk = PAGE_ALIGN(brk);
	oldbrk = PAGE_ALIGN(mm->brk);
	if (newbrk == oldbrk) {
		mm->brk = brk;
	} else if (brk < mm->brk) {
		if (do_munmap(mm, newbrk, oldbrk - newbrk) == 0)
			mm->brk = brk;
	} else {
		next = find_vma(mm, oldbrk);
		if (next && newbrk + PAGE_SIZE > next->vm_start)
			goto out; /* would run into the next mapping */
		if (do_mmap(mm, oldbrk, newbrk - oldbrk, PROT_READ | PROT_WRITE,
			    MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0) >= 0)
			mm->brk = brk;
	}
out:
	ret = mm->brk;
	up_write(&mm->mmap_lock);
	return ret;
}
