/*
 * core.c - the scheduler: per-CPU run queues, switching, waking.
 *
 * Policy: round robin with a time slice of SLICE_TICKS timer ticks.  Each
 * CPU has its own queue of runnable tasks (the running task is not on the
 * list).  A CPU whose queue is empty steals the oldest-queued task from
 * another CPU (trylock only, so two queue locks are never waited for at
 * once).  A woken task goes to its last CPU if that CPU idles, else to an
 * idle CPU if there is one, else back to its last CPU.
 *
 * Locking: a task's state, on_rq, on_cpu and cpu fields change under the
 * lock of the run queue that holds it (IRQ-safe).  That lock is held across
 * the stack switch and released by the next task (finish_task_switch), so a
 * waker that holds it can never see a task half switched out.
 *
 * Preemption: the timer sets need_resched; the switch happens on the way
 * out of the interrupt or at the next preempt_enable().  A preempted task
 * stays on the run queue whatever its state (it may have been preempted
 * between setting TASK_UNINTERRUPTIBLE and calling schedule()).
 */
#include <kernel/atomic.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <mm/page.h>
#include <mm/slab.h>
#include <x86/asm.h>
#include <x86/layout.h>

#define SLICE_TICKS 3
#define BALANCE_TICKS 10

struct runqueue {
	spinlock_t lock;
	struct list_head queue;
	int nr_queued;
	int cpu;
};

static struct runqueue runqueues[MAX_CPUS];
static DEFINE_SPINLOCK(tasklist_lock);
static LIST_HEAD(all_tasks);
static atomic_t next_pid = ATOMIC_INIT(1);
static DECLARE_WAIT_QUEUE_HEAD(task_exit_wq);
static struct task_struct idle_tasks[MAX_CPUS];
u64 sched_steals;

extern char bsp_stack[];
struct task_struct *__switch_to(struct task_struct *prev, struct task_struct *next);
extern char ret_from_kthread[];
void timers_run(void);

static struct runqueue *this_rq(void) { return &runqueues[smp_processor_id()]; }

static void enqueue(struct runqueue *rq, struct task_struct *t)
{
	list_add_tail(&t->run_list, &rq->queue);
	rq->nr_queued++;
	t->on_rq = true;
	t->cpu = rq->cpu;
}

static void dequeue(struct runqueue *rq, struct task_struct *t)
{
	list_del(&t->run_list);
	rq->nr_queued--;
}

int sched_nr_running(int cpu) { return READ_ONCE(runqueues[cpu].nr_queued); }

static void init_idle(int cpu, void *stack)
{
	struct task_struct *idle = &idle_tasks[cpu];

	memset(idle, 0, sizeof(*idle));
	idle->pid = 0;
	idle->cpu = cpu;
	idle->pinned_cpu = cpu;
	idle->flags = PF_KTHREAD | PF_IDLE;
	idle->on_cpu = true;
	idle->stack = stack;
	snprintf(idle->comm, sizeof(idle->comm), "idle/%d", cpu);
	INIT_LIST_HEAD(&idle->run_list);
	cpus[cpu].idle = idle;
	cpus[cpu].curr = idle;
	cpus[cpu].rq = &runqueues[cpu];
}

void sched_init(void)
{
	for (int i = 0; i < MAX_CPUS; i++) {
		spin_lock_init(&runqueues[i].lock);
		INIT_LIST_HEAD(&runqueues[i].queue);
		runqueues[i].cpu = i;
	}
	init_idle(0, bsp_stack);
}

void sched_init_ap(void)
{
	int cpu = smp_processor_id();
	/* The AP's boot stack becomes its idle stack. */
	init_idle(cpu, (void *)ALIGN_DOWN((unsigned long)__builtin_frame_address(0), KSTACK_SIZE));
}

/* Takes a task from another CPU's queue.  Caller holds its own rq lock. */
static struct task_struct *steal_task(struct runqueue *rq)
{
	int me = rq->cpu;

