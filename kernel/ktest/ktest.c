/*
 * ktest.c - the in-kernel test runner (test=ktest).
 *
 * Runs each registered test in its own kernel thread so a test may sleep
 * and spawn threads; prints one line per test and a summary, and returns
 * the number of failures (the VM's exit status).
 */
#include <kernel/bootinfo.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <x86/asm.h>

extern struct ktest *const __ktest_start[], *const __ktest_end[];
u64 ktest_seed;
static u64 rand_state;

u64 ktest_rand(void)
{
	u64 old = __atomic_load_n(&rand_state, __ATOMIC_RELAXED), x;

	do {
		x = old;
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
	} while (!__atomic_compare_exchange_n(&rand_state, &old, x, false, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return x * 0x2545F4914F6CDD1DULL;
}

static int run_one(void *arg)
{
	struct ktest *t = arg;

	t->fn(t);
	return 0;
}

int ktest_run_all(const char *filter)
{
	int passed = 0, failed = 0;
	const char *s = cmdline_get("seed");

	ktest_seed = s ? (u64)cmdline_get_int("seed", 1) : (rdtsc() | 1);
	rand_state = ktest_seed ? ktest_seed : 1;
	printk(KERN_INFO "ktest: seed=%llu cpus=%d\n", (unsigned long long)ktest_seed,
	       nr_cpus_online);
	for (struct ktest *const *p = __ktest_start; p < __ktest_end; p++) {
		struct ktest *t = *p;
		struct task_struct *th;
		u64 start;

		if (filter && !strstr(t->name, filter))
			continue;
		start = ktime_get_ns();
		th = kthread_run(run_one, t, t->name);
		if (!th) {
			printk(KERN_ERR "ktest: cannot start %s\n", t->name);
			failed++;
			continue;
		}
		kthread_join(th);
		printk(KERN_INFO "ktest: %-28s %s (%llu ms)\n", t->name, t->failed ? "FAIL" : "ok",
		       (unsigned long long)((ktime_get_ns() - start) / NSEC_PER_MSEC));
		if (t->failed)
			failed++;
		else
			passed++;
	}
	printk(KERN_INFO "ktest: %d passed, %d failed\n", passed, failed);
	return failed;
}
