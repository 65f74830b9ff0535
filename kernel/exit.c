/*
 * exit.c - the end of threads and processes: exit, exit_group, the
 * zombie state, wait4/waitid, and freeing dead tasks.
 *
 * do_exit() runs in the dying thread: it clears and wakes
 * CLONE_CHILD_CLEARTID, releases a vfork parent, drops its mm, files and
 * fs, then exit_notify() updates the thread group under tasklist_lock.
 * The last thread of a process makes it a zombie, hands its children to
 * init and tells the parent (exit_signal, normally SIGCHLD, and a wake-up
 * of the parent's wait_chldexit).  A process nobody will wait for (no
 * parent, or the parent ignores SIGCHLD) is released at once.  A dead
 * thread other than the leader is released at once; the leader stays as
 * the process's zombie.
 *
 * release_task() frees a task after its last switch (kthread_join).  A
 * task cannot free its own stack, so threads and auto-reaped processes go
 * to the "reaper" kernel thread; wait4 releases the zombies it reaps.
 *
 * The wait status (signal->exit_status) is Linux's: exit code << 8, or the
 * signal number with WCOREFLAG when a core dump would have been written.
 */
#include <fs/fs.h>
#include <fs/proc_fs.h>
#include <kernel/errno.h>
#include <kernel/init.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>
#include <mm/mm.h>
#include <mm/slab.h>

#define P_ALL 0
#define P_PID 1
#define P_PGID 2

static LIST_HEAD(reap_list);
/* task->mm/files/fs change under it (exit here, execve): <fs/proc_fs.h>. */
DEFINE_SPINLOCK(task_res_lock);
static DEFINE_SPINLOCK(reap_lock);
static DECLARE_WAIT_QUEUE_HEAD(reap_wq);

/* ---- freeing ---- */

void release_task(struct task_struct *t)
{
	struct uthread *u = task_uthread(t);
	struct signal_struct *sig = t->signal;
	struct sighand_struct *sh = t->sighand;
	bool leader = thread_group_leader(t);
	unsigned long flags;
	int pid;

	flags = spin_lock_irqsave(&tasklist_lock);
	detach_pid(t);
	list_del(&t->thread_node);
	list_del(&t->sibling);
	pid = t->pid;
	u->released = true;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	free_pid(pid);
	if (leader)
		itimer_exit(sig);
	kthread_join(t); /* waits for its last switch, frees stack, FPU area, task */
	sighand_put(sh);
	sigqueue_flush(&u->sigqueue, ~0ULL, sig); /* nobody can send to it now */
	put_signal_struct(sig);
	kfree(u);
}

static void queue_release(struct task_struct *t)
{
	unsigned long flags = spin_lock_irqsave(&reap_lock);

	list_add_tail(&task_uthread(t)->reap_node, &reap_list);
	spin_unlock_irqrestore(&reap_lock, flags);
	wake_up(&reap_wq);
}

static int reaper_thread(void *arg)
{
	for (;;) {
		struct uthread *u = NULL;
		unsigned long flags;

		wait_event(reap_wq, !list_empty(&reap_list));
		flags = spin_lock_irqsave(&reap_lock);
		if (!list_empty(&reap_list)) {
			u = list_first_entry(&reap_list, struct uthread, reap_node);
			list_del(&u->reap_node);
		}
		spin_unlock_irqrestore(&reap_lock, flags);
		if (u)
			release_task(u->task);
	}
	return 0;
}

static int reaper_init(void) { return kthread_run(reaper_thread, NULL, "reaper") ? 0 : -ENOMEM; }
core_initcall(reaper_init);

/* ---- exit ---- */

static bool ignores_sigchld(struct task_struct *parent)
{
	struct k_sigaction *ka = &parent->sighand->action[SIGCHLD - 1];

	return ka->sa_handler == SIG_IGN || (ka->sa_flags & SA_NOCLDWAIT);
}