	for (int i = 1; i < nr_cpus_online; i++) {
		struct runqueue *other = &runqueues[(me + i) % nr_cpus_online];
		struct task_struct *t;

		if (READ_ONCE(other->nr_queued) == 0 || !spin_trylock(&other->lock))
			continue;
		list_for_each_entry(t, &other->queue, run_list) {
			if (t->pinned_cpu >= 0)
				continue;
			dequeue(other, t);
			t->cpu = me;
			spin_unlock(&other->lock);
			sched_steals++;
			return t;
		}
		spin_unlock(&other->lock);
	}
	return NULL;
}

static bool steal_possible(void)
{
	int me = smp_processor_id();

	for (int i = 0; i < nr_cpus_online; i++)
		if (i != me && READ_ONCE(runqueues[i].nr_queued) > 0)
			return true;
	return false;
}

/* Runs in the context of the task switched to, with the rq lock held. */
static void finish_task_switch(struct task_struct *prev)
{
	struct runqueue *rq = this_rq();
	bool dead = prev->state == TASK_DEAD;

	WRITE_ONCE(prev->on_cpu, false);
	spin_unlock(&rq->lock);
	if (dead) {
		WRITE_ONCE(prev->exited, true);
		wake_up_all(&task_exit_wq);
	}
}

/* First thing a new task runs (from ret_from_kthread). */
void schedule_tail(struct task_struct *prev)
{
	finish_task_switch(prev);
	local_irq_enable();
}

static void __schedule(bool preempt)
{
	struct runqueue *rq;
	struct task_struct *prev = current, *next;
	unsigned long flags;
	struct cpu *c;
	u64 now;

	if (unlikely(preempt_count() != (preempt ? 1 : 0)))
		panic("scheduling while atomic: %s (preempt_count %d)", prev->comm,
		      preempt_count());
	flags = local_irq_save();
	rq = this_rq();
	spin_lock(&rq->lock);
	c = this_cpu();
	c->need_resched = false;

	if (!(prev->flags & PF_IDLE)) {
		if (prev->state == TASK_RUNNING || (preempt && prev->state != TASK_DEAD))
			enqueue(rq, prev);
		else
			prev->on_rq = false;
	}
	if (!list_empty(&rq->queue)) {
		next = list_first_entry(&rq->queue, struct task_struct, run_list);
		dequeue(rq, next);
	} else if (!(next = steal_task(rq))) {
		next = c->idle;
	}
	if (next == prev) {
		spin_unlock(&rq->lock);
		local_irq_restore(flags);
		return;
	}
	now = ktime_get_ns();
	prev->sum_exec_ns += now - prev->last_ran_ns;
	next->last_ran_ns = now;
	next->prio_slice = SLICE_TICKS;
	next->nr_switches++;
	next->on_cpu = true;
	next->cpu = rq->cpu;
	c->curr = next;
	c->kstack_top = (unsigned long)next->stack + KSTACK_SIZE;
	arch_context_switch(prev, next);
	/* preempt_count belongs to the task: save prev's, restore next's. */
	prev->saved_preempt = c->preempt_count;
	c->preempt_count = next->saved_preempt;
	prev = __switch_to(prev, next);
	finish_task_switch(prev);
	local_irq_restore(flags);
}

void schedule(void) { __schedule(false); }

void preempt_schedule(void)
{
	if (irqs_disabled())
		return;
	preempt_disable();
	__schedule(true);
	preempt_enable_no_resched();
}

void irq_exit_maybe_resched(void)
{
	struct cpu *c = this_cpu();

	if (c->need_resched && preempt_count() == 0 && c->irq_depth == 0 && c->curr) {
		preempt_disable();
		__schedule(true);
		preempt_enable_no_resched();
	}
}

bool in_atomic_context(void) { return preempt_count() != 0 || irqs_disabled(); }

void yield(void) { schedule(); }

void set_current_state(long state)
{
	WRITE_ONCE(current->state, state);
	smp_mb();
}

static int pick_target_cpu(struct task_struct *t)
{
	if (t->pinned_cpu >= 0)
		return t->pinned_cpu;
	if (cpus[t->cpu].curr == cpus[t->cpu].idle)
		return t->cpu;
	for (int i = 0; i < nr_cpus_online; i++)
		if (cpus[i].online && cpus[i].curr == cpus[i].idle &&
		    READ_ONCE(runqueues[i].nr_queued) == 0)
			return i;
	return t->cpu;
}

