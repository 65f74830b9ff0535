/*
 * sys.c - small process system calls: ids (one user, root), process groups
 * and sessions, uname, sysinfo, resource limits and usage, scheduling
 * queries, arch_prctl, prctl.
 *
 * Process groups and sessions follow POSIX as far as busybox's job control
 * needs: setpgid on oneself or a child of the same session, setsid for a
 * process that leads no group.  Limits are stored per process and
 * inherited; the kernel itself enforces none of them except what other
 * subsystems read with task_rlimit().
 * Locking: pgrp, session and the tree under tasklist_lock; rlimits under
 * tasklist_lock too (prlimit64 on another process).
 */
#include <kernel/errno.h>
#include <kernel/preempt.h>
#include <kernel/proc.h>
#include <kernel/smp.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>
#include <mm/mm.h>
#include <mm/page.h>
#include <x86/asm.h>

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004
#define ARCH_GET_CPUID 0x1011
#define ARCH_SET_CPUID 0x1012

#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_CAPBSET_READ 23
#define PR_SET_CHILD_SUBREAPER 36
#define PR_GET_CHILD_SUBREAPER 37
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39

#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1

#define UTS_LEN 65
static char uts_nodename[UTS_LEN] = "teachos";
static char uts_domainname[UTS_LEN] = "(none)";

/* ---- limits ---- */

void rlimit_init_defaults(struct rlimit64 *r)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		r[i].rlim_cur = r[i].rlim_max = RLIM_INFINITY;
	r[RLIMIT_STACK].rlim_cur = 8UL << 20;
	r[RLIMIT_CORE].rlim_cur = 0;
	r[RLIMIT_NPROC].rlim_cur = r[RLIMIT_NPROC].rlim_max = 4096;
	r[RLIMIT_NOFILE].rlim_cur = 1024;
	r[RLIMIT_NOFILE].rlim_max = 4096;
	r[RLIMIT_MEMLOCK].rlim_cur = r[RLIMIT_MEMLOCK].rlim_max = 8UL << 20;
	r[RLIMIT_SIGPENDING].rlim_cur = r[RLIMIT_SIGPENDING].rlim_max = 4096;
	r[RLIMIT_MSGQUEUE].rlim_cur = r[RLIMIT_MSGQUEUE].rlim_max = 819200;
	r[RLIMIT_NICE].rlim_cur = r[RLIMIT_NICE].rlim_max = 0;
	r[RLIMIT_RTPRIO].rlim_cur = r[RLIMIT_RTPRIO].rlim_max = 0;
}

u64 task_rlimit(struct task_struct *t, int resource)
{
	if (!t->signal || resource < 0 || resource >= RLIM_NLIMITS)
		return RLIM_INFINITY;
	return READ_ONCE(t->signal->rlim[resource].rlim_cur);
}

