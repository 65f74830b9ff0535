/*
 * signal_syscalls.c - the signal system calls that act on the caller:
 * rt_sigaction, rt_sigprocmask, rt_sigpending, pause, rt_sigsuspend,
 * rt_sigtimedwait, and the temporary masks of ppoll/pselect
 * (set_user_sigmask).  kill and friends are in kernel/signal.c,
 * sigaltstack and rt_sigreturn in kernel/signal_frame.c.
 *
 * Masks: the caller's mask changes under its siglock; SIGKILL and SIGSTOP
 * are silently removed.  rt_sigsuspend and set_user_sigmask keep the old
 * mask in the uthread and set restore_sigmask, so it comes back once the
 * handler's frame holds it (or at once when no handler runs).
 */
#include <kernel/errno.h>
#include <kernel/proc.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>
#include "signal_internal.h"

/* ---- masks for ppoll/pselect ---- */

int set_user_sigmask(const void *umask, size_t sigsetsize)
{
	struct task_struct *t = current;
	struct uthread *u = task_uthread(t);
	unsigned long flags;
	u64 mask;

	if (!umask)
		return 0;
	if (sigsetsize != sizeof(u64))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	flags = spin_lock_irqsave(&t->sighand->siglock);
	u->saved_sigmask = t->blocked;
	u->temp_sigmask = true;
	t->blocked = mask & ~SIG_KERNEL_ONLY_MASK;
	spin_unlock_irqrestore(&t->sighand->siglock, flags);
	return 0;
}

void restore_saved_sigmask_unless(bool interrupted)
{
	struct task_struct *t = current;
	struct uthread *u = task_uthread(t);
	unsigned long flags;

	if (!u->temp_sigmask)
		return;
	u->temp_sigmask = false;
	flags = spin_lock_irqsave(&t->sighand->siglock);
	if (interrupted && signal_pending(t))
		u->restore_sigmask = true;
	else
		t->blocked = u->saved_sigmask;
	spin_unlock_irqrestore(&t->sighand->siglock, flags);
}

/* ---- system calls ---- */

