/*
 * test_mutex_rwsem.c - host unit tests of the kernel's mutex and rwsem
 * (kernel/locking/mutex.c, rwsem.c, unmodified) under real threads on the
 * shim (tests/unit/shim/README), ASan and UBSan.
 *
 * Asserted: mutual exclusion with no lost updates; FIFO handoff (waiters
 * get the mutex in arrival order, and the releaser cannot take it back
 * with a trylock); rwsem readers overlap, writers exclude everyone, a
 * writer is not starved by a stream of readers and readers arriving after
 * it queue behind it; down_read_trylock fails while a writer waits.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <kernel/atomic.h>
#include <kernel/mutex.h>
#include <kernel/rwsem.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <shim.h>

#define MS 1000000ULL

static struct mutex mtx;
static struct rw_semaphore sem;
static atomic_t inside, readers_inside, violations;
static long counter;

static int setup(void **state)
{
	(void)state;
	mutex_init(&mtx);
	init_rwsem(&sem);
	atomic_set(&inside, 0);
	atomic_set(&readers_inside, 0);
	atomic_set(&violations, 0);
	counter = 0;
	return 0;
}

static pthread_t spawn(void *(*fn)(void *), void *arg)
{
	pthread_t th;

	assert_int_equal(pthread_create(&th, NULL, fn, arg), 0);
	return th;
}

static void critical(void)
{
	long c;

	if (atomic_inc_return(&inside) != 1)
		atomic_inc(&violations);
	c = READ_ONCE(counter);
	for (volatile int i = 0; i < 50; i++)
		;
	WRITE_ONCE(counter, c + 1);
	atomic_dec(&inside);
}

/* ---- mutex ---- */

#define ITERS 3000
static void *mutex_worker(void *p)
{
	unsigned int seed = (unsigned int)(uintptr_t)p;

	for (int i = 0; i < ITERS; i++) {
		if ((rand_r(&seed) & 7) != 0 || !mutex_trylock(&mtx))
			mutex_lock(&mtx);
		critical();
		if ((rand_r(&seed) & 31) == 0)
			sched_yield();
		mutex_unlock(&mtx);
	}
	return NULL;
}

static void test_mutex_exclusion(void **state)
{
	pthread_t th[8];

	(void)state;
	for (int i = 0; i < 8; i++)
		th[i] = spawn(mutex_worker, (void *)(uintptr_t)(i + 1));
	for (int i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(atomic_read(&violations), 0);
	assert_int_equal(counter, 8 * ITERS);
	assert_false(mutex_is_locked(&mtx));
}

struct mwaiter {
	struct task_struct *task;
	int order;
	volatile bool done;
};
static atomic_t order;

static void *mutex_waiter(void *p)
{
	struct mwaiter *w = p;

	WRITE_ONCE(w->task, current);
	mutex_lock(&mtx);
	w->order = atomic_inc_return(&order);
	WRITE_ONCE(w->done, true);
	usleep(1000);
	mutex_unlock(&mtx);
	return NULL;
}

static bool queued_on(void *p)
{
	struct mwaiter *w = p;
	struct task_struct *t = READ_ONCE(w->task);

	return t && (shim_blocked_on(t, &mtx) || shim_blocked_on(t, &sem));
}

static void test_mutex_fifo_handoff(void **state)
{
	struct mwaiter w[4];
	pthread_t th[4];

	(void)state;
	memset(w, 0, sizeof(w));
	atomic_set(&order, 0);
	mutex_lock(&mtx);
	for (int i = 0; i < 4; i++) {
		th[i] = spawn(mutex_waiter, &w[i]);
		assert_true(shim_wait_for(queued_on, &w[i], 5000));
	}
	mutex_unlock(&mtx);
	/* handed to the first waiter: the releaser cannot barge back in */
	assert_false(mutex_trylock(&mtx));
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < 4; i++)
		assert_int_equal(w[i].order, i + 1);
	/* each woken exactly once: targeted hand-over, no herd */
	for (int i = 0; i < 4; i++)
		assert_int_equal(shim_wakeups(w[i].task), 1);
}

/* ---- rwsem ---- */

static void *rwsem_worker(void *p)
{
	unsigned int seed = (unsigned int)(uintptr_t)p;

	for (int i = 0; i < ITERS; i++) {
		if ((rand_r(&seed) & 3) == 0) {
			down_write(&sem);
			if (atomic_read(&readers_inside) != 0)
				atomic_inc(&violations);
			critical();
			up_write(&sem);
		} else {
			bool got = (rand_r(&seed) & 7) == 0 ? down_read_trylock(&sem) :
							      (down_read(&sem), true);
			if (!got)
				continue;
			atomic_inc(&readers_inside);
			if (atomic_read(&inside) != 0)
				atomic_inc(&violations);
			for (volatile int k = 0; k < 50; k++)
				;
			atomic_dec(&readers_inside);
			up_read(&sem);
		}
	}
	return NULL;
}

