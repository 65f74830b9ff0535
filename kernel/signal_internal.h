/*
 * signal_internal.h - what the files of the signal code share
 * (kernel/signal.c, signal_deliver.c, signal_syscalls.c); not an interface
 * for other subsystems (that is <kernel/signal.h>).
 * Locking as in <kernel/signal.h>: tasklist_lock, then one sighand->siglock.
 */
#ifndef KERNEL_SIGNAL_INTERNAL_H
#define KERNEL_SIGNAL_INTERNAL_H

#include <kernel/proc.h>
#include <kernel/signal.h>

#define SYNCHRONOUS_MASK                                                           \
	(sigmask(SIGSEGV) | sigmask(SIGBUS) | sigmask(SIGILL) | sigmask(SIGTRAP) | \
	 sigmask(SIGFPE) | sigmask(SIGSYS))
#define STOP_MASK (sigmask(SIGSTOP) | sigmask(SIGTSTP) | sigmask(SIGTTIN) | sigmask(SIGTTOU))

/* SIG_IGN, or SIG_DFL with an ignoring (or continuing) default action. */
bool sig_handler_ignored(struct task_struct *t, int sig);
/* Makes t notice a pending signal: wakes an interruptible sleep, or
 * interrupts its CPU. */
void signal_wake_up(struct task_struct *t);
/* SIGCHLD (CLD_STOPPED/CLD_CONTINUED) to p's parent; tasklist_lock held,
 * no siglock held. */
void notify_parent_cldstop(struct task_struct *p, int why, int sig);
/* Takes the most urgent pending signal of t within allowed; siglock held.
 * Returns its number (info filled) or 0. */
int dequeue_signal(struct task_struct *t, u64 allowed, struct ksiginfo *info);
/* The next queued instance of RT signal sig on q into *slot (removed from
 * q); false if none is queued.  siglock held. */
bool sigqueue_take(struct list_head *q, int sig, struct ksiginfo *slot, struct signal_struct *s);
/* Clears the signals in mask from the process's and every thread's pending
 * sets, queued instances too; tasklist_lock and siglock held. */
void flush_pending_signals(struct signal_struct *s, u64 mask);

#endif
