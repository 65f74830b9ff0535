/*
 * uptime.c - /proc/uptime: seconds since boot and the sum of the CPUs'
 * idle time (their idle tasks' CPU time), both with two decimals.
 * Locks: none (racy reads of per-CPU counters are fine for a report).
 */
#include "internal.h"
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/time.h>

u64 proc_cpu_idle_ns(int cpu)
{
	struct task_struct *idle = READ_ONCE(cpus[cpu].idle);
	u64 ns, last;

	if (!idle)
		return 0;
	ns = READ_ONCE(idle->sum_exec_ns);
	last = READ_ONCE(idle->last_ran_ns);
	if (READ_ONCE(cpus[cpu].curr) == idle && ktime_get_ns() > last)
		ns += ktime_get_ns() - last; /* idling now */
	return ns;
}

int proc_uptime_show(struct proc_buf *m, struct proc_inode *pi)
{
	u64 up = ktime_get_ns() / 10000000ULL, idle = 0; /* hundredths */

	for (int c = 0; c < nr_cpus_online; c++)
		idle += proc_cpu_idle_ns(c);
	idle /= 10000000ULL;
	proc_printf(m, "%llu.%02llu %llu.%02llu\n", (unsigned long long)(up / 100),
		    (unsigned long long)(up % 100), (unsigned long long)(idle / 100),
		    (unsigned long long)(idle % 100));
	return 0;
}