bool wake_up_process(struct task_struct *t)
{
	unsigned long flags = local_irq_save();
	struct runqueue *rq;
	int target, me;

	for (;;) {
		rq = &runqueues[READ_ONCE(t->cpu)];
		spin_lock(&rq->lock);
		if (t->cpu == rq->cpu)
			break;
		spin_unlock(&rq->lock);
	}
	if (t->state == TASK_RUNNING || t->state == TASK_DEAD) {
		spin_unlock(&rq->lock);
		local_irq_restore(flags);
		return false;
	}
	WRITE_ONCE(t->state, TASK_RUNNING);
	if (t->on_rq) { /* has not switched away yet: it will keep running */
		spin_unlock(&rq->lock);
		local_irq_restore(flags);
		return true;
	}
	target = pick_target_cpu(t);
	if (target != rq->cpu) {
		spin_unlock(&rq->lock);
		rq = &runqueues[target];
		spin_lock(&rq->lock);
	}
	enqueue(rq, t);
	spin_unlock(&rq->lock);
	me = smp_processor_id();
	if (target == me) {
		this_cpu()->need_resched = true;
	} else if (cpus[target].curr == cpus[target].idle ||
		   READ_ONCE(cpus[target].curr->prio_slice) < SLICE_TICKS) {
		/* Idle, or its task already used part of its slice: let the
		 * woken task (often a lock's new owner) in now, not at the
		 * end of the slice. */
		cpus[target].need_resched = true;
		smp_send_reschedule(target);
	}
	local_irq_restore(flags);
	return true;
}

/* A CPU's load: queued tasks plus the one running (if not idle). */
static int cpu_load(int cpu)
{
	return READ_ONCE(runqueues[cpu].nr_queued) + !(READ_ONCE(cpus[cpu].curr)->flags & PF_IDLE);
}

/* Periodic balancing from the tick: when some CPU has at least two more
 * tasks than this one, pull one queued task over.  Only trylocks, so it
 * may run with interrupts off and never waits for a second queue lock. */
static void balance_tick(struct cpu *c)
{
	int me = c->id, busiest = -1, max_load, my_load;
	struct runqueue *src, *dst = &runqueues[me];
	struct task_struct *t;

	if (nr_cpus_online < 2 || c->ticks % BALANCE_TICKS != (u64)me % BALANCE_TICKS)
		return;
	my_load = cpu_load(me);
	max_load = my_load + 1;
	for (int i = 0; i < nr_cpus_online; i++) {
		int l = i == me || !cpus[i].curr ? 0 : cpu_load(i);
		if (l > max_load) {
			max_load = l;
			busiest = i;
		}
	}
	if (busiest < 0)
		return;
	src = &runqueues[busiest];
	if (!spin_trylock(&src->lock))
		return;
	list_for_each_entry(t, &src->queue, run_list) {
		if (t->pinned_cpu >= 0)
			continue;
		if (!spin_trylock(&dst->lock))
			break;
		dequeue(src, t);
		enqueue(dst, t);
		spin_unlock(&dst->lock);
		c->need_resched = true;
		sched_steals++;
		break;
	}
	spin_unlock(&src->lock);
}

void scheduler_tick(void)
{
	struct cpu *c = this_cpu();
	struct task_struct *t = c->curr;

	timers_run();
	if (!t)
		return;
	balance_tick(c);
	if (t->flags & PF_IDLE) {
		if (READ_ONCE(this_rq()->nr_queued) || steal_possible())
			c->need_resched = true;
		return;
	}
	if (--t->prio_slice <= 0) {
		t->prio_slice = SLICE_TICKS;
		if (READ_ONCE(this_rq()->nr_queued))
			c->need_resched = true;
	}
}

__noreturn void cpu_idle_loop(void)
{
	for (;;) {
		local_irq_disable();
		if (this_cpu()->need_resched || READ_ONCE(this_rq()->nr_queued) ||
		    steal_possible()) {
			local_irq_enable();
			schedule();
			continue;
		}
		__asm__ volatile("sti; hlt" ::: "memory");
	}
}