/* The status as si_code/si_status of SIGCHLD and waitid. */
static void status_to_info(int status, int *code, int *st)
{
	if ((status & 0x7f) == 0) {
		*code = CLD_EXITED;
		*st = (status >> 8) & 0xff;
	} else {
		*code = (status & WCOREFLAG) ? CLD_DUMPED : CLD_KILLED;
		*st = status & 0x7f;
	}
}

/* Tells the parent of the process p (a zombie now); tasklist_lock held.
 * Returns true when nobody will wait for it. */
static bool notify_parent(struct task_struct *p)
{
	struct task_struct *parent = p->parent;
	struct signal_struct *sig = p->signal;
	struct ksiginfo info;

	if (!parent)
		return true;
	wake_up_all(&parent->signal->wait_chldexit);
	if (p->exit_signal == SIGCHLD && ignores_sigchld(parent))
		return true;
	if (valid_signal(p->exit_signal)) {
		memset(&info, 0, sizeof(info));
		info.signo = p->exit_signal;
		info.pid = p->pid;
		status_to_info(sig->exit_status, &info.code, &info.status);
		info.utime = sig->dead_threads_ns / (NSEC_PER_SEC / HZ); /* all dead now */
		__group_send_sig_info(p->exit_signal, &info, parent);
	}
	return false;
}

/* Gives the children of the process of `leader` to init; tasklist_lock held.
 * Zombie children that nobody will reap go on `orphans` (via reap_node). */
static void reparent_children(struct task_struct *leader, struct list_head *orphans)
{
	struct task_struct *c, *n, *reaper = child_reaper;

	if (reaper == leader)
		reaper = NULL;
	list_for_each_entry_safe(c, n, &leader->children, sibling) {
		list_del(&c->sibling);
		c->parent = reaper;
		c->exit_signal = SIGCHLD;
		if (reaper)
			list_add_tail(&c->sibling, &reaper->children);
		if (c->signal->exit_state == EXIT_ZOMBIE && notify_parent(c)) {
			c->signal->exit_state = EXIT_DEAD;
			list_del(&c->sibling);
			list_add_tail(&task_uthread(c)->reap_node, orphans);
		}
	}
}

static void exit_notify(struct task_struct *t)
{
	struct signal_struct *sig = t->signal;
	struct task_struct *leader = sig->leader, *release[2] = { NULL, NULL };
	bool autoreap = false, init_died = false;
	LIST_HEAD(orphans);
	unsigned long flags;
	int status = 0, nr = 0;

	flags = spin_lock_irqsave(&tasklist_lock);
	sig->nr_threads--;
	sig->dead_threads_ns += t->sum_exec_ns + (ktime_get_ns() - t->last_ran_ns);
	sig->dead_min_flt += t->min_flt;
	sig->dead_maj_flt += t->maj_flt;
	if (sig->nr_threads == 0) {
		status =
			(sig->flags & SIGNAL_GROUP_EXIT) ? sig->group_exit_code : leader->exit_code;
		sig->exit_status = status;
		sig->exit_state = EXIT_ZOMBIE;
		reparent_children(leader, &orphans);
		autoreap = notify_parent(leader);
		if (!leader->parent && leader->pid == INIT_PID) {
			init_died = true;
			child_reaper = NULL;
		}
		if (autoreap) {
			sig->exit_state = EXIT_DEAD;
			list_del(&leader->sibling);
			release[nr++] = leader;
		}
	} else if (sig->group_exec_task && sig->nr_threads == 1) {
		wake_up_process(sig->group_exec_task);
	}
	if (!thread_group_leader(t))
		release[nr++] = t;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	if (init_died)
		init_process_exited(status);
	while (!list_empty(&orphans)) {
		struct uthread *u = list_first_entry(&orphans, struct uthread, reap_node);
		list_del(&u->reap_node);
		queue_release(u->task);
	}
	for (int i = 0; i < nr; i++)
		queue_release(release[i]);
}

