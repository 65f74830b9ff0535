/*
 * hung_task.c - the deadlock detector (boot option hung_task=SECONDS,
 * default 10; 0 turns it off).
 *
 * A kernel thread wakes every second and looks at every task.  A task
 * that has waited for a sleeping lock (task->blocked_on, set by
 * lock_waiter_sleep()) longer than the limit starts a report: the
 * wait-for chain task -> lock it waits for -> a holder -> the lock that
 * holder waits for -> ... until a task repeats (a deadlock cycle: printed
 * as such) or the chain ends at a task that waits for no lock (a holder
 * that never lets go, or starvation: printed as such).  Then the VM
 * powers off with EXIT_DEADLOCK, so a test run ends with the explanation
 * instead of hanging.
 *
 * Holders it can name: a mutex's owner, an rwsem's writer (readers are
 * only counted), a two-state lock's recorded holders (the first
 * TWO_STATE_MAX_HOLDERS; see <kernel/two_state_lock.h>).  A holder that
 * itself waits for a lock is followed first.  Other kinds of wait print
 * their kind and address and end the chain.
 *
 * A task counts only after two scans a second apart saw it waiting for
 * the same lock since the same time (blocked_on and blocked_since_ns are
 * written without a lock; one look could pair a new lock with an old
 * time).  The scan runs under tasklist_lock (for_each_task), so no task
 * it looks at can be freed meanwhile; lock fields are read without their
 * locks (a snapshot: the tasks in question have not moved for seconds).
 */
#include <kernel/bootinfo.h>
#include <kernel/errno.h>
#include <kernel/init.h>
#include <kernel/lockdep.h>
#include <kernel/mutex.h>
#include <kernel/power.h>
#include <kernel/printk.h>
#include <kernel/rwsem.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/two_state_lock.h>

#define MAX_CHAIN 16
#define MAX_WATCH 64

struct watch {
	struct task_struct *task;
	void *lock;
	u64 since;
};

static u64 limit_ns;
static struct watch prev[MAX_WATCH], cur[MAX_WATCH];
static int nr_prev, nr_cur;

struct scan {
	u64 now;
	bool fired;
};

static bool was_watched(struct watch *w)
{
	for (int i = 0; i < nr_prev; i++)
		if (prev[i].task == w->task && prev[i].lock == w->lock && prev[i].since == w->since)
			return true;
	return false;
}

static bool kind_is(const char *kind, const char *prefix)
{
	return kind && strncmp(kind, prefix, strlen(prefix)) == 0;
}

static void print_task(const char *pre, struct task_struct *t)
{
	printk(KERN_EMERG "%s%s (pid %d)", pre, t->comm, t->pid);
}

/* Prints what t waits for and who holds it; returns the holder to follow
 * next, or NULL when the holders are unknown. */
static struct task_struct *describe_wait(struct task_struct *t, void *lock, const char *kind)
{
	struct task_struct *next = NULL;

	print_task("deadlock:   ", t);
	printk(" waits for %s %p", kind ? kind : "?", lock);
	if (kind_is(kind, "mutex")) {
		struct mutex *m = lock;

		next = READ_ONCE(m->owner);
		printk(" \"%s\", owner ", m->name);
	} else if (kind_is(kind, "rwsem")) {
		struct rw_semaphore *s = lock;

		next = READ_ONCE(s->writer);
		printk(" \"%s\", ", s->name);
		if (!next)
			printk("held by %d readers (not recorded)", READ_ONCE(s->readers));
		else
			printk("writer ");
	} else if (kind_is(kind, "two_state")) {
		struct two_state_lock *l = lock;
		struct task_struct *h[TWO_STATE_MAX_HOLDERS] = { NULL };
		int state, count, n = 0;

		count = two_state_lock_holders(l, &state, h, TWO_STATE_MAX_HOLDERS);

		while (n < TWO_STATE_MAX_HOLDERS && h[n])
			n++;
		printk(" \"%s\", held in state %d by %d task%s:", l->name, state, count,
		       count == 1 ? "" : "s");
		for (int i = 0; i < n; i++) {
			printk(" %s (pid %d)", h[i]->comm, h[i]->pid);
			/* follow a holder that waits itself, else the first */
			if (!next || (!READ_ONCE(next->blocked_on) && READ_ONCE(h[i]->blocked_on)))
				next = h[i];
		}
		if (count > n)
			printk(" and %d not recorded", count - n);
		printk("\n");
		return next;
	} else {
		printk(" (holders unknown)\n");
		return NULL;
	}
	if (next)
		printk("%s (pid %d)", next->comm, next->pid);
	printk("\n");
	return next;
}

