/*
 * spinlock.c - ticket spinlocks.
 *
 * A ticket lock hands the lock to CPUs in the order they asked, so no CPU
 * starves under contention.  spin_lock() disables preemption first (a task
 * holding a spinlock must not be switched out), then takes a ticket and
 * spins until its number comes up.  Debug checks: recursion on one CPU,
 * unlock by a non-owner.  lockdep sees every non-raw acquisition.
 */
#include <kernel/atomic.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <x86/asm.h>

extern bool percpu_ready;
extern bool panic_in_progress;

void spin_lock_init_named(spinlock_t *l, const char *name, struct lock_class_key *key)
{
	l->next = 0;
	l->owner = 0;
	l->holder_cpu = -1;
	l->name = name;
	lockdep_init_map(&l->dep_map, name, key);
}

static inline int my_cpu(void) { return percpu_ready ? smp_processor_id() : 0; }

void raw_spin_lock(spinlock_t *l)
{
	u16 ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_ACQUIRE);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		cpu_relax();
	l->holder_cpu = my_cpu();
}

void raw_spin_unlock(spinlock_t *l)
{
	l->holder_cpu = -1;
	__atomic_store_n(&l->owner, (u16)(l->owner + 1), __ATOMIC_RELEASE);
}

static void do_lock(spinlock_t *l, unsigned long ip)
{
	if (unlikely(READ_ONCE(l->holder_cpu) == my_cpu() && !panic_in_progress))
		panic("spinlock recursion on %s (cpu %d)", l->name ? l->name : "?", my_cpu());
	lock_acquire(&l->dep_map, 0, LD_EXCLUSIVE, ip);
	raw_spin_lock(l);
}

static void do_unlock(spinlock_t *l, unsigned long ip)
{
	if (unlikely(l->holder_cpu != my_cpu() && !panic_in_progress))
		panic("spin_unlock of %s held by cpu %d, not %d", l->name ? l->name : "?",
		      l->holder_cpu, my_cpu());
	lock_release(&l->dep_map, ip);
	raw_spin_unlock(l);
}

void spin_lock(spinlock_t *l)
{
	if (percpu_ready)
		preempt_disable();
	do_lock(l, (unsigned long)__builtin_return_address(0));
}

bool spin_trylock(spinlock_t *l)
{
	u16 owner, next;

	if (percpu_ready)
		preempt_disable();
	owner = __atomic_load_n(&l->owner, __ATOMIC_ACQUIRE);
	next = owner;
	if (__atomic_compare_exchange_n(&l->next, &next, (u16)(owner + 1), false, __ATOMIC_ACQUIRE,
					__ATOMIC_RELAXED)) {
		l->holder_cpu = my_cpu();
		lock_acquire(&l->dep_map, 0, LD_TRY, (unsigned long)__builtin_return_address(0));
		return true;
	}
	if (percpu_ready)
		preempt_enable();
	return false;
}

void spin_unlock(spinlock_t *l)
{
	do_unlock(l, (unsigned long)__builtin_return_address(0));
	if (percpu_ready)
		preempt_enable();
}

unsigned long spin_lock_irqsave(spinlock_t *l)
{
	unsigned long flags = local_irq_save();

	if (percpu_ready)
		preempt_disable();
	do_lock(l, (unsigned long)__builtin_return_address(0));
	return flags;
}

void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	do_unlock(l, (unsigned long)__builtin_return_address(0));
	local_irq_restore(flags);
	if (percpu_ready)
		preempt_enable();
}

void spin_lock_irq(spinlock_t *l)
{
	local_irq_disable();
	if (percpu_ready)
		preempt_disable();
	do_lock(l, (unsigned long)__builtin_return_address(0));
}

void spin_unlock_irq(spinlock_t *l)
{
	do_unlock(l, (unsigned long)__builtin_return_address(0));
	local_irq_enable();
	if (percpu_ready)
		preempt_enable();
}

bool spin_is_locked(spinlock_t *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&l->next, __ATOMIC_RELAXED);
}
