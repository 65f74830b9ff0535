/*
 * internal.h - what the files of procfs (fs/proc/) share: the table
 * entries that describe each name, the procfs inode, and the helpers that
 * make inodes and serve directories from tables (generic.c).
 *
 * Every procfs dentry is made by a lookup and marked DCACHE_DONTCACHE: it
 * lives as long as someone references it, so names of processes that are
 * gone disappear as soon as nobody holds them (no revalidation needed).
 * A procfs inode knows its table entry, the process id (0: none) and, for
 * fd/N, the descriptor; it holds no reference on the process: every
 * operation looks the process up again (-ENOENT/-ESRCH when it is gone).
 */
#ifndef FS_PROC_INTERNAL_H
#define FS_PROC_INTERNAL_H

#include "../internal.h"
#include <fs/proc_fs.h>
#include <kernel/compiler.h>

struct proc_inode;

struct proc_entry {
	const char *name;
	umode_t mode; /* S_IFREG / S_IFDIR / S_IFLNK | permissions */
	/* regular files: formats the content (see <fs/proc_fs.h>) */
	int (*show)(struct proc_buf *m, struct proc_inode *pi);
	/* symlinks: the body, kmalloc'd, or ERR_PTR */
	char *(*get_link)(struct proc_inode *pi);
	/* directories */
	const struct inode_operations *iop;
	const struct file_operations *fop;
};

struct proc_inode {
	const struct proc_entry *pe;
	int pid; /* process (thread group) id, 0 for global entries */
	int fd; /* fd/N: N */
	struct inode vfs_inode;
};

static inline struct proc_inode *PROC_I(struct inode *inode)
{
	return container_of(inode, struct proc_inode, vfs_inode);
}

/* A new inode for pe; ino chosen by the caller (stable across lookups). */
struct inode *proc_make_inode(struct super_block *sb, const struct proc_entry *pe, int pid, int fd,
			      unsigned long ino);
/* Instantiates dentry with inode (NULL: negative), not to be cached. */
void proc_d_add(struct dentry *dentry, struct inode *inode);
/* lookup/readdir over a table of n entries, for process pid (or 0).
 * ino_base + index + 1 numbers the entries. */
struct dentry *proc_lookup_table(struct inode *dir, struct dentry *dentry,
				 const struct proc_entry *table, int n, int pid,
				 unsigned long ino_base);
/* Emits ".", ".." and the entries; returns false when the reader's buffer
 * filled (ctx->pos says where to resume).  Positions 2..n+1 are the table. */
bool proc_readdir_table(struct file *file, struct dir_context *ctx, const struct proc_entry *table,
			int n, unsigned long ino_base);

/* The path of p as seen by the caller, kmalloc'd, or ERR_PTR. */
char *proc_path_string(const struct path *p);

#define PROC_ROOT_INO 1
/* ino of /proc/<pid> and the entries below it */
#define PROC_PID_INO(pid) ((unsigned long)(pid) << 16)
#define PROC_FD_INO(pid, fd) (PROC_PID_INO(pid) | 0x8000UL | ((unsigned long)(fd)&0x7fff))

/* root.c, base.c */
extern const struct inode_operations proc_root_inode_operations;
extern const struct file_operations proc_root_operations;
struct dentry *proc_pid_lookup(struct inode *dir, struct dentry *dentry, int pid);
int proc_pid_readdir(struct file *file, struct dir_context *ctx, loff_t first_pos);
char *proc_self_get_link(struct proc_inode *pi);
int proc_mounts_show(struct proc_buf *m, struct proc_inode *pi);

/* CPU time of cpu's idle task (uptime.c); counts (loadavg.c) */
u64 proc_cpu_idle_ns(int cpu);
int proc_nr_processes(void);
int proc_nr_running(void);

/* the global files (one file each, named as in Linux) */
int proc_meminfo_show(struct proc_buf *m, struct proc_inode *pi);
int proc_uptime_show(struct proc_buf *m, struct proc_inode *pi);
int proc_loadavg_show(struct proc_buf *m, struct proc_inode *pi);
int proc_stat_show(struct proc_buf *m, struct proc_inode *pi);
int proc_cpuinfo_show(struct proc_buf *m, struct proc_inode *pi);
int proc_version_show(struct proc_buf *m, struct proc_inode *pi);
int proc_cmdline_show(struct proc_buf *m, struct proc_inode *pi);
int proc_filesystems_show(struct proc_buf *m, struct proc_inode *pi);

#endif
