/*
 * fork.c - creating user tasks: fork, vfork and clone (processes and
 * threads), and the first user task's skeleton (proc_init_task).
 *
 * do_fork() allocates everything the child needs first (uthread, FPU area,
 * mm, files, fs, sighand, signal_struct, pid, the task itself), so a
 * failure frees a plain list of objects and never a half-linked task.
 * Then, under tasklist_lock, the child enters the pid hash, its thread
 * group and its parent's children, and is woken.  It starts in
 * fork_child_start(), which writes CLONE_CHILD_SETTID and goes to user mode
 * through ret_to_user() with a copy of the parent's registers (rax = 0).
 *
 * Sharing: CLONE_VM, CLONE_FILES, CLONE_FS and CLONE_SIGHAND take a
 * reference on the parent's object, otherwise it is copied (the mm copy is
 * copy-on-write, see <mm/mm.h>).  CLONE_THREAD joins the parent's thread
 * group (same signal_struct, tgid and parent process).  CLONE_VFORK makes
 * the parent wait until the child execs or exits.
 */
#include <fs/fs.h>
#include <kernel/errno.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include <x86/asm.h>

#define FPU_STATE_SIZE 512

/* Namespace and other flags this kernel does not implement. */
#define CLONE_UNSUPPORTED                                                               \
	(CLONE_NEWNS | 0x02000000 /* NEWCGROUP */ | 0x04000000 /* NEWUTS */ |           \
	 0x08000000 /* NEWIPC */ | 0x10000000 /* NEWUSER */ | 0x20000000 /* NEWPID */ | \
	 0x40000000 /* NEWNET */ | CLONE_PIDFD)

void fpu_init_state(void *fx)
{
	memset(fx, 0, FPU_STATE_SIZE);
	*(u16 *)fx = 0x37f; /* FCW: all exceptions masked, 64-bit precision */
	*(u32 *)((char *)fx + 24) = 0x1f80; /* MXCSR: all exceptions masked */
}

static struct uthread *uthread_alloc(void)
{
	struct uthread *u = kzalloc(sizeof(*u), 0);

	if (!u)
		return NULL;
	INIT_LIST_HEAD(&u->pid_node);
	INIT_LIST_HEAD(&u->proc_node);
	INIT_LIST_HEAD(&u->reap_node);
	INIT_LIST_HEAD(&u->sigqueue);
	u->altstack.ss_flags = SS_DISABLE;
	return u;
}

static struct signal_struct *signal_alloc(const struct signal_struct *parent)
{
	struct signal_struct *sig = kzalloc(sizeof(*sig), 0);

	if (!sig)
		return NULL;
	atomic_set(&sig->count, 0);
	INIT_LIST_HEAD(&sig->thread_head);
	INIT_LIST_HEAD(&sig->shared_queue);
	INIT_LIST_HEAD(&sig->itimer_node);
	init_waitqueue_head(&sig->wait_chldexit);
	sig->start_ns = ktime_get_ns();
	if (parent) {
		memcpy(sig->rlim, parent->rlim, sizeof(sig->rlim));
		sig->pgrp = parent->pgrp;
		sig->session = parent->session;
	} else {
		rlimit_init_defaults(sig->rlim);
	}
	return sig;
}

void put_signal_struct(struct signal_struct *sig)
{
	if (sig && atomic_dec_and_test(&sig->count)) {
		sigqueue_flush(&sig->shared_queue, ~0ULL, sig);
		if (sig->exe_file)
			fput(sig->exe_file);
		kfree(sig);
	}
}

/* Links a new task into the tables; tasklist_lock held. */
static void link_task(struct task_struct *p, struct task_struct *parent, bool thread)
{
	struct signal_struct *sig = p->signal;

	INIT_LIST_HEAD(&p->children);
	INIT_LIST_HEAD(&p->sibling);
	p->parent = parent;
	atomic_inc(&sig->count);
	if (!thread) {
		sig->leader = p;
		if (parent)
			list_add_tail(&p->sibling, &parent->children);
	}
	list_add_tail(&p->thread_node, &sig->thread_head);
	sig->nr_threads++;
	attach_pid(p);
	if (sig->flags & SIGNAL_GROUP_EXIT) /* born into a dying process */
		p->pending |= sigmask(SIGKILL);
}

