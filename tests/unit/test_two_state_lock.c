/*
 * test_two_state_lock.c - host unit tests of kernel/locking/two_state_lock.c
 * under real threads (the shim: tests/unit/shim/README), ASan and UBSan.
 *
 * What is asserted: holders of one state share (all N inside at once);
 * the states exclude (an invariant checker counts holders of each state);
 * a state-1 waiter is not starved by a stream of state-0 holders and no
 * new state-0 holder gets in after it queued (handoff), while the naive
 * lock (two_state_naive_unfair) lets it starve; trylock never barges past
 * a waiter; a release wakes only the batch it grants; holders are known
 * for the deadlock detector; a random many-thread stress keeps the
 * invariants (also with lockdep on, which must stay quiet).
 * Timing bounds are generous: the host may be loaded.
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
#include <kernel/sched.h>
#include <kernel/time.h>
#include <kernel/two_state_lock.h>
#include <shim.h>

#define MS 1000000ULL

static struct two_state_lock lk;
static atomic_t inside[2];
static atomic_t violations;

static int setup(void **state)
{
	(void)state;
	two_state_naive_unfair = false;
	two_state_lock_init(&lk);
	atomic_set(&inside[0], 0);
	atomic_set(&inside[1], 0);
	atomic_set(&violations, 0);
	return 0;
}

static pthread_t spawn(void *(*fn)(void *), void *arg)
{
	pthread_t th;

	assert_int_equal(pthread_create(&th, NULL, fn, arg), 0);
	return th;
}

/* Enters the critical section of state s and checks the invariant. */
static void enter(int s)
{
	atomic_inc(&inside[s]);
	if (atomic_read(&inside[!s]) != 0)
		atomic_inc(&violations);
}

static void leave(int s) { atomic_dec(&inside[s]); }

/* ---- sharing ---- */

#define NSHARE 4
struct share_arg {
	int state;
	atomic_t max, arrived;
};

static void *share_worker(void *p)
{
	struct share_arg *a = p;
	u64 deadline = ktime_get_ns() + 5000 * MS;
	int n, old;

	two_state_lock(&lk, a->state);
	n = atomic_inc_return(&inside[a->state]);
	while (n > (old = atomic_read(&a->max)) && !atomic_cmpxchg(&a->max, old, n))
		;
	atomic_inc(&a->arrived); /* nobody leaves before all came */
	while (atomic_read(&a->arrived) < NSHARE && ktime_get_ns() < deadline)
		usleep(200);
	atomic_dec(&inside[a->state]);
	two_state_unlock(&lk, a->state);
	return NULL;
}

static void test_shared_within_state(void **state)
{
	(void)state;
	for (int s = 0; s < 2; s++) {
		struct share_arg a = { .state = s };
		pthread_t th[NSHARE];

		atomic_set(&a.max, 0);
		atomic_set(&a.arrived, 0);
		for (int i = 0; i < NSHARE; i++)
			th[i] = spawn(share_worker, &a);
		for (int i = 0; i < NSHARE; i++)
			pthread_join(th[i], NULL);
		/* all NSHARE holders were inside at the same time */
		assert_int_equal(atomic_read(&a.max), NSHARE);
		assert_int_equal(two_state_lock_holders(&lk, NULL, NULL, 0), 0);
	}
}

/* ---- exclusion across states ---- */

struct excl_arg {
	int iters;
	unsigned int seed;
	bool use_trylock;
};

static void *excl_worker(void *p)
{
	struct excl_arg *a = p;
	unsigned int seed = a->seed;

	for (int i = 0; i < a->iters; i++) {
		int s = rand_r(&seed) & 1;

		if (a->use_trylock && (rand_r(&seed) & 3) == 0) {
			if (!two_state_trylock(&lk, s))
				continue;
		} else {
			two_state_lock(&lk, s);
		}
		enter(s);
		for (volatile int k = 0; k < (int)(rand_r(&seed) % 200); k++)
			;
		if ((rand_r(&seed) & 63) == 0)
			sched_yield();
		leave(s);
		two_state_unlock(&lk, s);
	}
	return NULL;
}

