/*
 * spinlock.h - ticket spinlocks (FIFO fair across CPUs).
 *
 * spin_lock() disables preemption; spin_lock_irqsave() also disables local
 * interrupts and must be used for any lock an interrupt handler takes.
 * A CPU that tries to take a lock it already holds panics (recursion), and
 * unlocking a lock held by another CPU panics.
 */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <kernel/lockdep.h>
#include <kernel/types.h>

typedef struct spinlock {
	u16 next;
	u16 owner;
	int holder_cpu; /* -1 when free; for debugging */
	const char *name;
	struct lockdep_map dep_map;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(n)                    \
	{                                          \
		0, 0, -1, #n, LOCKDEP_MAP_INIT(#n) \
	}
#define DEFINE_SPINLOCK(n) spinlock_t n = __SPIN_LOCK_UNLOCKED(n)

void spin_lock_init_named(spinlock_t *l, const char *name, struct lock_class_key *key);
#define spin_lock_init(l)                              \
	do {                                           \
		static struct lock_class_key __key;    \
		spin_lock_init_named((l), #l, &__key); \
	} while (0)
void spin_lock(spinlock_t *l);
bool spin_trylock(spinlock_t *l);
void spin_unlock(spinlock_t *l);
unsigned long spin_lock_irqsave(spinlock_t *l);
void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags);
void spin_lock_irq(spinlock_t *l);
void spin_unlock_irq(spinlock_t *l);
bool spin_is_locked(spinlock_t *l);
/* Lock taken without lockdep or debugging: for printk and panic paths. */
void raw_spin_lock(spinlock_t *l);
void raw_spin_unlock(spinlock_t *l);

#endif
