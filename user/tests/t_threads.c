/*
 * t_threads.c - pthreads on clone + futex: many threads contend on a mutex
 * and a condition variable (every increment must survive), thread exit
 * and join (CLONE_CHILD_CLEARTID wakes the joiner), thread-local storage
 * (CLONE_SETTLS / FS base), a raw futex wait with timeout, and tgkill to
 * one thread.
 */
#define _GNU_SOURCE
/* from the Linux ABI (musl ships no linux/ headers) */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
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
