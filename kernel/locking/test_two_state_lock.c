/*
 * test_two_state_lock.c - in-kernel self-tests of the two-state lock on
 * every CPU (`test=ktest ktest=two_state`).
 *
 * two_state_sharing: one holder per CPU (at least 2) in one state are all
 * inside at once.  two_state_exclusion: threads on all CPUs take random
 * states (some by trylock); a checker counts holders per state and no
 * section may see the other state inside.  two_state_writer_bounded:
 * state-0 holders stream (each sleeps while holding, so they overlap on
 * any number of CPUs); a state-1 waiter gets in within a bound and no new
 * state-0 holder gets in after it queued.  two_state_naive_starves: the
 * same with two_state_naive_unfair set: the waiter is still out after a
 * while, then gets in once the stream stops.
 * Threads are joined before any assertion (KT_ASSERT returns).
 */
#include <kernel/atomic.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <kernel/two_state_lock.h>

static struct two_state_lock tl;
static atomic_t inside[2], violations, max_inside, entries;
static volatile bool stop;

static void reset(void)
{
	two_state_lock_init(&tl);
	atomic_set(&inside[0], 0);
	atomic_set(&inside[1], 0);
	atomic_set(&violations, 0);
	atomic_set(&max_inside, 0);
	atomic_set(&entries, 0);
	stop = false;
}

static void enter(int s)
{
	int n = atomic_inc_return(&inside[s]), old;

	if (atomic_read(&inside[!s]) != 0)
		atomic_inc(&violations);
	while (n > (old = atomic_read(&max_inside)) && !atomic_cmpxchg(&max_inside, old, n))
		;
}

static void leave(int s) { atomic_dec(&inside[s]); }

static int nr_sharers;

static int share_worker(void *p)
{
	u64 deadline = ktime_get_ns() + 2 * NSEC_PER_SEC;

	(void)p;
	two_state_lock(&tl, 0);
	enter(0);
	atomic_inc(&entries); /* arrivals: nobody leaves before all came */
	while (atomic_read(&entries) < nr_sharers && ktime_get_ns() < deadline)
		yield();
	leave(0);
	two_state_unlock(&tl, 0);
	return 0;
}

KTEST(two_state_sharing)
{
	struct task_struct *th[MAX_CPUS + 1];

	reset();
	nr_sharers = nr_cpus_online < 2 ? 2 : nr_cpus_online;
	for (int i = 0; i < nr_sharers; i++)
		th[i] = kthread_run_on(share_worker, NULL, "ts_share", i % nr_cpus_online);
	for (int i = 0; i < nr_sharers; i++)
		kthread_join(th[i]);
	KT_ASSERT(t, atomic_read(&max_inside) == nr_sharers, "only %d of %d inside at once",
		  atomic_read(&max_inside), nr_sharers);
	KT_ASSERT(t, two_state_lock_holders(&tl, NULL, NULL, 0) == 0, "count %d after all left",
		  two_state_lock_holders(&tl, NULL, NULL, 0));
}

static int excl_worker(void *p)
{
	(void)p;
	for (int i = 0; i < 300; i++) {
		u64 r = ktest_rand();
		int s = r & 1;

		if ((r & 6) == 0) {
			if (!two_state_trylock(&tl, s))
				continue;
		} else {
			two_state_lock(&tl, s);
		}
		atomic_inc(&entries);
		enter(s);
		for (volatile int k = 0; k < (int)((r >> 8) % 300); k++)
			;
		if (((r >> 20) & 31) == 0)
			yield();
		leave(s);
		two_state_unlock(&tl, s);
	}
	return 0;
}

KTEST(two_state_exclusion)
{
	struct task_struct *th[2 * MAX_CPUS + 2];
	int n = 2 * nr_cpus_online + 2;

	reset();
	for (int i = 0; i < n; i++)
		th[i] = kthread_run(excl_worker, NULL, "ts_excl");
	for (int i = 0; i < n; i++)
		kthread_join(th[i]);
	KT_ASSERT(t, atomic_read(&violations) == 0, "%d times both states were inside",
		  atomic_read(&violations));
	/* no holder, no QUEUED bit (bit 0, the last state, may stay) */
	KT_ASSERT(t, (tl.word & ~1UL) == 0 && list_empty(&tl.waiters), "lock not free at the end");
	KT_ASSERT(t, atomic_read(&entries) > 0, "nobody got in");
}

