/*
 * stat.c - /proc/stat: per-CPU time in USER_HZ ticks, boot time and
 * process counts.  Only busy and idle time are known: a CPU's busy time
 * (uptime minus its idle task's time) is reported as "user", the other
 * columns are 0.
 * Locks: none of its own (see loadavg.c for the counts).
 */
#include "internal.h"
#include <kernel/proc.h>
#include <kernel/smp.h>
#include <kernel/string.h>
#include <kernel/time.h>

#define NS_PER_TICK 10000000ULL /* USER_HZ 100 */

static void cpu_line(struct proc_buf *m, const char *name, u64 busy, u64 idle)
{
	proc_printf(m, "%s %llu 0 0 %llu 0 0 0 0 0 0\n", name,
		    (unsigned long long)(busy / NS_PER_TICK),
		    (unsigned long long)(idle / NS_PER_TICK));
}

int proc_stat_show(struct proc_buf *m, struct proc_inode *pi)
{
	u64 now = ktime_get_ns(), busy_all = 0, idle_all = 0;
	u64 idle[MAX_CPUS];
	u64 intr = 0, ctxt = 0;

	for (int c = 0; c < nr_cpus_online; c++) {
		idle[c] = proc_cpu_idle_ns(c);
		if (idle[c] > now)
			idle[c] = now;
		idle_all += idle[c];
		busy_all += now - idle[c];
		intr += READ_ONCE(cpus[c].irq_count);
	}
	cpu_line(m, "cpu ", busy_all, idle_all);
	for (int c = 0; c < nr_cpus_online; c++) {
		char name[16];
		snprintf(name, sizeof(name), "cpu%d", c);
		cpu_line(m, name, now - idle[c], idle[c]);
	}
	proc_printf(m,
		    "intr %llu\nctxt %llu\nbtime %llu\nprocesses %lu\nprocs_running %d\n"
		    "procs_blocked 0\n",
		    (unsigned long long)intr, (unsigned long long)ctxt,
		    (unsigned long long)((ktime_get_real_ns() - now) / 1000000000ULL),
		    pid_nr_allocated(), proc_nr_running());
	return 0;
}
