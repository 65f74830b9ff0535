/*
 * signal.c - sending, queueing and delivering signals, default actions,
 * and the signal system calls (kill, tgkill, rt_sigaction, rt_sigprocmask,
 * rt_sigsuspend, rt_sigtimedwait...).  The user-stack frame of a handler
 * is built in kernel/signal_frame.c.
 *
 * Sending (send_signal_locked): SIGCONT continues a stopped process and
 * drops pending stop signals, a stop signal drops a pending SIGCONT; an
 * ignored signal that is not blocked is dropped; otherwise the bit is set in
 * the thread's or the process's pending set, with its ksiginfo, and a thread
 * that does not block it is woken (an interruptible sleep ends; a thread
 * running on another CPU gets an IPI so it passes exit_to_user_mode soon).
 * A signal whose default action kills, sent to a process that does not
 * handle or block it, starts the group exit at once (as SIGKILL does).
 *
 * Delivery (do_signal, on the way to user mode): dequeue the most urgent
 * signal (thread-directed faults first, then the lowest number); run the
 * handler, or the default action.  A system call interrupted by the
 * signal is restarted or fails with -EINTR according to its -ERESTART*
 * code and SA_RESTART.
 *
 * Locking: senders hold tasklist_lock, then sighand->siglock (both IRQ-safe,
 * always in that order), so the thread list and the stop state are stable.
 * A thread changes its own mask under siglock.
 */
#include <kernel/errno.h>
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include <x86/asm.h>

#define SYNCHRONOUS_MASK                                                                     \
	(sigmask(SIGSEGV) | sigmask(SIGBUS) | sigmask(SIGILL) | sigmask(SIGTRAP) |            \
	 sigmask(SIGFPE) | sigmask(SIGSYS))
#define STOP_MASK (sigmask(SIGSTOP) | sigmask(SIGTSTP) | sigmask(SIGTTIN) | sigmask(SIGTTOU))

static const char *const sig_names[32] = {
	"0",	   "SIGHUP",  "SIGINT",	  "SIGQUIT", "SIGILL",	  "SIGTRAP", "SIGABRT",
	"SIGBUS",  "SIGFPE",  "SIGKILL",  "SIGUSR1", "SIGSEGV",	  "SIGUSR2", "SIGPIPE",
	"SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",  "SIGSTOP", "SIGTSTP",
	"SIGTTIN", "SIGTTOU", "SIGURG",	  "SIGXCPU", "SIGXFSZ",	  "SIGVTALRM", "SIGPROF",
	"SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS",
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

static bool sig_handler_ignored(struct task_struct *t, int sig)
{
	unsigned long h = t->sighand->action[sig - 1].sa_handler;

	return h == SIG_IGN ||
	       (h == SIG_DFL && (sig_default_action(sig) == SIG_DEF_IGN ||
				 sig_default_action(sig) == SIG_DEF_CONT));
}

static bool sig_fatal(struct task_struct *t, int sig)
{
	enum sig_default d = sig_default_action(sig);

	return t->sighand->action[sig - 1].sa_handler == SIG_DFL &&
	       (d == SIG_DEF_TERM || d == SIG_DEF_CORE);
}

/* ---- sending ---- */

static void signal_wake_up(struct task_struct *t)
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

/* Sends SIGCHLD for a stop or continue of p to its parent; both locks held. */
static void notify_parent_cldstop(struct task_struct *p, int why, int sig)
{
	struct task_struct *parent = p->group_leader->parent, *q;
	bool same = parent && parent->sighand == p->sighand;
	struct ksiginfo *slot;
	struct k_sigaction *ka;

	if (!parent)
		return;
	wake_up_all(&parent->signal->wait_chldexit);
	ka = &parent->sighand->action[SIGCHLD - 1];
	if (ka->sa_handler == SIG_IGN || (ka->sa_flags & SA_NOCLDSTOP))
		return;
	if (!same)
		spin_lock(&parent->sighand->siglock);
	slot = &parent->signal->shared_info[SIGCHLD - 1];
	memset(slot, 0, sizeof(*slot));
	slot->signo = SIGCHLD;
	slot->code = why;
	slot->pid = p->tgid;
	slot->status = sig;
	parent->signal->shared_pending |= sigmask(SIGCHLD);
	list_for_each_entry(q, &parent->signal->thread_head, thread_node)
		if (wants_signal(SIGCHLD, q)) {
			signal_wake_up(q);
			break;
		}
	if (!same)
		spin_unlock(&parent->sighand->siglock);
}

/* Side effects of stop and continue signals, at send time. */
static void prepare_signal(int sig, struct task_struct *p)
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
			notify_parent_cldstop(s->leader, CLD_CONTINUED, SIGCONT);
		}
	}
}

