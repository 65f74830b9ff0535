/*
 * mutex.c - sleeping mutex with FIFO handoff.
 *
 * State: owner (NULL when free) and a FIFO of waiters, both under wait_lock.
 * mutex_unlock() with waiters makes the first waiter the owner before
 * waking it, so the lock cannot be stolen and waiting is strictly FIFO.
 */
#include <kernel/mutex.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include "lock_waiter.h"

void __mutex_init(struct mutex *m, const char *name, struct lock_class_key *key)
{
	spin_lock_init(&m->wait_lock);
	m->owner = NULL;
	INIT_LIST_HEAD(&m->waiters);
	m->name = name;
	lockdep_init_map(&m->dep_map, name, key);
}

static void __mutex_lock(struct mutex *m, int subclass, unsigned long ip)
{
	struct task_struct *me = current;
	unsigned long flags;

	lock_acquire(&m->dep_map, subclass, LD_EXCLUSIVE, ip);
	flags = spin_lock_irqsave(&m->wait_lock);
	if (m->owner == me)
		panic("mutex %s: recursive lock by %s", m->name, me->comm);
	if (!m->owner) {
		m->owner = me;
	} else {
		struct lock_waiter w = { .task = me, .granted = false };
		list_add_tail(&w.node, &m->waiters);
		lock_waiter_sleep(&w, &m->wait_lock, &flags, m, "mutex");
	}
	spin_unlock_irqrestore(&m->wait_lock, flags);
}

void mutex_lock(struct mutex *m) { __mutex_lock(m, 0, (unsigned long)__builtin_return_address(0)); }

void mutex_lock_nested(struct mutex *m, int subclass)
{
	__mutex_lock(m, subclass, (unsigned long)__builtin_return_address(0));
}

bool mutex_trylock(struct mutex *m)
{
	unsigned long flags = spin_lock_irqsave(&m->wait_lock);
	bool ok = !m->owner;

	if (ok)
		m->owner = current;
	spin_unlock_irqrestore(&m->wait_lock, flags);
	if (ok)
		lock_acquire(&m->dep_map, 0, LD_TRY, (unsigned long)__builtin_return_address(0));
	return ok;
}

void mutex_unlock(struct mutex *m)
{
	unsigned long flags = spin_lock_irqsave(&m->wait_lock);

	if (m->owner != current)
		panic("mutex %s: unlocked by %s, not its owner", m->name, current->comm);
	lock_release(&m->dep_map, (unsigned long)__builtin_return_address(0));
	if (list_empty(&m->waiters)) {
		m->owner = NULL;
	} else {
		struct lock_waiter *w = list_first_entry(&m->waiters, struct lock_waiter, node);
		m->owner = w->task;
		lock_waiter_grant(w);
	}
	spin_unlock_irqrestore(&m->wait_lock, flags);
}

bool mutex_is_locked(struct mutex *m) { return READ_ONCE(m->owner) != NULL; }