__noreturn void do_exit(int status)
{
	struct task_struct *t = current;
	struct mm_struct *mm = t->mm;
	struct files_struct *files;
	struct fs_struct *fs;
	struct completion *vfork;

	if (t->flags & PF_EXITING) {
		printk(KERN_ERR "pid %d (%s): recursive do_exit\n", t->pid, t->comm);
		kthread_exit(status);
	}
	t->flags |= PF_EXITING;
	t->exit_code = status;
	if (t->clear_child_tid && mm && atomic_read(&mm->mm_users) > 1) {
		if (put_user_u32(0, t->clear_child_tid) == 0)
			futex_wake_user((u32 *)t->clear_child_tid, 1);
	}
	t->clear_child_tid = NULL;
	vfork = __atomic_exchange_n(&t->signal->vfork_done, NULL, __ATOMIC_ACQ_REL);
	if (vfork && thread_group_leader(t))
		complete(vfork);
	/* procfs takes references on these under task_res_lock: clear the
	 * pointers under it, drop the references after. */
	spin_lock(&task_res_lock);
	if (mm)
		kthread_unuse_mm(mm);
	files = t->files;
	fs = t->fs;
	t->files = NULL;
	t->fs = NULL;
	spin_unlock(&task_res_lock);
	if (mm)
		mmput(mm);
	if (files)
		put_files(files);
	if (fs)
		put_fs_struct(fs);
	exit_notify(t);
	kthread_exit(status);
}

__noreturn void do_group_exit(int status)
{
	struct task_struct *t = current, *other;
	struct signal_struct *sig = t->signal;
	unsigned long flags;

	flags = spin_lock_irqsave(&tasklist_lock);
	spin_lock(&t->sighand->siglock);
	if (sig->flags & SIGNAL_GROUP_EXIT) {
		status = sig->group_exit_code;
	} else if (sig->group_exec_task && sig->group_exec_task != t) {
		status = W_EXITCODE(0, 0); /* killed by execve in another thread */
	} else {
		sig->flags |= SIGNAL_GROUP_EXIT;
		sig->flags &= ~SIGNAL_STOPPED;
		sig->group_exit_code = status;
		list_for_each_entry(other, &sig->thread_head, thread_node) {
			if (other == t || (other->flags & PF_EXITING))
				continue;
			other->pending |= sigmask(SIGKILL);
			if (READ_ONCE(other->state) == TASK_INTERRUPTIBLE)
				wake_up_process(other);
			else if (other->on_cpu && other->cpu != smp_processor_id())
				smp_send_reschedule(other->cpu);
		}
	}
	spin_unlock(&t->sighand->siglock);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	do_exit(status);
}

SYSCALL_DEFINE(__NR_exit, exit) { do_exit(W_EXITCODE((int)a0, 0)); }
SYSCALL_DEFINE(__NR_exit_group, exit_group) { do_group_exit(W_EXITCODE((int)a0, 0)); }

/* ---- execve's half: one thread left ---- */

