/*
 * t_signals.c - signal delivery: handlers with SA_SIGINFO, masks and
 * pending signals, kill/tgkill, a SIGSEGV handler that recovers with
 * siglongjmp (file tests rely on this), SA_RESTART, sigsuspend, and the
 * register/FPU state surviving a handler.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "t.h"

static volatile sig_atomic_t got, got_code;
static volatile void *fault_addr;
static sigjmp_buf jb;

static void on_usr1(int sig) { got = sig; }

static void on_info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got = sig;
	got_code = si->si_code;
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got = sig;
	got_code = si->si_code;
	fault_addr = si->si_addr;
	siglongjmp(jb, 1);
}

static void test_basic(void)
{
	struct sigaction sa = { 0 };

	sa.sa_handler = on_usr1;
	T_SYS(sigaction(SIGUSR1, &sa, NULL));
	got = 0;
	T_SYS(kill(getpid(), SIGUSR1));
	CHECK(got == SIGUSR1, "handler ran: %d", (int)got);
	got = 0;
	T_SYS(raise(SIGUSR1));
	CHECK(got == SIGUSR1, "raise (tgkill)");

	sa.sa_sigaction = on_info;
	sa.sa_flags = SA_SIGINFO;
	T_SYS(sigaction(SIGUSR2, &sa, NULL));
	got = 0;
	T_SYS(kill(getpid(), SIGUSR2));
	CHECK(got == SIGUSR2 && got_code == SI_USER, "SA_SIGINFO si_code %d", (int)got_code);

	struct sigaction old;
	T_SYS(sigaction(SIGUSR2, NULL, &old));
	CHECK(old.sa_sigaction == on_info && (old.sa_flags & SA_SIGINFO), "sigaction reads back");
	T_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
	T_ERR(sigaction(64 + 1, &sa, NULL), EINVAL);
	T_ERR(kill(getpid(), 1000), EINVAL);
	T_ERR(kill(999999, SIGUSR1), ESRCH);
}

static void test_mask(void)
{
	sigset_t set, old, pend;

	got = 0;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	T_SYS(sigprocmask(SIG_BLOCK, &set, &old));
	kill(getpid(), SIGUSR1);
	CHECK(got == 0, "blocked signal not delivered");
	T_SYS(sigpending(&pend));
	CHECK(sigismember(&pend, SIGUSR1), "pending while blocked");
	T_SYS(sigprocmask(SIG_SETMASK, &old, NULL));
	CHECK(got == SIGUSR1, "delivered on unblock");
	/* SIGKILL cannot be blocked: the mask silently drops it */
	sigfillset(&set);
	T_SYS(sigprocmask(SIG_SETMASK, &set, &old));
	T_SYS(sigprocmask(SIG_SETMASK, NULL, &set));
	CHECK(!sigismember(&set, SIGKILL) && !sigismember(&set, SIGSTOP), "KILL/STOP unblockable");
	T_SYS(sigprocmask(SIG_SETMASK, &old, NULL));
	T_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, (void *)0x10, NULL, 8), EFAULT);
}

static void test_segv_handler(void)
{
	struct sigaction sa = { 0 };
	volatile char *p;

	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	T_SYS(sigaction(SIGSEGV, &sa, NULL));
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	got = 0;
	if (sigsetjmp(jb, 1) == 0) {
		p[10] = 1;
		CHECK(0, "write to a read-only page did not fault");
	}
	CHECK(got == SIGSEGV && fault_addr == p + 10, "SIGSEGV handler with si_addr %p vs %p",
	      (void *)fault_addr, (void *)(p + 10));
	/* and again: the handler must be re-armed after siglongjmp */
	got = 0;
	if (sigsetjmp(jb, 1) == 0)
		p[20] = 1;
	CHECK(got == SIGSEGV, "second SIGSEGV");
	munmap((void *)p, 4096);
	signal(SIGSEGV, SIG_DFL);
}

/* CPU exceptions other than page faults: the signal, si_code and si_addr
 * (the faulting instruction) as Linux gives them. */
static void test_cpu_exceptions(void)
{
	struct sigaction sa = { 0 };
	volatile int zero = 0, r = 1;

	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	T_SYS(sigaction(SIGFPE, &sa, NULL));
	T_SYS(sigaction(SIGILL, &sa, NULL));
	T_SYS(sigaction(SIGTRAP, &sa, NULL));
	T_SYS(sigaction(SIGSEGV, &sa, NULL));
	got = 0;
	if (sigsetjmp(jb, 1) == 0)
		r = r / zero;
	CHECK(got == SIGFPE && got_code == FPE_INTDIV && fault_addr != NULL,
	      "divide by zero: sig %d code %d addr %p", got, got_code, (void *)fault_addr);
	got = 0;
	if (sigsetjmp(jb, 1) == 0)
		__asm__ volatile("ud2");
	CHECK(got == SIGILL && got_code == ILL_ILLOPN && fault_addr != NULL,
	      "ud2: sig %d code %d addr %p", got, got_code, (void *)fault_addr);
	got = 0;
	if (sigsetjmp(jb, 1) == 0)
		__asm__ volatile("int3");
	CHECK(got == SIGTRAP && got_code == SI_KERNEL, "int3: sig %d code %d", got, got_code);
	got = 0;
	if (sigsetjmp(jb, 1) == 0)
		__asm__ volatile("hlt"); /* privileged: #GP */
	CHECK(got == SIGSEGV && got_code == SI_KERNEL && fault_addr == NULL,
	      "hlt: sig %d code %d addr %p", got, got_code, (void *)fault_addr);
	signal(SIGFPE, SIG_DFL);
	signal(SIGILL, SIG_DFL);
	signal(SIGTRAP, SIG_DFL);
	signal(SIGSEGV, SIG_DFL);
}

