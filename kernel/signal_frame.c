/*
 * signal_frame.c - the x86_64 signal frame on the user stack: built when a
 * handler is called (setup_rt_frame), consumed by rt_sigreturn; and
 * sigaltstack.
 *
 * The frame is Linux's struct rt_sigframe, so musl and glibc handlers (and
 * their siglongjmp, getcontext users...) find what they expect:
 *
 *     rsp ->  pretcode      sa_restorer: the handler returns into it, and
 *                           it calls rt_sigreturn
 *             ucontext      uc_flags, uc_link, uc_stack, uc_mcontext (the
 *                           general registers in Linux's sigcontext order,
 *                           err, trapno, oldmask, cr2, fpstate pointer),
 *                           uc_sigmask (the mask to restore)
 *             siginfo       128 bytes
 *             ...           (64-byte aligned) 512-byte FXSAVE image
 *
 * The frame goes below the 128-byte red zone, or at the top of the
 * alternate stack (SA_ONSTACK), aligned so that rsp + 8 is a multiple of
 * 16 as at a function's entry.  rt_sigreturn trusts nothing: rip and rsp
 * must be user addresses, only the user-changeable flags are taken, cs/ss
 * are forced, MXCSR reserved bits are cleared; a frame it cannot read
 * gets the process a SIGSEGV.
 */
#include <kernel/errno.h>
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <mm/mm.h>

#define FIX_EFLAGS 0x50dd5UL /* AC OF DF TF SF ZF AF PF CF RF */
#define CLEAR_ON_HANDLER 0x10500UL /* RF TF DF */
#define UC_SIGCONTEXT_SS 0x2
#define FXSAVE_SIZE 512

struct sigcontext64 {
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip;
	u64 eflags;
	u16 cs, gs, fs, ss;
	u64 err, trapno, oldmask, cr2;
	u64 fpstate;
	u64 reserved1[8];
};

struct ucontext64 {
	u64 uc_flags;
	u64 uc_link;
	struct kstack uc_stack;
	struct sigcontext64 uc_mcontext;
	u64 uc_sigmask;
};

struct rt_sigframe {
	u64 pretcode;
	struct ucontext64 uc;
	u8 info[128];
};

_Static_assert(sizeof(struct sigcontext64) == 256, "sigcontext layout");
_Static_assert(sizeof(struct ucontext64) == 304, "ucontext layout");
_Static_assert(sizeof(struct rt_sigframe) == 440, "rt_sigframe layout");

static u32 mxcsr_mask = 0xffbf;

static bool altstack_enabled(const struct uthread *u)
{
	return !(u->altstack.ss_flags & SS_DISABLE);
}

static bool on_sig_stack(const struct uthread *u, u64 sp)
{
	return altstack_enabled(u) && sp > u->altstack.ss_sp &&
	       sp - u->altstack.ss_sp <= u->altstack.ss_size;
}

static int sas_ss_flags(const struct uthread *u, u64 sp)
{
	if (!altstack_enabled(u))
		return SS_DISABLE;
	return on_sig_stack(u, sp) ? SS_ONSTACK : 0;
}

static void fpu_load_init(void)
{
	u8 fx[FXSAVE_SIZE] __aligned(16);

	fpu_init_state(fx);
	__asm__ volatile("fxrstor64 (%0)" ::"r"(fx) : "memory");
}

bool setup_rt_frame(int sig, const struct k_sigaction *ka, const struct ksiginfo *info, u64 oldmask,
		    struct pt_regs *regs)
{
	struct uthread *u = task_uthread(current);
	struct rt_sigframe kf;
	struct sigcontext64 *sc = &kf.uc.uc_mcontext;
	u8 fx[FXSAVE_SIZE] __aligned(16);
	u64 sp = regs->rsp - 128, fpstate, frame;
	bool switched = false;

