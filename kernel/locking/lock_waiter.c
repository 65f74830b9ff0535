/*
 * lock_waiter.c - sleeping and handing over for the queue-based locks.
 */
#include <kernel/time.h>
#include "lock_waiter.h"

void lock_waiter_sleep(struct lock_waiter *w, spinlock_t *lock, unsigned long *flags, void *what,
		       const char *kind)
{
	struct task_struct *me = current;

	me->blocked_on = what;
	me->blocked_on_kind = kind;
	me->blocked_since_ns = ktime_get_ns();
	while (!READ_ONCE(w->granted)) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		spin_unlock_irqrestore(lock, *flags);
		if (!READ_ONCE(w->granted))
			schedule();
		*flags = spin_lock_irqsave(lock);
	}
	set_current_state(TASK_RUNNING);
	me->blocked_on = NULL;
	me->blocked_on_kind = NULL;
}

void lock_waiter_grant(struct lock_waiter *w)
{
	struct task_struct *t = w->task;

	list_del(&w->node);
	WRITE_ONCE(w->granted, true);
	wake_up_process(t);
}
