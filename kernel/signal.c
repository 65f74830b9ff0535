/*
 * signal.c - sending signals: the tables, sighand objects, the pending
 * checks, send_sig/kill_pgrp/force_sig_fault and kill, tkill, tgkill,
 * rt_sigqueueinfo.  Delivery is in kernel/signal_deliver.c, the other
 * signal system calls in kernel/signal_syscalls.c, the handler's frame on
 * the user stack in kernel/signal_frame.c.
 *
 * Sending (send_signal_locked): a real-time signal already pending is
 * queued behind (struct sigqueue, sigqueue_add) up to RLIMIT_SIGPENDING per
 * process; SIGCONT continues a stopped process and
 * drops pending stop signals, a stop signal drops a pending SIGCONT; an
 * ignored signal that is not blocked is dropped; otherwise the bit is set in
 * the thread's or the process's pending set, with its ksiginfo, and a thread
 * that does not block it is woken (an interruptible sleep ends; a thread
 * running on another CPU gets an IPI so it passes exit_to_user_mode soon).
 * A signal whose default action kills, sent to a process that does not
 * handle or block it, starts the group exit at once (as SIGKILL does).
 * PID 1 gets no signal it has no handler for (as in Linux).
 *
 * Locking: senders hold tasklist_lock, then sighand->siglock (both IRQ-safe,
 * always in that order), so the thread list and the stop state are stable.
 * A thread changes its own mask under siglock.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <mm/page.h>
#include <mm/slab.h>
#include "signal_internal.h"

static const char *const sig_names[32] = {
	"0",	     "SIGHUP",	"SIGINT",    "SIGQUIT", "SIGILL",   "SIGTRAP", "SIGABRT", "SIGBUS",
	"SIGFPE",    "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2",  "SIGPIPE", "SIGALRM", "SIGTERM",
	"SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP",  "SIGTTIN", "SIGTTOU", "SIGURG",
	"SIGXCPU",   "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS",
};

const char *signal_name(int sig)
{
	if (sig > 0 && sig < 32)
		return sig_names[sig];
	return valid_signal(sig) ? "SIGRT" : "?";
}

enum sig_default sig_default_action(int sig)
{
	switch (sig) {
	case SIGCHLD:
	case SIGURG:
	case SIGWINCH:
		return SIG_DEF_IGN;
	case SIGCONT:
		return SIG_DEF_CONT;
	case SIGSTOP:
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
		return SIG_DEF_STOP;
	case SIGQUIT:
	case SIGILL:
	case SIGTRAP:
	case SIGABRT:
	case SIGBUS:
	case SIGFPE:
	case SIGSEGV:
	case SIGXCPU:
	case SIGXFSZ:
	case SIGSYS:
		return SIG_DEF_CORE;
	default:
		return SIG_DEF_TERM;
	}
}

/* ---- sighand ---- */

struct sighand_struct *sighand_alloc(void)
{
	struct sighand_struct *sh = kzalloc(sizeof(*sh), 0);

	if (!sh)
		return NULL;
	atomic_set(&sh->count, 1);
	spin_lock_init(&sh->siglock);
	return sh;
}

struct sighand_struct *sighand_copy(struct sighand_struct *old)
{
	struct sighand_struct *sh = sighand_alloc();
	unsigned long flags;

	if (!sh)
		return NULL;
	flags = spin_lock_irqsave(&old->siglock);
	memcpy(sh->action, old->action, sizeof(sh->action));
	spin_unlock_irqrestore(&old->siglock, flags);
	return sh;
}

void sighand_put(struct sighand_struct *sh)
{
	if (sh && atomic_dec_and_test(&sh->count))
		kfree(sh);
}