	if (!(ka->sa_flags & SA_RESTORER))
		return false; /* x86_64 handlers return through sa_restorer */
	if (ka->sa_handler >= TASK_SIZE)
		return false; /* iretq to a non-canonical rip would fault in the kernel */
	if ((ka->sa_flags & SA_ONSTACK) && sas_ss_flags(u, regs->rsp) == 0) {
		sp = u->altstack.ss_sp + u->altstack.ss_size;
		switched = true;
	}
	fpstate = (sp - FXSAVE_SIZE) & ~63UL;
	frame = ((fpstate - sizeof(kf)) & ~15UL) - 8;

	memset(&kf, 0, sizeof(kf));
	kf.pretcode = ka->sa_restorer;
	kf.uc.uc_flags = UC_SIGCONTEXT_SS;
	kf.uc.uc_stack.ss_sp = u->altstack.ss_sp;
	kf.uc.uc_stack.ss_size = u->altstack.ss_size;
	kf.uc.uc_stack.ss_flags =
		sas_ss_flags(u, regs->rsp) | (u->altstack.ss_flags & (int)SS_AUTODISARM);
	sc->r8 = regs->r8;
	sc->r9 = regs->r9;
	sc->r10 = regs->r10;
	sc->r11 = regs->r11;
	sc->r12 = regs->r12;
	sc->r13 = regs->r13;
	sc->r14 = regs->r14;
	sc->r15 = regs->r15;
	sc->rdi = regs->rdi;
	sc->rsi = regs->rsi;
	sc->rbp = regs->rbp;
	sc->rbx = regs->rbx;
	sc->rdx = regs->rdx;
	sc->rax = regs->rax;
	sc->rcx = regs->rcx;
	sc->rsp = regs->rsp;
	sc->rip = regs->rip;
	sc->eflags = regs->rflags;
	sc->cs = USER_CS;
	sc->ss = USER_DS;
	if (info->code > 0 && info->code != SI_KERNEL && sig != SIGCHLD) {
		sc->err = u->fault_error;
		sc->trapno = u->fault_trapno;
		sc->cr2 = u->fault_cr2;
	}
	sc->oldmask = oldmask;
	sc->fpstate = fpstate;
	kf.uc.uc_sigmask = oldmask;
	ksiginfo_to_user(info, kf.info);

	__asm__ volatile("fxsave64 (%0)" ::"r"(fx) : "memory");
	memset(fx + 464, 0, FXSAVE_SIZE - 464); /* software-available area */
	if (copy_to_user((void *)fpstate, fx, sizeof(fx)) ||
	    copy_to_user((void *)frame, &kf, sizeof(kf)))
		return false;
	if (switched && (u->altstack.ss_flags & SS_AUTODISARM)) {
		u->altstack.ss_sp = 0;
		u->altstack.ss_size = 0;
		u->altstack.ss_flags = SS_DISABLE;
	}

	regs->rdi = (u64)sig;
	regs->rsi = frame + offsetof(struct rt_sigframe, info);
	regs->rdx = frame + offsetof(struct rt_sigframe, uc);
	regs->rax = 0;
	regs->rip = ka->sa_handler;
	regs->rsp = frame;
	regs->cs = USER_CS;
	regs->ss = USER_DS;
	regs->rflags &= ~CLEAR_ON_HANDLER;
	fpu_load_init(); /* the handler starts with a clean FPU */
	return true;
}

static bool user_addr(u64 a) { return a < USER_SPACE_END; }

