/*
 * pid.c - user process ids: allocation, the tid hash and the list of
 * processes.
 *
 * Ids run from 1 to PID_MAX-1 and are handed out in increasing order,
 * wrapping around, so a freed id is not reused soon.  An id is busy while a
 * task has it as its thread id (bitmap) or a live process still uses it as
 * a process-group or session id.  Kernel threads keep the scheduler's own
 * numbering in task->pid; only user tasks are in this hash.
 *
 * Locking: everything here is under tasklist_lock (IRQ-safe), which the
 * callers hold except for alloc_pid() and free_pid().
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/string.h>

#define PID_HASH_SIZE 256

DEFINE_SPINLOCK(tasklist_lock);
struct task_struct *child_reaper;

static unsigned long pid_bitmap[PID_MAX / 64];
static int last_pid;
static unsigned long nr_pids_allocated; /* "processes" in /proc/stat */
static struct list_head pid_hash[PID_HASH_SIZE];
static LIST_HEAD(process_list);
static bool pid_hash_ready;

static void pid_hash_init(void)
{
	for (int i = 0; i < PID_HASH_SIZE; i++)
		INIT_LIST_HEAD(&pid_hash[i]);
	pid_hash_ready = true;
}

static bool pid_bit(int pid) { return pid_bitmap[pid / 64] & (1UL << (pid % 64)); }

static bool used_as_group(int pid)
{
	struct uthread *u;

	list_for_each_entry(u, &process_list, proc_node) {
		struct signal_struct *sig = u->task->signal;
		if (sig->pgrp == pid || sig->session == pid)
			return true;
	}
	return false;
}

int alloc_pid(void)
{
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);
	int pid = last_pid;

	if (!pid_hash_ready)
		pid_hash_init();
	for (int n = 0; n < PID_MAX - 1; n++) {
		if (++pid >= PID_MAX)
			pid = 1;
		if (!pid_bit(pid) && !used_as_group(pid)) {
			pid_bitmap[pid / 64] |= 1UL << (pid % 64);
			last_pid = pid;
			nr_pids_allocated++;
			spin_unlock_irqrestore(&tasklist_lock, flags);
			return pid;
		}
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return -EAGAIN;
}

void free_pid(int pid)
{
	unsigned long flags;

	if (pid <= 0 || pid >= PID_MAX)
		return;
	flags = spin_lock_irqsave(&tasklist_lock);
	pid_bitmap[pid / 64] &= ~(1UL << (pid % 64));
	spin_unlock_irqrestore(&tasklist_lock, flags);
}

void attach_pid(struct task_struct *t)
{
	struct uthread *u = task_uthread(t);

	if (!pid_hash_ready)
		pid_hash_init();
	list_add_tail(&u->pid_node, &pid_hash[t->pid % PID_HASH_SIZE]);
	if (thread_group_leader(t))
		list_add_tail(&u->proc_node, &process_list);
}

void detach_pid(struct task_struct *t)
{
	struct uthread *u = task_uthread(t);

	list_del(&u->pid_node);
	INIT_LIST_HEAD(&u->pid_node);
	if (!list_empty(&u->proc_node)) {
		list_del(&u->proc_node);
		INIT_LIST_HEAD(&u->proc_node);
	}
}

struct task_struct *find_task_by_pid(int tid)
{
	struct uthread *u;

	if (tid <= 0 || !pid_hash_ready)
		return NULL;
	list_for_each_entry(u, &pid_hash[tid % PID_HASH_SIZE], pid_node)
		if (u->task->pid == tid)
			return u->task;
	return NULL;
}

struct task_struct *find_process_by_pid(int pid)
{
	struct task_struct *t = find_task_by_pid(pid);

	return t ? t->group_leader : NULL;
}

int for_each_process(int (*fn)(struct task_struct *leader, void *arg), void *arg)
{
	struct uthread *u, *n;
	int r;

	list_for_each_entry_safe(u, n, &process_list, proc_node)
		if ((r = fn(u->task, arg)) != 0)
			return r;
	return 0;
}

int pid_last_allocated(void) { return READ_ONCE(last_pid); }
unsigned long pid_nr_allocated(void) { return READ_ONCE(nr_pids_allocated); }

int task_pgrp(struct task_struct *t) { return READ_ONCE(t->signal->pgrp); }
int task_session(struct task_struct *t) { return READ_ONCE(t->signal->session); }