void flush_signal_handlers(struct task_struct *t)
{
	struct sighand_struct *sh = t->sighand;
	unsigned long flags = spin_lock_irqsave(&sh->siglock);

	for (int i = 0; i < _NSIG; i++) {
		struct k_sigaction *ka = &sh->action[i];
		if (ka->sa_handler != SIG_IGN)
			ka->sa_handler = SIG_DFL;
		ka->sa_flags = 0;
		ka->sa_restorer = 0;
		ka->sa_mask = 0;
	}
	spin_unlock_irqrestore(&sh->siglock, flags);
	task_uthread(t)->altstack.ss_sp = 0;
	task_uthread(t)->altstack.ss_size = 0;
	task_uthread(t)->altstack.ss_flags = SS_DISABLE;
}

/* ---- checks ---- */

bool signal_pending(struct task_struct *t)
{
	u64 blocked;

	if (!t->signal)
		return false;
	blocked = READ_ONCE(t->blocked);
	return (READ_ONCE(t->pending) & ~blocked) ||
	       (READ_ONCE(t->signal->shared_pending) & ~blocked) ||
	       (READ_ONCE(t->signal->flags) & SIGNAL_GROUP_EXIT);
}

bool fatal_signal_pending(struct task_struct *t)
{
	if (!t->signal)
		return false;
	return (READ_ONCE(t->pending) & sigmask(SIGKILL)) ||
	       (READ_ONCE(t->signal->flags) & SIGNAL_GROUP_EXIT);
}

bool sig_handler_ignored(struct task_struct *t, int sig)
{
	unsigned long h = t->sighand->action[sig - 1].sa_handler;

	return h == SIG_IGN || (h == SIG_DFL && (sig_default_action(sig) == SIG_DEF_IGN ||
						 sig_default_action(sig) == SIG_DEF_CONT));
}

static bool sig_fatal(struct task_struct *t, int sig)
{
	enum sig_default d = sig_default_action(sig);

	return t->sighand->action[sig - 1].sa_handler == SIG_DFL &&
	       (d == SIG_DEF_TERM || d == SIG_DEF_CORE);
}

/* ---- sending ---- */

void signal_wake_up(struct task_struct *t)
{
	smp_mb(); /* the pending bit before the state: pairs with set_current_state */
	if (READ_ONCE(t->state) == TASK_INTERRUPTIBLE)
		wake_up_process(t);
	else if (t != current && READ_ONCE(t->on_cpu))
		smp_send_reschedule(READ_ONCE(t->cpu));
}

static bool wants_signal(int sig, struct task_struct *t)
{
	return !(t->blocked & sigmask(sig)) && !(t->flags & PF_EXITING);
}

static void start_group_exit(struct signal_struct *s, int status)
{
	struct task_struct *t;

	s->flags |= SIGNAL_GROUP_EXIT;
	s->flags &= ~SIGNAL_STOPPED;
	s->group_exit_code = status;
	list_for_each_entry(t, &s->thread_head, thread_node) {
		if (t->flags & PF_EXITING)
			continue;
		t->pending |= sigmask(SIGKILL);
		signal_wake_up(t);
	}
}

/* Sends SIGCHLD for a stop or continue of p to its parent.  tasklist_lock
 * held, p's siglock not held (the parent's is taken: siglocks never nest). */
void notify_parent_cldstop(struct task_struct *p, int why, int sig)
{
	struct task_struct *parent = p->group_leader->parent;
	struct ksiginfo info;

	if (!parent)
		return;
	wake_up_all(&parent->signal->wait_chldexit);
	if (parent->sighand->action[SIGCHLD - 1].sa_flags & SA_NOCLDSTOP)
		return;
	memset(&info, 0, sizeof(info));
	info.signo = SIGCHLD;
	info.code = why;
	info.pid = p->tgid;
	info.status = sig;
	__group_send_sig_info(SIGCHLD, &info, parent);
}

/* Side effects of stop and continue signals, at send time.  Returns true
 * when the parent must hear of a continue (after the siglock is dropped). */
