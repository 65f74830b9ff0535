/*
 * completion.c - completions: a counter of "done" events guarded by the
 * wait queue's lock.  complete_all() sets the count to "infinite".
 */
#include <kernel/completion.h>

void init_completion(struct completion *c)
{
	c->done = 0;
	init_waitqueue_head(&c->wait);
}

void reinit_completion(struct completion *c) { c->done = 0; }

void complete(struct completion *c)
{
	unsigned long flags = spin_lock_irqsave(&c->wait.lock);

	if (c->done != COMPLETION_ALL)
		c->done++;
	wake_up_locked(&c->wait, 1);
	spin_unlock_irqrestore(&c->wait.lock, flags);
}

void complete_all(struct completion *c)
{
	unsigned long flags = spin_lock_irqsave(&c->wait.lock);

	c->done = COMPLETION_ALL;
	wake_up_locked(&c->wait, 0);
	spin_unlock_irqrestore(&c->wait.lock, flags);
}

static bool try_take(struct completion *c)
{
	unsigned long flags = spin_lock_irqsave(&c->wait.lock);
	bool ok = c->done > 0;

	if (ok && c->done != COMPLETION_ALL)
		c->done--;
	spin_unlock_irqrestore(&c->wait.lock, flags);
	return ok;
}

void wait_for_completion(struct completion *c)
{
	DEFINE_WAIT(w);

	for (;;) {
		prepare_to_wait_exclusive(&c->wait, &w, TASK_UNINTERRUPTIBLE);
		if (try_take(c))
			break;
		schedule();
	}
	finish_wait(&c->wait, &w);
}

bool wait_for_completion_timeout(struct completion *c, u64 ns)
{
	DEFINE_WAIT(w);
	bool ok;

	for (;;) {
		prepare_to_wait_exclusive(&c->wait, &w, TASK_UNINTERRUPTIBLE);
		if ((ok = try_take(c)) || !ns)
			break;
		ns = schedule_timeout(ns);
	}
	finish_wait(&c->wait, &w);
	return ok;
}

bool completion_done(struct completion *c) { return READ_ONCE(c->done) > 0; }