static void run_excl(int nthreads, int iters, bool trylock)
{
	pthread_t th[16];
	struct excl_arg a[16];

	for (int i = 0; i < nthreads; i++) {
		a[i] = (struct excl_arg){ iters, 1234u + (unsigned int)i * 77u, trylock };
		th[i] = spawn(excl_worker, &a[i]);
	}
	for (int i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(atomic_read(&violations), 0);
	assert_int_equal(two_state_lock_holders(&lk, NULL, NULL, 0), 0);
	assert_true(list_empty(&lk.waiters));
	/* no holder, no QUEUED bit left behind (bit 0, the last state, may stay) */
	assert_int_equal(lk.word & ~1UL, 0);
}

static void test_exclusion_across_states(void **state)
{
	(void)state;
	run_excl(8, 3000, false);
}

/* ---- fairness: a stream of state-0 holders against a state-1 waiter ---- */

#define NSTREAM 6
static volatile bool stream_stop;
static atomic_t stream_entries;

static void *stream_worker(void *p)
{
	(void)p;
	while (!READ_ONCE(stream_stop)) {
		two_state_lock(&lk, 0);
		enter(0);
		atomic_inc(&stream_entries);
		usleep(300); /* hold while asleep: holders overlap */
		leave(0);
		two_state_unlock(&lk, 0);
	}
	return NULL;
}

struct waiter_arg {
	struct task_struct *task;
	int state;
	volatile bool done;
	u64 waited_ns;
	int entries_at_grant;
	volatile bool release; /* set by the test: unlock now */
	int order;
};

static atomic_t grant_order;

static void *waiter(void *p)
{
	struct waiter_arg *w = p;
	u64 t0;

	WRITE_ONCE(w->task, current);
	t0 = ktime_get_ns();
	two_state_lock(&lk, w->state);
	w->waited_ns = ktime_get_ns() - t0;
	w->entries_at_grant = atomic_read(&stream_entries);
	w->order = atomic_inc_return(&grant_order);
	enter(w->state);
	WRITE_ONCE(w->done, true);
	while (!READ_ONCE(w->release))
		usleep(100);
	leave(w->state);
	two_state_unlock(&lk, w->state);
	return NULL;
}

static bool waiter_queued(void *p)
{
	struct waiter_arg *w = p;
	struct task_struct *t = READ_ONCE(w->task);

	return t && shim_blocked_on(t, &lk);
}

static bool waiter_done(void *p) { return READ_ONCE(((struct waiter_arg *)p)->done); }

static bool stream_running(void *p)
{
	(void)p;
	return atomic_read(&stream_entries) > 3 * NSTREAM;
}

static void start_stream(pthread_t *th)
{
	stream_stop = false;
	atomic_set(&stream_entries, 0);
	for (int i = 0; i < NSTREAM; i++) {
		th[i] = spawn(stream_worker, NULL);
		usleep(50); /* stagger them */
	}
	assert_true(shim_wait_for(stream_running, NULL, 5000));
}

static void stop_stream(pthread_t *th)
{
	WRITE_ONCE(stream_stop, true);
	for (int i = 0; i < NSTREAM; i++)
		pthread_join(th[i], NULL);
}

static void test_fair_waiter_not_starved(void **state)
{
	pthread_t th[NSTREAM], wt;
	struct waiter_arg w = { .state = 1 };
	int entries_at_queue;

	(void)state;
	start_stream(th);
	wt = spawn(waiter, &w);
	assert_true(shim_wait_for(waiter_queued, &w, 5000) || waiter_done(&w));
	entries_at_queue = atomic_read(&stream_entries);
	assert_true(shim_wait_for(waiter_done, &w, 5000));
	/* while it held state 1, nobody was inside in state 0 */
	usleep(2000);
	assert_int_equal(atomic_read(&inside[0]), 0);
	WRITE_ONCE(w.release, true);
	pthread_join(wt, NULL);
	stop_stream(th);
	print_message("state-1 waiter waited %llu us behind %d streaming state-0 holders; "
		      "%d state-0 entries after it queued\n",
		      (unsigned long long)(w.waited_ns / 1000), NSTREAM,
		      w.entries_at_grant - entries_at_queue);
	/* handoff: holders already in finish, nobody new gets in ahead */
	assert_true(w.entries_at_grant - entries_at_queue <= NSTREAM);
	assert_true(w.waited_ns < 250 * MS);
	assert_int_equal(atomic_read(&violations), 0);
}

static void test_naive_waiter_starves(void **state)
{
	pthread_t th[NSTREAM], wt;
	struct waiter_arg w = { .state = 1 };
	int before, after;

	(void)state;
	two_state_naive_unfair = true;
	start_stream(th);
	wt = spawn(waiter, &w);
	assert_true(shim_wait_for(waiter_queued, &w, 5000));
	before = atomic_read(&stream_entries);
	usleep(500 * 1000);
	after = atomic_read(&stream_entries);
	print_message("naive: state-1 waiter still out after 500 ms: %s\n",
		      READ_ONCE(w.done) ? "no" : "yes");
	print_message("naive: %d state-0 entries meanwhile\n", after - before);
	/* the waiter did not get in while state-0 holders streamed past it */
	assert_false(READ_ONCE(w.done));
	assert_true(after - before > 100);
	stop_stream(th);
	assert_true(shim_wait_for(waiter_done, &w, 5000));
	WRITE_ONCE(w.release, true);
	pthread_join(wt, NULL);
	two_state_naive_unfair = false;
	assert_int_equal(atomic_read(&violations), 0);
}

/* ---- trylock ---- */

struct try_arg {
	int state;
	bool ok;
};

static void *try_worker(void *p)
{
	struct try_arg *a = p;

	a->ok = two_state_trylock(&lk, a->state);
	if (a->ok)
		two_state_unlock(&lk, a->state);
	return NULL;
}

static bool try_in_thread(int s)
{
	struct try_arg a = { .state = s };

	pthread_join(spawn(try_worker, &a), NULL);
	return a.ok;
}

static void test_trylock(void **state)
{
	struct waiter_arg w = { .state = 1 };
	pthread_t wt;

	(void)state;
	assert_true(try_in_thread(0));
	assert_true(try_in_thread(1));
	two_state_lock(&lk, 0);
	assert_true(try_in_thread(0)); /* shares the held state */
	assert_false(try_in_thread(1)); /* other state */
	wt = spawn(waiter, &w);
	assert_true(shim_wait_for(waiter_queued, &w, 5000));
	assert_false(try_in_thread(0)); /* never past a waiter */
	assert_false(try_in_thread(1));
	two_state_unlock(&lk, 0);
	assert_true(shim_wait_for(waiter_done, &w, 5000));
	assert_true(try_in_thread(1));
	assert_false(try_in_thread(0));
	WRITE_ONCE(w.release, true);
	pthread_join(wt, NULL);

	/* the naive lock lets a trylock of the held state barge */
	two_state_naive_unfair = true;
	memset(&w, 0, sizeof(w));
	w.state = 1;
	two_state_lock(&lk, 0);
	wt = spawn(waiter, &w);
	assert_true(shim_wait_for(waiter_queued, &w, 5000));
	assert_true(try_in_thread(0));
	two_state_unlock(&lk, 0);
	assert_true(shim_wait_for(waiter_done, &w, 5000));
	WRITE_ONCE(w.release, true);
	pthread_join(wt, NULL);
	two_state_naive_unfair = false;
}

/* ---- targeted wake-ups: the head batch only ---- */

static void queue_waiters(struct waiter_arg *w, pthread_t *th, const int *states, int n)
{
	for (int i = 0; i < n; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].state = states[i];
		th[i] = spawn(waiter, &w[i]);
		assert_true(shim_wait_for(waiter_queued, &w[i], 5000));
	}
}

