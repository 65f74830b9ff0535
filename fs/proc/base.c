/*
 * base.c - /proc/<pid>: one directory per process (thread-group leader),
 * the link /proc/self, and what a process directory holds: stat, statm,
 * status, cmdline, environ, comm, maps, mounts, the links exe, cwd and
 * root, and the directory fd/ of links N -> the open file.
 *
 * Nothing here keeps a task_struct: proc_task_get() copies what it needs
 * under tasklist_lock and takes references on the mm, files and fs_struct
 * (under task_res_lock, which exit and execve take to change those
 * pointers), so a process may exit while its files are read; the reader
 * then sees the snapshot, or -ESRCH/-ENOENT once it is reaped.
 * Lock order: task_res_lock -> tasklist_lock (IRQ-safe), and
 * task_res_lock -> fs->lock -> dcache_lock.  The other process's memory
 * (cmdline, environ) is read with get_user_pages on its mm, which takes
 * its mmap_lock for reading; maps takes it for reading itself.
 */
#include "internal.h"
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <mm/mm.h>
#include <mm/page.h>
#include <mm/slab.h>

#define USER_HZ 100
#define NS_PER_TICK (1000000000ULL / USER_HZ)
#define PROC_ARGS_MAX (64 * 1024) /* cmdline/environ bytes shown at most */

/* ---- process snapshots ---- */

static char task_state_char(const struct task_struct *t)
{
	switch (READ_ONCE(t->state)) {
	case TASK_RUNNING:
		return 'R';
	case TASK_UNINTERRUPTIBLE:
		return 'D';
	default:
		return 'S';
	}
}

int proc_task_get(int pid, unsigned int want, struct proc_task *pt)
{
	struct task_struct *t, *th, *live = NULL;
	struct fs_struct *fs = NULL;
	struct signal_struct *sig;
	unsigned long flags;

	memset(pt, 0, sizeof(*pt));
	spin_lock(&task_res_lock);
	flags = spin_lock_irqsave(&tasklist_lock);
	t = find_task_by_pid(pid);
	if (!t || !is_user_task(t) || !thread_group_leader(t) || t->tgid != pid) {
		spin_unlock_irqrestore(&tasklist_lock, flags);
		spin_unlock(&task_res_lock);
		return -ESRCH;
	}
	sig = t->signal;
	pt->pid = pid;
	pt->ppid = t->parent ? t->parent->tgid : 0;
	pt->pgrp = sig->pgrp;
	pt->session = sig->session;
	pt->nr_threads = sig->nr_threads;
	pt->exit_signal = t->exit_signal;
	pt->cpu = t->cpu;
	strlcpy(pt->comm, t->comm, sizeof(pt->comm));
	pt->start_ns = sig->start_ns;
	pt->children_ns = sig->children_ns;
	pt->sigpnd = t->pending;
	pt->shdpnd = sig->shared_pending;
	pt->sigblk = t->blocked;
	pt->cputime_ns = sig->dead_threads_ns;
	if (sig->exit_state == 0) {
		list_for_each_entry(th, &sig->thread_head, thread_node) {
			if (th->flags & PF_EXITING)
				continue;
			pt->cputime_ns += thread_cputime_ns(th);
			if (!live)
				live = th;
		}
	}
	if (sig->exit_state)
		pt->state = sig->exit_state == EXIT_ZOMBIE ? 'Z' : 'X';
	else if (sig->flags & SIGNAL_STOPPED)
		pt->state = 'T';
	else
		pt->state = task_state_char(live ? live : t);
	/* The leader may be gone while other threads run: use a live one. */
	th = (t->flags & PF_EXITING) && live ? live : t;
	if ((want & PROC_WANT_MM) && th->mm) {
		pt->mm = th->mm;
		mmget(pt->mm);
	}
	if ((want & PROC_WANT_FILES) && th->files) {
		pt->files = th->files;
		atomic_inc(&pt->files->count);
	}
	if (want & PROC_WANT_FS)
		fs = th->fs;
	if ((want & PROC_WANT_EXE) && sig->exe_file) {
		pt->exe = sig->exe_file;
		get_file(pt->exe);
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	/* th->fs cannot be dropped while we hold task_res_lock. */
	if (fs) {
		spin_lock(&fs->lock);
		pt->root = fs->root;
		pt->pwd = fs->pwd;
		path_get(&pt->root);
		path_get(&pt->pwd);
		pt->umask = fs->umask;
		spin_unlock(&fs->lock);
	}
	spin_unlock(&task_res_lock);
	return 0;
}

void proc_task_put(struct proc_task *pt)
{
	if (pt->mm)
		mmput(pt->mm);
	if (pt->files)
		put_files(pt->files);
	if (pt->root.dentry)
		path_put(&pt->root);
	if (pt->pwd.dentry)
		path_put(&pt->pwd);
	if (pt->exe)
		fput(pt->exe);
	memset(pt, 0, sizeof(*pt));
}

static int mark_process(struct task_struct *leader, void *arg)
{
	unsigned long *map = arg;
	int pid = leader->tgid;

	if (is_user_task(leader) && pid > 0 && pid < PID_MAX)
		map[pid / 64] |= 1UL << (pid % 64);
	return 0;
}

void proc_pid_bitmap(unsigned long *map)
{
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);

	for_each_process(mark_process, map);
	spin_unlock_irqrestore(&tasklist_lock, flags);
}

