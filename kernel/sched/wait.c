/*
 * wait.c - wait queues.
 *
 * prepare_to_wait() queues the entry and sets the task state under the
 * queue lock; wake_up() sets entry->woken and calls wake_up_process() under
 * the same lock, so a wake-up between the sleeper's condition check and its
 * schedule() is never lost (the sleeper's state is already RUNNING again).
 */
#include <kernel/atomic.h>
#include <kernel/wait.h>

void init_waitqueue_head(struct wait_queue_head *wq)
{
	spin_lock_init(&wq->lock);
	INIT_LIST_HEAD(&wq->head);
}

static void __prepare(struct wait_queue_head *wq, struct wait_queue_entry *w, long state,
		      bool exclusive)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);

	w->task = current;
	if (exclusive)
		w->flags |= WQ_FLAG_EXCLUSIVE;
	if (list_empty(&w->entry)) {
		if (exclusive)
			list_add_tail(&w->entry, &wq->head);
		else
			list_add(&w->entry, &wq->head);
	}
	set_current_state(state);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *w, long state)
{
	__prepare(wq, w, state, false);
}

void prepare_to_wait_exclusive(struct wait_queue_head *wq, struct wait_queue_entry *w, long state)
{
	__prepare(wq, w, state, true);
}

void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *w)
{
	unsigned long flags;

	set_current_state(TASK_RUNNING);
	if (!list_empty(&w->entry)) {
		flags = spin_lock_irqsave(&wq->lock);
		list_del(&w->entry);
		spin_unlock_irqrestore(&wq->lock, flags);
	}
}

void wake_up_locked(struct wait_queue_head *wq, int nr_exclusive)
{
	struct wait_queue_entry *w, *n;

	list_for_each_entry_safe(w, n, &wq->head, entry) {
		bool excl = w->flags & WQ_FLAG_EXCLUSIVE;
		bool woke;

		/* A woken entry leaves the queue: the waiter re-queues itself
		 * if its condition is still false, so one wake-up is never
		 * spent twice on the same task. */
		list_del(&w->entry);
		w->woken = true;
		woke = wake_up_process(w->task);
		if (excl && woke && nr_exclusive > 0 && --nr_exclusive == 0)
			break;
	}
}

void wake_up_nr(struct wait_queue_head *wq, int nr)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);

	wake_up_locked(wq, nr);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void wake_up(struct wait_queue_head *wq) { wake_up_nr(wq, 1); }
void wake_up_all(struct wait_queue_head *wq) { wake_up_nr(wq, 0); }

bool waitqueue_active(struct wait_queue_head *wq)
{
	smp_mb();
	return !list_empty(&wq->head);
}