static void test_handoff_batches_targeted_wakeups(void **state)
{
	static const int states[] = { 1, 1, 0, 1 };
	struct waiter_arg w[4];
	pthread_t th[4];

	(void)state;
	atomic_set(&grant_order, 0);
	two_state_lock(&lk, 0);
	queue_waiters(w, th, states, 4);
	two_state_unlock(&lk, 0);
	/* the run of two state-1 waiters at the head gets the lock together */
	assert_true(shim_wait_for(waiter_done, &w[0], 5000));
	assert_true(shim_wait_for(waiter_done, &w[1], 5000));
	usleep(20000);
	{
		int st;
		assert_int_equal(two_state_lock_holders(&lk, &st, NULL, 0), 2);
		assert_int_equal(st, 1);
	}
	assert_false(READ_ONCE(w[2].done));
	assert_false(READ_ONCE(w[3].done)); /* state 1, but behind a state-0 waiter */
	assert_int_equal(shim_wakeups(w[0].task), 1); /* granted ones: woken once */
	assert_int_equal(shim_wakeups(w[1].task), 1);
	assert_int_equal(shim_wakeups(w[2].task), 0); /* the others: not at all */
	assert_int_equal(shim_wakeups(w[3].task), 0);
	WRITE_ONCE(w[0].release, true);
	pthread_join(th[0], NULL);
	usleep(20000);
	assert_false(READ_ONCE(w[2].done)); /* w[1] still holds state 1 */
	WRITE_ONCE(w[1].release, true);
	pthread_join(th[1], NULL);
	assert_true(shim_wait_for(waiter_done, &w[2], 5000));
	usleep(20000);
	assert_false(READ_ONCE(w[3].done));
	assert_int_equal(shim_wakeups(w[3].task), 0);
	WRITE_ONCE(w[2].release, true);
	pthread_join(th[2], NULL);
	assert_true(shim_wait_for(waiter_done, &w[3], 5000));
	WRITE_ONCE(w[3].release, true);
	pthread_join(th[3], NULL);
	assert_true(w[2].order > w[0].order && w[2].order > w[1].order);
	assert_true(w[3].order > w[2].order);
	assert_int_equal(two_state_lock_holders(&lk, NULL, NULL, 0), 0);
	assert_int_equal(atomic_read(&violations), 0);
}