static bool pid_alive(int pid)
{
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);
	struct task_struct *t = find_task_by_pid(pid);
	bool ok = t && is_user_task(t) && thread_group_leader(t);

	spin_unlock_irqrestore(&tasklist_lock, flags);
	return ok;
}

/* ---- reading another process's memory ---- */

/* Appends [start, end) of mm (at most PROC_ARGS_MAX bytes). */
static int proc_copy_user_range(struct proc_buf *m, struct mm_struct *mm, unsigned long start,
				unsigned long end)
{
	if (end > start + PROC_ARGS_MAX)
		end = start + PROC_ARGS_MAX;
	while (start < end) {
		unsigned long off = start & (PAGE_SIZE - 1);
		unsigned long n = PAGE_SIZE - off;
		struct page *page;
		long got;

		if (n > end - start)
			n = end - start;
		got = get_user_pages(mm, start - off, 1, 0, &page);
		if (got < 1)
			return got < 0 && m->len == 0 ? (int)got : 0;
		proc_write_bytes(m, (char *)page_address(page) + off, n);
		unpin_user_pages(&page, 1, false);
		if (m->overflow)
			return 0;
		start += n;
	}
	return 0;
}

/* ---- the files of a process directory ---- */

static u64 mm_vsize(struct mm_struct *mm)
{
	struct vm_area_struct *vma;
	u64 size = 0;

	down_read(&mm->mmap_lock);
	list_for_each_entry(vma, &mm->mmap, vm_list)
		size += vma->vm_end - vma->vm_start;
	up_read(&mm->mmap_lock);
	return size;
}

static int pid_stat_show(struct proc_buf *m, struct proc_inode *pi)
{
	struct proc_task pt;
	unsigned long sc = 0, ec = 0, ss = 0, sd = 0, ed = 0, sb = 0, as = 0, ae = 0, es = 0,
		      ee = 0, rss = 0;
	u64 vsize = 0;
	int err = proc_task_get(pi->pid, PROC_WANT_MM, &pt);

	if (err)
		return err;
	if (pt.mm) {
		struct mm_struct *mm = pt.mm;
		vsize = mm_vsize(mm);
		rss = READ_ONCE(mm->total_pages);
		sc = mm->start_code, ec = mm->end_code, ss = mm->start_stack;
		sd = mm->start_data, ed = mm->end_data, sb = mm->start_brk;
		as = mm->arg_start, ae = mm->arg_end, es = mm->env_start, ee = mm->env_end;
	}
	/* proc(5): 52 fields; what this kernel does not keep is 0. */
	proc_printf(m,
		    "%d (%s) %c %d %d %d 0 -1 0 0 0 0 0 %llu 0 %llu 0 20 0 %d 0 %llu %llu %lu "
		    "18446744073709551615 %lu %lu %lu 0 0 %llu %llu 0 0 0 0 0 %d %d 0 0 0 0 0 "
		    "%lu %lu %lu %lu %lu %lu %lu 0\n",
		    pt.pid, pt.comm, pt.state, pt.ppid, pt.pgrp, pt.session,
		    (unsigned long long)(pt.cputime_ns / NS_PER_TICK),
		    (unsigned long long)(pt.children_ns / NS_PER_TICK), pt.nr_threads,
		    (unsigned long long)(pt.start_ns / NS_PER_TICK), (unsigned long long)vsize, rss,
		    sc, ec, ss, (unsigned long long)(pt.sigpnd | pt.shdpnd),
		    (unsigned long long)pt.sigblk, pt.exit_signal, pt.cpu, sd, ed, sb, as, ae, es,
		    ee);
	proc_task_put(&pt);
	return 0;
}

