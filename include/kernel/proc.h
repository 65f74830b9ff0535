/*
 * proc.h - user processes and threads: ids, the process tree, fork/clone,
 * execve, exit and wait, the system-call return path (kernel/pid.c,
 * fork.c, exec.c, exit.c, syscall.c, sys.c, init_user.c).
 *
 * A user thread is a task_struct (<kernel/sched.h>) with three more
 * objects:
 *   struct uthread        per thread: pid-hash link, pending-signal info,
 *                         alternate stack; task->sigaltstack points to it
 *                         (task_uthread());
 *   struct signal_struct  per process (thread group, CLONE_THREAD shares
 *                         it): thread list, process-wide pending signals,
 *                         exit state and status, process group and session,
 *                         resource limits;
 *   struct sighand_struct the handlers (<kernel/signal.h>).
 * task->pid is the thread id, task->tgid the process id (the leader's pid);
 * user pids have their own allocator, PID 1 is init.  The process tree
 * links group leaders: leader->children holds the child processes' leaders
 * through their ->sibling.  A process whose last thread exits becomes a
 * zombie (signal->exit_state) until its parent reaps it with wait4/waitid
 * or, with no parent or SIGCHLD ignored, it is released at once.  Orphans
 * move to init.  A task's kernel stack and task_struct are freed by
 * release_task() (after it switched away for the last time).
 *
 * Locking: tasklist_lock (IRQ-safe spinlock) guards the pid hash, the
 * process list, parent/children/sibling, the thread lists, pgrp/session and
 * exit_state; sighand->siglock nests inside it.  A task's mm, files and fs
 * pointers change only in the task itself (fork, exec, exit).
 */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include <kernel/completion.h>
#include <kernel/list.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/spinlock.h>
#include <kernel/wait.h>
#include <x86/layout.h>
#include <x86/traps.h>

#define PID_MAX 32768
#define INIT_PID 1

/* Internal "restart the system call" codes: never seen by user space. */
#ifndef ERESTARTSYS
#define ERESTARTSYS 512
#endif
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

/* pt_regs.vector of a frame built by the syscall entry; error_code then
 * holds the original rax (the number), for restarts.  Frames that must
 * not be restarted (after execve or sigreturn) say NO_SYSCALL_VECTOR. */
#define SYSCALL_VECTOR 0x100
#define NO_SYSCALL_VECTOR 0x101
static inline bool in_syscall(const struct pt_regs *r) { return r->vector == SYSCALL_VECTOR; }

/* Resource limits (Linux numbering). */
#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_LOCKS 10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12
#define RLIMIT_NICE 13
#define RLIMIT_RTPRIO 14
#define RLIMIT_RTTIME 15
#define RLIM_NLIMITS 16
#define RLIM_INFINITY (~0ULL)

struct rlimit64 {
	u64 rlim_cur, rlim_max;
};

/* wait status encoding (as Linux and <sys/wait.h>) */
#define W_EXITCODE(code, sig) ((((code)&0xff) << 8) | (sig))
#define W_STOPCODE(sig) (((sig) << 8) | 0x7f)
#define W_CONTINUED 0xffff
#define WCOREFLAG 0x80

/* wait options */
#define WNOHANG 0x00000001
#define WUNTRACED 0x00000002
#define WSTOPPED WUNTRACED
#define WEXITED 0x00000004
#define WCONTINUED 0x00000008
#define WNOWAIT 0x01000000
#define __WNOTHREAD 0x20000000
#define __WALL 0x40000000
#define __WCLONE 0x80000000

/* clone flags */
#define CSIGNAL 0x000000ff
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_PIDFD 0x00001000
#define CLONE_PTRACE 0x00002000
#define CLONE_VFORK 0x00004000
#define CLONE_PARENT 0x00008000
#define CLONE_THREAD 0x00010000
#define CLONE_NEWNS 0x00020000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED 0x00400000
#define CLONE_UNTRACED 0x00800000
#define CLONE_CHILD_SETTID 0x01000000

/* signal_struct.flags */
#define SIGNAL_GROUP_EXIT 0x1 /* exit_group or a fatal signal: all threads die */
#define SIGNAL_STOPPED 0x2 /* stopped by SIGSTOP & co */
#define SIGNAL_STOP_REPORT 0x4 /* the stop is not yet reported to wait */
#define SIGNAL_CONT_REPORT 0x8 /* a SIGCONT is not yet reported to wait */