static void test_rwsem_exclusion(void **state)
{
	pthread_t th[8];

	(void)state;
	for (int i = 0; i < 8; i++)
		th[i] = spawn(rwsem_worker, (void *)(uintptr_t)(i + 7));
	for (int i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(atomic_read(&violations), 0);
	assert_int_equal(sem.readers, 0);
	assert_null(sem.writer);
}

#define NREADERS 4
static void *share_reader(void *p)
{
	atomic_t *max = p;
	u64 deadline = ktime_get_ns() + 5000 * MS;

	down_read(&sem);
	atomic_inc(&readers_inside);
	while (atomic_read(&readers_inside) < NREADERS && ktime_get_ns() < deadline)
		usleep(200);
	if (atomic_read(&readers_inside) > atomic_read(max))
		atomic_set(max, atomic_read(&readers_inside));
	usleep(1000);
	atomic_dec(&readers_inside);
	up_read(&sem);
	return NULL;
}

static void test_rwsem_readers_share(void **state)
{
	pthread_t th[NREADERS];
	atomic_t max = ATOMIC_INIT(0);

	(void)state;
	for (int i = 0; i < NREADERS; i++)
		th[i] = spawn(share_reader, &max);
	for (int i = 0; i < NREADERS; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(atomic_read(&max), NREADERS);
}

static volatile bool stop;
static atomic_t reads;

static void *stream_reader(void *p)
{
	(void)p;
	while (!READ_ONCE(stop)) {
		down_read(&sem);
		atomic_inc(&readers_inside);
		atomic_inc(&reads);
		usleep(300);
		atomic_dec(&readers_inside);
		up_read(&sem);
	}
	return NULL;
}

static bool reads_flowing(void *p)
{
	(void)p;
	return atomic_read(&reads) > 20;
}

struct wwaiter {
	struct task_struct *task;
	volatile bool done;
	u64 waited_ns;
	int reads_at_grant;
};

static void *writer(void *p)
{
	struct wwaiter *w = p;
	u64 t0;

	WRITE_ONCE(w->task, current);
	t0 = ktime_get_ns();
	down_write(&sem);
	w->waited_ns = ktime_get_ns() - t0;
	w->reads_at_grant = atomic_read(&reads);
	if (atomic_read(&readers_inside) != 0)
		atomic_inc(&violations);
	usleep(1000);
	up_write(&sem);
	WRITE_ONCE(w->done, true);
	return NULL;
}

static bool writer_queued(void *p)
{
	struct wwaiter *w = p;
	struct task_struct *t = READ_ONCE(w->task);

	return (t && shim_blocked_on(t, &sem)) || READ_ONCE(w->done);
}

static void test_rwsem_writer_not_starved(void **state)
{
	pthread_t th[6], wt;
	struct wwaiter w;
	int reads_at_queue;
	bool try_failed, was_done;

	(void)state;
	memset(&w, 0, sizeof(w));
	stop = false;
	atomic_set(&reads, 0);
	for (int i = 0; i < 6; i++)
		th[i] = spawn(stream_reader, NULL);
	assert_true(shim_wait_for(reads_flowing, NULL, 5000));
	wt = spawn(writer, &w);
	assert_true(shim_wait_for(writer_queued, &w, 5000));
	reads_at_queue = atomic_read(&reads);
	was_done = READ_ONCE(w.done);
	try_failed = !down_read_trylock(&sem); /* a writer waits (or holds) */
	if (!try_failed)
		up_read(&sem);
	pthread_join(wt, NULL);
	WRITE_ONCE(stop, true);
	for (int i = 0; i < 6; i++)
		pthread_join(th[i], NULL);
	print_message(
		"writer waited %llu us behind 6 streaming readers; %d reads after it queued\n",
		(unsigned long long)(w.waited_ns / 1000), w.reads_at_grant - reads_at_queue);
	assert_true(w.done);
	assert_true(try_failed || was_done);
	assert_true(w.reads_at_grant - reads_at_queue <= 6);
	assert_true(w.waited_ns < 250 * MS);
	assert_int_equal(atomic_read(&violations), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_mutex_exclusion, setup),
		cmocka_unit_test_setup(test_mutex_fifo_handoff, setup),
		cmocka_unit_test_setup(test_rwsem_exclusion, setup),
		cmocka_unit_test_setup(test_rwsem_readers_share, setup),
		cmocka_unit_test_setup(test_rwsem_writer_not_starved, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
