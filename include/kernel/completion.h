/*
 * completion.h - one-shot or counted events (kernel/sched/completion.c).
 * complete() lets one waiter through, complete_all() all of them now and
 * later.  wait_for_completion() may sleep.
 */
#ifndef KERNEL_COMPLETION_H
#define KERNEL_COMPLETION_H

#include <kernel/wait.h>

struct completion {
	unsigned int done;
	struct wait_queue_head wait;
};

#define COMPLETION_ALL (~0U)
void init_completion(struct completion *c);
void complete(struct completion *c);
void complete_all(struct completion *c);
void wait_for_completion(struct completion *c);
/* Returns true if completed, false on timeout. */
bool wait_for_completion_timeout(struct completion *c, u64 ns);
bool completion_done(struct completion *c);
void reinit_completion(struct completion *c);

#endif
