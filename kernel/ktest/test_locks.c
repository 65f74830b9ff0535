/*
 * test_locks.c - self-tests of spinlocks, mutexes and rw semaphores under
 * contention on every CPU: each critical section checks that it is alone
 * (or, for readers, that no writer is inside), and the rwsem test checks
 * that a waiting writer is not starved by a stream of readers.
 */
#include <kernel/atomic.h>
#include <kernel/ktest.h>
#include <kernel/mutex.h>
#include <kernel/rwsem.h>
#include <kernel/sched.h>
#include <kernel/time.h>

struct excl_arg {
	spinlock_t spin;
	struct mutex mutex;
	struct rw_semaphore rwsem;
	atomic_t inside;
	atomic_t readers_inside;
	atomic_t violations;
	u64 counter;
	atomic_long_t ops; /* critical sections entered, summed over workers */
	volatile bool stop;
};

static void critical(struct excl_arg *a)
{
	if (atomic_inc_return(&a->inside) != 1)
		atomic_inc(&a->violations);
	u64 c = a->counter;
	for (volatile int i = 0; i < 20; i++)
		;
	a->counter = c + 1;
	atomic_dec(&a->inside);
}

static int spin_worker(void *p)
{
	struct excl_arg *a = p;
	long n = 0;

	while (!READ_ONCE(a->stop)) {
		spin_lock(&a->spin);
		critical(a);
		spin_unlock(&a->spin);
		n++;
	}
	atomic_long_add_return(n, &a->ops);
	return 0;
}

static int mutex_worker(void *p)
{
	struct excl_arg *a = p;
	long n = 0;

	while (!READ_ONCE(a->stop)) {
		mutex_lock(&a->mutex);
		critical(a);
		if (n % 16 == 0)
			yield(); /* give up the CPU while holding: others must queue */
		mutex_unlock(&a->mutex);
		n++;
	}
	atomic_long_add_return(n, &a->ops);
	return 0;
}

static int rwsem_worker(void *p)
{
	struct excl_arg *a = p;
	long n = 0;

	while (!READ_ONCE(a->stop)) {
		n++;
		if (ktest_rand() % 4 == 0) {
			down_write(&a->rwsem);
			if (atomic_read(&a->readers_inside) != 0)
				atomic_inc(&a->violations);
			critical(a);
			up_write(&a->rwsem);
		} else {
			down_read(&a->rwsem);
			atomic_inc(&a->readers_inside);
			if (atomic_read(&a->inside) != 0)
				atomic_inc(&a->violations);
			for (volatile int k = 0; k < 20; k++)
				;
			atomic_dec(&a->readers_inside);
			up_read(&a->rwsem);
		}
	}
	atomic_long_add_return(n, &a->ops);
	return 0;
}

/* Runs n workers for a fixed time (not a fixed count: with more vCPUs
 * than host cores a spinning waiter can lose its host CPU for long). */
static void run_workers(struct excl_arg *a, int (*fn)(void *), int n)
{
	struct task_struct *th[32];

	for (int i = 0; i < n; i++)
		th[i] = kthread_run(fn, a, "lockworker");
	msleep(300);
	WRITE_ONCE(a->stop, true);
	for (int i = 0; i < n; i++)
		kthread_join(th[i]);
}

static void init_arg(struct excl_arg *a)
{
	spin_lock_init(&a->spin);
	mutex_init(&a->mutex);
	init_rwsem(&a->rwsem);
	atomic_set(&a->inside, 0);
	atomic_set(&a->readers_inside, 0);
	atomic_set(&a->violations, 0);
	a->counter = 0;
	atomic_long_set(&a->ops, 0);
	a->stop = false;
}

KTEST(spinlock_exclusion)
{
	static struct excl_arg a;
	int n = nr_cpus_online + 1;

	init_arg(&a);
	run_workers(&a, spin_worker, n);
	KT_ASSERT(t, atomic_read(&a.violations) == 0, "%d violations", atomic_read(&a.violations));
	KT_ASSERT(t, atomic_long_read(&a.ops) > 0, "no progress");
	KT_ASSERT(t, a.counter == (u64)atomic_long_read(&a.ops), "lost updates: %llu of %ld",
		  (unsigned long long)a.counter, atomic_long_read(&a.ops));
}

KTEST(mutex_exclusion)
{
	static struct excl_arg a;
	int n = nr_cpus_online * 2 + 2;

	init_arg(&a);
	run_workers(&a, mutex_worker, n);
	KT_ASSERT(t, atomic_read(&a.violations) == 0, "%d violations", atomic_read(&a.violations));
	KT_ASSERT(t, atomic_long_read(&a.ops) > 0, "no progress");
	KT_ASSERT(t, a.counter == (u64)atomic_long_read(&a.ops), "lost updates: %llu of %ld",
		  (unsigned long long)a.counter, atomic_long_read(&a.ops));
}

KTEST(rwsem_exclusion)
{
	static struct excl_arg a;
	int n = nr_cpus_online + 2;

	init_arg(&a);
	run_workers(&a, rwsem_worker, n);
	KT_ASSERT(t, atomic_read(&a.violations) == 0, "%d violations", atomic_read(&a.violations));
}

struct starve_arg {
	struct rw_semaphore sem;
	volatile bool stop;
	volatile bool writer_done;
	atomic_t reads;
};

static int stream_reader(void *p)
{
	struct starve_arg *a = p;

	while (!READ_ONCE(a->stop)) {
		down_read(&a->sem);
		atomic_inc(&a->reads);
		for (volatile int k = 0; k < 2000; k++)
			;
		up_read(&a->sem);
	}
	return 0;
}

KTEST(rwsem_writer_not_starved)
{
	static struct starve_arg a;
	struct task_struct *th[8];
	int n = nr_cpus_online + 2;
	u64 start, waited;

	init_rwsem(&a.sem);
	a.stop = false;
	atomic_set(&a.reads, 0);
	for (int i = 0; i < n; i++)
		th[i] = kthread_run(stream_reader, &a, "reader");
	msleep(50); /* readers overlap continuously now */
	start = ktime_get_ns();
	down_write(&a.sem);
	waited = ktime_get_ns() - start;
	up_write(&a.sem);
	WRITE_ONCE(a.stop, true);
	for (int i = 0; i < n; i++)
		kthread_join(th[i]);
	printk(KERN_INFO "ktest: writer waited %llu us behind %d readers\n",
	       (unsigned long long)(waited / 1000), n);
	KT_ASSERT(t, atomic_read(&a.reads) > 0, "readers never ran");
	KT_ASSERT(t, waited < 2 * NSEC_PER_SEC, "writer starved for %llu ms",
		  (unsigned long long)(waited / NSEC_PER_MSEC));
}
