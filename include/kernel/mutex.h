/*
 * mutex.h - sleeping mutual exclusion (kernel/locking/mutex.c).
 *
 * FIFO fair: unlock hands the mutex straight to the longest waiter, so no
 * task can barge ahead.  Only the owner may unlock; recursion panics.  May
 * sleep: never call from interrupt context or with a spinlock held.
 */
#ifndef KERNEL_MUTEX_H
#define KERNEL_MUTEX_H

#include <kernel/list.h>
#include <kernel/lockdep.h>
#include <kernel/spinlock.h>

struct task_struct;

struct mutex {
	spinlock_t wait_lock;
	struct task_struct *owner;
	struct list_head waiters;
	const char *name;
	struct lockdep_map dep_map;
};

#define __MUTEX_INITIALIZER(n)                                                          \
	{                                                                               \
		__SPIN_LOCK_UNLOCKED(n.wait_lock), NULL, LIST_HEAD_INIT(n.waiters), #n, \
			LOCKDEP_MAP_INIT(#n)                                            \
	}
#define DEFINE_MUTEX(n) struct mutex n = __MUTEX_INITIALIZER(n)

void __mutex_init(struct mutex *m, const char *name, struct lock_class_key *key);
#define mutex_init(m)                               \
	do {                                        \
		static struct lock_class_key __key; \
		__mutex_init((m), #m, &__key);      \
	} while (0)
void mutex_lock(struct mutex *m);
void mutex_lock_nested(struct mutex *m, int subclass);
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);
bool mutex_is_locked(struct mutex *m);

#endif
