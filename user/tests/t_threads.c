/*
 * t_threads.c - pthreads on clone + futex: many threads contend on a mutex
 * and a condition variable (every increment must survive), thread exit
 * and join (CLONE_CHILD_CLEARTID wakes the joiner), thread-local storage
 * (CLONE_SETTLS / FS base), a raw futex wait with timeout, FUTEX_WAKE_OP
 * (each operation, the conditional second wake), and tgkill to one thread.
 */
#define _GNU_SOURCE
/* from the Linux ABI (musl ships no linux/ headers) */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#define FUTEX_WAKE_OP_PRIVATE 133
/* FUTEX_OP(op, oparg, cmp, cmparg) as <linux/futex.h> encodes it */
#define FOP(op, oparg, cmp, cmparg)                                          \
	(int)((((unsigned)(op)&0xf) << 28) | (((unsigned)(cmp)&0xf) << 24) | \
	      (((unsigned)(oparg)&0xfff) << 12) | ((unsigned)(cmparg)&0xfff))
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "t.h"

#define NTHREADS 8
#define ITERS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long counter;
static int turn;
static int wop_word1, wop_word2;
static _Atomic int wop_woken;
static __thread int tls_value;
static _Atomic int tids_distinct;

static void *adder(void *arg)
{
	long id = (long)arg;

	tls_value = (int)id;
	for (int i = 0; i < ITERS; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	if (syscall(SYS_gettid) != getpid())
		tids_distinct++;
	return (void *)(long)(tls_value == (int)id ? 0 : 1);
}

static void *turn_taker(void *arg)
{
	int me = (int)(long)arg;

	for (int r = 0; r < 200; r++) {
		pthread_mutex_lock(&lock);
		while (turn % 4 != me)
			pthread_cond_wait(&cond, &lock);
		turn++;
		pthread_cond_broadcast(&cond);
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static volatile int usr1_thread;
static void on_usr1(int sig)
{
	(void)sig;
	usr1_thread = (int)syscall(SYS_gettid);
}

static void *waiter(void *arg)
{
	volatile int *tid_out = arg;
	*tid_out = (int)syscall(SYS_gettid);
	while (!usr1_thread)
		usleep(1000);
	return NULL;
}

/* Sleeps on word (expecting val) until woken; counts the wake-up. */
static void *wop_sleeper(void *arg)
{
	int *word = arg;

	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	wop_woken++;
	return NULL;
}

/* FUTEX_WAKE_OP: the operation on the second word, the wake of the first,
 * and the conditional wake of the second. */
static void test_wake_op(void)
{
	pthread_t a, b;

	/* no waiters: only the operation */
	wop_word2 = 5;
	CHECK(syscall(SYS_futex, &wop_word1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &wop_word2,
		      FOP(1, 3, 0, 5)) == 0,
	      "WAKE_OP with nobody waiting");
	CHECK(wop_word2 == 8, "ADD 3: %d", wop_word2);
	syscall(SYS_futex, &wop_word1, FUTEX_WAKE_OP_PRIVATE, 0, 0, &wop_word2, FOP(2, 0x30, 0, 0));
	CHECK(wop_word2 == (8 | 0x30), "OR: %#x", wop_word2);
	syscall(SYS_futex, &wop_word1, FUTEX_WAKE_OP_PRIVATE, 0, 0, &wop_word2, FOP(3, 0x8, 0, 0));
	CHECK(wop_word2 == 0x30, "ANDN: %#x", wop_word2);
	syscall(SYS_futex, &wop_word1, FUTEX_WAKE_OP_PRIVATE, 0, 0, &wop_word2, FOP(4, 0x11, 0, 0));
	CHECK(wop_word2 == 0x21, "XOR: %#x", wop_word2);
	syscall(SYS_futex, &wop_word1, FUTEX_WAKE_OP_PRIVATE, 0, 0, &wop_word2,
		FOP(8 | 0, 4, 0, 0));
	CHECK(wop_word2 == 16, "SET with OPARG_SHIFT: %d", wop_word2);
	T_ERR(syscall(SYS_futex, &wop_word1, FUTEX_WAKE_OP_PRIVATE, 0, 0, &wop_word2,
		      FOP(7, 0, 0, 0)),
	      ENOSYS);
	T_ERR(syscall(SYS_futex, &wop_word1, FUTEX_WAKE_OP_PRIVATE, 0, 0, (void *)0x10,
		      FOP(0, 0, 0, 0)),
	      EFAULT);
	/* one sleeper on each word; the comparison decides the second wake */
	wop_word1 = 0;
	wop_word2 = 0;
	wop_woken = 0;
	pthread_create(&a, NULL, wop_sleeper, &wop_word1);
	pthread_create(&b, NULL, wop_sleeper, &wop_word2);
	usleep(100000); /* let both sleep */
	long r = syscall(SYS_futex, &wop_word1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &wop_word2,
			 FOP(0, 1, 1, 0)); /* SET 1; wake 2nd if old != 0: false */
	CHECK(r == 1, "woke the first word's sleeper only: %ld", r);
	usleep(50000);
	CHECK(wop_woken == 1, "%d woken", (int)wop_woken);
	/* the second sleeper stays queued though its word changed; now the
	 * comparison (old value 1) wakes it */
	r = syscall(SYS_futex, &wop_word1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &wop_word2,
		    FOP(0, 2, 0, 1)); /* SET 2; wake 2nd if old == 1: true */
	CHECK(r == 1, "woke the second word's sleeper: %ld", r);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	CHECK(wop_woken == 2 && wop_word2 == 2, "both woken (%d), word %d", (int)wop_woken,
	      wop_word2);
}

int main(void)
{
	pthread_t th[NTHREADS];
	void *ret;
	int bad = 0;

	t_start("t_threads");
	for (long i = 0; i < NTHREADS; i++)
		CHECK(pthread_create(&th[i], NULL, adder, (void *)i) == 0, "pthread_create");
	for (int i = 0; i < NTHREADS; i++) {
		CHECK(pthread_join(th[i], &ret) == 0, "pthread_join");
		bad += ret != NULL;
	}
	CHECK(counter == (long)NTHREADS * ITERS, "counter %ld, want %ld", counter,
	      (long)NTHREADS * ITERS);
	CHECK(bad == 0, "%d threads saw a wrong TLS value", bad);
	CHECK(tids_distinct == NTHREADS, "threads have their own tids: %d", (int)tids_distinct);

	turn = 0;
	for (long i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, turn_taker, (void *)i);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	CHECK(turn == 800, "condition-variable turns %d", turn);

	/* a raw futex: wrong value -> EAGAIN; timeout -> ETIMEDOUT */
	int f = 1;
	struct timespec ts = { 0, 30 * 1000 * 1000 };
	T_ERR(syscall(SYS_futex, &f, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0), EAGAIN);
	T_ERR(syscall(SYS_futex, &f, FUTEX_WAIT_PRIVATE, 1, &ts, NULL, 0), ETIMEDOUT);
	CHECK(syscall(SYS_futex, &f, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0, "wake nobody");
	T_ERR(syscall(SYS_futex, (void *)0x10, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0), EFAULT);

	test_wake_op();

	/* tgkill reaches the chosen thread */
	volatile int wtid = 0;
	signal(SIGUSR1, on_usr1);
	pthread_create(&th[0], NULL, waiter, (void *)&wtid);
	while (!wtid)
		usleep(1000);
	T_SYS(syscall(SYS_tgkill, getpid(), wtid, SIGUSR1));
	pthread_join(th[0], NULL);
	CHECK(usr1_thread == wtid, "tgkill hit thread %d, want %d", usr1_thread, wtid);
	return t_done();
}
