/*
 * shim.c - host implementations of the kernel services that the portable
 * locking code uses (see tests/unit/shim/README).
 *
 * Tasks: each thread's task_struct lives in a thread-local struct
 * shim_task together with a pthread mutex and condition variable.  Its
 * state changes only under that mutex: set_current_state() writes it,
 * schedule() waits on the condition until it is TASK_RUNNING again, and
 * wake_up_process() sets TASK_RUNNING and signals.  That is the kernel's
 * contract (a wake-up between set_current_state() and schedule() is not
 * lost), so lock_waiter.c's sleep/grant protocol runs unchanged.
 *
 * Spinlocks are pthread mutexes; printk() writes to stderr (unless
 * shim_log_quiet) and appends to a capture buffer; panic() aborts;
 * ksym_lookup() uses dladdr().
 */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include "shim.h"

struct shim_task {
	struct task_struct task;
	pthread_mutex_t m;
	pthread_cond_t c;
	unsigned long wakeups;
	bool ready;
};

static __thread struct shim_task self;
static int next_pid = 1;

struct task_struct *shim_current(void)
{
	if (!self.ready) {
		pthread_mutex_init(&self.m, NULL);
		pthread_cond_init(&self.c, NULL);
		self.task.pid = __atomic_fetch_add(&next_pid, 1, __ATOMIC_RELAXED);
		self.task.state = TASK_RUNNING;
		self.task.pinned_cpu = -1;
		snprintf(self.task.comm, sizeof(self.task.comm), "host-%d", self.task.pid);
		self.ready = true;
	}
	return &self.task;
}

static struct shim_task *to_shim(struct task_struct *t)
{
	return container_of(t, struct shim_task, task);
}

void shim_set_comm(const char *name) { snprintf(current->comm, sizeof(current->comm), "%s", name); }

unsigned long shim_wakeups(struct task_struct *t)
{
	return __atomic_load_n(&to_shim(t)->wakeups, __ATOMIC_SEQ_CST);
}

bool shim_blocked_on(struct task_struct *t, void *lock)
{
	return __atomic_load_n(&t->blocked_on, __ATOMIC_SEQ_CST) == lock;
}

bool shim_wait_for(bool (*cond)(void *), void *arg, unsigned int ms)
{
	for (unsigned int i = 0; i < ms * 10; i++) {
		if (cond(arg))
			return true;
		usleep(100);
	}
	return cond(arg);
}

/* ---- scheduler ---- */

void set_current_state(long state)
{
	struct shim_task *s = to_shim(current);

	pthread_mutex_lock(&s->m);
	s->task.state = state;
	pthread_mutex_unlock(&s->m);
}

void schedule(void)
{
	struct shim_task *s = to_shim(current);

	pthread_mutex_lock(&s->m);
	while (s->task.state != TASK_RUNNING)
		pthread_cond_wait(&s->c, &s->m);
	pthread_mutex_unlock(&s->m);
}

bool wake_up_process(struct task_struct *t)
{
	struct shim_task *s = to_shim(t);
	bool woke = false;

	pthread_mutex_lock(&s->m);
	__atomic_add_fetch(&s->wakeups, 1, __ATOMIC_SEQ_CST);
	if (t->state != TASK_RUNNING && t->state != TASK_DEAD) {
		t->state = TASK_RUNNING;
		pthread_cond_signal(&s->c);
		woke = true;
	}
	pthread_mutex_unlock(&s->m);
	return woke;
}

void yield(void) { sched_yield(); }

void nsleep(u64 ns)
{
	struct timespec ts = { (time_t)(ns / NSEC_PER_SEC), (long)(ns % NSEC_PER_SEC) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void msleep(u64 ms) { nsleep(ms * NSEC_PER_MSEC); }

u64 ktime_get_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
}

/* ---- spinlocks ---- */

void spin_lock_init_named(spinlock_t *l, const char *name, struct lock_class_key *key)
{
	pthread_mutex_init(&l->m, NULL);
	l->holder = NULL;
	l->name = name;
	lockdep_init_map(&l->dep_map, name, key);
}

void raw_spin_lock(spinlock_t *l)
{
	pthread_mutex_lock(&l->m);
	l->holder = current;
}

void raw_spin_unlock(spinlock_t *l)
{
	l->holder = NULL;
	pthread_mutex_unlock(&l->m);
}

static void do_lock(spinlock_t *l, unsigned long ip)
{
	if (__atomic_load_n(&l->holder, __ATOMIC_RELAXED) == current)
		panic("spinlock recursion on %s", l->name ? l->name : "?");
	lock_acquire(&l->dep_map, 0, LD_EXCLUSIVE, ip);
	raw_spin_lock(l);
}

static void do_unlock(spinlock_t *l, unsigned long ip)
{
	if (l->holder != current)
		panic("spin_unlock of %s by a task that does not hold it", l->name ? l->name : "?");
	lock_release(&l->dep_map, ip);
	raw_spin_unlock(l);
}

#define CALLER ((unsigned long)__builtin_return_address(0))

void spin_lock(spinlock_t *l) { do_lock(l, CALLER); }
void spin_unlock(spinlock_t *l) { do_unlock(l, CALLER); }
void spin_lock_irq(spinlock_t *l) { do_lock(l, CALLER); }
void spin_unlock_irq(spinlock_t *l) { do_unlock(l, CALLER); }

unsigned long spin_lock_irqsave(spinlock_t *l)
{
	do_lock(l, CALLER);
	return 0x200;
}

void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	(void)flags;
	do_unlock(l, CALLER);
}

bool spin_trylock(spinlock_t *l)
{
	if (pthread_mutex_trylock(&l->m) != 0)
		return false;
	l->holder = current;
	lock_acquire(&l->dep_map, 0, LD_TRY, CALLER);
	return true;
}

bool spin_is_locked(spinlock_t *l) { return __atomic_load_n(&l->holder, __ATOMIC_RELAXED) != NULL; }

/* ---- printk, panic ---- */

#define LOG_SIZE (256 * 1024)
static char log_buf[LOG_SIZE];
static size_t log_len;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
bool shim_log_quiet;
int console_loglevel = 7;

int vprintk(const char *fmt, va_list ap)
{
	char buf[1024];
	int n;

	if (fmt[0] == '<' && fmt[1] >= '0' && fmt[1] <= '7' && fmt[2] == '>')
		fmt += 3;
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		return n;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	pthread_mutex_lock(&log_lock);
	if (log_len + (size_t)n < LOG_SIZE) {
		memcpy(log_buf + log_len, buf, (size_t)n);
		log_len += (size_t)n;
		log_buf[log_len] = '\0';
	}
	if (!__atomic_load_n(&shim_log_quiet, __ATOMIC_RELAXED))
		fputs(buf, stderr);
	pthread_mutex_unlock(&log_lock);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

const char *shim_log(void) { return log_buf; }

void shim_log_clear(void)
{
	pthread_mutex_lock(&log_lock);
	log_len = 0;
	log_buf[0] = '\0';
	pthread_mutex_unlock(&log_lock);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	fputs("Kernel panic (host shim): ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void dump_stack(void) { printk("  (no backtrace on the host)\n"); }

/* Names exported functions only (tests link with -rdynamic); static
 * functions print as raw addresses. */
const char *ksym_lookup(unsigned long addr, unsigned long *offset)
{
	Dl_info info;

	if (!dladdr((void *)addr, &info) || !info.dli_sname)
		return NULL;
	if (offset)
		*offset = addr - (unsigned long)info.dli_saddr;
	return info.dli_sname;
}
