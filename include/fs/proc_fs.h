/*
 * proc_fs.h - procfs (fs/proc/): files that describe the kernel and its
 * processes, generated when they are opened.
 *
 * A generated file is built at open by its show function into a buffer
 * (struct proc_buf); reads and lseek are then served from that snapshot,
 * so a reader in small chunks sees one consistent text.  A show function
 * only formats into the buffer (proc_printf never allocates nor sleeps, so
 * it may run under spinlocks); when the text does not fit, the buffer is
 * marked overflowed and the open retries with a buffer twice as large, so
 * a show function must be safe to run again.
 *
 * Processes: struct proc_task is a snapshot of one process taken under
 * tasklist_lock (ids, name, state, times) plus, on request, references on
 * its mm, files and fs, which stay valid after the process exits (the
 * task_struct itself is never used after the lock is dropped).  The
 * pointers task->mm, task->files and task->fs change only under
 * task_res_lock (kernel/exit.c: exit and execve), which is what makes
 * taking those references safe.
 */
#ifndef FS_PROC_FS_H
#define FS_PROC_FS_H

#include <fs/fs.h>

#define PROC_SUPER_MAGIC 0x9fa0

struct proc_buf {
	char *buf;
	size_t len, size;
	bool overflow;
};

void proc_printf(struct proc_buf *m, const char *fmt, ...) __printf(2, 3);
void proc_puts(struct proc_buf *m, const char *s);
void proc_putc(struct proc_buf *m, char c);
void proc_write_bytes(struct proc_buf *m, const void *p, size_t n);

/* Lines of /proc/mounts for a reader whose root is root (fs/namespace.c). */
void mounts_show(struct proc_buf *m, const struct path *root);
/* /proc/filesystems (fs/super.c). */
void filesystems_show(struct proc_buf *m);

/* Guards task->mm, ->files and ->fs changes (exit, execve) against procfs
 * taking references on them.  A plain spinlock, never taken in interrupts;
 * nests outside tasklist_lock and fs->lock. */
extern spinlock_t task_res_lock;

#define PROC_WANT_MM 0x1
#define PROC_WANT_FILES 0x2
#define PROC_WANT_FS 0x4
#define PROC_WANT_EXE 0x8

struct mm_struct;
struct proc_task {
	int pid, ppid, pgrp, session, nr_threads, exit_signal, cpu;
	char state; /* R S D T Z X */
	char comm[24];
	u64 cputime_ns, start_ns, children_ns;
	unsigned long min_flt, maj_flt, cmin_flt, cmaj_flt; /* page faults (getrusage) */
	u64 sigpnd, shdpnd, sigblk;
	int umask;
	/* references (only those asked for; NULL when the process has none) */
	struct mm_struct *mm;
	struct files_struct *files;
	struct path root, pwd; /* dentry NULL when not taken */
	struct file *exe;
};

/* Fills *pt for process (thread group) pid; -ESRCH when there is none
 * (or it is a kernel thread).  proc_task_put() drops the references. */
int proc_task_get(int pid, unsigned int want, struct proc_task *pt);
void proc_task_put(struct proc_task *pt);
/* Sets bit pid of map (PID_MAX bits, zeroed) for every process. */
void proc_pid_bitmap(unsigned long *map);

/* Mounts procfs on /proc at boot when the directory exists (fs/proc/root.c). */
int proc_mount_at_boot(void);

#endif
