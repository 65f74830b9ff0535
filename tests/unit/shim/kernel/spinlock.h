/*
 * spinlock.h (host shim) - replaces include/kernel/spinlock.h on the host.
 *
 * Same interface; a spinlock_t is a pthread mutex plus the task holding it.
 * As in the kernel: non-raw calls tell lockdep, taking a lock one already
 * holds or unlocking another task's lock panics, irqsave flags are 0.
 */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <pthread.h>
#include <kernel/lockdep.h>
#include <kernel/types.h>

struct task_struct;

typedef struct spinlock {
	pthread_mutex_t m;
	struct task_struct *holder; /* NULL when free; for debugging */
	const char *name;
	struct lockdep_map dep_map;
} spinlock_t;

/* clang-format off */
#define __SPIN_LOCK_UNLOCKED(n) { PTHREAD_MUTEX_INITIALIZER, NULL, #n, LOCKDEP_MAP_INIT(#n) }
/* clang-format on */
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
void raw_spin_lock(spinlock_t *l);
void raw_spin_unlock(spinlock_t *l);

#endif
