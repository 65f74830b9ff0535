/*
 * shim.h - host-only helpers for unit tests that run kernel code on the
 * shim (tests/unit/shim/README).  Not a kernel interface.
 */
#ifndef SHIM_H
#define SHIM_H

#include <kernel/sched.h>

/* Names the calling thread's task (its comm). */
void shim_set_comm(const char *name);
/* How many times wake_up_process() was called for t. */
unsigned long shim_wakeups(struct task_struct *t);
/* Everything printk() wrote since the last shim_log_clear(). */
const char *shim_log(void);
void shim_log_clear(void);
/* When true, printk() only captures (tests that expect reports). */
extern bool shim_log_quiet;
/* Polls cond() every 100 us for up to ms milliseconds; returns its last value. */
bool shim_wait_for(bool (*cond)(void *), void *arg, unsigned int ms);
/* True while t sleeps in a lock's queue waiting for lock. */
bool shim_blocked_on(struct task_struct *t, void *lock);

#endif