/* Naive: a new acquirer of the held state walks past queued waiters. */
static void test_naive_barging(void **state)
{
	static const int states[] = { 1, 1 };
	struct waiter_arg w[3];
	pthread_t th[3];

	(void)state;
	two_state_naive_unfair = true;
	atomic_set(&grant_order, 0);
	two_state_lock(&lk, 0);
	queue_waiters(w, th, states, 2);
	memset(&w[2], 0, sizeof(w[2]));
	w[2].state = 0;
	th[2] = spawn(waiter, &w[2]);
	assert_true(shim_wait_for(waiter_done, &w[2], 5000)); /* got in past them */
	assert_false(READ_ONCE(w[0].done));
	two_state_unlock(&lk, 0);
	usleep(20000);
	assert_false(READ_ONCE(w[0].done)); /* w[2] still holds state 0 */
	WRITE_ONCE(w[2].release, true);
	pthread_join(th[2], NULL);
	assert_true(shim_wait_for(waiter_done, &w[0], 5000));
	assert_true(shim_wait_for(waiter_done, &w[1], 5000));
	for (int i = 0; i < 2; i++)
		WRITE_ONCE(w[i].release, true);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	two_state_naive_unfair = false;
	assert_int_equal(atomic_read(&violations), 0);
}

/* ---- holders, for the deadlock detector ---- */

static void test_holders(void **state)
{
	struct waiter_arg w = { .state = 0 };
	struct task_struct *t[TWO_STATE_MAX_HOLDERS];
	pthread_t wt;
	int st = -1, n;

	(void)state;
	assert_int_equal(two_state_lock_holders(&lk, &st, t, TWO_STATE_MAX_HOLDERS), 0);
	two_state_lock(&lk, 0);
	wt = spawn(waiter, &w);
	assert_true(shim_wait_for(waiter_done, &w, 5000));
	n = two_state_lock_holders(&lk, &st, t, TWO_STATE_MAX_HOLDERS);
	assert_int_equal(n, 2);
	assert_int_equal(st, 0);
	assert_true((t[0] == current && t[1] == w.task) || (t[1] == current && t[0] == w.task));
	WRITE_ONCE(w.release, true);
	pthread_join(wt, NULL);
	n = two_state_lock_holders(&lk, &st, t, TWO_STATE_MAX_HOLDERS);
	assert_int_equal(n, 1);
	assert_ptr_equal(t[0], current);
	two_state_unlock(&lk, 0);
	assert_int_equal(two_state_lock_holders(&lk, &st, t, TWO_STATE_MAX_HOLDERS), 0);
}

/* ---- stress ---- */

static void test_stress_random(void **state)
{
	(void)state;
	run_excl(12, 2000, true);
}

static void test_stress_with_lockdep(void **state)
{
	(void)state;
	lockdep_reset();
	lockdep_enabled = true;
	run_excl(8, 1000, true);
	lockdep_enabled = false;
	assert_int_equal(lockdep_nr_reports, 0);
	assert_int_equal(current->lockdep_depth, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_shared_within_state, setup),
		cmocka_unit_test_setup(test_exclusion_across_states, setup),
		cmocka_unit_test_setup(test_fair_waiter_not_starved, setup),
		cmocka_unit_test_setup(test_naive_waiter_starves, setup),
		cmocka_unit_test_setup(test_trylock, setup),
		cmocka_unit_test_setup(test_handoff_batches_targeted_wakeups, setup),
		cmocka_unit_test_setup(test_naive_barging, setup),
		cmocka_unit_test_setup(test_holders, setup),
		cmocka_unit_test_setup(test_stress_random, setup),
		cmocka_unit_test_setup(test_stress_with_lockdep, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