static int pid_statm_show(struct proc_buf *m, struct proc_inode *pi)
{
	struct proc_task pt;
	unsigned long size = 0, rss = 0, text = 0, data = 0;
	int err = proc_task_get(pi->pid, PROC_WANT_MM, &pt);

	if (err)
		return err;
	if (pt.mm) {
		size = (unsigned long)(mm_vsize(pt.mm) >> PAGE_SHIFT);
		rss = READ_ONCE(pt.mm->total_pages);
		text = ((pt.mm->end_code + PAGE_SIZE - 1) -
			(pt.mm->start_code & ~(PAGE_SIZE - 1))) >>
		       PAGE_SHIFT;
		data = size > text ? size - text : 0;
	}
	proc_printf(m, "%lu %lu 0 %lu 0 %lu 0\n", size, rss, text, data);
	proc_task_put(&pt);
	return 0;
}

static const char *state_name(char s)
{
	switch (s) {
	case 'R':
		return "R (running)";
	case 'D':
		return "D (disk sleep)";
	case 'T':
		return "T (stopped)";
	case 'Z':
		return "Z (zombie)";
	case 'X':
		return "X (dead)";
	default:
		return "S (sleeping)";
	}
}

static int pid_status_show(struct proc_buf *m, struct proc_inode *pi)
{
	struct proc_task pt;
	u64 vsize = 0;
	unsigned long rss = 0;
	int fdsize = 0;
	int err = proc_task_get(pi->pid, PROC_WANT_MM | PROC_WANT_FILES | PROC_WANT_FS, &pt);

	if (err)
		return err;
	if (pt.mm) {
		vsize = mm_vsize(pt.mm);
		rss = READ_ONCE(pt.mm->total_pages);
	}
	if (pt.files)
		fdsize = READ_ONCE(pt.files->max_fds);
	proc_printf(m,
		    "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n"
		    "PPid:\t%d\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n"
		    "FDSize:\t%d\nGroups:\t\n",
		    pt.comm, pt.umask, state_name(pt.state), pt.pid, pt.pid, pt.ppid, fdsize);
	if (pt.mm)
		proc_printf(m, "VmPeak:\t%8llu kB\nVmSize:\t%8llu kB\nVmRSS:\t%8lu kB\n",
			    (unsigned long long)(vsize >> 10), (unsigned long long)(vsize >> 10),
			    rss * (PAGE_SIZE >> 10));
	proc_printf(m,
		    "Threads:\t%d\nSigPnd:\t%016llx\nShdPnd:\t%016llx\nSigBlk:\t%016llx\n"
		    "SigIgn:\t0000000000000000\nSigCgt:\t0000000000000000\n"
		    "Cpus_allowed_list:\t0-%d\n",
		    pt.nr_threads, (unsigned long long)pt.sigpnd, (unsigned long long)pt.shdpnd,
		    (unsigned long long)pt.sigblk, nr_cpus_online - 1);
	proc_task_put(&pt);
	return 0;
}

static int pid_comm_show(struct proc_buf *m, struct proc_inode *pi)
{
	struct proc_task pt;
	int err = proc_task_get(pi->pid, 0, &pt);

	if (err)
		return err;
	proc_printf(m, "%s\n", pt.comm);
	proc_task_put(&pt);
	return 0;
}

static int pid_args_show(struct proc_buf *m, struct proc_inode *pi, bool env)
{
	struct proc_task pt;
	int err = proc_task_get(pi->pid, PROC_WANT_MM, &pt);

	if (err)
		return err;
	if (pt.mm) { /* zombies and kernel threads: empty */
		unsigned long s = env ? READ_ONCE(pt.mm->env_start) : READ_ONCE(pt.mm->arg_start);
		unsigned long e = env ? READ_ONCE(pt.mm->env_end) : READ_ONCE(pt.mm->arg_end);
		if (e > s)
			err = proc_copy_user_range(m, pt.mm, s, e);
	}
	proc_task_put(&pt);
	return err;
}

static int pid_cmdline_show(struct proc_buf *m, struct proc_inode *pi)
{
	return pid_args_show(m, pi, false);
}

static int pid_environ_show(struct proc_buf *m, struct proc_inode *pi)
{
	return pid_args_show(m, pi, true);
}

