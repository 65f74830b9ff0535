/*
 * wait.h - wait queues (kernel/sched/wait.c).
 *
 * A task that must wait for a condition puts an entry on a wait queue,
 * sets its state, re-checks the condition and calls schedule(); whoever
 * makes the condition true calls wake_up().  The queue's spinlock (IRQ-safe)
 * guards its list.  Exclusive waiters are woken one at a time (wake_up
 * wakes all non-exclusive waiters and one exclusive one), so a lock handed
 * to one waiter does not wake a herd.
 */
#ifndef KERNEL_WAIT_H
#define KERNEL_WAIT_H

#include <kernel/list.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>

struct wait_queue_head {
	spinlock_t lock;
	struct list_head head;
};

struct wait_queue_entry {
	struct task_struct *task;
	struct list_head entry;
	unsigned int flags;
	bool woken;
};
#define WQ_FLAG_EXCLUSIVE 1

#define __WAIT_QUEUE_HEAD_INITIALIZER(n)                             \
	{                                                            \
		__SPIN_LOCK_UNLOCKED(n.lock), LIST_HEAD_INIT(n.head) \
	}
#define DECLARE_WAIT_QUEUE_HEAD(n) struct wait_queue_head n = __WAIT_QUEUE_HEAD_INITIALIZER(n)
#define DEFINE_WAIT(n) struct wait_queue_entry n = { current, LIST_HEAD_INIT(n.entry), 0, false }

void init_waitqueue_head(struct wait_queue_head *wq);
void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *w, long state);
void prepare_to_wait_exclusive(struct wait_queue_head *wq, struct wait_queue_entry *w, long state);
void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *w);
void wake_up(struct wait_queue_head *wq);
void wake_up_all(struct wait_queue_head *wq);
void wake_up_nr(struct wait_queue_head *wq, int nr);
/* Same with wq->lock already held by the caller. */
void wake_up_locked(struct wait_queue_head *wq, int nr_exclusive);
bool waitqueue_active(struct wait_queue_head *wq);

#define wait_event(wq, cond)                                                \
	do {                                                                \
		DEFINE_WAIT(__w);                                           \
		for (;;) {                                                  \
			prepare_to_wait(&(wq), &__w, TASK_UNINTERRUPTIBLE); \
			if (cond)                                           \
				break;                                      \
			schedule();                                         \
		}                                                           \
		finish_wait(&(wq), &__w);                                   \
	} while (0)

/* Waits at most ns nanoseconds; evaluates to true if cond became true. */
#define wait_event_timeout(wq, cond, ns)                                    \
	({                                                                  \
		DEFINE_WAIT(__w);                                           \
		u64 __left = (ns);                                          \
		bool __ok;                                                  \
		for (;;) {                                                  \
			prepare_to_wait(&(wq), &__w, TASK_UNINTERRUPTIBLE); \
			if ((__ok = (cond)))                                \
				break;                                      \
			if (!__left)                                        \
				break;                                      \
			__left = schedule_timeout(__left);                  \
		}                                                           \
		finish_wait(&(wq), &__w);                                   \
		__ok;                                                       \
	})

#endif
