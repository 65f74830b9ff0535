/*
 * file.c - open files (struct file reference counts) and the per-process fd
 * table (files_struct), with dup, dup2, dup3 and close.
 *
 * A struct file is referenced by every fd that names it and by every system
 * call using it (fget()...fput()); the last fput() calls f_op->release and
 * drops the path.  An fd table is shared by threads (CLONE_FILES; count),
 * copied on fork (dup_files: each file gets one more reference), cleared of
 * close-on-exec fds at exec and closed at the last put_files().
 *
 * Lock: files->file_lock (spinlock) guards fd[], close_on_exec, next_fd and
 * the arrays' size.  Files are never released under it (fput sleeps): an fd
 * slot is emptied under the lock and the file put after unlocking.
 * The table grows from NR_OPEN_START up to NR_OPEN_DEFAULT (RLIMIT_NOFILE).
 */
#include "internal.h"
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <mm/slab.h>

#define NR_OPEN_START 64
#define BITS_PER_LONG 64

unsigned int open_flags_to_fmode(int flags)
{
	unsigned int m = FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;

	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		m |= FMODE_READ;
		break;
	case O_WRONLY:
		m |= FMODE_WRITE;
		break;
	case O_RDWR:
		m |= FMODE_READ | FMODE_WRITE;
		break;
	}
	if (flags & O_PATH)
		m = FMODE_PATH;
	return m;
}

struct file *alloc_empty_file(int flags)
{
	struct file *f = kzalloc(sizeof(*f), 0);

	if (!f)
		return ERR_PTR(-ENOMEM);
	atomic_long_set(&f->f_count, 1);
	mutex_init(&f->f_pos_lock);
	f->f_flags = flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
	f->f_mode = open_flags_to_fmode(flags);
	return f;
}

/* A file that never finished opening (no ->release, holds no path). */
void __fput_free(struct file *f)
{
	if (f->f_path.dentry)
		path_put(&f->f_path);
	kfree(f);
}

void get_file(struct file *f) { atomic_long_inc_return(&f->f_count); }

void fput(struct file *f)
{
	if (atomic_long_add_return(-1, &f->f_count) != 0)
		return;
	if (f->f_op && f->f_op->release && !(f->f_mode & FMODE_PATH))
		f->f_op->release(f->f_inode, f);
	path_put(&f->f_path);
	kfree(f);
}

int filp_close(struct file *f)
{
	fput(f);
	return 0;
}

/* ---- fd tables ---- */

static unsigned long *alloc_bitmap(int nr) { return kzalloc(nr / 8, 0); }

struct files_struct *files_alloc(void)
{
	struct files_struct *files = kzalloc(sizeof(*files), 0);

	if (!files)
		return NULL;
	atomic_set(&files->count, 1);
	spin_lock_init(&files->file_lock);
	files->max_fds = NR_OPEN_START;
	files->fd = kzalloc(NR_OPEN_START * sizeof(struct file *), 0);
	files->close_on_exec = alloc_bitmap(NR_OPEN_START);
	if (!files->fd || !files->close_on_exec) {
		kfree(files->fd);
		kfree(files->close_on_exec);
		kfree(files);
		return NULL;
	}
	return files;
}

/* Caller holds file_lock; makes room for fd nr (may drop and retake the
 * lock).  Returns 0, -EMFILE past the limit or -ENOMEM. */
static int expand_files(struct files_struct *files, int nr)
{
	struct file **nfd, **ofd;
	unsigned long *nbits, *obits;
	int n;

	while (nr >= files->max_fds) {
		if (nr >= NR_OPEN_DEFAULT)
			return -EMFILE;
		n = files->max_fds * 2;
		while (n <= nr)
			n *= 2;
		if (n > NR_OPEN_DEFAULT)
			n = NR_OPEN_DEFAULT;
		spin_unlock(&files->file_lock);
		nfd = kzalloc(n * sizeof(*nfd), 0);
		nbits = alloc_bitmap(n);
		spin_lock(&files->file_lock);
		if (!nfd || !nbits) {
			kfree(nfd);
			kfree(nbits);
			return -ENOMEM;
		}
		if (files->max_fds >= n) { /* someone else grew it */
			kfree(nfd);
			kfree(nbits);
			continue;
		}
		memcpy(nfd, files->fd, files->max_fds * sizeof(*nfd));
		memcpy(nbits, files->close_on_exec, files->max_fds / 8);
		ofd = files->fd;
		obits = files->close_on_exec;
		files->fd = nfd;
		files->close_on_exec = nbits;
		files->max_fds = n;
		kfree(ofd); /* kfree never sleeps: fine under the lock */
		kfree(obits);
	}
	return 0;
}