#define EXIT_ZOMBIE 1
#define EXIT_DEAD 2

struct signal_struct {
	atomic_t count; /* tasks pointing here until released */
	int nr_threads; /* live threads */
	struct list_head thread_head; /* task->thread_node of every thread */
	struct task_struct *leader;
	/* signals: sighand->siglock */
	u64 shared_pending;
	struct ksiginfo shared_info[_NSIG];
	struct list_head shared_queue; /* later instances of pending RT signals */
	int nr_queued; /* struct sigqueue entries of this process, all threads */
	unsigned int flags; /* SIGNAL_* */
	int group_exit_code; /* wait status when SIGNAL_GROUP_EXIT */
	int stop_sig; /* last stop signal */
	struct task_struct *group_exec_task; /* execve waiting for the others to die */
	/* exit and wait: tasklist_lock */
	int exit_state; /* 0, EXIT_ZOMBIE, EXIT_DEAD */
	int exit_status; /* wait status of a zombie */
	struct wait_queue_head wait_chldexit; /* wait4 of this process sleeps here */
	struct completion *vfork_done; /* parent of a vfork child */
	int pgrp, session;
	/* limits and accounting */
	struct rlimit64 rlim[RLIM_NLIMITS];
	u64 start_ns;
	u64 dead_threads_ns; /* CPU time of exited threads */
	u64 children_ns; /* CPU time of reaped children */
	/* page faults of exited threads, and of reaped children (tasklist_lock) */
	unsigned long dead_min_flt, dead_maj_flt, children_min_flt, children_maj_flt;
	/* ITIMER_REAL (kernel/time_syscalls.c) */
	u64 it_real_expires, it_real_incr;
	struct list_head itimer_node;
	/* the executable (set by execve, inherited by fork); for /proc/self/exe */
	struct file *exe_file;
};

struct uthread {
	struct task_struct *task;
	struct list_head pid_node; /* pid hash */
	struct list_head proc_node; /* all processes (leaders only) */
	struct list_head reap_node; /* release queue */
	struct ksiginfo info[_NSIG]; /* for task->pending */
	struct list_head sigqueue; /* later instances of pending RT signals */
	struct kstack altstack;
	u64 saved_sigmask; /* sigsuspend/ppoll: mask to restore */
	bool restore_sigmask; /* ... once a handler frame holds it or none runs */
	bool temp_sigmask; /* set_user_sigmask() installed a mask */
	/* the last user exception, for the signal frame's sigcontext */
	u64 fault_trapno, fault_error, fault_cr2;
	u64 robust_list, robust_len;
	bool released;
};

static inline struct uthread *task_uthread(struct task_struct *t)
{
	return (struct uthread *)t->sigaltstack;
}
static inline bool is_user_task(const struct task_struct *t) { return t->signal != NULL; }
static inline bool thread_group_leader(const struct task_struct *t) { return t->group_leader == t; }

extern spinlock_t tasklist_lock;
extern struct task_struct *child_reaper; /* init's leader, or NULL */

/* ---- ids (kernel/pid.c); tasklist_lock held unless said ---- */
int alloc_pid(void); /* -EAGAIN when all are used; takes tasklist_lock */
void free_pid(int pid);
void attach_pid(struct task_struct *t);
void detach_pid(struct task_struct *t);
struct task_struct *find_task_by_pid(int tid);
struct task_struct *find_process_by_pid(int pid); /* its group leader */
/* Calls fn for every process (group leader) until it returns nonzero. */
int for_each_process(int (*fn)(struct task_struct *leader, void *arg), void *arg);
int task_pgrp(struct task_struct *t);
/* For /proc/loadavg and /proc/stat (no lock: a racy read is fine). */
int pid_last_allocated(void);
unsigned long pid_nr_allocated(void);
int task_session(struct task_struct *t);

/* ---- creation (kernel/fork.c; task_create in kernel/sched/core.c) ---- */
/* A task like kthread_run() but not started, with `reserve` bytes kept free
 * at the top of its kernel stack for a user register frame. */