SYSCALL_DEFINE(__NR_rt_sigreturn, rt_sigreturn)
{
	struct task_struct *t = current;
	struct uthread *u = task_uthread(t);
	u64 frame = regs->rsp - 8;
	struct ucontext64 uc;
	struct sigcontext64 *sc = &uc.uc_mcontext;
	u8 fx[FXSAVE_SIZE] __aligned(16);
	unsigned long flags;

	if (copy_from_user(&uc, (void *)(frame + offsetof(struct rt_sigframe, uc)), sizeof(uc)) ||
	    !user_addr(sc->rip) || !user_addr(sc->rsp))
		goto bad;
	if (sc->fpstate) {
		if (copy_from_user(fx, (void *)sc->fpstate, sizeof(fx)))
			goto bad;
		*(u32 *)(fx + 24) &= mxcsr_mask;
	} else {
		fpu_init_state(fx);
	}

	flags = spin_lock_irqsave(&t->sighand->siglock);
	t->blocked = uc.uc_sigmask & ~SIG_KERNEL_ONLY_MASK;
	spin_unlock_irqrestore(&t->sighand->siglock, flags);
	regs->r8 = sc->r8;
	regs->r9 = sc->r9;
	regs->r10 = sc->r10;
	regs->r11 = sc->r11;
	regs->r12 = sc->r12;
	regs->r13 = sc->r13;
	regs->r14 = sc->r14;
	regs->r15 = sc->r15;
	regs->rdi = sc->rdi;
	regs->rsi = sc->rsi;
	regs->rbp = sc->rbp;
	regs->rbx = sc->rbx;
	regs->rdx = sc->rdx;
	regs->rax = sc->rax;
	regs->rcx = sc->rcx;
	regs->rsp = sc->rsp;
	regs->rip = sc->rip;
	regs->rflags = (regs->rflags & ~FIX_EFLAGS) | (sc->eflags & FIX_EFLAGS);
	regs->cs = USER_CS;
	regs->ss = USER_DS;
	regs->vector = NO_SYSCALL_VECTOR; /* rax is a result, not a restart code */
	__asm__ volatile("fxrstor64 (%0)" ::"r"(fx) : "memory");
	if ((uc.uc_stack.ss_flags & (int)SS_AUTODISARM) && !on_sig_stack(u, regs->rsp)) {
		u->altstack.ss_sp = uc.uc_stack.ss_sp;
		u->altstack.ss_size = uc.uc_stack.ss_size;
		u->altstack.ss_flags = uc.uc_stack.ss_flags & ~SS_ONSTACK;
	}
	return (long)regs->rax;

bad:
	printk(KERN_INFO "pid %d (%s): bad signal frame at %#llx\n", t->tgid, t->comm,
	       (unsigned long long)frame);
	force_sig(SIGSEGV);
	return (long)regs->rax;
}

SYSCALL_DEFINE(__NR_sigaltstack, sigaltstack)
{
	struct uthread *u = task_uthread(current);
	struct kstack ss, old;
	u64 sp = regs->rsp;

	old = u->altstack;
	old.ss_flags = sas_ss_flags(u, sp) | (u->altstack.ss_flags & (int)SS_AUTODISARM);
	if (old.ss_flags & SS_DISABLE) {
		old.ss_sp = 0;
		old.ss_size = 0;
	}
	old.pad = 0;
	if (a0) {
		int mode;
		if (copy_from_user(&ss, (void *)a0, sizeof(ss)))
			return -EFAULT;
		if (on_sig_stack(u, sp))
			return -EPERM;
		mode = ss.ss_flags & ~(int)SS_AUTODISARM;
		if (mode != 0 && mode != SS_DISABLE && mode != SS_ONSTACK)
			return -EINVAL;
		if (mode == SS_DISABLE) {
			u->altstack.ss_sp = 0;
			u->altstack.ss_size = 0;
			u->altstack.ss_flags = SS_DISABLE;
		} else {
			if (ss.ss_size < MINSIGSTKSZ)
				return -ENOMEM;
			u->altstack.ss_sp = ss.ss_sp;
			u->altstack.ss_size = ss.ss_size;
			u->altstack.ss_flags = ss.ss_flags & (int)SS_AUTODISARM;
		}
	}
	if (a1 && copy_to_user((void *)a1, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

static int sigframe_init(void)
{
	u8 fx[FXSAVE_SIZE] __aligned(16);
	u32 mask;

	memset(fx, 0, sizeof(fx));
	__asm__ volatile("fxsave64 (%0)" ::"r"(fx) : "memory");
	mask = *(u32 *)(fx + 28);
	mxcsr_mask = mask ? mask : 0xffbf;
	return 0;
}
core_initcall(sigframe_init);