static volatile double fpu_val;
static void on_fpu(int sig)
{
	(void)sig;
	volatile double x = 1.0;
	for (int i = 0; i < 10; i++)
		x *= 3.0; /* clobber FPU/SSE registers */
	fpu_val = x;
}

static void test_fpu_preserved(void)
{
	volatile double a = 1.5, b = 2.25, r;

	signal(SIGALRM, on_fpu);
	r = a * b;
	raise(SIGALRM);
	r = r + a * b;
	CHECK(r == 2 * 1.5 * 2.25, "FPU state survives a handler: %f", r);
	CHECK(fpu_val == 59049.0, "handler computed %f", fpu_val);
}

static void test_children_and_suspend(void)
{
	int status;
	sigset_t block, empty;
	pid_t pid;

	signal(SIGUSR1, on_usr1);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	pid = fork();
	if (pid == 0) {
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	got = 0;
	sigemptyset(&empty);
	sigsuspend(&empty); /* returns after the handler ran */
	CHECK(got == SIGUSR1, "sigsuspend woke on SIGUSR1");
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	waitpid(pid, &status, 0);

	/* default action of SIGUSR1 terminates */
	pid = fork();
	if (pid == 0) {
		signal(SIGUSR1, SIG_DFL);
		raise(SIGUSR1);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR1, "default action: %#x", status);
	/* ignored signal does nothing */
	pid = fork();
	if (pid == 0) {
		signal(SIGUSR1, SIG_IGN);
		raise(SIGUSR1);
		_exit(5);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 5, "SIG_IGN: %#x", status);
	/* a blocking read interrupted by a signal: EINTR without SA_RESTART */
	int p[2];
	pipe(p);
	struct sigaction sa = { 0 };
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR2, &sa, NULL);
	pid = fork();
	if (pid == 0) {
		usleep(100 * 1000);
		kill(getppid(), SIGUSR2);
		usleep(100 * 1000);
		_exit(0);
	}
	char c;
	errno = 0;
	CHECK(read(p[0], &c, 1) == -1 && errno == EINTR, "read interrupted: errno %d", errno);
	waitpid(pid, &status, 0);
	close(p[0]);
	close(p[1]);
}

/* Real-time signals queue, one instance per send, in order, each with its
 * own value; standard signals coalesce.  sigqueue gets EAGAIN past
 * RLIMIT_SIGPENDING. */
static volatile int rt_handled;
static void on_rt(int sig) { rt_handled++; }

static void test_rt_queue(void)
{
	sigset_t set, old;
	siginfo_t si;
	struct timespec zero = { 0, 0 };
	int vals[3] = { 0 }, n = 0, usr1 = 0, rt1 = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigaddset(&set, SIGRTMIN + 1);
	sigaddset(&set, SIGUSR1);
	T_SYS(sigprocmask(SIG_BLOCK, &set, &old));
	for (int i = 1; i <= 3; i++)
		T_SYS(sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = i }));
	T_SYS(sigqueue(getpid(), SIGRTMIN + 1, (union sigval){ .sival_int = 9 }));
	T_SYS(kill(getpid(), SIGUSR1));
	T_SYS(kill(getpid(), SIGUSR1));
	for (;;) {
		int sig = sigtimedwait(&set, &si, &zero);
		if (sig < 0)
			break;
		if (sig == SIGRTMIN && n < 3)
			vals[n++] = si.si_value.sival_int;
		else if (sig == SIGRTMIN + 1)
			rt1 += si.si_value.sival_int == 9;
		else if (sig == SIGUSR1)
			usr1++;
	}
	CHECK(n == 3 && vals[0] == 1 && vals[1] == 2 && vals[2] == 3,
	      "SIGRTMIN queued 3 times: got %d, values %d %d %d", n, vals[0], vals[1], vals[2]);
	CHECK(rt1 == 1, "SIGRTMIN+1 once: %d", rt1);
	CHECK(usr1 == 1, "SIGUSR1 coalesced: %d", usr1);
	/* delivered to a handler: once per instance */
	signal(SIGRTMIN, on_rt);
	rt_handled = 0;
	for (int i = 0; i < 4; i++)
		T_SYS(sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = i }));
	sigset_t only;
	sigemptyset(&only);
	sigaddset(&only, SIGRTMIN);
	T_SYS(sigprocmask(SIG_UNBLOCK, &only, NULL));
	CHECK(rt_handled == 4, "handler ran %d times for 4 sigqueues", rt_handled);
	T_SYS(sigprocmask(SIG_BLOCK, &only, NULL));
	/* the limit */
	struct rlimit rl, lim;
	T_SYS(getrlimit(RLIMIT_SIGPENDING, &rl));
	lim = (struct rlimit){ 5, rl.rlim_max }; /* keep the hard limit: restorable */
	T_SYS(setrlimit(RLIMIT_SIGPENDING, &lim));
	int ok = 0, again = 0;
	for (int i = 0; i < 12; i++) {
		if (sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = i }) == 0)
			ok++;
		else if (errno == EAGAIN)
			again++;
	}
	CHECK(ok >= 4 && ok <= 6 && again == 12 - ok, "limit 5: %d queued, %d EAGAIN", ok, again);
	T_SYS(setrlimit(RLIMIT_SIGPENDING, &rl));
	while (sigtimedwait(&only, &si, &zero) > 0)
		;
	signal(SIGRTMIN, SIG_DFL);
	T_SYS(sigprocmask(SIG_SETMASK, &old, NULL));
}

int main(void)
{
	t_start("t_signals");
	test_basic();
	test_mask();
	test_segv_handler();
	test_cpu_exceptions();
	test_fpu_preserved();
	test_children_and_suspend();
	test_rt_queue();
	return t_done();
}