int proc_init_task(struct task_struct *p, struct task_struct *parent)
{
	struct uthread *u = uthread_alloc();
	struct signal_struct *sig = signal_alloc(parent ? parent->signal : NULL);
	struct sighand_struct *sh = sighand_alloc();
	void *fpu = kmalloc(FPU_STATE_SIZE, 0);
	int pid = alloc_pid();
	unsigned long flags;

	if (!u || !sig || !sh || !fpu || pid < 0) {
		kfree(u);
		kfree(sig);
		if (sh)
			sighand_put(sh);
		kfree(fpu);
		if (pid > 0)
			free_pid(pid);
		return pid < 0 ? pid : -ENOMEM;
	}
	fpu_init_state(fpu);
	u->task = p;
	p->sigaltstack = u;
	p->fpu_state = fpu;
	p->flags &= ~PF_KTHREAD;
	p->pid = p->tgid = pid;
	p->group_leader = p;
	p->exit_signal = SIGCHLD;
	p->signal = sig;
	p->sighand = sh;
	p->blocked = 0;
	p->pending = 0;
	p->fs_base = 0;
	p->user_regs = task_pt_regs(p);
	if (!parent)
		sig->pgrp = sig->session = pid;
	flags = spin_lock_irqsave(&tasklist_lock);
	link_task(p, parent, false);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return 0;
}

static int fork_child_start(void *arg)
{
	struct task_struct *t = current;

	if (t->set_child_tid)
		put_user_u32((u32)t->pid, t->set_child_tid);
	ret_to_user(task_pt_regs(t));
}

static struct fs_struct *share_fs(struct fs_struct *fs)
{
	spin_lock(&fs->lock);
	fs->users++;
	spin_unlock(&fs->lock);
	return fs;
}

long do_fork(unsigned long flags, unsigned long newsp, int *ptid, int *ctid, unsigned long tls,
	     struct pt_regs *regs)
{
	struct task_struct *cur = current, *p = NULL, *parent;
	struct uthread *u = NULL;
	void *fpu = NULL;
	struct mm_struct *mm = NULL;
	struct files_struct *files = NULL;
	struct fs_struct *fs = NULL;
	struct sighand_struct *sh = NULL;
	struct signal_struct *sig = NULL;
	struct completion vfork;
	bool thread = flags & CLONE_THREAD;
	unsigned long irqf;
	int pid = -1;
	long err = -ENOMEM;

