/*
 * ktest.h - in-kernel self-tests (kernel/ktest/).
 *
 * KTEST(name) { ... } defines a test; the linker gathers all of them in the
 * .ktest section and `test=ktest` runs them in order (or `ktest=NAME` runs
 * the ones whose name contains NAME).  A test runs in a kernel thread with
 * interrupts and preemption enabled and may start more threads on every
 * CPU.  KT_ASSERT records a failure with its location and ends the test.
 * ktest_seed is printed at the start ("seed=N" on the command line replays
 * a run); use ktest_rand() for randomness.
 */
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

#include <kernel/compiler.h>
#include <kernel/printk.h>

struct ktest {
	const char *name;
	void (*fn)(struct ktest *t);
	bool failed;
};

#define KTEST(n)                                                                             \
	static void ktest_fn_##n(struct ktest *t);                                           \
	static struct ktest ktest_##n = { #n, ktest_fn_##n, false };                         \
	static struct ktest *const ktest_ptr_##n __section(".ktest") __attribute__((used)) = \
		&ktest_##n;                                                                  \
	static void ktest_fn_##n(struct ktest *t)

#define KT_ASSERT(t, cond, ...)                                                                 \
	do {                                                                                    \
		if (unlikely(!(cond))) {                                                        \
			printk(KERN_ERR "ktest %s: assertion failed at %s:%d: %s\n", (t)->name, \
			       __FILE__, __LINE__, #cond);                                      \
			printk(KERN_ERR "  " __VA_ARGS__);                                      \
			printk(KERN_ERR "\n");                                                  \
			(t)->failed = true;                                                     \
			return;                                                                 \
		}                                                                               \
	} while (0)

extern u64 ktest_seed;
/* xorshift64*, per call site state-free; thread-safe (atomic state). */
u64 ktest_rand(void);
/* Runs the tests; returns the number that failed. */
int ktest_run_all(const char *filter);

#endif
