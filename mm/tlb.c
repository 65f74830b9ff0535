/*
 * tlb.c - which address space each CPU has loaded, and TLB shootdown.
 *
 * switch_mm() loads an mm's PML4 into CR3 and keeps mm->cpu_mask exact:
 * a CPU's bit is set before it loads the mm and cleared after it loaded
 * another one (a CR3 write drops every non-global entry, and user entries
 * are never global).  So flush_tlb_mm_range() need only reach the CPUs in
 * cpu_mask: it invalidates locally and, when another CPU is in the mask,
 * sends smp_call_function() whose handler flushes if that CPU still has
 * the mm loaded.  Ordering: the caller changed the entries before we read
 * cpu_mask (full barrier); a CPU that sets its bit afterwards loads CR3
 * afterwards and so sees the new entries.
 *
 * mmu_gather batches pages (and freed page tables) whose entries were
 * cleared: they are released only after the flush, so no CPU can still
 * reach a freed page through a stale TLB entry.
 *
 * Locks: loaded_mm[cpu] changes only on its own CPU with interrupts off;
 * the flush IPI handler reads it on the same CPU.  flush_tlb_mm_range may
 * be called with spinlocks held but needs interrupts enabled.
 */
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <x86/asm.h>
#include "internal.h"

#define FLUSH_ALL_THRESHOLD 32 /* pages: beyond this, reload CR3 instead */

static struct mm_struct *loaded_mm[MAX_CPUS];

struct mm_struct *this_cpu_loaded_mm(void) { return READ_ONCE(loaded_mm[smp_processor_id()]); }

void switch_mm(struct mm_struct *prev, struct mm_struct *next)
{
	unsigned long flags = local_irq_save();
	int cpu = smp_processor_id();
	struct mm_struct *old = loaded_mm[cpu];

	(void)prev; /* loaded_mm knows better: prev may already be gone */
	if (old != next) {
		if (next) {
			__atomic_fetch_or(&next->cpu_mask, 1UL << cpu, __ATOMIC_SEQ_CST);
			write_cr3(__pa(next->pgd));
		} else {
			write_cr3(kernel_pml4_phys);
		}
		WRITE_ONCE(loaded_mm[cpu], next);
		if (old)
			__atomic_fetch_and(&old->cpu_mask, ~(1UL << cpu), __ATOMIC_SEQ_CST);
	}
	local_irq_restore(flags);
}

void kthread_use_mm(struct mm_struct *mm)
{
	unsigned long flags = local_irq_save();

	current->mm = mm;
	switch_mm(NULL, mm);
	local_irq_restore(flags);
}

void kthread_unuse_mm(struct mm_struct *mm)
{
	unsigned long flags = local_irq_save();

	current->mm = NULL;
	switch_mm(mm, NULL);
	local_irq_restore(flags);
}

void tlb_unload_mm(struct mm_struct *mm)
{
	if (this_cpu_loaded_mm() == mm)
		switch_mm(mm, NULL);
	for (int c = 0; c < MAX_CPUS; c++)
		if (READ_ONCE(loaded_mm[c]) == mm)
			printk(KERN_ERR "mm: freeing an mm still loaded on CPU %d\n", c);
}

static void local_flush(unsigned long start, unsigned long end)
{
	if (end - start > FLUSH_ALL_THRESHOLD * PAGE_SIZE) {
		write_cr3(read_cr3());
		return;
	}
	for (unsigned long a = start; a < end; a += PAGE_SIZE)
		invlpg(a);
}

struct flush_args {
	struct mm_struct *mm;
	unsigned long start, end;
};

static void flush_ipi(void *arg)
{
	struct flush_args *a = arg;

	if (this_cpu_loaded_mm() == a->mm)
		local_flush(a->start, a->end);
}

void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct flush_args a = { mm, start & PAGE_MASK, PAGE_ALIGN(end) };
	unsigned long others;
	int cpu;

	if (a.start >= a.end)
		return;
	preempt_disable();
	smp_mb(); /* the entry changes before the cpu_mask read */
	cpu = smp_processor_id();
	if (this_cpu_loaded_mm() == mm)
		local_flush(a.start, a.end);
	others = __atomic_load_n(&mm->cpu_mask, __ATOMIC_SEQ_CST) & ~(1UL << cpu);
	if (others && nr_cpus_online > 1)
		smp_call_function(flush_ipi, &a);
	preempt_enable();
}

void tlb_gather_init(struct mmu_gather *tlb, struct mm_struct *mm)
{
	tlb->mm = mm;
	tlb->start = ~0UL;
	tlb->end = 0;
	tlb->flush_all = false;
	tlb->nr = 0;
}

bool tlb_remove_page(struct mmu_gather *tlb, unsigned long addr, struct page *page)
{
	tlb->start = MIN(tlb->start, addr);
	tlb->end = MAX(tlb->end, addr + PAGE_SIZE);
	if (!page)
		return false;
	tlb->pages[tlb->nr++] = page;
	return tlb->nr == MMU_GATHER_BATCH;
}

bool tlb_remove_table(struct mmu_gather *tlb, void *table)
{
	tlb->flush_all = true; /* paging-structure caches: flush them all */
	tlb->pages[tlb->nr++] = virt_to_page(table);
	return tlb->nr == MMU_GATHER_BATCH;
}

void tlb_flush_batch(struct mmu_gather *tlb)
{
	if (tlb->flush_all)
		flush_tlb_mm_range(tlb->mm, 0, TASK_SIZE);
	else if (tlb->start < tlb->end)
		flush_tlb_mm_range(tlb->mm, tlb->start, tlb->end);
	for (int i = 0; i < tlb->nr; i++)
		put_page(tlb->pages[i]);
	tlb_gather_init(tlb, tlb->mm);
}

void tlb_finish(struct mmu_gather *tlb) { tlb_flush_batch(tlb); }
