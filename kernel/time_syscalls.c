/*
 * time_syscalls.c - clocks, sleeps and timers for user space:
 * clock_gettime/getres, gettimeofday, time, times, nanosleep,
 * clock_nanosleep, alarm, setitimer/getitimer (ITIMER_REAL), and the CPU
 * time of threads and processes.
 *
 * Clocks: CLOCK_MONOTONIC (and _RAW, _COARSE, BOOTTIME) is ktime_get_ns();
 * CLOCK_REALTIME is the RTC time read at boot plus that (ktime_get_real_ns);
 * the CPU-time clocks add the running slice to the scheduler's sum_exec_ns.
 *
 * Sleeps are interruptible: a signal ends them with the time left written
 * back and -ERESTARTNOHAND (the caller sees -EINTR when a handler ran; the
 * sleep restarts otherwise).
 *
 * ITIMER_REAL: armed processes sit on itimer_list (itimer_lock, IRQ-safe);
 * one kernel thread sleeps until the earliest expiry and sends SIGALRM.
 * Lock order: itimer_lock -> tasklist_lock (sending) ; a process leaves the
 * list in release_task (itimer_exit) before its signal_struct is freed.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_REALTIME_ALARM 8
#define CLOCK_BOOTTIME_ALARM 9
#define CLOCK_TAI 11
#define TIMER_ABSTIME 1
#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2
#define NSEC_PER_TICK (NSEC_PER_SEC / HZ)

struct kts {
	s64 tv_sec;
	s64 tv_nsec;
};

/* ---- CPU time ---- */

u64 thread_cputime_ns(struct task_struct *t)
{
	u64 ns = READ_ONCE(t->sum_exec_ns);

	if (t == current)
		ns += ktime_get_ns() - READ_ONCE(t->last_ran_ns);
	return ns;
}

u64 process_cputime_ns(struct task_struct *p)
{
	struct signal_struct *sig = p->signal;
	struct task_struct *t;
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);
	u64 ns = sig->dead_threads_ns;

	if (sig->exit_state == 0)
		list_for_each_entry(t, &sig->thread_head, thread_node)
			if (!(t->flags & PF_EXITING))
				ns += thread_cputime_ns(t);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return ns;
}

/* ---- clocks ---- */

static int clock_read(int which, u64 *ns)
{
	switch (which) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_REALTIME_ALARM:
	case CLOCK_TAI:
		*ns = ktime_get_real_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
	case CLOCK_BOOTTIME_ALARM:
		*ns = ktime_get_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
		*ns = process_cputime_ns(current);
		return 0;
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = thread_cputime_ns(current);
		return 0;
	default:
		return -EINVAL;
	}
}

static int put_ts(void *uts, u64 ns)
{
	struct kts ts = { (s64)(ns / NSEC_PER_SEC), (s64)(ns % NSEC_PER_SEC) };

	return copy_to_user(uts, &ts, sizeof(ts));
}

static int get_ts(const void *uts, u64 *ns)
{
	struct kts ts;

	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (s64)NSEC_PER_SEC)
		return -EINVAL;
	if ((u64)ts.tv_sec >= (~0ULL >> 2) / NSEC_PER_SEC)
		*ns = ~0ULL >> 2; /* about 36 years: forever */
	else
		*ns = (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
	return 0;
}

SYSCALL_DEFINE(__NR_clock_gettime, clock_gettime)
{
	u64 ns;
	int r = clock_read((int)a0, &ns);

	if (r)
		return r;
	return put_ts((void *)a1, ns) ? -EFAULT : 0;
}

SYSCALL_DEFINE(__NR_clock_getres, clock_getres)
{
	u64 ns;
	int r = clock_read((int)a0, &ns);

	if (r)
		return r;
	if (!a1)
		return 0;
	ns = (a0 == CLOCK_REALTIME_COARSE || a0 == CLOCK_MONOTONIC_COARSE) ? NSEC_PER_TICK : 1;
	return put_ts((void *)a1, ns) ? -EFAULT : 0;
}

