/*
 * sched.h - tasks and the scheduler (kernel/sched/).
 *
 * Every thread of control is a task_struct: kernel threads now, user
 * threads later.  Each CPU has a run queue (round robin, a time slice of a
 * few ticks); an idle CPU steals work from the busiest other queue.  A task
 * sleeps by setting its state to TASK_UNINTERRUPTIBLE/TASK_INTERRUPTIBLE and
 * calling schedule(); wake_up_process() makes it runnable again and is safe
 * against the wake-before-sleep race: a task's state, on_rq and cpu change
 * only under the lock of the run queue that holds it.
 *
 * Lock order: a run queue lock is innermost (IRQ-safe); two run queue locks
 * are never waited for together (stealing uses trylock).
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <kernel/list.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>

enum task_state {
	TASK_RUNNING = 0,
	TASK_INTERRUPTIBLE = 1,
	TASK_UNINTERRUPTIBLE = 2,
	TASK_DEAD = 16,
};

struct lock_waiter_info;
struct mm_struct;
struct address_space;

struct task_struct {
	/* 0: saved kernel rsp while switched out (context_switch uses it) */
	unsigned long ksp;
	volatile long state;
	int pid;
	int cpu; /* CPU whose run queue holds it (or last ran on) */
	bool on_rq;
	bool on_cpu; /* currently executing: not yet switched away */
	int prio_slice; /* ticks left in its time slice */
	int saved_preempt; /* preempt_count while switched out */
	unsigned long flags;
	char comm[24];
	void *stack; /* base of the kernel stack (KSTACK_SIZE) */
	struct list_head run_list;
	struct list_head all_list;
	u64 sum_exec_ns; /* time on CPU */
	/* page faults from user mode resolved for this thread (getrusage):
	 * major ones needed I/O (filemap_fault sets fault_major for it) */
	unsigned long min_flt, maj_flt;
	bool fault_major;
	u64 last_ran_ns;
	u64 nr_switches;
	int exit_code;
	/* what this task is blocked on, for the deadlock detector */
	void *blocked_on;
	const char *blocked_on_kind;
	u64 blocked_since_ns;
	/* lockdep: the locks held, in order (kernel/locking/lockdep.c) */
	int lockdep_depth;
	struct held_lock held_locks[LOCKDEP_MAX_DEPTH];
	/* set during O_DIRECT: see DESIGN.md section 2 */
	struct address_space *faults_disabled_mapping;
	struct mm_struct *mm;
	/* user processes (kernel/fork.c, exit.c, signal.c; fs/ for files) */
	int tgid; /* thread group (process) id */
	struct task_struct *group_leader;
	struct task_struct *parent;
	struct list_head children; /* of a group leader */
	struct list_head sibling;
	struct list_head thread_node; /* in the group's thread list */
	struct files_struct *files;
	struct fs_struct *fs;
	struct sighand_struct *sighand;
	struct signal_struct *signal;
	u64 blocked; /* signal mask */
	u64 pending; /* signals pending for this thread */
	void *sigaltstack;
	int *clear_child_tid;
	int *set_child_tid;
	int exit_signal;
	struct pt_regs *user_regs; /* saved user registers on entry */
	int (*fn)(void *);
	void *arg;
	int pinned_cpu; /* -1: may run anywhere */
	bool exited; /* switched away for the last time (joinable) */
	u64 fs_base; /* user TLS (arch_prctl) */
	void *fpu_state; /* 512-byte FXSAVE area of a user task, or NULL */
};

/* Called on every switch, before the stack changes: switches address
 * space and per-thread CPU state.  Defined by the architecture code. */
void arch_context_switch(struct task_struct *prev, struct task_struct *next);

#define PF_KTHREAD 0x1
#define PF_IDLE 0x2
#define PF_EXITING 0x4
#define PF_MEMALLOC 0x8 /* reclaiming memory: its allocations never reclaim */

static inline struct task_struct *get_current(void)
{
	struct task_struct *t;
	__asm__ volatile("movq %%gs:24, %0" : "=r"(t));
	return t;
}
#define current get_current()

void sched_init(void);
void sched_init_ap(void);
/* Never returns: this CPU becomes its idle task. */
__noreturn void cpu_idle_loop(void);
void schedule(void);
void yield(void);
bool wake_up_process(struct task_struct *t);
void set_current_state(long state);
/* Called by the timer interrupt. */
void scheduler_tick(void);
/* Called on the way out of an interrupt when it is safe to switch. */
void irq_exit_maybe_resched(void);

/* Creates a kernel thread running fn(arg); it starts at once on some CPU.
 * The thread ends by returning from fn or by kthread_exit(). */
struct task_struct *kthread_run(int (*fn)(void *), void *arg, const char *name);
/* Same but pinned to cpu's run queue (still stealable if not pinned). */
struct task_struct *kthread_run_on(int (*fn)(void *), void *arg, const char *name, int cpu);
__noreturn void kthread_exit(int code);
/* Waits for a kernel thread to end and frees it; returns its exit code. */
int kthread_join(struct task_struct *t);

/* Sleeps for at least ns nanoseconds. */
void msleep(u64 ms);
void nsleep(u64 ns);
/* Deadline-based sleep used by wait queues with timeouts: returns ns left. */
u64 schedule_timeout(u64 ns);

/* Iterates all tasks (for the deadlock detector); takes tasklist_lock. */
void for_each_task(void (*fn)(struct task_struct *t, void *arg), void *arg);
int sched_nr_running(int cpu);
extern u64 sched_steals;

#endif