static void report(struct task_struct *t0, u64 now)
{
	struct task_struct *chain[MAX_CHAIN];
	struct task_struct *t = t0;
	int n = 0;

	printk(KERN_EMERG "deadlock: ==================================================\n");
	print_task("deadlock: ", t0);
	printk(" has waited %llu s for a lock (hung_task=%llu); wait-for chain:\n",
	       (unsigned long long)((now - t0->blocked_since_ns) / NSEC_PER_SEC),
	       (unsigned long long)(limit_ns / NSEC_PER_SEC));
	while (t && n < MAX_CHAIN) {
		void *lock = READ_ONCE(t->blocked_on);

		for (int i = 0; i < n; i++) {
			if (chain[i] == t) {
				print_task("deadlock: cycle: back to ", t);
				printk(": these %d task%s wait for each other forever\n", n - i,
				       n - i == 1 ? "" : "s");
				goto held;
			}
		}
		chain[n++] = t;
		if (!lock) {
			print_task("deadlock:   ", t);
			printk(" waits for no lock (state %ld): it keeps the chain waiting "
			       "(not a cycle: a lock held too long, or starvation)\n",
			       READ_ONCE(t->state));
			goto held;
		}
		t = describe_wait(t, lock, READ_ONCE(t->blocked_on_kind));
	}
	printk(KERN_EMERG "deadlock: the chain ends (holder unknown or too long)\n");
held:
	if (lockdep_enabled)
		for (int i = 0; i < n; i++)
			lockdep_print_held_locks(chain[i]);
	printk(KERN_EMERG "deadlock: powering off (status %d)\n", EXIT_DEADLOCK);
}

static void scan_task(struct task_struct *t, void *arg)
{
	struct scan *s = arg;
	struct watch w = { t, READ_ONCE(t->blocked_on), READ_ONCE(t->blocked_since_ns) };

	if (s->fired || !w.lock || s->now < w.since || s->now - w.since < limit_ns)
		return;
	if (was_watched(&w)) {
		report(t, s->now);
		s->fired = true;
		return;
	}
	if (nr_cur < MAX_WATCH)
		cur[nr_cur++] = w;
}

static int hung_task_thread(void *arg)
{
	(void)arg;
	for (;;) {
		struct scan s = { .fired = false };

		msleep(1000);
		s.now = ktime_get_ns();
		nr_cur = 0;
		for_each_task(scan_task, &s);
		if (s.fired)
			power_off(EXIT_DEADLOCK);
		for (int i = 0; i < nr_cur; i++)
			prev[i] = cur[i];
		nr_prev = nr_cur;
	}
	return 0;
}

static int hung_task_init(void)
{
	long secs = cmdline_get_int("hung_task", 10);

	if (secs <= 0) {
		printk(KERN_INFO "hung_task: deadlock detector off\n");
		return 0;
	}
	limit_ns = (u64)secs * NSEC_PER_SEC;
	if (!kthread_run(hung_task_thread, NULL, "hung_task"))
		return -ENOMEM;
	printk(KERN_INFO "hung_task: deadlock detector on, limit %ld s\n", secs);
	return 0;
}
late_initcall(hung_task_init);