static void set_cloexec(struct files_struct *files, int fd, bool on)
{
	unsigned long bit = 1UL << (fd % BITS_PER_LONG);

	if (on)
		files->close_on_exec[fd / BITS_PER_LONG] |= bit;
	else
		files->close_on_exec[fd / BITS_PER_LONG] &= ~bit;
}

static bool get_cloexec(struct files_struct *files, int fd)
{
	return files->close_on_exec[fd / BITS_PER_LONG] >> (fd % BITS_PER_LONG) & 1;
}

int fd_install_min(struct files_struct *files, struct file *f, int minfd, bool cloexec)
{
	int fd, err;

	if (!files)
		return -EMFILE;
	if (minfd < 0 || minfd >= NR_OPEN_DEFAULT)
		return -EINVAL;
	spin_lock(&files->file_lock);
	fd = MAX(minfd, files->next_fd);
	for (;;) {
		while (fd < files->max_fds && files->fd[fd])
			fd++;
		if (fd < files->max_fds)
			break;
		err = expand_files(files, fd);
		if (err) {
			spin_unlock(&files->file_lock);
			return err;
		}
	}
	files->fd[fd] = f;
	set_cloexec(files, fd, cloexec);
	if (minfd <= files->next_fd)
		files->next_fd = fd + 1;
	spin_unlock(&files->file_lock);
	return fd;
}

static struct file *__fget(struct files_struct *files, int fd)
{
	struct file *f = NULL;

	if (!files || fd < 0)
		return NULL;
	spin_lock(&files->file_lock);
	if (fd < files->max_fds && (f = files->fd[fd]))
		get_file(f);
	spin_unlock(&files->file_lock);
	return f;
}

struct file *fget(int fd) { return __fget(current->files, fd); }

int get_close_on_exec(int fd)
{
	struct files_struct *files = current->files;
	int r = -EBADF;

	if (!files || fd < 0)
		return -EBADF;
	spin_lock(&files->file_lock);
	if (fd < files->max_fds && files->fd[fd])
		r = get_cloexec(files, fd);
	spin_unlock(&files->file_lock);
	return r;
}

int set_close_on_exec(int fd, bool on)
{
	struct files_struct *files = current->files;
	int r = -EBADF;

	if (!files || fd < 0)
		return -EBADF;
	spin_lock(&files->file_lock);
	if (fd < files->max_fds && files->fd[fd]) {
		set_cloexec(files, fd, on);
		r = 0;
	}
	spin_unlock(&files->file_lock);
	return r;
}

/* Empties slot fd; returns the file it held (the caller puts it). */
static struct file *pick_file(struct files_struct *files, int fd)
{
	struct file *f = NULL;

	spin_lock(&files->file_lock);
	if (fd >= 0 && fd < files->max_fds && (f = files->fd[fd])) {
		files->fd[fd] = NULL;
		set_cloexec(files, fd, false);
		if (fd < files->next_fd)
			files->next_fd = fd;
	}
	spin_unlock(&files->file_lock);
	return f;
}

int close_fd(unsigned int fd)
{
	struct files_struct *files = current->files;
	struct file *f;

	if (!files || fd >= NR_OPEN_DEFAULT)
		return -EBADF;
	f = pick_file(files, (int)fd);
	if (!f)
		return -EBADF;
	return filp_close(f);
}

int do_dup2(struct files_struct *files, struct file *file, unsigned int fd, int flags)
{
	struct file *old;
	int err;

	spin_lock(&files->file_lock);
	err = expand_files(files, (int)fd);
	if (err) {
		spin_unlock(&files->file_lock);
		fput(file);
		return err == -EMFILE ? -EBADF : err;
	}
	old = files->fd[fd];
	files->fd[fd] = file;
	set_cloexec(files, (int)fd, flags & O_CLOEXEC);
	spin_unlock(&files->file_lock);
	if (old)
		fput(old);
	return (int)fd;
}

struct files_struct *dup_files(struct files_struct *old)
{
	struct files_struct *files = files_alloc();
	int n;