static long do_prlimit(int pid, unsigned int res, const struct rlimit64 *new, struct rlimit64 *old)
{
	struct task_struct *p;
	unsigned long flags;
	long r = 0;

	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	if (new &&new->rlim_cur > new->rlim_max)
		return -EINVAL;
	flags = spin_lock_irqsave(&tasklist_lock);
	p = pid ? find_process_by_pid(pid) : current;
	if (!p || p->signal->exit_state) {
		r = -ESRCH;
	} else {
		if (old)
			*old = p->signal->rlim[res];
		if (new)
			p->signal->rlim[res] = *new;
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return r;
}

SYSCALL_DEFINE(__NR_prlimit64, prlimit64)
{
	struct rlimit64 new, old;
	long r;

	if (a2 && copy_from_user(&new, (void *)a2, sizeof(new)))
		return -EFAULT;
	r = do_prlimit((int)a0, (unsigned int)a1, a2 ? &new : NULL, a3 ? &old : NULL);
	if (r == 0 && a3 && copy_to_user((void *)a3, &old, sizeof(old)))
		return -EFAULT;
	return r;
}

SYSCALL_DEFINE(__NR_getrlimit, getrlimit)
{
	struct rlimit64 old;
	long r = do_prlimit(0, (unsigned int)a0, NULL, &old);

	if (r == 0 && copy_to_user((void *)a1, &old, sizeof(old)))
		return -EFAULT;
	return r;
}

SYSCALL_DEFINE(__NR_setrlimit, setrlimit)
{
	struct rlimit64 new;

	if (copy_from_user(&new, (void *)a1, sizeof(new)))
		return -EFAULT;
	return do_prlimit(0, (unsigned int)a0, &new, NULL);
}

/* The page faults of the calling process: its threads, live and dead. */
static void process_faults(unsigned long *min, unsigned long *maj)
{
	struct signal_struct *s = current->signal;
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);
	struct task_struct *t;

	*min = s->dead_min_flt;
	*maj = s->dead_maj_flt;
	list_for_each_entry(t, &s->thread_head, thread_node) {
		*min += READ_ONCE(t->min_flt);
		*maj += READ_ONCE(t->maj_flt);
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
}

SYSCALL_DEFINE(__NR_getrusage, getrusage)
{
	s64 ru[18];
	unsigned long min, maj;
	u64 ns;

	if (a0 == RUSAGE_SELF) {
		ns = process_cputime_ns(current);
		process_faults(&min, &maj);
	} else if (a0 == RUSAGE_CHILDREN) {
		ns = READ_ONCE(current->signal->children_ns);
		min = READ_ONCE(current->signal->children_min_flt);
		maj = READ_ONCE(current->signal->children_maj_flt);
	} else if (a0 == RUSAGE_THREAD) {
		ns = thread_cputime_ns(current);
		min = current->min_flt;
		maj = current->maj_flt;
	} else {
		return -EINVAL;
	}
	memset(ru, 0, sizeof(ru));
	ru[0] = (s64)(ns / NSEC_PER_SEC); /* ru_utime */
	ru[1] = (s64)(ns % NSEC_PER_SEC / 1000);
	ru[8] = (s64)min; /* ru_minflt */
	ru[9] = (s64)maj; /* ru_majflt */
	return copy_to_user((void *)a1, ru, sizeof(ru)) ? -EFAULT : 0;
}

/* ---- ids ---- */

SYSCALL_DEFINE(__NR_getpid, getpid) { return current->tgid; }
SYSCALL_DEFINE(__NR_gettid, gettid) { return current->pid; }

SYSCALL_DEFINE(__NR_getppid, getppid)
{
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);
	struct task_struct *parent = current->group_leader->parent;
	int pid = parent ? parent->tgid : 0;

	spin_unlock_irqrestore(&tasklist_lock, flags);
	return pid;
}

SYSCALL_DEFINE(__NR_set_tid_address, set_tid_address)
{
	current->clear_child_tid = (int *)a0;
	return current->pid;
}

SYSCALL_DEFINE(__NR_getuid, getuid) { return 0; }
SYSCALL_DEFINE(__NR_geteuid, geteuid) { return 0; }
SYSCALL_DEFINE(__NR_getgid, getgid) { return 0; }
SYSCALL_DEFINE(__NR_getegid, getegid) { return 0; }
/* One user: changing ids is accepted and changes nothing. */
SYSCALL_DEFINE(__NR_setuid, setuid) { return 0; }
SYSCALL_DEFINE(__NR_setgid, setgid) { return 0; }
SYSCALL_DEFINE(__NR_setreuid, setreuid) { return 0; }
SYSCALL_DEFINE(__NR_setregid, setregid) { return 0; }
SYSCALL_DEFINE(__NR_setresuid, setresuid) { return 0; }
SYSCALL_DEFINE(__NR_setresgid, setresgid) { return 0; }
SYSCALL_DEFINE(__NR_setfsuid, setfsuid) { return 0; }
SYSCALL_DEFINE(__NR_setfsgid, setfsgid) { return 0; }
SYSCALL_DEFINE(__NR_setgroups, setgroups) { return 0; }
SYSCALL_DEFINE(__NR_getgroups, getgroups) { return a0 < 0 ? -EINVAL : 0; }

static long put_three_zeros(long a0, long a1, long a2)
{
	if (put_user_u32(0, (void *)a0) || put_user_u32(0, (void *)a1) ||
	    put_user_u32(0, (void *)a2))
		return -EFAULT;
	return 0;
}
SYSCALL_DEFINE(__NR_getresuid, getresuid) { return put_three_zeros(a0, a1, a2); }
SYSCALL_DEFINE(__NR_getresgid, getresgid) { return put_three_zeros(a0, a1, a2); }

/* ---- process groups and sessions ---- */

struct group_probe {
	int pgrp, session;
	bool found;
};

static int probe_group(struct task_struct *p, void *arg)
{
	struct group_probe *g = arg;

	if (p->signal->exit_state == 0 && p->signal->pgrp == g->pgrp &&
	    (g->session < 0 || p->signal->session == g->session)) {
		g->found = true;
		return 1;
	}
	return 0;
}

static bool group_exists(int pgrp, int session)
{
	struct group_probe g = { pgrp, session, false };

	for_each_process(probe_group, &g);
	return g.found;
}