SYSCALL_DEFINE(__NR_gettimeofday, gettimeofday)
{
	u64 ns = ktime_get_real_ns();
	s64 tv[2] = { (s64)(ns / NSEC_PER_SEC), (s64)(ns % NSEC_PER_SEC / 1000) };
	s32 tz[2] = { 0, 0 };

	if (a0 && copy_to_user((void *)a0, tv, sizeof(tv)))
		return -EFAULT;
	if (a1 && copy_to_user((void *)a1, tz, sizeof(tz)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE(__NR_time, time)
{
	s64 t = (s64)(ktime_get_real_ns() / NSEC_PER_SEC);

	if (a0 && put_user_u64((u64)t, (void *)a0))
		return -EFAULT;
	return t;
}

SYSCALL_DEFINE(__NR_times, times)
{
	struct task_struct *t = current;
	s64 tms[4] = { (s64)(process_cputime_ns(t) / NSEC_PER_TICK), 0,
		       (s64)(READ_ONCE(t->signal->children_ns) / NSEC_PER_TICK), 0 };

	if (a0 && copy_to_user((void *)a0, tms, sizeof(tms)))
		return -EFAULT;
	return (long)(ktime_get_ns() / NSEC_PER_TICK);
}

/* ---- sleeping ---- */

/* Sleeps until monotonic time deadline or a signal; returns ns left. */
static u64 sleep_until(u64 deadline)
{
	u64 now;

	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		now = ktime_get_ns();
		if (now >= deadline || signal_pending(current))
			break;
		schedule_timeout(deadline - now);
	}
	set_current_state(TASK_RUNNING);
	return now >= deadline ? 0 : deadline - now;
}

static long do_nanosleep(int clock, int flags, const void *ureq, void *urem)
{
	u64 req, now, deadline, left;
	int r;

	if ((r = get_ts(ureq, &req)))
		return r;
	if ((r = clock_read(clock, &now)))
		return r;
	if (clock == CLOCK_PROCESS_CPUTIME_ID || clock == CLOCK_THREAD_CPUTIME_ID)
		return -EOPNOTSUPP;
	if (flags & TIMER_ABSTIME)
		deadline = ktime_get_ns() + (req > now ? req - now : 0);
	else
		deadline = ktime_get_ns() + req;
	left = sleep_until(deadline);
	if (!left)
		return 0;
	if (urem && !(flags & TIMER_ABSTIME) && put_ts(urem, left))
		return -EFAULT;
	return -ERESTARTNOHAND;
}

SYSCALL_DEFINE(__NR_nanosleep, nanosleep)
{
	return do_nanosleep(CLOCK_MONOTONIC, 0, (const void *)a0, (void *)a1);
}

SYSCALL_DEFINE(__NR_clock_nanosleep, clock_nanosleep)
{
	if (a1 & ~TIMER_ABSTIME)
		return -EINVAL;
	return do_nanosleep((int)a0, (int)a1, (const void *)a2, (void *)a3);
}

/* ---- ITIMER_REAL ---- */

static LIST_HEAD(itimer_list);
static DEFINE_SPINLOCK(itimer_lock);
static struct task_struct *itimer_task;

static int itimer_thread(void *arg)
{
	for (;;) {
		unsigned long flags = spin_lock_irqsave(&itimer_lock);
		u64 now = ktime_get_ns(), next = ~0ULL;
		struct signal_struct *sig, *n;

		list_for_each_entry_safe(sig, n, &itimer_list, itimer_node) {
			if (sig->it_real_expires <= now) {
				struct ksiginfo info;
				memset(&info, 0, sizeof(info));
				info.signo = SIGALRM;
				info.code = SI_TIMER;
				if (sig->it_real_incr) {
					while (sig->it_real_expires <= now)
						sig->it_real_expires += sig->it_real_incr;
				} else {
					sig->it_real_expires = 0;
					list_del(&sig->itimer_node);
				}
				if (sig->leader)
					group_send_sig_info(SIGALRM, &info, sig->leader);
			}
			if (sig->it_real_expires && sig->it_real_expires < next)
				next = sig->it_real_expires;
		}
		set_current_state(TASK_INTERRUPTIBLE);
		spin_unlock_irqrestore(&itimer_lock, flags);
		if (next == ~0ULL)
			schedule();
		else
			schedule_timeout(next - now);
	}
	return 0;
}

void itimer_exit(struct signal_struct *sig)
{
	unsigned long flags = spin_lock_irqsave(&itimer_lock);

	if (sig->it_real_expires) {
		list_del(&sig->itimer_node);
		sig->it_real_expires = 0;
	}
	spin_unlock_irqrestore(&itimer_lock, flags);
}

/* Sets ITIMER_REAL of the current process (ns, 0 = off); returns the old. */
static void itimer_set(u64 value, u64 interval, u64 *old_value, u64 *old_interval)
{
	struct signal_struct *sig = current->signal;
	u64 now = ktime_get_ns();
	unsigned long flags;

	if (!READ_ONCE(itimer_task) && value) {
		struct task_struct *t = kthread_run(itimer_thread, NULL, "itimer");
		if (t && __atomic_exchange_n(&itimer_task, t, __ATOMIC_ACQ_REL))
			printk(KERN_WARNING "itimer: two timer threads\n");
	}
	flags = spin_lock_irqsave(&itimer_lock);
	*old_value = sig->it_real_expires ?
			     (sig->it_real_expires > now ? sig->it_real_expires - now : 1) :
			     0;
	*old_interval = sig->it_real_incr;
	if (sig->it_real_expires)
		list_del(&sig->itimer_node);
	sig->it_real_expires = value ? now + value : 0;
	sig->it_real_incr = value ? interval : 0;
	if (value)
		list_add_tail(&sig->itimer_node, &itimer_list);
	spin_unlock_irqrestore(&itimer_lock, flags);
	if (value && itimer_task)
		wake_up_process(itimer_task);
}

static int get_tv(const s64 *tv, u64 *ns)
{
	if (tv[0] < 0 || tv[1] < 0 || tv[1] >= 1000000)
		return -EINVAL;
	*ns = (u64)tv[0] * NSEC_PER_SEC + (u64)tv[1] * 1000;
	return 0;
}

static void put_tv(s64 *tv, u64 ns)
{
	tv[0] = (s64)(ns / NSEC_PER_SEC);
	tv[1] = (s64)(ns % NSEC_PER_SEC / 1000);
}

SYSCALL_DEFINE(__NR_setitimer, setitimer)
{
	s64 nv[4], ov[4]; /* it_interval, it_value as timevals */
	u64 value = 0, interval = 0, oldv, oldi;
	int r;

	if (a0 == ITIMER_VIRTUAL || a0 == ITIMER_PROF) {
		memset(ov, 0, sizeof(ov));
		return a2 && copy_to_user((void *)a2, ov, sizeof(ov)) ? -EFAULT : 0;
	}
	if (a0 != ITIMER_REAL)
		return -EINVAL;
	if (a1) {
		if (copy_from_user(nv, (void *)a1, sizeof(nv)))
			return -EFAULT;
		if ((r = get_tv(&nv[0], &interval)) || (r = get_tv(&nv[2], &value)))
			return r;
	}
	itimer_set(value, interval, &oldv, &oldi);
	put_tv(&ov[0], oldi);
	put_tv(&ov[2], oldv);
	return a2 && copy_to_user((void *)a2, ov, sizeof(ov)) ? -EFAULT : 0;
}

SYSCALL_DEFINE(__NR_getitimer, getitimer)
{
	struct signal_struct *sig = current->signal;
	u64 now = ktime_get_ns(), v = 0, i = 0;
	unsigned long flags;
	s64 ov[4];

	if (a0 < ITIMER_REAL || a0 > ITIMER_PROF)
		return -EINVAL;
	if (a0 == ITIMER_REAL) {
		flags = spin_lock_irqsave(&itimer_lock);
		if (sig->it_real_expires)
			v = sig->it_real_expires > now ? sig->it_real_expires - now : 1;
		i = sig->it_real_incr;
		spin_unlock_irqrestore(&itimer_lock, flags);
	}
	put_tv(&ov[0], i);
	put_tv(&ov[2], v);
	return copy_to_user((void *)a1, ov, sizeof(ov)) ? -EFAULT : 0;
}

SYSCALL_DEFINE(__NR_alarm, alarm)
{
	u64 oldv, oldi;

	long secs;

	itimer_set((u64)(unsigned int)a0 * NSEC_PER_SEC, 0, &oldv, &oldi);
	secs = (long)((oldv + NSEC_PER_SEC / 2) / NSEC_PER_SEC);
	return oldv && !secs ? 1 : secs;
}