struct task_struct *task_create(int (*fn)(void *), void *arg, const char *name, size_t reserve);
void wake_up_new_task(struct task_struct *t);
/* Gives a kernel-created task the user-process objects (fresh uthread,
 * signal_struct and sighand, fpu area, pid); the caller adds mm/files/fs. */
int proc_init_task(struct task_struct *t, struct task_struct *parent);
void put_signal_struct(struct signal_struct *sig);
long do_fork(unsigned long flags, unsigned long newsp, int *ptid, int *ctid, unsigned long tls,
	     struct pt_regs *regs);
static inline struct pt_regs *task_pt_regs(struct task_struct *t)
{
	return (struct pt_regs *)((char *)t->stack + KSTACK_SIZE) - 1;
}
/* Leaves the kernel into user mode with the frame regs (syscall_entry.S). */
__noreturn void ret_to_user(struct pt_regs *regs);

/* ---- execve (kernel/exec.c, elf.c) ---- */
/* The executable of t's process, referenced (fput it), or NULL. */
struct file *get_task_exe_file(struct task_struct *t);
#define ET_EXEC 2
#define ET_DYN 3
#define PT_LOAD 1
#define PT_INTERP 3
#define PT_PHDR 6
#define ELF_MAX_PHNUM 64
#define ELF_MAX_ZERO 8

struct elf64_hdr {
	u8 e_ident[16];
	u16 e_type, e_machine;
	u32 e_version;
	u64 e_entry, e_phoff, e_shoff;
	u32 e_flags;
	u16 e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
	u32 p_type, p_flags;
	u64 p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

/* What execve learned from the headers. */
struct elf_info {
	u16 type, phnum;
	u64 entry, phoff;
	u64 phdr_vaddr; /* where the program headers are in memory (unbiased) */
	u64 lo, hi; /* page-aligned span of the PT_LOAD segments */
	bool has_interp;
};

/* A range [addr, addr + len) to clear after the new mm is loaded. */
struct elf_zero {
	u64 addr, len;
};

/* -ENOEXEC unless buf (len bytes read from offset 0 of a file of file_size
 * bytes) is an x86_64 ELF64 ET_EXEC/ET_DYN header with sane program headers. */
int elf_check_header(const void *buf, size_t len, u64 file_size, struct elf_info *info);
/* -ENOEXEC unless the phnum headers describe loadable segments. */
int elf_check_phdrs(const struct elf64_phdr *ph, struct elf_info *info, u64 file_size);
struct file;
long elf_map_segments(struct mm_struct *mm, struct file *file, const struct elf64_phdr *ph,
		      struct elf_info *info, u64 bias, struct elf_zero *zero, int *nzero);
int kernel_execve(const char *path, const char *const *argv, const char *const *envp);
void fpu_init_state(void *fxsave_area);

/* ---- exit and wait (kernel/exit.c) ---- */
/* status is a wait status (W_EXITCODE or a signal number, | WCOREFLAG). */
__noreturn void do_exit(int status);
__noreturn void do_group_exit(int status);
/* Frees a dead task: unhash it, wait for its last switch, free it. */
void release_task(struct task_struct *t);
/* Kills the other threads of the current process and waits for them (execve). */
int de_thread(void);

/* ---- system calls (kernel/syscall.c, syscall_entry.S) ---- */
/* Enables syscall/sysret on this CPU (EFER.SCE, STAR, LSTAR, SFMASK). */
void syscall_init_cpu(void);
/* Reschedules and delivers signals before a return to user mode; returns
 * with interrupts disabled.  The syscall path and trap_entry call it. */
void exit_to_user_mode(struct pt_regs *regs);

/* ---- futex (kernel/futex.c) ---- */
/* Wakes up to nr waiters on the futex word at uaddr (CLONE_CHILD_CLEARTID). */
int futex_wake_user(u32 *uaddr, int nr);

/* ---- misc ---- */
u64 task_rlimit(struct task_struct *t, int resource);
void rlimit_init_defaults(struct rlimit64 *rlim);
/* CPU time of the whole process of t (its live and dead threads). */
u64 process_cputime_ns(struct task_struct *t);
u64 thread_cputime_ns(struct task_struct *t);
/* init (kernel/init_user.c): called when PID 1 is gone. */
void init_process_exited(int status);
/* ITIMER_REAL is disarmed when its process ends (kernel/time_syscalls.c). */
void itimer_exit(struct signal_struct *sig);

#endif