static int pid_maps_show(struct proc_buf *m, struct proc_inode *pi)
{
	struct vm_area_struct *vma;
	struct path root;
	struct proc_task pt;
	char *buf;
	int err = proc_task_get(pi->pid, PROC_WANT_MM, &pt);

	if (err)
		return err;
	if (!pt.mm)
		return 0;
	buf = kmalloc(PATH_MAX, 0);
	if (!buf) {
		proc_task_put(&pt);
		return -ENOMEM;
	}
	get_fs_root(current_fs(), &root);
	down_read(&pt.mm->mmap_lock);
	list_for_each_entry(vma, &pt.mm->mmap, vm_list) {
		const char *name = "";
		unsigned long ino = 0;
		dev_t dev = 0;

		if (vma->vm_file) {
			struct inode *inode = file_inode(vma->vm_file);
			char *s = d_path(&vma->vm_file->f_path, &root, buf, PATH_MAX);
			name = IS_ERR(s) ? "?" : s;
			ino = inode->i_ino;
			dev = inode->i_sb->s_dev;
		} else if ((vma->vm_flags & VM_GROWSDOWN) || (vma->vm_start < pt.mm->start_stack &&
							      pt.mm->start_stack <= vma->vm_end)) {
			name = "[stack]";
		} else if (vma->vm_start < pt.mm->brk && vma->vm_end > pt.mm->start_brk) {
			name = "[heap]";
		}
		proc_printf(m, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu", vma->vm_start,
			    vma->vm_end, (vma->vm_flags & VM_READ) ? 'r' : '-',
			    (vma->vm_flags & VM_WRITE) ? 'w' : '-',
			    (vma->vm_flags & VM_EXEC) ? 'x' : '-',
			    (vma->vm_flags & VM_SHARED) ? 's' : 'p',
			    (unsigned long long)(vma->vm_file ? vma->vm_pgoff << PAGE_SHIFT : 0),
			    MAJOR(dev), MINOR(dev), ino);
		if (*name)
			proc_printf(m, "%*s%s", 8, "", name);
		proc_putc(m, '\n');
	}
	up_read(&pt.mm->mmap_lock);
	path_put(&root);
	kfree(buf);
	proc_task_put(&pt);
	return 0;
}

/* /proc/<pid>/mounts: the mounts as seen from that process's root. */
static int pid_mounts_show(struct proc_buf *m, struct proc_inode *pi)
{
	struct proc_task pt;
	int err = proc_task_get(pi->pid, PROC_WANT_FS, &pt);

	if (err)
		return err;
	if (pt.root.dentry)
		mounts_show(m, &pt.root);
	proc_task_put(&pt);
	return 0;
}

/* /proc/mounts: as seen from the reader's root. */
int proc_mounts_show(struct proc_buf *m, struct proc_inode *pi)
{
	struct path root;

	get_fs_root(current_fs(), &root);
	mounts_show(m, &root);
	path_put(&root);
	return 0;
}

/* ---- links ---- */

char *proc_self_get_link(struct proc_inode *pi)
{
	char *s;

	if (!is_user_task(current))
		return ERR_PTR(-ENOENT);
	s = kmalloc(16, 0);
	if (!s)
		return ERR_PTR(-ENOMEM);
	snprintf(s, 16, "%d", current->tgid);
	return s;
}

/* The name of an open file: its path, or "pipe:[ino]" for a pipe. */
static char *file_link_body(struct file *f)
{
	struct inode *inode = file_inode(f);

	if (S_ISFIFO(inode->i_mode) && !strcmp(inode->i_sb->s_type->name, "pipefs")) {
		char *s = kmalloc(32, 0);
		if (!s)
			return ERR_PTR(-ENOMEM);
		snprintf(s, 32, "pipe:[%lu]", inode->i_ino);
		return s;
	}
	return proc_path_string(&f->f_path);
}

static char *pid_exe_get_link(struct proc_inode *pi)
{
	struct proc_task pt;
	char *s;
	int err = proc_task_get(pi->pid, PROC_WANT_EXE, &pt);

	if (err)
		return ERR_PTR(-ENOENT);
	s = pt.exe ? proc_path_string(&pt.exe->f_path) : ERR_PTR(-ENOENT);
	proc_task_put(&pt);
	return s;
}

static char *pid_fs_link(struct proc_inode *pi, bool root)
{
	struct proc_task pt;
	char *s;
	int err = proc_task_get(pi->pid, PROC_WANT_FS, &pt);

	if (err)
		return ERR_PTR(-ENOENT);
	if (!pt.root.dentry)
		s = ERR_PTR(-ENOENT);
	else
		s = proc_path_string(root ? &pt.root : &pt.pwd);
	proc_task_put(&pt);
	return s;
}

