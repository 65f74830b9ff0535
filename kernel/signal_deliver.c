/*
 * signal_deliver.c - delivering signals on the way back to user mode, and
 * turning user-mode exceptions into signals.
 *
 * do_signal() (called by exit_to_user_mode with interrupts enabled) takes
 * the most urgent pending signal: thread-directed synchronous ones
 * (SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGSYS) first, then the
 * lowest number, thread-directed before process-directed.  A handler gets
 * a frame (signal_frame.c); otherwise the default action runs: ignore,
 * stop the whole process (until SIGCONT or SIGKILL, the parent is told),
 * or end it (group exit; a fault also prints "pid N (comm): SIGSEGV at
 * ADDR ip IP").  A system call that returned -ERESTARTSYS & co. is
 * restarted (rip back over the syscall instruction, rax = the number) or
 * made to return -EINTR, depending on the code and SA_RESTART; the frame
 * is marked so this happens once.
 *
 * user_fault() is user_exception_hook: the exception vector becomes a
 * forced signal with its si_code and si_addr (page faults take mm's
 * record via mm_fault_info()).
 *
 * Locking: tasklist_lock then the siglock around dequeueing and the
 * group-stop state; neither is held while the handler frame is written.
 */
#include <kernel/errno.h>
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <mm/mm.h>
#include <x86/asm.h>
#include "signal_internal.h"

/* ---- delivery ---- */

/* Takes the most urgent pending signal in `allowed`; siglock held. */
int dequeue_signal(struct task_struct *t, u64 allowed, struct ksiginfo *info)
{
	struct signal_struct *s = t->signal;
	u64 mine = t->pending & allowed, shared = s->shared_pending & allowed;
	int sig;

	if (mine & SYNCHRONOUS_MASK)
		mine &= SYNCHRONOUS_MASK;
	if (mine) {
		struct uthread *u = task_uthread(t);

		sig = __builtin_ctzll(mine) + 1;
		*info = u->info[sig - 1];
		/* a queued real-time instance becomes the pending one */
		if (sig < SIGRTMIN || !sigqueue_take(&u->sigqueue, sig, &u->info[sig - 1], s))
			t->pending &= ~sigmask(sig);
	} else if (shared) {
		sig = __builtin_ctzll(shared) + 1;
		*info = s->shared_info[sig - 1];
		if (sig < SIGRTMIN ||
		    !sigqueue_take(&s->shared_queue, sig, &s->shared_info[sig - 1], s))
			s->shared_pending &= ~sigmask(sig);
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
	printk(KERN_INFO "pid %d (%s): %s at %#llx ip %#llx\n", t->tgid, t->comm, signal_name(sig),
	       (unsigned long long)info->addr, (unsigned long long)regs->rip);
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
		if (s->group_exec_task && s->group_exec_task != t &&
		    (t->pending & sigmask(SIGKILL))) {
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
			spin_unlock(&sh->siglock);
			notify_parent_cldstop(s->leader, CLD_STOPPED, sig);
			spin_unlock_irqrestore(&tasklist_lock, flags);
			continue;
		default:
			spin_unlock(&sh->siglock);
			spin_unlock_irqrestore(&tasklist_lock, flags);
			fault_message(t, sig, &info, regs);
			do_group_exit(sig |
				      (sig_default_action(sig) == SIG_DEF_CORE ? WCOREFLAG : 0));
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
	return 14; /* FPE_FLTUNK */
}

/* The signal each CPU exception from user mode raises; at_rip: si_addr is
 * the faulting instruction.  Vectors not listed (#GP, #SS, #NP, #TS, #OF,
 * #BR, #NM...) raise SIGSEGV with SI_KERNEL and no address, as on Linux.
 * #PF (14) comes from mm, #XM (19) has its code computed from MXCSR. */
static const struct {
	u8 sig;
	short code;
	bool at_rip;
} user_fault_sig[32] = {
	[0] = { SIGFPE, FPE_INTDIV, true },  [1] = { SIGTRAP, TRAP_TRACE, true },
	[3] = { SIGTRAP, SI_KERNEL, false }, [6] = { SIGILL, ILL_ILLOPN, true },
	[16] = { SIGFPE, FPE_FLTINV, true }, [17] = { SIGBUS, BUS_ADRALN, true },
	[19] = { SIGFPE, 0, true },
};

static void user_fault(struct pt_regs *regs, int vec)
{
	struct uthread *u = task_uthread(current);
	int sig = SIGSEGV, code = SI_KERNEL;
	unsigned long addr = 0;

	if (!u || vec == 2 || vec == 8 || vec == 18)
		return; /* NMI, double fault, machine check: not the program's doing */
	if (vec == 14) {
		struct mm_fault_info fi;
		if (mm_fault_info(&fi)) {
			sig = fi.signo;
			code = fi.code;
			addr = fi.addr;
		} else { /* mm records every user fault it refuses: not reached */
			code = (regs->error_code & 1) ? SEGV_ACCERR : SEGV_MAPERR;
		}
	} else if (vec < 32 && user_fault_sig[vec].sig) {
		sig = user_fault_sig[vec].sig;
		code = vec == 19 ? simd_code() : user_fault_sig[vec].code;
		addr = user_fault_sig[vec].at_rip ? regs->rip : 0;
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
