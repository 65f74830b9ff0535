/*
 * preempt.h - preemption control.  A CPU may switch tasks only when its
 * preempt_count is zero; spinlocks raise it.  The timer tick sets
 * need_resched and the switch happens at the next preempt_enable() or on
 * return from the interrupt.
 */
#ifndef KERNEL_PREEMPT_H
#define KERNEL_PREEMPT_H

#include <kernel/smp.h>

void preempt_schedule(void);

static inline int preempt_count(void)
{
	int v;
	__asm__ volatile("movl %%gs:32, %0" : "=r"(v));
	return v;
}
static inline void preempt_disable(void) { __asm__ volatile("incl %%gs:32" ::: "memory"); }
static inline void preempt_enable_no_resched(void)
{
	__asm__ volatile("decl %%gs:32" ::: "memory");
}
static inline void preempt_enable(void)
{
	preempt_enable_no_resched();
	if (unlikely(preempt_count() == 0 && this_cpu()->need_resched))
		preempt_schedule();
}
bool in_atomic_context(void);

#endif
