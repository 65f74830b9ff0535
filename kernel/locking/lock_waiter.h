/*
 * lock_waiter.h - the on-stack queue entry shared by the sleeping locks
 * (mutex, rwsem, two-state lock).  The releaser sets granted and wakes the
 * task: ownership is handed over, never grabbed back by a barger.
 */
#ifndef LOCK_WAITER_H
#define LOCK_WAITER_H

#include <kernel/list.h>
#include <kernel/sched.h>

struct lock_waiter {
	struct list_head node;
	struct task_struct *task;
	int kind; /* lock specific: reader/writer, or the state wanted */
	volatile bool granted;
};

/* Sleeps until w->granted; the caller queued w under lock and holds it
 * (IRQs saved in *flags).  Records what the task waits on for the deadlock
 * detector.  Returns with lock held. */
void lock_waiter_sleep(struct lock_waiter *w, spinlock_t *lock, unsigned long *flags, void *what,
		       const char *kind);
/* Hands the lock to w: marks it granted and wakes its task. */
void lock_waiter_grant(struct lock_waiter *w);

#endif
