/*
 * loadavg.c - /proc/loadavg: "0.00 0.00 0.00 running/total last-pid".  The
 * kernel keeps no load averages (they are 0.00); running counts the tasks
 * on the run queues, total the user processes, last-pid is the id most
 * recently handed out.
 * Locks: tasklist_lock to count the processes.
 */
#include "internal.h"
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/smp.h>

static int count_one(struct task_struct *leader, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

int proc_nr_processes(void)
{
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);
	int n = 0;

	for_each_process(count_one, &n);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return n;
}

int proc_nr_running(void)
{
	int n = 0;

	for (int c = 0; c < nr_cpus_online; c++)
		n += sched_nr_running(c);
	return n ? n : 1; /* the reader itself runs */
}

int proc_loadavg_show(struct proc_buf *m, struct proc_inode *pi)
{
	proc_printf(m, "0.00 0.00 0.00 %d/%d %d\n", proc_nr_running(), proc_nr_processes(),
		    pid_last_allocated());
	return 0;
}
