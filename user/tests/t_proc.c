/*
 * t_proc.c - processes: fork and copy-on-write, exec, wait4 statuses,
 * vfork, process ids and groups, misc system calls (uname, clocks,
 * getrandom, prlimit, sysinfo), and -ENOSYS for an unknown number.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "t.h"

static int global_var = 1;

static void test_fork_cow(void)
{
	static char big[3 * 4096];
	int status;
	pid_t pid;

	memset(big, 'p', sizeof(big));
	pid = fork();
	if (pid == 0) {
		global_var = 2;
		memset(big, 'c', sizeof(big));
		_exit(global_var == 2 && big[5000] == 'c' ? 42 : 1);
	}
	CHECK(pid > 0, "fork");
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42, "child status %#x", status);
	CHECK(global_var == 1, "the child's write showed in the parent");
	CHECK(big[0] == 'p' && big[5000] == 'p' && big[3 * 4096 - 1] == 'p',
	      "the child's memset showed in the parent");
	/* parent writes after fork do not show in the child */
	int p[2];
	pipe(p);
	pid = fork();
	if (pid == 0) {
		char c;
		read(p[0], &c, 1); /* wait until the parent wrote */
		_exit(global_var == 1 ? 0 : 1);
	}
	global_var = 5;
	write(p[1], "x", 1);
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "parent's write showed in the child");
	global_var = 1;
	close(p[0]);
	close(p[1]);
}

static void test_wait_statuses(void)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		raise(SIGKILL);
		_exit(0);
	}
	CHECK(wait4(pid, &status, 0, NULL) == pid, "wait4");
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "killed status %#x", status);
	pid = fork();
	if (pid == 0) {
		volatile uintptr_t wild = 8;
		*(volatile int *)wild = 1; /* wild write: kills only this process */
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
	      "wild write status %#x", status);
	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	CHECK(waitpid(pid, &status, WNOHANG) == 0, "WNOHANG on a running child");
	kill(pid, SIGTERM);
	CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
	      "SIGTERM status %#x", status);
	T_ERR(waitpid(-1, &status, 0), ECHILD);
	T_ERR(waitpid(getpid(), &status, 0), ECHILD);
	/* several children, reaped in any order */
	for (int i = 0; i < 5; i++)
		if (fork() == 0)
			_exit(10 + i);
	int sum = 0;
	for (int i = 0; i < 5; i++) {
		CHECK(wait(&status) > 0, "wait");
		sum += WEXITSTATUS(status);
	}
	CHECK(sum == 10 + 11 + 12 + 13 + 14, "exit codes sum %d", sum);
}

static void test_exec(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		char *argv[] = { "sh", "-c", "exit 33", NULL };
		execv("/bin/busybox", argv);
		_exit(99);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 33, "exec'd shell status %#x", status);
	pid = fork();
	if (pid == 0) {
		execl("/nonexistent", "x", (char *)NULL);
		_exit(errno == ENOENT ? 3 : 4);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3, "exec of a missing file: ENOENT");
	pid = fork();
	if (pid == 0) {
		execl("/etc/motd", "x", (char *)NULL); /* not executable */
		_exit(errno == EACCES || errno == ENOEXEC ? 3 : 4);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3, "exec of a text file fails");
	T_ERR(syscall(SYS_execve, (char *)0x10, NULL, NULL), EFAULT);
	/* vfork + exec: the parent waits until the child execs */
	pid = vfork();
	if (pid == 0) {
		execl("/bin/busybox", "true", (char *)NULL);
		_exit(98);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "vfork+exec true: %#x", status);
}