SYSCALL_DEFINE(__NR_setpgid, setpgid)
{
	struct task_struct *me = current->group_leader, *p;
	int pid = (int)a0, pgid = (int)a1;
	unsigned long flags;
	long r = 0;

	if (pid < 0 || pgid < 0)
		return -EINVAL;
	flags = spin_lock_irqsave(&tasklist_lock);
	p = pid ? find_process_by_pid(pid) : me;
	if (!p || p->signal->exit_state) {
		r = -ESRCH;
		goto out;
	}
	if (p != me) {
		if (p->parent != me) {
			r = -ESRCH;
			goto out;
		}
		if (p->signal->session != me->signal->session) {
			r = -EPERM;
			goto out;
		}
	}
	if (!pgid)
		pgid = p->tgid;
	if (p->signal->session == p->tgid) {
		r = -EPERM; /* a session leader keeps its group */
		goto out;
	}
	if (pgid != p->tgid && !group_exists(pgid, me->signal->session)) {
		r = -EPERM;
		goto out;
	}
	p->signal->pgrp = pgid;
out:
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return r;
}

static long get_id_of(int pid, bool session)
{
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);
	struct task_struct *p = pid ? find_process_by_pid(pid) : current;
	long r = p ? (session ? p->signal->session : p->signal->pgrp) : -ESRCH;

	spin_unlock_irqrestore(&tasklist_lock, flags);
	return r;
}

SYSCALL_DEFINE(__NR_getpgid, getpgid) { return a0 < 0 ? -EINVAL : get_id_of((int)a0, false); }
SYSCALL_DEFINE(__NR_getpgrp, getpgrp) { return get_id_of(0, false); }
SYSCALL_DEFINE(__NR_getsid, getsid) { return a0 < 0 ? -EINVAL : get_id_of((int)a0, true); }

SYSCALL_DEFINE(__NR_setsid, setsid)
{
	struct task_struct *me = current->group_leader;
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);
	long r;

	if (group_exists(me->tgid, -1)) {
		r = -EPERM;
	} else {
		me->signal->session = me->signal->pgrp = me->tgid;
		r = me->tgid;
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return r;
}

/* ---- system information ---- */

struct new_utsname {
	char sysname[UTS_LEN], nodename[UTS_LEN], release[UTS_LEN], version[UTS_LEN],
		machine[UTS_LEN], domainname[UTS_LEN];
};

SYSCALL_DEFINE(__NR_uname, uname)
{
	struct new_utsname u;

	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, "Linux", UTS_LEN);
	strlcpy(u.nodename, uts_nodename, UTS_LEN);
	strlcpy(u.release, "6.1.0-teachos", UTS_LEN);
	strlcpy(u.version, "#1 SMP teachos", UTS_LEN);
	strlcpy(u.machine, "x86_64", UTS_LEN);
	strlcpy(u.domainname, uts_domainname, UTS_LEN);
	return copy_to_user((void *)a0, &u, sizeof(u)) ? -EFAULT : 0;
}

static long set_uts(char *dst, const char *uname, long len)
{
	char buf[UTS_LEN];

	if (len < 0 || len >= UTS_LEN)
		return -EINVAL;
	if (copy_from_user(buf, uname, (size_t)len))
		return -EFAULT;
	buf[len] = 0;
	strlcpy(dst, buf, UTS_LEN);
	return 0;
}

SYSCALL_DEFINE(__NR_sethostname, sethostname)
{
	return set_uts(uts_nodename, (const char *)a0, a1);
}
SYSCALL_DEFINE(__NR_setdomainname, setdomainname)
{
	return set_uts(uts_domainname, (const char *)a0, a1);
}

struct sysinfo {
	long uptime;
	unsigned long loads[3];
	unsigned long totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	unsigned short procs, pad;
	unsigned long totalhigh, freehigh;
	unsigned int mem_unit;
};