/* ---- a stream of state-0 holders against one state-1 waiter ---- */

struct waiter {
	volatile bool done;
	u64 waited_ns;
	int entries_at_grant;
};

static int stream_worker(void *p)
{
	(void)p;
	while (!READ_ONCE(stop)) {
		two_state_lock(&tl, 0);
		enter(0);
		atomic_inc(&entries);
		msleep(1); /* sleeps while holding: holders overlap */
		leave(0);
		two_state_unlock(&tl, 0);
	}
	return 0;
}

static int waiter_fn(void *p)
{
	struct waiter *w = p;
	u64 t0 = ktime_get_ns();

	two_state_lock(&tl, 1);
	w->waited_ns = ktime_get_ns() - t0;
	w->entries_at_grant = atomic_read(&entries);
	enter(1);
	WRITE_ONCE(w->done, true);
	leave(1);
	two_state_unlock(&tl, 1);
	return 0;
}

#define NSTREAM 4

static void start_stream(struct task_struct **th)
{
	reset();
	for (int i = 0; i < NSTREAM; i++)
		th[i] = kthread_run(stream_worker, NULL, "ts_stream");
	while (atomic_read(&entries) < 3 * NSTREAM)
		msleep(1);
}

static void stop_stream(struct task_struct **th)
{
	WRITE_ONCE(stop, true);
	for (int i = 0; i < NSTREAM; i++)
		kthread_join(th[i]);
}

/* Waits (up to ms) until w's task sleeps on the lock or is done. */
static void wait_queued(struct task_struct *wt, struct waiter *w, int ms)
{
	u64 end = ktime_get_ns() + (u64)ms * NSEC_PER_MSEC;

	while (READ_ONCE(wt->blocked_on) != &tl && !READ_ONCE(w->done) && ktime_get_ns() < end)
		yield();
}

KTEST(two_state_writer_bounded)
{
	static struct waiter w;
	struct task_struct *th[NSTREAM], *wt;
	int at_queue;

	start_stream(th);
	w = (struct waiter){ 0 };
	wt = kthread_run(waiter_fn, &w, "ts_waiter");
	wait_queued(wt, &w, 2000);
	at_queue = atomic_read(&entries);
	kthread_join(wt);
	stop_stream(th);
	printk(KERN_INFO "ktest: state-1 waiter waited %llu us behind %d state-0 holders\n",
	       (unsigned long long)(w.waited_ns / 1000), NSTREAM);
	printk(KERN_INFO "ktest: %d state-0 entries after it queued\n",
	       w.entries_at_grant - at_queue);
	KT_ASSERT(t, atomic_read(&violations) == 0, "%d exclusion violations",
		  atomic_read(&violations));
	KT_ASSERT(t, w.waited_ns < 500 * NSEC_PER_MSEC, "waiter waited %llu ms",
		  (unsigned long long)(w.waited_ns / NSEC_PER_MSEC));
	KT_ASSERT(t, w.entries_at_grant - at_queue <= NSTREAM, "%d state-0 holders got in ahead",
		  w.entries_at_grant - at_queue);
}

KTEST(two_state_naive_starves)
{
	static struct waiter w;
	struct task_struct *th[NSTREAM], *wt;
	int before, after;
	bool starved;

	two_state_naive_unfair = true;
	start_stream(th);
	w = (struct waiter){ 0 };
	wt = kthread_run(waiter_fn, &w, "ts_waiter");
	wait_queued(wt, &w, 2000);
	before = atomic_read(&entries);
	msleep(300);
	after = atomic_read(&entries);
	starved = !READ_ONCE(w.done);
	stop_stream(th);
	kthread_join(wt); /* gets in once the stream stops */
	two_state_naive_unfair = false;
	printk(KERN_INFO "ktest: naive lock: waiter %s after 300 ms\n",
	       starved ? "still starved" : "got in");
	printk(KERN_INFO "ktest: %d state-0 entries meanwhile\n", after - before);
	KT_ASSERT(t, atomic_read(&violations) == 0, "%d exclusion violations",
		  atomic_read(&violations));
	KT_ASSERT(t, starved && after - before >= NSTREAM, "naive lock did not starve the waiter");
	KT_ASSERT(t, w.done, "waiter never got in");
}