static void test_ids_and_misc(void)
{
	struct utsname u;
	struct timespec ts, ts2;
	struct rlimit rl;
	struct sysinfo si;
	unsigned char rnd[32] = { 0 };
	int nonzero = 0;

	CHECK(getpid() > 0 && getppid() >= 0, "pids");
	CHECK(syscall(SYS_gettid) == getpid(), "gettid == getpid in a single thread");
	CHECK(getuid() == 0 && geteuid() == 0 && getgid() == 0, "root");
	T_SYS(uname(&u));
	CHECK(!strcmp(u.sysname, "Linux") || u.sysname[0], "uname sysname %s", u.sysname);
	CHECK(!strcmp(u.machine, "x86_64"), "uname machine %s", u.machine);
	T_ERR(uname((struct utsname *)0x10), EFAULT);
	T_SYS(clock_gettime(CLOCK_MONOTONIC, &ts));
	struct timespec d = { 0, 20 * 1000 * 1000 };
	T_SYS(nanosleep(&d, NULL));
	T_SYS(clock_gettime(CLOCK_MONOTONIC, &ts2));
	long long ns = (ts2.tv_sec - ts.tv_sec) * 1000000000LL + (ts2.tv_nsec - ts.tv_nsec);
	CHECK(ns >= 20 * 1000 * 1000, "nanosleep(20ms) took %lld ns", ns);
	T_SYS(clock_gettime(CLOCK_REALTIME, &ts));
	CHECK(ts.tv_sec > 1600000000, "realtime clock is set: %lld", (long long)ts.tv_sec);
	d.tv_nsec = 2000000000;
	T_ERR(nanosleep(&d, NULL), EINVAL);
	CHECK(syscall(SYS_getrandom, rnd, sizeof(rnd), 0) == sizeof(rnd), "getrandom");
	for (unsigned i = 0; i < sizeof(rnd); i++)
		nonzero += rnd[i] != 0;
	CHECK(nonzero > 20, "getrandom gave %d nonzero bytes of 32", nonzero);
	T_SYS(getrlimit(RLIMIT_NOFILE, &rl));
	CHECK(rl.rlim_cur >= 64, "RLIMIT_NOFILE %llu", (unsigned long long)rl.rlim_cur);
	T_SYS(sysinfo(&si));
	CHECK(si.totalram > 0 && si.freeram > 0 && si.freeram <= si.totalram, "sysinfo");
#ifndef HOST_SANDBOX /* this workplace's host kills unknown system calls */
	T_ERR(syscall(100000), ENOSYS);
	T_ERR(syscall(335), ENOSYS); /* an unassigned number */
#endif
	T_SYS(sched_yield());
	pid_t sid = getsid(0);
	CHECK(sid >= 0, "getsid");
	CHECK(getpgrp() > 0, "getpgrp");
}

static void test_mmap(void)
{
	int status;
	char *a = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(a != MAP_FAILED, "mmap anonymous");
	CHECK(a[0] == 0 && a[8 * 4096 - 1] == 0, "demand-zero pages");
	memset(a, 7, 8 * 4096);
	T_SYS(munmap(a + 2 * 4096, 4096)); /* split in the middle */
	CHECK(a[4096] == 7 && a[3 * 4096] == 7, "the rest survives a partial munmap");
	pid_t pid = fork();
	if (pid == 0) {
		a[2 * 4096] = 1; /* unmapped: SIGSEGV */
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "access to the hole: %#x",
	      status);
	T_SYS(mprotect(a, 4096, PROT_READ));
	pid = fork();
	if (pid == 0) {
		a[0] = 1; /* read-only: SIGSEGV */
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "write to PROT_READ: %#x",
	      status);
	CHECK(a[0] == 7, "read of PROT_READ page");
	T_SYS(madvise(a + 4096, 4096, MADV_DONTNEED));
	CHECK(a[4096] == 0, "MADV_DONTNEED zeroes a private anonymous page");
	T_ERR(munmap(a + 1, 4096), EINVAL);
	T_ERR(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL);
	munmap(a, 8 * 4096);
	/* MAP_SHARED anonymous memory is shared with a child */
	volatile int *sh =
		mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(sh != MAP_FAILED, "mmap shared");
	*sh = 1;
	pid = fork();
	if (pid == 0) {
		*sh = 99;
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(*sh == 99, "MAP_SHARED write from the child is visible: %d", *sh);
	/* brk */
	char *b0 = (char *)syscall(SYS_brk, 0);
	CHECK((char *)syscall(SYS_brk, b0 + 65536) == b0 + 65536, "brk grows");
	memset(b0, 1, 65536);
	CHECK((char *)syscall(SYS_brk, b0) == b0, "brk shrinks");
	/* big malloc */
	char *m = malloc(8 << 20);
	CHECK(m != NULL, "malloc 8 MiB");
	if (m) {
		for (int i = 0; i < (8 << 20); i += 4096)
			m[i] = (char)i;
		free(m);
	}
}

int main(void)
{
	t_start("t_proc");
	test_fork_cow();
	test_wait_statuses();
	test_exec();
	test_ids_and_misc();
	test_mmap();
	return t_done();
}