static bool prepare_signal(int sig, struct task_struct *p)
{
	struct signal_struct *s = p->signal;
	struct task_struct *t;

	if (sigmask(sig) & STOP_MASK) {
		s->shared_pending &= ~sigmask(SIGCONT);
		list_for_each_entry(t, &s->thread_head, thread_node)
			t->pending &= ~sigmask(SIGCONT);
	} else if (sig == SIGCONT) {
		s->shared_pending &= ~STOP_MASK;
		list_for_each_entry(t, &s->thread_head, thread_node)
			t->pending &= ~STOP_MASK;
		if (s->flags & SIGNAL_STOPPED) {
			s->flags &= ~(SIGNAL_STOPPED | SIGNAL_STOP_REPORT);
			s->flags |= SIGNAL_CONT_REPORT;
			list_for_each_entry(t, &s->thread_head, thread_node)
				signal_wake_up(t);
			return true;
		}
	}
	return false;
}

/* ---- the queue of real-time signals ---- */

struct sigqueue {
	struct list_head node;
	struct ksiginfo info;
};

static int sigpending_limit(struct signal_struct *s)
{
	u64 cur = s->rlim[RLIMIT_SIGPENDING].rlim_cur;

	return cur > 65536 ? 65536 : (int)cur;
}

/* Another instance of RT signal sig while one is pending: queue it behind.
 * siglock held (interrupt context possible: GFP_ATOMIC).  -EAGAIN when the
 * process already has its limit queued or memory is short. */
static int sigqueue_add(struct list_head *q, int sig, const struct ksiginfo *info,
			struct signal_struct *s)
{
	struct sigqueue *e;

	if (__atomic_load_n(&s->nr_queued, __ATOMIC_RELAXED) >= sigpending_limit(s))
		return -EAGAIN;
	e = kmalloc(sizeof(*e), GFP_ATOMIC);
	if (!e)
		return -EAGAIN;
	e->info = *info;
	e->info.signo = sig;
	list_add_tail(&e->node, q);
	__atomic_add_fetch(&s->nr_queued, 1, __ATOMIC_RELAXED);
	return 0;
}

bool sigqueue_take(struct list_head *q, int sig, struct ksiginfo *slot, struct signal_struct *s)
{
	struct sigqueue *e;

	list_for_each_entry(e, q, node) {
		if (e->info.signo == sig) {
			*slot = e->info;
			list_del(&e->node);
			kfree(e);
			__atomic_sub_fetch(&s->nr_queued, 1, __ATOMIC_RELAXED);
			return true;
		}
	}
	return false;
}

void sigqueue_flush(struct list_head *q, u64 mask, struct signal_struct *s)
{
	struct sigqueue *e, *n;

	list_for_each_entry_safe(e, n, q, node) {
		if (mask & sigmask(e->info.signo)) {
			list_del(&e->node);
			kfree(e);
			__atomic_sub_fetch(&s->nr_queued, 1, __ATOMIC_RELAXED);
		}
	}
}

/* Clears the signals in mask from the process's and every thread's
 * pending sets, queued instances too; tasklist_lock and siglock held. */
void flush_pending_signals(struct signal_struct *s, u64 mask)
{
	struct task_struct *t;

	s->shared_pending &= ~mask;
	sigqueue_flush(&s->shared_queue, mask, s);
	list_for_each_entry(t, &s->thread_head, thread_node) {
		t->pending &= ~mask;
		sigqueue_flush(&task_uthread(t)->sigqueue, mask, s);
	}
}