static char *pid_cwd_get_link(struct proc_inode *pi) { return pid_fs_link(pi, false); }
static char *pid_root_get_link(struct proc_inode *pi) { return pid_fs_link(pi, true); }

/* ---- fd/ ---- */

/* The file at fd of process pid, referenced, or NULL. */
static struct file *pid_fget(int pid, int fd)
{
	struct proc_task pt;
	struct file *f = NULL;

	if (proc_task_get(pid, PROC_WANT_FILES, &pt))
		return NULL;
	if (pt.files) {
		spin_lock(&pt.files->file_lock);
		if (fd >= 0 && fd < pt.files->max_fds && pt.files->fd[fd]) {
			f = pt.files->fd[fd];
			get_file(f);
		}
		spin_unlock(&pt.files->file_lock);
	}
	proc_task_put(&pt);
	return f;
}

static char *fd_get_link(struct proc_inode *pi)
{
	struct file *f = pid_fget(pi->pid, pi->fd);
	char *s;

	if (!f)
		return ERR_PTR(-ENOENT);
	s = file_link_body(f);
	fput(f);
	return s;
}

static const struct proc_entry fd_link_entry = {
	.name = "fd",
	.mode = S_IFLNK | 0700,
	.get_link = fd_get_link,
};

static struct dentry *proc_fd_lookup(struct inode *dir, struct dentry *dentry, unsigned int flags)
{
	int pid = PROC_I(dir)->pid, fd = 0;
	struct inode *inode;
	struct file *f;

	if (!dentry->d_name.len || dentry->d_name.len > 7 ||
	    (dentry->d_name.name[0] == '0' && dentry->d_name.len > 1))
		goto negative;
	for (u32 i = 0; i < dentry->d_name.len; i++) {
		char c = dentry->d_name.name[i];
		if (c < '0' || c > '9')
			goto negative;
		fd = fd * 10 + (c - '0');
	}
	f = pid_fget(pid, fd);
	if (!f)
		goto negative;
	inode = proc_make_inode(dir->i_sb, &fd_link_entry, pid, fd, PROC_FD_INO(pid, fd));
	if (inode) /* lr-x------, l-wx------ or lrwx------ as the file is open */
		inode->i_mode = S_IFLNK | 0100 | ((f->f_mode & FMODE_READ) ? 0400 : 0) |
				((f->f_mode & FMODE_WRITE) ? 0200 : 0);
	fput(f);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	proc_d_add(dentry, inode);
	return NULL;
negative:
	proc_d_add(dentry, NULL);
	return NULL;
}

/* Positions: 0 ".", 1 "..", then 2 + fd. */
static int proc_fd_readdir(struct file *file, struct dir_context *ctx)
{
	int pid = PROC_I(file_inode(file))->pid;
	struct proc_task pt;
	unsigned long *map;
	int n, err;

	if (!proc_readdir_table(file, ctx, NULL, 0, 0))
		return 0;
	err = proc_task_get(pid, PROC_WANT_FILES, &pt);
	if (err)
		return -ENOENT;
	if (!pt.files) {
		proc_task_put(&pt);
		return 0;
	}
	n = READ_ONCE(pt.files->max_fds);
	map = kzalloc(((size_t)n + 63) / 64 * sizeof(long), 0);
	if (!map) {
		proc_task_put(&pt);
		return -ENOMEM;
	}
	spin_lock(&pt.files->file_lock);
	if (n > pt.files->max_fds)
		n = pt.files->max_fds;
	for (int fd = 0; fd < n; fd++)
		if (pt.files->fd[fd])
			map[fd / 64] |= 1UL << (fd % 64);
	spin_unlock(&pt.files->file_lock);
	proc_task_put(&pt);
	for (int fd = (int)(ctx->pos - 2); fd < n; fd++) {
		char name[16];
		if (!(map[fd / 64] & (1UL << (fd % 64))))
			continue;
		ctx->pos = 2 + fd;
		snprintf(name, sizeof(name), "%d", fd);
		if (!dir_emit(ctx, name, (int)strlen(name), PROC_FD_INO(pid, fd), DT_LNK)) {
			kfree(map);
			return 0; /* the buffer is full: resume at this fd */
		}
	}
	ctx->pos = 2 + n;
	kfree(map);
	return 0;
}