SYSCALL_DEFINE(__NR_rt_sigaction, rt_sigaction)
{
	int sig = (int)a0;
	struct k_sigaction new, old;
	struct sighand_struct *sh = current->sighand;
	unsigned long flags;

	if (a3 != sizeof(u64) || !valid_signal(sig))
		return -EINVAL;
	if (a1) {
		if (copy_from_user(&new, (void *)a1, sizeof(new)))
			return -EFAULT;
		if (sigmask(sig) & SIG_KERNEL_ONLY_MASK)
			return -EINVAL;
		new.sa_mask &= ~SIG_KERNEL_ONLY_MASK;
	}
	flags = spin_lock_irqsave(&tasklist_lock);
	spin_lock(&sh->siglock);
	old = sh->action[sig - 1];
	if (a1) {
		sh->action[sig - 1] = new;
		/* POSIX: setting a pending signal to be ignored discards it. */
		if (sig_handler_ignored(current, sig))
			flush_pending_signals(current->signal, sigmask(sig));
	}
	spin_unlock(&sh->siglock);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	if (a2 && copy_to_user((void *)a2, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE(__NR_rt_sigprocmask, rt_sigprocmask)
{
	struct task_struct *t = current;
	u64 set, old;
	unsigned long flags;

	if (a3 != sizeof(u64))
		return -EINVAL;
	old = t->blocked;
	if (a1) {
		if (a0 != SIG_BLOCK && a0 != SIG_UNBLOCK && a0 != SIG_SETMASK)
			return -EINVAL;
		if (copy_from_user(&set, (void *)a1, sizeof(set)))
			return -EFAULT;
		set &= ~SIG_KERNEL_ONLY_MASK;
		flags = spin_lock_irqsave(&t->sighand->siglock);
		old = t->blocked;
		if (a0 == SIG_BLOCK)
			t->blocked |= set;
		else if (a0 == SIG_UNBLOCK)
			t->blocked &= ~set;
		else
			t->blocked = set;
		spin_unlock_irqrestore(&t->sighand->siglock, flags);
	}
	if (a2 && copy_to_user((void *)a2, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE(__NR_rt_sigpending, rt_sigpending)
{
	struct task_struct *t = current;
	u64 set;

	if ((size_t)a1 > sizeof(u64))
		return -EINVAL;
	set = (t->pending | t->signal->shared_pending) & t->blocked;
	return copy_to_user((void *)a0, &set, (size_t)a1) ? -EFAULT : 0;
}

static long sleep_until_signal(void)
{
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (signal_pending(current))
			break;
		schedule();
	}
	set_current_state(TASK_RUNNING);
	return -ERESTARTNOHAND;
}

SYSCALL_DEFINE(__NR_pause, pause) { return sleep_until_signal(); }

SYSCALL_DEFINE(__NR_rt_sigsuspend, rt_sigsuspend)
{
	struct task_struct *t = current;
	struct uthread *u = task_uthread(t);
	unsigned long flags;
	u64 mask;

	if (a1 != sizeof(u64))
		return -EINVAL;
	if (copy_from_user(&mask, (void *)a0, sizeof(mask)))
		return -EFAULT;
	flags = spin_lock_irqsave(&t->sighand->siglock);
	u->saved_sigmask = t->blocked;
	u->restore_sigmask = true;
	t->blocked = mask & ~SIG_KERNEL_ONLY_MASK;
	spin_unlock_irqrestore(&t->sighand->siglock, flags);
	return sleep_until_signal();
}

/* siginfo_t (128 bytes) from what the kernel kept. */
void ksiginfo_to_user(const struct ksiginfo *k, void *buf)
{
	s32 *w = buf;

	memset(buf, 0, 128);
	w[0] = k->signo;
	w[1] = k->errno_;
	w[2] = k->code;
	if (k->code <= 0 || k->code == SI_KERNEL) {
		w[4] = k->pid;
		w[5] = (s32)k->uid;
		memcpy(&w[6], &k->addr, 8); /* si_value */
	} else if (k->signo == SIGCHLD) {
		w[4] = k->pid;
		w[5] = (s32)k->uid;
		w[6] = k->status;
		memcpy(&w[8], &k->utime, 8);
		memcpy(&w[10], &k->stime, 8);
	} else {
		memcpy(&w[4], &k->addr, 8); /* si_addr */
	}
}

SYSCALL_DEFINE(__NR_rt_sigtimedwait, rt_sigtimedwait)
{
	struct task_struct *t = current;
	struct ksiginfo info;
	u64 these, saved = 0, deadline = 0;
	s64 ts[2];
	unsigned long flags;
	u8 ubuf[128];
	int sig;

	if (a3 != sizeof(u64))
		return -EINVAL;
	if (copy_from_user(&these, (void *)a0, sizeof(these)))
		return -EFAULT;
	these &= ~SIG_KERNEL_ONLY_MASK;
	if (a2) {
		if (copy_from_user(ts, (void *)a2, sizeof(ts)))
			return -EFAULT;
		if (ts[0] < 0 || ts[1] < 0 || ts[1] >= (s64)NSEC_PER_SEC)
			return -EINVAL;
		deadline = ktime_get_ns() + (u64)ts[0] * NSEC_PER_SEC + (u64)ts[1];
	}
	flags = spin_lock_irqsave(&t->sighand->siglock);
	sig = dequeue_signal(t, these, &info);
	if (!sig) {
		saved = t->blocked;
		t->blocked &= ~these;
		spin_unlock_irqrestore(&t->sighand->siglock, flags);
		for (;;) {
			u64 now = ktime_get_ns();
			set_current_state(TASK_INTERRUPTIBLE);
			if (signal_pending(t) || (a2 && now >= deadline))
				break;
			if (a2)
				schedule_timeout(deadline - now);
			else
				schedule();
		}
		set_current_state(TASK_RUNNING);
		flags = spin_lock_irqsave(&t->sighand->siglock);
		t->blocked = saved;
		sig = dequeue_signal(t, these, &info);
	}
	spin_unlock_irqrestore(&t->sighand->siglock, flags);
	if (!sig)
		return signal_pending(t) ? -EINTR : -EAGAIN;
	if (a1) {
		ksiginfo_to_user(&info, ubuf);
		if (copy_to_user((void *)a1, ubuf, sizeof(ubuf)))
			return -EFAULT;
	}
	return sig;
}