/* tasklist_lock and p's siglock held.  *cont: tell the parent of a continue. */
static int send_signal_locked(int sig, const struct ksiginfo *info, struct task_struct *p,
			      bool group, bool *cont)
{
	struct signal_struct *s = p->signal;
	struct task_struct *t = NULL;
	u64 *pending;
	struct ksiginfo *slot;

	if (s->exit_state || (s->flags & SIGNAL_GROUP_EXIT))
		return 0;
	/* Like Linux, init never gets a signal it has no handler for (faults
	 * are forced and do not come here). */
	if (p->tgid == INIT_PID && p->sighand->action[sig - 1].sa_handler == SIG_DFL)
		return 0;
	*cont = prepare_signal(sig, p);
	if (sig_handler_ignored(p, sig) && !(p->blocked & sigmask(sig)) && sig != SIGKILL)
		return 0;
	pending = group ? &s->shared_pending : &p->pending;
	slot = group ? &s->shared_info[sig - 1] : &task_uthread(p)->info[sig - 1];
	if (!(*pending & sigmask(sig))) {
		*slot = *info;
		slot->signo = sig;
	} else if (sig >= SIGRTMIN) {
		/* real-time signals queue; standard ones stay pending once */
		int err = sigqueue_add(group ? &s->shared_queue : &task_uthread(p)->sigqueue, sig,
				       info, s);
		/* over the limit: sigqueue() learns it (EAGAIN); kill()'s
		 * instance merges with the pending one, as on Linux */
		if (err && info->code != SI_USER)
			return err;
	}
	*pending |= sigmask(sig);

	/* Who will take it? */
	if (wants_signal(sig, p)) {
		t = p;
	} else if (group) {
		struct task_struct *q;
		list_for_each_entry(q, &s->thread_head, thread_node)
			if (wants_signal(sig, q)) {
				t = q;
				break;
			}
	}
	if (!t)
		return 0;
	if (sig_fatal(p, sig) && !s->group_exec_task)
		start_group_exit(s,
				 sig | (sig_default_action(sig) == SIG_DEF_CORE ? WCOREFLAG : 0));
	else
		signal_wake_up(t);
	return 0;
}

/* tasklist_lock held. */
static int send_locked_both(int sig, const struct ksiginfo *info, struct task_struct *p, bool group)
{
	bool cont = false;
	int r;

	spin_lock(&p->sighand->siglock);
	r = send_signal_locked(sig, info, p, group, &cont);
	spin_unlock(&p->sighand->siglock);
	if (cont)
		notify_parent_cldstop(p->signal->leader, CLD_CONTINUED, SIGCONT);
	return r;
}

static void kernel_info(struct ksiginfo *info, int sig)
{
	memset(info, 0, sizeof(*info));
	info->signo = sig;
	info->code = SI_KERNEL;
}

int send_sig_info(int sig, const struct ksiginfo *info, struct task_struct *t)
{
	unsigned long flags;
	int r = -ESRCH;

	if (!valid_signal(sig))
		return -EINVAL;
	flags = spin_lock_irqsave(&tasklist_lock);
	if (t->signal && !task_uthread(t)->released)
		r = send_locked_both(sig, info, t, false);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return r;
}

int send_sig(int sig, struct task_struct *t)
{
	struct ksiginfo info;

	kernel_info(&info, sig);
	return send_sig_info(sig, &info, t);
}

int __group_send_sig_info(int sig, const struct ksiginfo *info, struct task_struct *p)
{
	if (!sig)
		return 0;
	return send_locked_both(sig, info, p, true);
}
#define group_send_locked __group_send_sig_info

int group_send_sig_info(int sig, const struct ksiginfo *info, struct task_struct *p)
{
	unsigned long flags;
	int r;

	if (!valid_signal(sig))
		return -EINVAL;
	flags = spin_lock_irqsave(&tasklist_lock);
	r = (p->signal && !task_uthread(p)->released) ? group_send_locked(sig, info, p) : -ESRCH;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return r;
}

struct kill_arg {
	int sig, pgrp, found, err;
	const struct ksiginfo *info;
	struct task_struct *skip;
};

static int kill_one(struct task_struct *p, void *arg)
{
	struct kill_arg *k = arg;

	if (k->pgrp > 0 && p->signal->pgrp != k->pgrp)
		return 0;
	if (k->pgrp < 0 && (p->tgid == INIT_PID || p->signal == k->skip->signal))
		return 0;
	k->found++;
	k->err = group_send_locked(k->sig, k->info, p);
	return 0;
}

/* pgrp > 0: that group; pgrp < 0: every process but init and ours. */
static int kill_many(int pgrp, int sig, const struct ksiginfo *info)
{
	struct kill_arg k = { sig, pgrp, 0, 0, info, current };
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);

	for_each_process(kill_one, &k);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return k.found ? 0 : -ESRCH;
}