int de_thread(void)
{
	struct task_struct *t = current, *leader, *other, *c, *n;
	struct signal_struct *sig = t->signal;
	unsigned long flags;
	int tid;

	flags = spin_lock_irqsave(&tasklist_lock);
	if (sig->nr_threads == 1 && thread_group_leader(t)) {
		spin_unlock_irqrestore(&tasklist_lock, flags);
		return 0;
	}
	spin_lock(&t->sighand->siglock);
	if ((sig->flags & SIGNAL_GROUP_EXIT) || sig->group_exec_task) {
		spin_unlock(&t->sighand->siglock);
		spin_unlock_irqrestore(&tasklist_lock, flags);
		return -EAGAIN;
	}
	sig->group_exec_task = t;
	list_for_each_entry(other, &sig->thread_head, thread_node) {
		if (other == t || (other->flags & PF_EXITING))
			continue;
		other->pending |= sigmask(SIGKILL);
		if (READ_ONCE(other->state) == TASK_INTERRUPTIBLE)
			wake_up_process(other);
		else if (other->on_cpu && other->cpu != smp_processor_id())
			smp_send_reschedule(other->cpu);
	}
	spin_unlock(&t->sighand->siglock);
	while (sig->nr_threads > 1) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		spin_unlock_irqrestore(&tasklist_lock, flags);
		schedule();
		flags = spin_lock_irqsave(&tasklist_lock);
	}
	set_current_state(TASK_RUNNING);
	leader = t->group_leader;
	if (leader != t) {
		/* Take over the leader's identity: its pid, parent and children. */
		detach_pid(leader);
		detach_pid(t);
		tid = t->pid;
		t->pid = leader->pid;
		leader->pid = tid;
		t->tgid = t->pid;
		t->parent = leader->parent;
		t->exit_signal = leader->exit_signal;
		leader->exit_signal = -1;
		list_del(&t->sibling);
		if (leader->parent)
			list_add_tail(&t->sibling, &leader->parent->children);
		list_del(&leader->sibling);
		list_for_each_entry_safe(c, n, &leader->children, sibling) {
			list_del(&c->sibling);
			list_add_tail(&c->sibling, &t->children);
			c->parent = t;
		}
		list_for_each_entry(other, &sig->thread_head, thread_node)
			other->group_leader = t;
		sig->leader = t;
		if (child_reaper == leader)
			child_reaper = t;
		attach_pid(t);
		attach_pid(leader);
	}
	sig->group_exec_task = NULL;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	if (leader != t)
		queue_release(leader);
	return 0;
}

/* ---- wait ---- */

struct wait_opts {
	int type; /* P_ALL, P_PID, P_PGID */
	int id;
	int options;
	/* result */
	int pid, status;
	int code; /* CLD_* */
	u64 cputime_ns;
	struct task_struct *reap;
};

static bool wait_match(struct wait_opts *wo, struct task_struct *c)
{
	bool clone_child = c->exit_signal != SIGCHLD;

	if (wo->type == P_PID && c->pid != wo->id)
		return false;
	if (wo->type == P_PGID && c->signal->pgrp != wo->id)
		return false;
	if (!(wo->options & __WALL) && clone_child != !!(wo->options & __WCLONE))
		return false;
	return true;
}

/* Looks for a child to report; tasklist_lock held.  0: none yet, 1:
 * found (wo filled), -ECHILD: no child matches at all. */
static int wait_scan(struct wait_opts *wo)
{
	struct task_struct *me = current->group_leader, *c;
	bool any = false;

	list_for_each_entry(c, &me->children, sibling) {
		struct signal_struct *cs = c->signal;

		if (!wait_match(wo, c))
			continue;
		any = true;
		if (cs->exit_state == EXIT_ZOMBIE && (wo->options & WEXITED)) {
			wo->pid = c->pid;
			wo->status = cs->exit_status;
			status_to_info(cs->exit_status, &wo->code, &wo->status);
			wo->status = cs->exit_status;
			wo->cputime_ns = cs->dead_threads_ns + cs->children_ns;
			if (!(wo->options & WNOWAIT)) {
				cs->exit_state = EXIT_DEAD;
				list_del(&c->sibling);
				current->signal->children_ns += wo->cputime_ns;
				current->signal->children_min_flt +=
					cs->dead_min_flt + cs->children_min_flt;
				current->signal->children_maj_flt +=
					cs->dead_maj_flt + cs->children_maj_flt;
				wo->reap = c;
			}
			return 1;
		}
		if ((wo->options & WSTOPPED) && (cs->flags & SIGNAL_STOPPED) &&
		    (cs->flags & SIGNAL_STOP_REPORT)) {
			wo->pid = c->pid;
			wo->status = W_STOPCODE(cs->stop_sig);
			wo->code = CLD_STOPPED;
			if (!(wo->options & WNOWAIT))
				cs->flags &= ~SIGNAL_STOP_REPORT;
			return 1;
		}
		if ((wo->options & WCONTINUED) && (cs->flags & SIGNAL_CONT_REPORT)) {
			wo->pid = c->pid;
			wo->status = W_CONTINUED;
			wo->code = CLD_CONTINUED;
			if (!(wo->options & WNOWAIT))
				cs->flags &= ~SIGNAL_CONT_REPORT;
			return 1;
		}
	}
	return any ? 0 : -ECHILD;
}

