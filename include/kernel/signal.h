/*
 * signal.h - POSIX signals on the Linux x86_64 ABI (kernel/signal.c: sending;
 * signal_deliver.c: delivery and default actions; signal_syscalls.c: masks
 * and handlers; signal_frame.c: the handler's stack frame, rt_sigreturn).
 *
 * State:
 *   task->pending    signals sent to that thread (tkill, faults), a bit per
 *                    signal (bit sig-1), with one ksiginfo each in its
 *                    struct uthread; a standard signal is pending once at
 *                    most (coalesced), a real-time one (SIGRTMIN..) is
 *                    queued: each later instance waits, in order, as a
 *                    struct sigqueue on the set's list (uthread->sigqueue,
 *                    signal->shared_queue), at most RLIMIT_SIGPENDING per
 *                    process (then sigqueue(3) gets EAGAIN);
 *   signal->shared_pending  signals sent to the whole process (kill);
 *   task->blocked    the thread's mask;
 *   sighand->action  the handlers, shared by CLONE_SIGHAND (all threads).
 * A signal is delivered on the way back to user mode (exit_to_user_mode in
 * <kernel/proc.h>): a handler gets a Linux rt_sigframe (ucontext, siginfo,
 * FXSAVE area) on its stack; default actions terminate (with the core bit
 * for SIGSEGV and friends), ignore, stop or continue the process.
 *
 * Sleeping: a task that sleeps in TASK_INTERRUPTIBLE is woken by a signal
 * sent to it; it checks signal_pending(current) after setting its state and
 * returns -ERESTARTSYS (restarted when the handler has SA_RESTART, -EINTR to
 * the user otherwise) or -EINTR.
 *
 * Locking: sighand->siglock (IRQ-safe: the tty sends signals from its
 * interrupt handler) guards actions, pending sets, masks and the group-stop
 * state; it nests inside tasklist_lock (<kernel/proc.h>).  Everything here
 * may be called from interrupt context except the functions that say they
 * sleep.
 */
#ifndef KERNEL_SIGNAL_H
#define KERNEL_SIGNAL_H

#include <kernel/atomic.h>
#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>

struct task_struct;
struct pt_regs;

#define _NSIG 64
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPWR 30
#define SIGSYS 31
#define SIGRTMIN 32

#define sigmask(sig) (1ULL << ((sig)-1))
#define valid_signal(sig) ((sig) >= 1 && (sig) <= _NSIG)

#define SIG_DFL 0UL
#define SIG_IGN 1UL

/* sa_flags */
#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO 0x00000004
#define SA_RESTORER 0x04000000
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000UL

/* rt_sigprocmask how */
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

/* sigaltstack */
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1U << 31)
#define MINSIGSTKSZ 2048

/* si_code values */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_QUEUE (-1)
#define SI_TIMER (-2)
#define SI_TKILL (-6)
#define ILL_ILLOPN 2
#define FPE_INTDIV 1
#define FPE_FLTINV 7
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRALN 1
#define BUS_ADRERR 2
#define TRAP_BRKPT 1
#define TRAP_TRACE 2
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

/* The signal numbers that can be neither caught, blocked nor ignored. */
#define SIG_KERNEL_ONLY_MASK (sigmask(SIGKILL) | sigmask(SIGSTOP))

/* struct sigaction as rt_sigaction(2) passes it on x86_64. */
struct k_sigaction {
	unsigned long sa_handler;
	unsigned long sa_flags;
	unsigned long sa_restorer;
	u64 sa_mask;
};

struct sighand_struct {
	atomic_t count; /* tasks sharing it (CLONE_SIGHAND) */
	spinlock_t siglock;
	struct k_sigaction action[_NSIG];
};

/* What the kernel keeps about one pending signal (becomes a siginfo_t). */
struct ksiginfo {
	int signo;
	int code; /* SI_USER, SI_TKILL, SI_KERNEL, SEGV_MAPERR, CLD_EXITED... */
	int errno_;
	int pid; /* sender (kill) or child (SIGCHLD) */
	u32 uid;
	int status; /* SIGCHLD: exit code or signal */
	u64 addr; /* faults: si_addr; sigqueue: si_value */
	u64 utime, stime; /* SIGCHLD: clock ticks */
};

/* stack_t */
struct kstack {
	u64 ss_sp;
	int ss_flags;
	int pad;
	u64 ss_size;
};

/* ---- sending (interrupt-safe) ---- */

/* To one thread (si_code SI_KERNEL); 0, or -ESRCH when it is gone. */
int send_sig(int sig, struct task_struct *t);
int send_sig_info(int sig, const struct ksiginfo *info, struct task_struct *t);
/* To the process (thread group) of t; the __ form with tasklist_lock held. */
int group_send_sig_info(int sig, const struct ksiginfo *info, struct task_struct *t);
int __group_send_sig_info(int sig, const struct ksiginfo *info, struct task_struct *t);
/* To every process of a process group; -ESRCH if there is none. */
int kill_pgrp(int pgrp, int sig);
/* To process pid, as kill(2) would from the kernel (SI_KERNEL). */
int kill_pid(int pid, int sig);
/* A fault in the current thread: the signal cannot be blocked or ignored
 * (it kills when it is), si_addr = addr.  For user_exception_hook and mm. */
void force_sig_fault(int sig, int code, unsigned long addr);
void force_sig(int sig);

/* ---- checking ---- */

/* A signal that t would act on is pending (or the process is exiting):
 * interruptible sleeps end and return -EINTR / -ERESTARTSYS. */
bool signal_pending(struct task_struct *t);
/* SIGKILL pending or the process is exiting. */
bool fatal_signal_pending(struct task_struct *t);

/* ppoll/pselect6: install a temporary mask from user space (NULL: keep);
 * after the wait, restore_saved_sigmask_unless(interrupted) puts the old
 * mask back now, or (interrupted) after the handler runs. */
int set_user_sigmask(const void *umask, size_t sigsetsize);
void restore_saved_sigmask_unless(bool interrupted);

/* Frees the queued instances of the signals in mask on list q (siglock
 * held, or nobody can send to the set any more); s counts them. */
struct signal_struct;
void sigqueue_flush(struct list_head *q, u64 mask, struct signal_struct *s);

/* ---- process life cycle (kernel/fork.c, exec.c, exit.c) ---- */

struct sighand_struct *sighand_alloc(void);
struct sighand_struct *sighand_copy(struct sighand_struct *old);
void sighand_put(struct sighand_struct *sh);
/* execve: handlers back to SIG_DFL (ignored stay ignored), altstack off. */
void flush_signal_handlers(struct task_struct *t);

/* Delivers pending signals or restarts the interrupted system call; called
 * by exit_to_user_mode() with interrupts enabled. */
void do_signal(struct pt_regs *regs);
/* Installs the handler frame (kernel/signal_frame.c); false: bad stack. */
bool setup_rt_frame(int sig, const struct k_sigaction *ka, const struct ksiginfo *info, u64 oldmask,
		    struct pt_regs *regs);
/* Default action of sig: what the kernel does without a handler. */
enum sig_default { SIG_DEF_TERM, SIG_DEF_CORE, SIG_DEF_IGN, SIG_DEF_STOP, SIG_DEF_CONT };
enum sig_default sig_default_action(int sig);
const char *signal_name(int sig);
/* Fills a 128-byte user siginfo_t. */
void ksiginfo_to_user(const struct ksiginfo *info, void *buf);

#endif