int kill_pgrp(int pgrp, int sig)
{
	struct ksiginfo info;

	if (!valid_signal(sig) || pgrp <= 0)
		return -EINVAL;
	kernel_info(&info, sig);
	return kill_many(pgrp, sig, &info);
}

static int kill_proc_info(int pid, int sig, const struct ksiginfo *info)
{
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);
	struct task_struct *p = find_process_by_pid(pid);
	int r = p ? group_send_locked(sig, info, p) : -ESRCH;

	spin_unlock_irqrestore(&tasklist_lock, flags);
	return r;
}

int kill_pid(int pid, int sig)
{
	struct ksiginfo info;

	if (!valid_signal(sig))
		return -EINVAL;
	kernel_info(&info, sig);
	return kill_proc_info(pid, sig, &info);
}

void force_sig_fault(int sig, int code, unsigned long addr)
{
	struct task_struct *t = current;
	struct sighand_struct *sh = t->sighand;
	struct ksiginfo *slot = &task_uthread(t)->info[sig - 1];
	unsigned long flags;

	flags = spin_lock_irqsave(&sh->siglock);
	if (sh->action[sig - 1].sa_handler == SIG_IGN || (t->blocked & sigmask(sig))) {
		sh->action[sig - 1].sa_handler = SIG_DFL;
		t->blocked &= ~sigmask(sig);
	}
	memset(slot, 0, sizeof(*slot));
	slot->signo = sig;
	slot->code = code;
	slot->addr = addr;
	t->pending |= sigmask(sig);
	spin_unlock_irqrestore(&sh->siglock, flags);
}

void force_sig(int sig) { force_sig_fault(sig, SI_KERNEL, 0); }

static void user_info(struct ksiginfo *info, int sig, int code)
{
	memset(info, 0, sizeof(*info));
	info->signo = sig;
	info->code = code;
	info->pid = current->tgid;
}

SYSCALL_DEFINE(__NR_kill, kill)
{
	int pid = (int)a0, sig = (int)a1;
	struct ksiginfo info;

	if (sig < 0 || sig > _NSIG)
		return -EINVAL;
	user_info(&info, sig, SI_USER);
	if (pid > 0)
		return kill_proc_info(pid, sig, &info);
	if (pid == 0)
		return kill_many(task_pgrp(current), sig, &info);
	if (pid == -1)
		return kill_many(-1, sig, &info);
	return kill_many(-pid, sig, &info);
}

static long do_tkill(int tgid, int tid, int sig)
{
	struct ksiginfo info;
	struct task_struct *t;
	unsigned long flags;
	long r = -ESRCH;

	if (tid <= 0 || sig < 0 || sig > _NSIG)
		return -EINVAL;
	user_info(&info, sig, SI_TKILL);
	flags = spin_lock_irqsave(&tasklist_lock);
	t = find_task_by_pid(tid);
	if (t && (tgid <= 0 || t->tgid == tgid) && !(t->flags & PF_EXITING))
		r = sig ? send_locked_both(sig, &info, t, false) : 0;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return r;
}

SYSCALL_DEFINE(__NR_tgkill, tgkill)
{
	if ((int)a0 <= 0)
		return -EINVAL;
	return do_tkill((int)a0, (int)a1, (int)a2);
}

SYSCALL_DEFINE(__NR_tkill, tkill) { return do_tkill(0, (int)a0, (int)a1); }

SYSCALL_DEFINE(__NR_rt_sigqueueinfo, rt_sigqueueinfo)
{
	s32 ubuf[32];
	struct ksiginfo info;
	int sig = (int)a1;

	if (!valid_signal(sig))
		return -EINVAL;
	if (copy_from_user(ubuf, (void *)a2, sizeof(ubuf)))
		return -EFAULT;
	if (ubuf[2] >= 0 && (int)a0 != current->tgid)
		return -EPERM; /* only negative codes may be forged */
	user_info(&info, sig, ubuf[2]);
	memcpy(&info.addr, &ubuf[6], 8);
	return kill_proc_info((int)a0, sig, &info);
}