static long do_wait(struct wait_opts *wo)
{
	struct signal_struct *sig = current->signal;
	DEFINE_WAIT(w);
	unsigned long flags;
	int r;

	for (;;) {
		prepare_to_wait(&sig->wait_chldexit, &w, TASK_INTERRUPTIBLE);
		flags = spin_lock_irqsave(&tasklist_lock);
		r = wait_scan(wo);
		spin_unlock_irqrestore(&tasklist_lock, flags);
		if (r != 0)
			break;
		if (wo->options & WNOHANG)
			break;
		if (signal_pending(current)) {
			r = -ERESTARTSYS;
			break;
		}
		schedule();
	}
	finish_wait(&sig->wait_chldexit, &w);
	if (wo->reap)
		release_task(wo->reap);
	return r;
}

/* struct rusage (144 bytes): two timevals, then 14 longs. */
static int put_rusage(void *uru, u64 cputime_ns)
{
	s64 ru[18];

	if (!uru)
		return 0;
	memset(ru, 0, sizeof(ru));
	ru[0] = (s64)(cputime_ns / NSEC_PER_SEC);
	ru[1] = (s64)(cputime_ns % NSEC_PER_SEC / 1000);
	return copy_to_user(uru, ru, sizeof(ru));
}

SYSCALL_DEFINE(__NR_wait4, wait4)
{
	int pid = (int)a0, options = (int)a2;
	int *ustatus = (int *)a1;
	struct wait_opts wo;
	long r;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
		return -EINVAL;
	memset(&wo, 0, sizeof(wo));
	wo.options = options | WEXITED;
	if (pid == -1) {
		wo.type = P_ALL;
	} else if (pid < -1) {
		wo.type = P_PGID;
		wo.id = -pid;
	} else if (pid == 0) {
		wo.type = P_PGID;
		wo.id = task_pgrp(current);
	} else {
		wo.type = P_PID;
		wo.id = pid;
	}
	r = do_wait(&wo);
	if (r <= 0)
		return r;
	if (ustatus && put_user_u32((u32)wo.status, ustatus))
		return -EFAULT;
	if (put_rusage((void *)a3, wo.cputime_ns))
		return -EFAULT;
	return wo.pid;
}

SYSCALL_DEFINE(__NR_waitid, waitid)
{
	int type = (int)a0, id = (int)a1, options = (int)a3;
	void *infop = (void *)a2;
	struct wait_opts wo;
	s32 info[32];
	long r;

	if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD |
			__WCLONE | __WALL))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	memset(&wo, 0, sizeof(wo));
	wo.options = options;
	switch (type) {
	case P_ALL:
		wo.type = P_ALL;
		break;
	case P_PID:
		if (id <= 0)
			return -EINVAL;
		wo.type = P_PID;
		wo.id = id;
		break;
	case P_PGID:
		if (id < 0)
			return -EINVAL;
		wo.type = P_PGID;
		wo.id = id ? id : task_pgrp(current);
		break;
	default:
		return -EINVAL;
	}
	r = do_wait(&wo);
	if (r < 0)
		return r;
	memset(info, 0, sizeof(info));
	if (r > 0) {
		int st = wo.status;
		if (wo.code == CLD_EXITED || wo.code == CLD_KILLED || wo.code == CLD_DUMPED)
			status_to_info(wo.status, &wo.code, &st);
		else if (wo.code == CLD_STOPPED)
			st = (wo.status >> 8) & 0xff;
		else
			st = SIGCONT;
		info[0] = SIGCHLD; /* si_signo */
		info[2] = wo.code; /* si_code */
		info[4] = wo.pid; /* si_pid */
		info[5] = 0; /* si_uid */
		info[6] = st; /* si_status */
	}
	if (infop && copy_to_user(infop, info, sizeof(info)))
		return -EFAULT;
	if (put_rusage((void *)a4, wo.cputime_ns))
		return -EFAULT;
	return 0;
}