	if (flags & CLONE_UNSUPPORTED)
		return -EINVAL;
	if ((thread && !(flags & CLONE_SIGHAND)) ||
	    ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM)))
		return -EINVAL;
	if ((flags & CLONE_PARENT) && cur->tgid == INIT_PID) /* no siblings of init */
		return -EINVAL;
	if ((flags & CLONE_SETTLS) && tls >= TASK_SIZE)
		return -EPERM; /* a non-canonical FS base would fault in the switch */
	if (fatal_signal_pending(cur))
		return -ERESTARTNOINTR;

	if (!(u = uthread_alloc()) || !(fpu = kmalloc(FPU_STATE_SIZE, 0)))
		goto fail;
	if (flags & CLONE_VM) {
		mm = cur->mm;
		mmget(mm);
	} else if (!(mm = dup_mm(cur->mm))) {
		goto fail;
	}
	if (flags & CLONE_FILES) {
		files = cur->files;
		atomic_inc(&files->count);
	} else if (!(files = dup_files(cur->files))) {
		goto fail;
	}
	if (flags & CLONE_FS)
		fs = share_fs(cur->fs);
	else if (!(fs = copy_fs_struct(cur->fs)))
		goto fail;
	if (flags & CLONE_SIGHAND) {
		sh = cur->sighand;
		atomic_inc(&sh->count);
	} else if (!(sh = sighand_copy(cur->sighand))) {
		goto fail;
	}
	if (thread)
		sig = cur->signal;
	else if (!(sig = signal_alloc(cur->signal)))
		goto fail;
	if ((pid = alloc_pid()) < 0) {
		err = pid;
		goto fail;
	}
	p = task_create(fork_child_start, NULL, cur->comm, sizeof(struct pt_regs));
	if (!p)
		goto fail;

	/* Nothing fails from here on. */
	__asm__ volatile("fxsave64 (%0)" ::"r"(fpu) : "memory"); /* our live FPU state */
	u->task = p;
	p->sigaltstack = u;
	p->fpu_state = fpu;
	p->flags &= ~PF_KTHREAD;
	p->fs_base = (flags & CLONE_SETTLS) ? tls : rdmsr(MSR_FS_BASE);
	p->mm = mm;
	p->files = files;
	p->fs = fs;
	p->sighand = sh;
	p->signal = sig;
	p->blocked = cur->blocked;
	p->pending = 0;
	p->pid = pid;
	p->set_child_tid = (flags & CLONE_CHILD_SETTID) ? ctid : NULL;
	p->clear_child_tid = (flags & CLONE_CHILD_CLEARTID) ? ctid : NULL;
	*task_pt_regs(p) = *regs;
	task_pt_regs(p)->rax = 0;
	task_pt_regs(p)->vector = NO_SYSCALL_VECTOR;
	if (newsp)
		task_pt_regs(p)->rsp = newsp;
	p->user_regs = task_pt_regs(p);
	if (thread) {
		p->tgid = cur->tgid;
		p->group_leader = cur->group_leader;
		p->exit_signal = -1;
	} else {
		p->tgid = pid;
		p->group_leader = p;
		p->exit_signal = (flags & CLONE_PARENT) ? cur->group_leader->exit_signal :
							  (int)(flags & CSIGNAL);
		sig->exe_file = cur->signal->exe_file;
		if (sig->exe_file)
			get_file(sig->exe_file);
		if ((flags & CLONE_VFORK)) {
			init_completion(&vfork);
			sig->vfork_done = &vfork;
		}
	}

	irqf = spin_lock_irqsave(&tasklist_lock);
	parent = (flags & (CLONE_PARENT | CLONE_THREAD)) ? cur->group_leader->parent :
							   cur->group_leader;
	link_task(p, parent, thread);
	spin_unlock_irqrestore(&tasklist_lock, irqf);

	if (flags & CLONE_PARENT_SETTID)
		put_user_u32((u32)pid, ptid);
	wake_up_new_task(p);
	if (!thread && (flags & CLONE_VFORK))
		wait_for_completion(&vfork);
	return pid;

fail:
	if (pid > 0)
		free_pid(pid);
	if (sig && !thread)
		kfree(sig);
	if (sh)
		sighand_put(sh);
	if (fs)
		put_fs_struct(fs);
	if (files)
		put_files(files);
	if (mm)
		mmput(mm);
	kfree(fpu);
	kfree(u);
	return err;
}

SYSCALL_DEFINE(__NR_fork, fork) { return do_fork(SIGCHLD, 0, NULL, NULL, 0, regs); }

SYSCALL_DEFINE(__NR_vfork, vfork)
{
	return do_fork(CLONE_VFORK | CLONE_VM | SIGCHLD, 0, NULL, NULL, 0, regs);
}

/* x86_64 order: flags, stack, parent_tid, child_tid, tls */
SYSCALL_DEFINE(__NR_clone, clone)
{
	return do_fork((unsigned long)a0, (unsigned long)a1, (int *)a2, (int *)a3,
		       (unsigned long)a4, regs);
}

/* C libraries fall back to clone when clone3 is missing. */
SYSCALL_DEFINE(__NR_clone3, clone3) { return -ENOSYS; }
