/*
 * timer.c - sleeping with a deadline.
 *
 * Pending sleeps sit on one list sorted by deadline, under timer_lock
 * (IRQ-safe).  Every CPU's tick calls timers_run(), which wakes the tasks
 * whose deadline passed; the first check is lock-free so idle ticks cost
 * one read.  Resolution is one tick (1/HZ).
 */
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/time.h>

struct sleeper {
	u64 deadline;
	struct task_struct *task;
	struct list_head node;
};

static LIST_HEAD(timer_list);
static DEFINE_SPINLOCK(timer_lock);
static volatile u64 next_deadline = ~0ULL;

void timers_run(void)
{
	u64 now = ktime_get_ns();
	unsigned long flags;

	if (now < READ_ONCE(next_deadline))
		return;
	flags = spin_lock_irqsave(&timer_lock);
	while (!list_empty(&timer_list)) {
		struct sleeper *s = list_first_entry(&timer_list, struct sleeper, node);
		if (s->deadline > now)
			break;
		list_del(&s->node);
		wake_up_process(s->task);
	}
	next_deadline = list_empty(&timer_list) ?
				~0ULL :
				list_first_entry(&timer_list, struct sleeper, node)->deadline;
	spin_unlock_irqrestore(&timer_lock, flags);
}

/* The caller has set its state; sleeps until woken or ns passed. */
u64 schedule_timeout(u64 ns)
{
	struct sleeper s, *pos;
	unsigned long flags;
	u64 now = ktime_get_ns();

	s.deadline = now + ns;
	s.task = current;
	flags = spin_lock_irqsave(&timer_lock);
	list_for_each_entry(pos, &timer_list, node)
		if (pos->deadline > s.deadline)
			break;
	list_add_tail(&s.node, &pos->node); /* before pos: keeps the list sorted */
	if (s.deadline < next_deadline)
		next_deadline = s.deadline;
	spin_unlock_irqrestore(&timer_lock, flags);

	schedule();

	flags = spin_lock_irqsave(&timer_lock);
	if (!list_empty(&s.node))
		list_del(&s.node);
	spin_unlock_irqrestore(&timer_lock, flags);
	now = ktime_get_ns();
	return now >= s.deadline ? 0 : s.deadline - now;
}

void nsleep(u64 ns)
{
	u64 end = ktime_get_ns() + ns, now;

	while ((now = ktime_get_ns()) < end) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		schedule_timeout(end - now);
	}
	set_current_state(TASK_RUNNING);
}

void msleep(u64 ms) { nsleep(ms * NSEC_PER_MSEC); }
