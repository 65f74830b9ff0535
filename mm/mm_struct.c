/*
 * mm_struct.c - the life of an address space: mm_alloc, dup_mm (fork) and
 * mmput.
 *
 * Contract (see <mm/mm.h>): a new mm has a PML4 whose kernel half (entries
 * 256..511) is a copy of kernel_pml4's, pointing to the shared kernel
 * tables, so kernel mappings look the same in every address space.
 * dup_mm copies each VMA (file referenced, vm_ops->open) and then its
 * entries (copy_page_range: private writable pages become read-only in
 * both, shared ones stay as they are), except VM_DONTCOPY VMAs.  The last
 * mmput unloads the mm from this CPU, zaps every VMA, frees the VMAs, all
 * user page tables and the PML4.
 * Locks: dup_mm holds old->mmap_lock for writing (no fault or VMA change
 * meanwhile); the new mm is private to it.  mmput's teardown needs no
 * lock: nobody else can reach the mm.
 */
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/slab.h>
#include "internal.h"

struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm = kzalloc(sizeof(*mm), 0);

	if (!mm)
		return NULL;
	mm->pgd = get_zeroed_page();
	if (!mm->pgd) {
		kfree(mm);
		return NULL;
	}
	memcpy(mm->pgd + 256, kernel_pml4 + 256, 256 * sizeof(u64));
	INIT_LIST_HEAD(&mm->mmap);
	init_rwsem(&mm->mmap_lock);
	spin_lock_init(&mm->page_table_lock);
	atomic_set(&mm->mm_users, 1);
	mm->mmap_base = DEFAULT_MMAP_BASE;
	return mm;
}

/* Frees every VMA of mm and its pages (mm is unreachable). */
static void exit_mmap(struct mm_struct *mm)
{
	struct vm_area_struct *v, *tmp;
	struct mmu_gather tlb;

	tlb_gather_init(&tlb, mm);
	list_for_each_entry(v, &mm->mmap, vm_list)
		unmap_page_range(&tlb, v, v->vm_start, v->vm_end, false);
	tlb_finish(&tlb);
	list_for_each_entry_safe(v, tmp, &mm->mmap, vm_list) {
		vma_unlink(mm, v);
		vm_area_free(v);
	}
	free_all_pgtables(mm);
}

void mmput(struct mm_struct *mm)
{
	if (!atomic_dec_and_test(&mm->mm_users))
		return;
	tlb_unload_mm(mm);
	exit_mmap(mm);
	free_page_va(mm->pgd);
	kfree(mm);
}

struct mm_struct *dup_mm(struct mm_struct *old)
{
	struct mm_struct *mm = mm_alloc();
	struct vm_area_struct *v, *nv;
	int err = 0;

	if (!mm)
		return NULL;
	down_write(&old->mmap_lock);
	mm->start_code = old->start_code;
	mm->end_code = old->end_code;
	mm->start_data = old->start_data;
	mm->end_data = old->end_data;
	mm->start_brk = old->start_brk;
	mm->brk = old->brk;
	mm->start_stack = old->start_stack;
	mm->mmap_base = old->mmap_base;
	mm->arg_start = old->arg_start;
	mm->arg_end = old->arg_end;
	mm->env_start = old->env_start;
	mm->env_end = old->env_end;
	list_for_each_entry(v, &old->mmap, vm_list) {
		if (v->vm_flags & VM_DONTCOPY)
			continue;
		nv = vm_area_dup(v);
		if (!nv) {
			err = -ENOMEM;
			break;
		}
		nv->vm_mm = mm;
		list_add_tail(&nv->vm_list, &mm->mmap); /* same order as old's */
		mm->map_count++;
		vma_link_file(nv);
		err = copy_page_range(mm, old, v);
		if (err)
			break;
	}
	up_write(&old->mmap_lock);
	if (err) {
		mmput(mm);
		return NULL;
	}
	return mm;
}