static int count_process(struct task_struct *p, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

SYSCALL_DEFINE(__NR_sysinfo, sysinfo)
{
	struct sysinfo si;
	unsigned long flags;
	int procs = 0;

	memset(&si, 0, sizeof(si));
	si.uptime = (long)(ktime_get_ns() / NSEC_PER_SEC);
	si.totalram = nr_total_pages();
	si.freeram = nr_free_pages();
	si.mem_unit = PAGE_SIZE;
	flags = spin_lock_irqsave(&tasklist_lock);
	for_each_process(count_process, &procs);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	si.procs = (unsigned short)procs;
	return copy_to_user((void *)a0, &si, sizeof(si)) ? -EFAULT : 0;
}

/* ---- scheduling ---- */

SYSCALL_DEFINE(__NR_sched_yield, sched_yield)
{
	yield();
	return 0;
}

static bool pid_ok(int pid)
{
	unsigned long flags;
	bool ok;

	if (pid == 0)
		return true;
	flags = spin_lock_irqsave(&tasklist_lock);
	ok = find_task_by_pid(pid) != NULL;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return ok;
}

SYSCALL_DEFINE(__NR_sched_getaffinity, sched_getaffinity)
{
	u64 mask = nr_cpus_online >= 64 ? ~0ULL : (1ULL << nr_cpus_online) - 1;

	if (a1 < (long)sizeof(u64) || (a1 & (sizeof(u64) - 1)))
		return -EINVAL;
	if (!pid_ok((int)a0))
		return -ESRCH;
	if (copy_to_user((void *)a2, &mask, sizeof(mask)))
		return -EFAULT;
	return sizeof(mask);
}

SYSCALL_DEFINE(__NR_sched_setaffinity, sched_setaffinity)
{
	return pid_ok((int)a0) ? 0 : -ESRCH; /* accepted, not applied */
}

SYSCALL_DEFINE(__NR_sched_getscheduler, sched_getscheduler)
{
	return pid_ok((int)a0) ? 0 /* SCHED_OTHER */ : -ESRCH;
}

SYSCALL_DEFINE(__NR_sched_getparam, sched_getparam)
{
	if (!pid_ok((int)a0))
		return -ESRCH;
	return put_user_u32(0, (void *)a1) ? -EFAULT : 0;
}

SYSCALL_DEFINE(__NR_sched_setscheduler, sched_setscheduler) { return a1 == 0 ? 0 : -EPERM; }
SYSCALL_DEFINE(__NR_sched_get_priority_max, sched_get_priority_max) { return 0; }
SYSCALL_DEFINE(__NR_sched_get_priority_min, sched_get_priority_min) { return 0; }
SYSCALL_DEFINE(__NR_getpriority, getpriority) { return 20; /* nice 0 */ }
SYSCALL_DEFINE(__NR_setpriority, setpriority) { return 0; }

SYSCALL_DEFINE(__NR_getcpu, getcpu)
{
	if (a0 && put_user_u32((u32)smp_processor_id(), (void *)a0))
		return -EFAULT;
	if (a1 && put_user_u32(0, (void *)a1))
		return -EFAULT;
	return 0;
}

/* Linux returns -ENOSYS for rseq when it is not configured; C libraries
 * take that as "no rseq". */
SYSCALL_DEFINE(__NR_rseq, rseq) { return -ENOSYS; }

SYSCALL_DEFINE(__NR_personality, personality) { return 0; /* PER_LINUX */ }

/* ---- arch_prctl, prctl ---- */

SYSCALL_DEFINE(__NR_arch_prctl, arch_prctl)
{
	struct task_struct *t = current;
	u64 addr = (u64)a1;

	switch (a0) {
	case ARCH_SET_FS:
		if (addr >= TASK_SIZE)
			return -EPERM;
		preempt_disable();
		t->fs_base = addr;
		wrmsr(MSR_FS_BASE, addr);
		preempt_enable();
		return 0;
	case ARCH_GET_FS:
		preempt_disable();
		addr = rdmsr(MSR_FS_BASE);
		preempt_enable();
		return put_user_u64(addr, (void *)a1) ? -EFAULT : 0;
	case ARCH_GET_GS:
		return put_user_u64(0, (void *)a1) ? -EFAULT : 0;
	case ARCH_GET_CPUID:
		return 1;
	case ARCH_SET_GS: /* the user GS base is not switched per task here */
	case ARCH_SET_CPUID:
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE(__NR_prctl, prctl)
{
	char name[16];

	switch (a0) {
	case PR_SET_PDEATHSIG:
		return valid_signal((int)a1) || a1 == 0 ? 0 : -EINVAL;
	case PR_GET_PDEATHSIG:
		return put_user_u32(0, (void *)a1) ? -EFAULT : 0;
	case PR_GET_DUMPABLE:
		return 1;
	case PR_SET_DUMPABLE:
	case PR_SET_CHILD_SUBREAPER:
	case PR_SET_NO_NEW_PRIVS:
		return 0;
	case PR_GET_CHILD_SUBREAPER:
		return put_user_u32(0, (void *)a1) ? -EFAULT : 0;
	case PR_GET_NO_NEW_PRIVS:
		return 0;
	case PR_CAPBSET_READ:
		return 1;
	case PR_SET_NAME: {
		long n = strncpy_from_user(name, (const char *)a1, sizeof(name));
		if (n == -EFAULT)
			return -EFAULT;
		name[sizeof(name) - 1] = 0;
		strlcpy(current->comm, name, sizeof(name));
		return 0;
	}
	case PR_GET_NAME:
		memset(name, 0, sizeof(name));
		strlcpy(name, current->comm, sizeof(name));
		return copy_to_user((void *)a1, name, sizeof(name)) ? -EFAULT : 0;
	default:
		return -EINVAL;
	}
}