	if (!files)
		return NULL;
	spin_lock(&old->file_lock);
	while (files->max_fds < old->max_fds) {
		n = old->max_fds;
		spin_unlock(&old->file_lock);
		spin_lock(&files->file_lock);
		int err = expand_files(files, n - 1);
		spin_unlock(&files->file_lock);
		if (err) {
			put_files(files);
			return NULL;
		}
		spin_lock(&old->file_lock);
	}
	for (int fd = 0; fd < old->max_fds; fd++) {
		struct file *f = old->fd[fd];
		if (f) {
			get_file(f);
			files->fd[fd] = f;
			set_cloexec(files, fd, get_cloexec(old, fd));
		}
	}
	files->next_fd = old->next_fd;
	spin_unlock(&old->file_lock);
	return files;
}

static void close_files(struct files_struct *files, bool only_cloexec)
{
	for (int fd = 0;; fd++) {
		struct file *f = NULL;

		spin_lock(&files->file_lock);
		if (fd >= files->max_fds) {
			spin_unlock(&files->file_lock);
			break;
		}
		if (files->fd[fd] && (!only_cloexec || get_cloexec(files, fd))) {
			f = files->fd[fd];
			files->fd[fd] = NULL;
			set_cloexec(files, fd, false);
			if (fd < files->next_fd)
				files->next_fd = fd;
		}
		spin_unlock(&files->file_lock);
		if (f)
			filp_close(f);
	}
}

void put_files(struct files_struct *files)
{
	if (!files || !atomic_dec_and_test(&files->count))
		return;
	close_files(files, false);
	kfree(files->fd);
	kfree(files->close_on_exec);
	kfree(files);
}

void do_close_on_exec(struct files_struct *files)
{
	if (files)
		close_files(files, true);
}

/* ---- system calls ---- */

SYSCALL_DEFINE(__NR_close, close) { return close_fd((unsigned int)a0); }

SYSCALL_DEFINE(__NR_dup, dup)
{
	struct file *f = fget((int)a0);
	int fd;

	if (!f)
		return -EBADF;
	fd = fd_install_min(current->files, f, 0, false);
	if (fd < 0)
		fput(f);
	return fd;
}

static long ksys_dup3(unsigned int oldfd, unsigned int newfd, int flags)
{
	struct file *f;

	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	if (newfd >= NR_OPEN_DEFAULT)
		return -EBADF;
	f = fget((int)oldfd);
	if (!f)
		return -EBADF;
	return do_dup2(current->files, f, newfd, flags);
}

SYSCALL_DEFINE(__NR_dup2, dup2)
{
	unsigned int oldfd = (unsigned int)a0, newfd = (unsigned int)a1;

	if (oldfd == newfd) {
		struct file *f = fget((int)oldfd);
		if (!f)
			return -EBADF;
		fput(f);
		return newfd;
	}
	return ksys_dup3(oldfd, newfd, 0);
}

SYSCALL_DEFINE(__NR_dup3, dup3) { return ksys_dup3((unsigned int)a0, (unsigned int)a1, (int)a2); }

struct file *alloc_file_pseudo(struct inode *inode, struct vfsmount *mnt, const char *name,
			       int flags, const struct file_operations *fops)
{
	struct qstr q = QSTR_INIT(name, (u32)strlen(name));
	struct dentry *d = d_alloc(mnt->mnt_sb->s_root, &q);
	struct file *f;

	if (!d)
		return ERR_PTR(-ENOMEM);
	f = alloc_empty_file(flags);
	if (IS_ERR(f)) {
		dput(d);
		return f;
	}
	d_instantiate(d, inode); /* unhashed: freed with the last file */
	f->f_path.mnt = mntget(mnt);
	f->f_path.dentry = d;
	f->f_inode = inode;
	f->f_mapping = inode->i_mapping;
	f->f_op = fops;
	f->f_mode &= ~(FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE);
	return f;
}

#define CLOSE_RANGE_UNSHARE 2
#define CLOSE_RANGE_CLOEXEC 4

/* close_range(2): closes (or marks close-on-exec) fds first..last. */
SYSCALL_DEFINE(__NR_close_range, close_range)
{
	unsigned int first = (unsigned int)a0, last = (unsigned int)a1, flags = (unsigned int)a2;
	struct files_struct *files = current->files;

	if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC))
		return -EINVAL;
	if (first > last)
		return -EINVAL;
	if (!files)
		return 0;
	for (unsigned int fd = first; fd <= last && fd < (unsigned int)READ_ONCE(files->max_fds);
	     fd++) {
		if (flags & CLOSE_RANGE_CLOEXEC) {
			set_close_on_exec((int)fd, true);
		} else {
			struct file *f = pick_file(files, (int)fd);
			if (f)
				filp_close(f);
		}
	}
	return 0;
}
