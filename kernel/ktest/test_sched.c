/*
 * test_sched.c - self-tests of the scheduler and wait primitives:
 * fairness between CPU-bound threads, that threads spread over all CPUs,
 * wait-queue wake-ups with no lost wake-up (ping-pong), completions, and
 * sleeping for at least the time asked.
 */
#include <kernel/atomic.h>
#include <kernel/completion.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <kernel/wait.h>

struct spin_arg {
	volatile bool stop;
	u64 count[16];
	int cpu_seen[16];
	atomic_t idx;
};

static int spinner(void *p)
{
	struct spin_arg *a = p;
	int me = atomic_inc_return(&a->idx) - 1;

	while (!READ_ONCE(a->stop)) {
		a->count[me]++;
		a->cpu_seen[me] |= 1 << smp_processor_id();
		for (volatile int i = 0; i < 100; i++)
			;
	}
	return 0;
}

KTEST(sched_fairness)
{
	struct spin_arg a = { 0 };
	int n = nr_cpus_online * 2 + 1; /* more threads than CPUs */
	struct task_struct *th[16];
	u64 min = ~0ULL, max = 0;
	int cpus_used = 0;

	atomic_set(&a.idx, 0);
	for (int i = 0; i < n; i++)
		th[i] = kthread_run(spinner, &a, "spinner");
	msleep(600);
	WRITE_ONCE(a.stop, true);
	for (int i = 0; i < n; i++)
		kthread_join(th[i]);
	for (int i = 0; i < n; i++) {
		if (a.count[i] < min)
			min = a.count[i];
		if (a.count[i] > max)
			max = a.count[i];
		cpus_used |= a.cpu_seen[i];
	}
	printk(KERN_INFO "ktest: fairness: %d threads, min %llu max %llu iterations\n", n,
	       (unsigned long long)min, (unsigned long long)max);
	KT_ASSERT(t, min > 0, "a thread never ran");
	KT_ASSERT(t, min * 4 >= max, "unfair: min %llu max %llu", (unsigned long long)min,
		  (unsigned long long)max);
	int nr_used = 0;
	for (int c = 0; c < nr_cpus_online; c++)
		nr_used += (cpus_used >> c) & 1;
	KT_ASSERT(t, nr_used == nr_cpus_online, "threads ran on cpu mask %#x only", cpus_used);
}

struct pingpong {
	struct wait_queue_head wq;
	volatile int turn;
	int rounds;
};

static int ponger(void *p)
{
	struct pingpong *pp = p;

	for (int i = 0; i < pp->rounds; i++) {
		wait_event(pp->wq, READ_ONCE(pp->turn) == 1);
		WRITE_ONCE(pp->turn, 0);
		wake_up_all(&pp->wq);
	}
	return 0;
}

KTEST(waitqueue_pingpong)
{
	struct pingpong pp;
	struct task_struct *th;

	init_waitqueue_head(&pp.wq);
	pp.turn = 0;
	pp.rounds = 2000;
	th = kthread_run(ponger, &pp, "ponger");
	for (int i = 0; i < pp.rounds; i++) {
		WRITE_ONCE(pp.turn, 1);
		wake_up_all(&pp.wq);
		bool ok = wait_event_timeout(pp.wq, READ_ONCE(pp.turn) == 0, 5 * NSEC_PER_SEC);
		KT_ASSERT(t, ok, "lost wake-up at round %d", i);
	}
	kthread_join(th);
}

struct compl_arg {
	struct completion c;
	atomic_t woken;
};

static int compl_waiter(void *p)
{
	struct compl_arg *a = p;

	wait_for_completion(&a->c);
	atomic_inc(&a->woken);
	return 0;
}

KTEST(completion_counts)
{
	struct compl_arg a;
	struct task_struct *th[8];

	init_completion(&a.c);
	atomic_set(&a.woken, 0);
	for (int i = 0; i < 8; i++)
		th[i] = kthread_run(compl_waiter, &a, "cwait");
	msleep(50);
	KT_ASSERT(t, atomic_read(&a.woken) == 0, "woke before complete");
	complete(&a.c);
	complete(&a.c);
	msleep(100);
	KT_ASSERT(t, atomic_read(&a.woken) == 2, "complete() x2 woke %d", atomic_read(&a.woken));
	complete_all(&a.c);
	for (int i = 0; i < 8; i++)
		kthread_join(th[i]);
	KT_ASSERT(t, atomic_read(&a.woken) == 8, "complete_all woke %d", atomic_read(&a.woken));
}

KTEST(sleep_duration)
{
	for (int ms = 5; ms <= 80; ms *= 4) {
		u64 start = ktime_get_ns();
		msleep(ms);
		u64 took = ktime_get_ns() - start;
		KT_ASSERT(t, took >= (u64)ms * NSEC_PER_MSEC, "msleep(%d) took %llu ns", ms,
			  (unsigned long long)took);
	}
}

static int quick_exit(void *p) { return (int)(long)p; }

KTEST(kthread_join_status)
{
	for (int i = 0; i < 200; i++) {
		struct task_struct *th = kthread_run(quick_exit, (void *)(long)(i % 7), "quick");
		KT_ASSERT(t, th != NULL, "kthread_run failed at %d", i);
		KT_ASSERT(t, kthread_join(th) == i % 7, "wrong exit code");
	}
}