/* ---- kernel threads ---- */

void kthread_main(void)
{
	struct task_struct *t = current;

	kthread_exit(t->fn(t->arg));
}

static struct task_struct *kthread_create(int (*fn)(void *), void *arg, const char *name,
					  int pinned)
{
	struct task_struct *t = kzalloc(sizeof(*t), 0);
	struct page *stack;
	unsigned long *sp;
	unsigned long flags;

	if (!t)
		return NULL;
	stack = alloc_pages(0, 2); /* KSTACK_SIZE = 16 KiB */
	if (!stack) {
		kfree(t);
		return NULL;
	}
	t->stack = page_address(stack);
	t->pid = atomic_inc_return(&next_pid);
	t->fn = fn;
	t->arg = arg;
	t->flags = PF_KTHREAD;
	t->pinned_cpu = pinned;
	t->state = TASK_RUNNING;
	strlcpy(t->comm, name, sizeof(t->comm));
	INIT_LIST_HEAD(&t->run_list);
	/* Initial frame popped by __switch_to: six registers, then the
	 * return address ret_from_kthread. */
	sp = (unsigned long *)((char *)t->stack + KSTACK_SIZE);
	*--sp = (unsigned long)ret_from_kthread;
	for (int i = 0; i < 6; i++)
		*--sp = 0;
	t->ksp = (unsigned long)sp;
	t->saved_preempt = 1; /* it starts holding the run queue lock */
	t->cpu = pinned >= 0 ? pinned : smp_processor_id();
	flags = spin_lock_irqsave(&tasklist_lock);
	list_add_tail(&t->all_list, &all_tasks);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return t;
}

static void start_task(struct task_struct *t)
{
	/* A new task is "asleep" until its first wake-up places it. */
	t->state = TASK_UNINTERRUPTIBLE;
	wake_up_process(t);
}

/* For user tasks (kernel/fork.c): a kernel thread that is not started yet,
 * with `reserve` bytes kept free at the top of its stack for the user
 * register frame.  wake_up_new_task() starts it. */
struct task_struct *task_create(int (*fn)(void *), void *arg, const char *name, size_t reserve)
{
	struct task_struct *t = kthread_create(fn, arg, name, -1);
	unsigned long *sp;

	if (!t)
		return NULL;
	sp = (unsigned long *)((char *)t->stack + KSTACK_SIZE - ALIGN_UP(reserve, 16));
	*--sp = (unsigned long)ret_from_kthread;
	for (int i = 0; i < 6; i++)
		*--sp = 0;
	t->ksp = (unsigned long)sp;
	return t;
}

void wake_up_new_task(struct task_struct *t) { start_task(t); }

struct task_struct *kthread_run(int (*fn)(void *), void *arg, const char *name)
{
	struct task_struct *t = kthread_create(fn, arg, name, -1);

	if (t)
		start_task(t);
	return t;
}

struct task_struct *kthread_run_on(int (*fn)(void *), void *arg, const char *name, int cpu)
{
	struct task_struct *t = kthread_create(fn, arg, name, cpu);

	if (t)
		start_task(t);
	return t;
}

__noreturn void kthread_exit(int code)
{
	current->exit_code = code;
	local_irq_disable(); /* no preemption between DEAD and the switch */
	WRITE_ONCE(current->state, TASK_DEAD);
	__schedule(false);
	panic("dead task %s ran again", current->comm);
}

int kthread_join(struct task_struct *t)
{
	int code;
	unsigned long flags;

	wait_event(task_exit_wq, READ_ONCE(t->exited));
	code = t->exit_code;
	flags = spin_lock_irqsave(&tasklist_lock);
	list_del(&t->all_list);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	__free_pages(virt_to_page(t->stack), 2);
	kfree(t->fpu_state);
	kfree(t);
	return code;
}

void for_each_task(void (*fn)(struct task_struct *t, void *arg), void *arg)
{
	struct task_struct *t;
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);

	list_for_each_entry(t, &all_tasks, all_list)
		fn(t, arg);
	spin_unlock_irqrestore(&tasklist_lock, flags);
}