/* tasklist_lock and p's siglock held. */
static int send_signal_locked(int sig, const struct ksiginfo *info, struct task_struct *p,
			      bool group)
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
	prepare_signal(sig, p);
	if (sig_handler_ignored(p, sig) && !(p->blocked & sigmask(sig)) && sig != SIGKILL)
		return 0;
	pending = group ? &s->shared_pending : &p->pending;
	slot = group ? &s->shared_info[sig - 1] : &task_uthread(p)->info[sig - 1];
	if (!(*pending & sigmask(sig))) {
		*slot = *info;
		slot->signo = sig;
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
		start_group_exit(s, sig | (sig_default_action(sig) == SIG_DEF_CORE ? WCOREFLAG : 0));
	else
		signal_wake_up(t);
	return 0;
}

static int send_locked_both(int sig, const struct ksiginfo *info, struct task_struct *p, bool group)
{
	int r;

	spin_lock(&p->sighand->siglock);
	r = send_signal_locked(sig, info, p, group);
	spin_unlock(&p->sighand->siglock);
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

/* ---- delivery ---- */

/* Takes the most urgent pending signal in `allowed`; siglock held. */
static int dequeue_signal(struct task_struct *t, u64 allowed, struct ksiginfo *info)
{
	struct signal_struct *s = t->signal;
	u64 mine = t->pending & allowed, shared = s->shared_pending & allowed;
	int sig;

	if (mine & SYNCHRONOUS_MASK)
		mine &= SYNCHRONOUS_MASK;
	if (mine) {
		sig = __builtin_ctzll(mine) + 1;
		t->pending &= ~sigmask(sig);
		*info = task_uthread(t)->info[sig - 1];
	} else if (shared) {
		sig = __builtin_ctzll(shared) + 1;
		s->shared_pending &= ~sigmask(sig);
		*info = s->shared_info[sig - 1];
	} else {
		return 0;
	}
	info->signo = sig;
	return sig;
}

static void restore_sigmask_now(struct task_struct *t)
{
	struct uthread *u = task_uthread(t);
	unsigned long flags;

	if (!u->restore_sigmask)
		return;
	flags = spin_lock_irqsave(&t->sighand->siglock);
	t->blocked = u->saved_sigmask & ~SIG_KERNEL_ONLY_MASK;
	u->restore_sigmask = false;
	spin_unlock_irqrestore(&t->sighand->siglock, flags);
}

static void fault_message(struct task_struct *t, int sig, const struct ksiginfo *info,
			  struct pt_regs *regs)
{
	if (!(sigmask(sig) & SYNCHRONOUS_MASK) || info->code <= 0)
		return;
	printk(KERN_INFO "pid %d (%s): %s at %#llx ip %#llx\n", t->tgid, t->comm,
	       signal_name(sig), (unsigned long long)info->addr,
	       (unsigned long long)regs->rip);
}

static void handle_signal(int sig, const struct k_sigaction *ka, const struct ksiginfo *info,
			  struct pt_regs *regs)
{
	struct task_struct *t = current;
	struct uthread *u = task_uthread(t);
	u64 oldmask;
	unsigned long flags;

	if (in_syscall(regs)) {
		switch ((long)regs->rax) {
		case -ERESTART_RESTARTBLOCK:
		case -ERESTARTNOHAND:
			regs->rax = (u64)-EINTR;
			break;
		case -ERESTARTSYS:
			if (!(ka->sa_flags & SA_RESTART)) {
				regs->rax = (u64)-EINTR;
				break;
			}
			/* fall through */
		case -ERESTARTNOINTR:
			regs->rax = regs->error_code;
			regs->rip -= 2;
			break;
		}
		regs->vector = NO_SYSCALL_VECTOR;
	}
	oldmask = u->restore_sigmask ? u->saved_sigmask : t->blocked;
	if (!setup_rt_frame(sig, ka, info, oldmask, regs)) {
		printk(KERN_INFO "pid %d (%s): cannot build the frame for %s (stack %#llx)\n",
		       t->tgid, t->comm, signal_name(sig), (unsigned long long)regs->rsp);
		do_group_exit(SIGSEGV | WCOREFLAG);
	}
	flags = spin_lock_irqsave(&t->sighand->siglock);
	u->restore_sigmask = false;
	t->blocked |= ka->sa_mask;
	if (!(ka->sa_flags & SA_NODEFER))
		t->blocked |= sigmask(sig);
	t->blocked &= ~SIG_KERNEL_ONLY_MASK;
	spin_unlock_irqrestore(&t->sighand->siglock, flags);
}

/* No handler ran: a system call with a restart code is restarted. */
static void restart_syscall(struct pt_regs *regs)
{
	if (!in_syscall(regs))
		return;
	switch ((long)regs->rax) {
	case -ERESTARTNOHAND:
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
		regs->rax = regs->error_code;
		regs->rip -= 2;
		break;
	case -ERESTART_RESTARTBLOCK:
		regs->rax = (u64)-EINTR;
		break;
	}
	regs->vector = NO_SYSCALL_VECTOR;
}

void do_signal(struct pt_regs *regs)
{
	struct task_struct *t = current;
	struct signal_struct *s = t->signal;
	struct sighand_struct *sh = t->sighand;
	struct k_sigaction ka;
	struct ksiginfo info;
	unsigned long flags;
	int sig;

	for (;;) {
		flags = spin_lock_irqsave(&tasklist_lock);
		spin_lock(&sh->siglock);
		if (s->flags & SIGNAL_GROUP_EXIT) {
			spin_unlock(&sh->siglock);
			spin_unlock_irqrestore(&tasklist_lock, flags);
			do_exit(s->group_exit_code);
		}
		if (s->group_exec_task && s->group_exec_task != t && (t->pending & sigmask(SIGKILL))) {
			spin_unlock(&sh->siglock);
			spin_unlock_irqrestore(&tasklist_lock, flags);
			do_exit(SIGKILL);
		}
		if ((s->flags & SIGNAL_STOPPED) && !(t->pending & sigmask(SIGKILL))) {
			set_current_state(TASK_INTERRUPTIBLE);
			spin_unlock(&sh->siglock);
			spin_unlock_irqrestore(&tasklist_lock, flags);
			schedule();
			continue;
		}
		sig = dequeue_signal(t, ~t->blocked, &info);
		if (!sig) {
			spin_unlock(&sh->siglock);
			spin_unlock_irqrestore(&tasklist_lock, flags);
			break;
		}
		ka = sh->action[sig - 1];
		if (sig == SIGKILL)
			ka.sa_handler = SIG_DFL;
		if (ka.sa_handler == SIG_IGN) {
			spin_unlock(&sh->siglock);
			spin_unlock_irqrestore(&tasklist_lock, flags);
			continue;
		}
		if (ka.sa_handler != SIG_DFL) {
			if (ka.sa_flags & SA_RESETHAND)
				sh->action[sig - 1].sa_handler = SIG_DFL;
			spin_unlock(&sh->siglock);
			spin_unlock_irqrestore(&tasklist_lock, flags);
			handle_signal(sig, &ka, &info, regs);
			return;
		}
		switch (sig_default_action(sig)) {
		case SIG_DEF_IGN:
		case SIG_DEF_CONT:
			spin_unlock(&sh->siglock);
			spin_unlock_irqrestore(&tasklist_lock, flags);
			continue;
		case SIG_DEF_STOP:
			s->flags |= SIGNAL_STOPPED | SIGNAL_STOP_REPORT;
			s->flags &= ~SIGNAL_CONT_REPORT;
			s->stop_sig = sig;
			{
				struct task_struct *o;
				list_for_each_entry(o, &s->thread_head, thread_node)
					if (o != t)
						signal_wake_up(o);
			}
			notify_parent_cldstop(s->leader, CLD_STOPPED, sig);
			spin_unlock(&sh->siglock);
			spin_unlock_irqrestore(&tasklist_lock, flags);
			continue;
		default:
			spin_unlock(&sh->siglock);
			spin_unlock_irqrestore(&tasklist_lock, flags);
			fault_message(t, sig, &info, regs);
			do_group_exit(sig | (sig_default_action(sig) == SIG_DEF_CORE ? WCOREFLAG : 0));
		}
	}
	restart_syscall(regs);
	restore_sigmask_now(t);
}

/* ---- user exceptions ---- */

static int simd_code(void)
{
	u32 mxcsr;

	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	mxcsr &= ~(mxcsr >> 7) & 0x3f; /* raised and unmasked */
	if (mxcsr & 0x01)
		return FPE_FLTINV;
	if (mxcsr & 0x04)
		return 3; /* FPE_FLTDIV */
	if (mxcsr & 0x08)
		return 4; /* FPE_FLTOVF */
	if (mxcsr & 0x10)
		return 5; /* FPE_FLTUND */
	if (mxcsr & 0x20)
		return 6; /* FPE_FLTRES */
	return 14;	  /* FPE_FLTUNK */
}

static void user_fault(struct pt_regs *regs, int vec)
{
	struct uthread *u = task_uthread(current);
	int sig = SIGSEGV, code = SI_KERNEL;
	unsigned long addr = 0;

	if (!u || vec == 2 || vec == 8 || vec == 18)
		return; /* NMI, double fault, machine check: not the program's doing */
	switch (vec) {
	case 0:
		sig = SIGFPE;
		code = FPE_INTDIV;
		addr = regs->rip;
		break;
	case 1:
		sig = SIGTRAP;
		code = TRAP_TRACE;
		addr = regs->rip;
		break;
	case 3:
		sig = SIGTRAP;
		break;
	case 6:
		sig = SIGILL;
		code = ILL_ILLOPN;
		addr = regs->rip;
		break;
	case 14: {
		struct mm_fault_info fi;
		if (mm_fault_info(&fi)) {
			sig = fi.signo;
			code = fi.code;
			addr = fi.addr;
		} else {
			addr = read_cr2();
			code = (regs->error_code & 1) ? SEGV_ACCERR : SEGV_MAPERR;
		}
		break;
	}
	case 16:
		sig = SIGFPE;
		code = FPE_FLTINV;
		addr = regs->rip;
		break;
	case 17:
		sig = SIGBUS;
		code = BUS_ADRALN;
		addr = regs->rip;
		break;
	case 19:
		sig = SIGFPE;
		code = simd_code();
		addr = regs->rip;
		break;
	default: /* #GP, #SS, #NP, #TS, #OF, #BR, #NM... */
		break;
	}
	u->fault_trapno = (u64)vec;
	u->fault_error = regs->error_code;
	u->fault_cr2 = vec == 14 ? addr : 0;
	force_sig_fault(sig, code, addr);
}

static int signal_init(void)
{
	user_exception_hook = user_fault;
	return 0;
}
core_initcall(signal_init);

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
		if (sig_handler_ignored(current, sig)) {
			struct task_struct *t;
			current->signal->shared_pending &= ~sigmask(sig);
			list_for_each_entry(t, &current->signal->thread_head, thread_node)
				t->pending &= ~sigmask(sig);
		}
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