static const struct inode_operations proc_fd_inode_operations = {
	.lookup = proc_fd_lookup,
};

static const struct file_operations proc_fd_operations = {
	.llseek = dcache_dir_lseek,
	.iterate_shared = proc_fd_readdir,
};

/* ---- /proc/<pid> ---- */

static const struct proc_entry pid_entries[] = {
	{ .name = "fd",
	  .mode = S_IFDIR | 0500,
	  .iop = &proc_fd_inode_operations,
	  .fop = &proc_fd_operations },
	{ .name = "cmdline", .mode = S_IFREG | 0444, .show = pid_cmdline_show },
	{ .name = "comm", .mode = S_IFREG | 0644, .show = pid_comm_show },
	{ .name = "environ", .mode = S_IFREG | 0400, .show = pid_environ_show },
	{ .name = "stat", .mode = S_IFREG | 0444, .show = pid_stat_show },
	{ .name = "statm", .mode = S_IFREG | 0444, .show = pid_statm_show },
	{ .name = "status", .mode = S_IFREG | 0444, .show = pid_status_show },
	{ .name = "maps", .mode = S_IFREG | 0444, .show = pid_maps_show },
	{ .name = "mounts", .mode = S_IFREG | 0444, .show = pid_mounts_show },
	{ .name = "exe", .mode = S_IFLNK | 0777, .get_link = pid_exe_get_link },
	{ .name = "cwd", .mode = S_IFLNK | 0777, .get_link = pid_cwd_get_link },
	{ .name = "root", .mode = S_IFLNK | 0777, .get_link = pid_root_get_link },
};
#define NR_PID_ENTRIES ((int)(sizeof(pid_entries) / sizeof(pid_entries[0])))

static struct dentry *proc_pid_dir_lookup(struct inode *dir, struct dentry *dentry,
					  unsigned int flags)
{
	int pid = PROC_I(dir)->pid;

	if (!pid_alive(pid)) {
		proc_d_add(dentry, NULL);
		return NULL;
	}
	return proc_lookup_table(dir, dentry, pid_entries, NR_PID_ENTRIES, pid, PROC_PID_INO(pid));
}

static int proc_pid_dir_readdir(struct file *file, struct dir_context *ctx)
{
	if (!pid_alive(PROC_I(file_inode(file))->pid))
		return -ENOENT;
	proc_readdir_table(file, ctx, pid_entries, NR_PID_ENTRIES,
			   PROC_PID_INO(PROC_I(file_inode(file))->pid));
	return 0;
}

static const struct inode_operations proc_pid_inode_operations = {
	.lookup = proc_pid_dir_lookup,
};

static const struct file_operations proc_pid_operations = {
	.llseek = dcache_dir_lseek,
	.iterate_shared = proc_pid_dir_readdir,
};

static const struct proc_entry pid_dir_entry = {
	.name = "<pid>",
	.mode = S_IFDIR | 0555,
	.iop = &proc_pid_inode_operations,
	.fop = &proc_pid_operations,
};

struct dentry *proc_pid_lookup(struct inode *dir, struct dentry *dentry, int pid)
{
	struct inode *inode;

	if (pid >= PID_MAX || !pid_alive(pid)) {
		proc_d_add(dentry, NULL);
		return NULL;
	}
	inode = proc_make_inode(dir->i_sb, &pid_dir_entry, pid, 0, PROC_PID_INO(pid));
	if (!inode)
		return ERR_PTR(-ENOMEM);
	proc_d_add(dentry, inode);
	return NULL;
}

/* The processes come at first_pos + pid, in increasing order. */
int proc_pid_readdir(struct file *file, struct dir_context *ctx, loff_t first_pos)
{
	unsigned long *map = kzalloc(PID_MAX / 8, 0);
	int pid;

	if (!map)
		return -ENOMEM;
	proc_pid_bitmap(map);
	pid = ctx->pos > first_pos ? (int)(ctx->pos - first_pos) : 0;
	for (; pid < PID_MAX; pid++) {
		char name[16];
		if (!(map[pid / 64] & (1UL << (pid % 64))))
			continue;
		ctx->pos = first_pos + pid;
		snprintf(name, sizeof(name), "%d", pid);
		if (!dir_emit(ctx, name, (int)strlen(name), PROC_PID_INO(pid), DT_DIR)) {
			kfree(map);
			return 0; /* the buffer is full: resume at this pid */
		}
	}
	ctx->pos = first_pos + PID_MAX;
	kfree(map);
	return 0;
}
