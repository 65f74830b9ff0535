/*
 * open.c - opening files and the system calls that change a file's
 * attributes or a process's directories: open, openat, creat, access,
 * faccessat(2), chdir, fchdir, chroot, chmod family, chown family,
 * truncate, ftruncate, fallocate, umask, utimensat, utimes, futimesat, utime.
 *
 * vfs_open() turns a looked-up path into an open struct file: checks the
 * open mode against the inode (directories are not opened for writing,
 * read-only mounts refuse writes), takes the inode's f_op and calls its
 * ->open.  Attribute changes go through notify_change() under the inode's
 * i_rwsem, which calls i_op->setattr (default simple_setattr).
 * Every caller is root (uid 0): ownership changes are accepted as asked.
 */
#include "internal.h"
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

static const struct file_operations empty_fops;

int vfs_open(const struct path *path, struct file *f)
{
	struct inode *inode = path->dentry->d_inode;
	int err;

	f->f_path = *path;
	path_get(&f->f_path);
	f->f_inode = inode;
	f->f_mapping = inode->i_mapping;
	if (f->f_mode & FMODE_PATH) {
		f->f_op = &empty_fops;
		return 0;
	}
	if (S_ISLNK(inode->i_mode))
		return -ELOOP;
	if ((f->f_flags & O_DIRECTORY) && !S_ISDIR(inode->i_mode))
		return -ENOTDIR;
	if (S_ISDIR(inode->i_mode) && (f->f_mode & FMODE_WRITE))
		return -EISDIR;
	if (f->f_mode & FMODE_WRITE) {
		err = inode_permission(inode, MAY_WRITE);
		if (!err && (S_ISREG(inode->i_mode) || S_ISDIR(inode->i_mode)))
			err = mnt_want_write(path->mnt);
		if (err)
			return err;
	}
	if ((S_ISCHR(inode->i_mode) || S_ISBLK(inode->i_mode)) &&
	    (path->mnt->mnt_flags & MNT_NODEV))
		return -EACCES;
	f->f_op = inode->i_fop;
	if (!f->f_op)
		return -ENXIO;
	if (f->f_op->open) {
		err = f->f_op->open(inode, f);
		if (err)
			return err;
	}
	if (!f->f_op->llseek)
		f->f_mode &= ~FMODE_LSEEK;
	return 0;
}

int vfs_check_exec(struct file *f)
{
	struct inode *inode = file_inode(f);

	if (!S_ISREG(inode->i_mode) || (f->f_path.mnt->mnt_flags & MNT_NOEXEC))
		return -EACCES;
	if (f->f_mode & FMODE_PATH)
		return -EACCES;
	return inode_permission(inode, MAY_EXEC);
}

static long do_sys_open(int dfd, const char *ufilename, int flags, int mode)
{
	char *name = getname(ufilename);
	struct file *f;
	int fd;

	if (IS_ERR(name))
		return PTR_ERR(name);
	flags |= O_LARGEFILE;
	if (flags & __O_TMPFILE) {
		putname(name);
		return -EOPNOTSUPP;
	}
	f = do_filp_open(dfd, name, flags, mode);
	putname(name);
	if (IS_ERR(f))
		return PTR_ERR(f);
	fd = fd_install_min(current->files, f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		fput(f);
	return fd;
}

SYSCALL_DEFINE(__NR_open, open)
{
	return do_sys_open(AT_FDCWD, (const char *)a0, (int)a1, (int)a2);
}

SYSCALL_DEFINE(__NR_openat, openat)
{
	return do_sys_open((int)a0, (const char *)a1, (int)a2, (int)a3);
}

SYSCALL_DEFINE(__NR_creat, creat)
{
	return do_sys_open(AT_FDCWD, (const char *)a0, O_CREAT | O_WRONLY | O_TRUNC, (int)a1);
}

/* ---- access ---- */

int do_faccessat(int dfd, const char *uname, int mode, int flags)
{
	struct path path;
	struct inode *inode;
	int err;

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = user_path_at(dfd, uname,
			   ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
				   ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0),
			   &path);
	if (err)
		return err;
	inode = path.dentry->d_inode;
	if ((mode & W_OK) && !S_ISCHR(inode->i_mode) && !S_ISFIFO(inode->i_mode))
		err = mnt_want_write(path.mnt);
	if (!err)
		err = inode_permission(inode, mode & X_OK ? MAY_EXEC : 0);
	if (!err && (mode & X_OK) && S_ISREG(inode->i_mode) && (path.mnt->mnt_flags & MNT_NOEXEC))
		err = -EACCES;
	path_put(&path);
	return err;
}

SYSCALL_DEFINE(__NR_access, access) { return do_faccessat(AT_FDCWD, (const char *)a0, (int)a1, 0); }

SYSCALL_DEFINE(__NR_faccessat, faccessat)
{
	return do_faccessat((int)a0, (const char *)a1, (int)a2, 0);
}

SYSCALL_DEFINE(__NR_faccessat2, faccessat2)
{
	return do_faccessat((int)a0, (const char *)a1, (int)a2, (int)a3);
}

/* ---- directories of the process ---- */

SYSCALL_DEFINE(__NR_chdir, chdir)
{
	struct path path;
	int err = user_path_at(AT_FDCWD, (const char *)a0, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &path);

	if (err)
		return err;
	set_fs_pwd(current_fs(), &path);
	path_put(&path);
	return 0;
}

SYSCALL_DEFINE(__NR_fchdir, fchdir)
{
	struct file *f = fget((int)a0);
	int err = 0;

	if (!f)
		return -EBADF;
	if (!d_is_dir(f->f_path.dentry))
		err = -ENOTDIR;
	else
		set_fs_pwd(current_fs(), &f->f_path);
	fput(f);
	return err;
}

SYSCALL_DEFINE(__NR_chroot, chroot)
{
	struct path path;
	int err = user_path_at(AT_FDCWD, (const char *)a0, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &path);

	if (err)
		return err;
	set_fs_root(current_fs(), &path);
	path_put(&path);
	return 0;
}

SYSCALL_DEFINE(__NR_umask, umask)
{
	struct fs_struct *fs = current_fs();
	int old;

	spin_lock(&fs->lock);
	old = fs->umask;
	fs->umask = (int)a0 & 0777;
	spin_unlock(&fs->lock);
	return old;
}

/* ---- attributes ---- */

int notify_change(struct dentry *dentry, struct iattr *attr)
{
	struct inode *inode = dentry->d_inode;
	struct timespec64 now = current_time();

	if (!(attr->ia_valid & ATTR_CTIME)) {
		attr->ia_valid |= ATTR_CTIME;
		attr->ia_ctime = now;
	}
	if ((attr->ia_valid & ATTR_SIZE) && !(attr->ia_valid & ATTR_MTIME)) {
		attr->ia_valid |= ATTR_MTIME;
		attr->ia_mtime = now;
	}
	if (inode->i_op && inode->i_op->setattr)
		return inode->i_op->setattr(dentry, attr);
	return simple_setattr(dentry, attr);
}

int chmod_common(const struct path *path, umode_t mode)
{
	struct inode *inode = path->dentry->d_inode;
	struct iattr a = { .ia_valid = ATTR_MODE, .ia_mode = mode & S_IALLUGO };
	int err = mnt_want_write(path->mnt);

	if (err)
		return err;
	inode_lock(inode);
	err = notify_change(path->dentry, &a);
	inode_unlock(inode);
	return err;
}

static int chown_common(const struct path *path, u32 uid, u32 gid)
{
	struct inode *inode = path->dentry->d_inode;
	struct iattr a = { 0 };
	int err = mnt_want_write(path->mnt);

	if (err)
		return err;
	if (uid != (u32)-1) {
		a.ia_valid |= ATTR_UID;
		a.ia_uid = uid;
	}
	if (gid != (u32)-1) {
		a.ia_valid |= ATTR_GID;
		a.ia_gid = gid;
	}
	inode_lock(inode);
	if (!S_ISDIR(inode->i_mode) && (a.ia_valid & (ATTR_UID | ATTR_GID))) {
		a.ia_valid |= ATTR_MODE; /* a chown clears set-id bits */
		a.ia_mode = inode->i_mode & ~(S_ISUID | ((inode->i_mode & 010) ? S_ISGID : 0));
	}
	err = notify_change(path->dentry, &a);
	inode_unlock(inode);
	return err;
}

static long do_fchmodat(int dfd, const char *uname, umode_t mode, int flags)
{
	struct path path;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (flags & AT_SYMLINK_NOFOLLOW)
		return -EOPNOTSUPP; /* as Linux: symlink modes cannot change */
	err = user_path_at(dfd, uname, LOOKUP_FOLLOW | ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0),
			   &path);
	if (err)
		return err;
	err = chmod_common(&path, mode);
	path_put(&path);
	return err;
}

SYSCALL_DEFINE(__NR_chmod, chmod)
{
	return do_fchmodat(AT_FDCWD, (const char *)a0, (umode_t)a1, 0);
}

SYSCALL_DEFINE(__NR_fchmodat, fchmodat)
{
	return do_fchmodat((int)a0, (const char *)a1, (umode_t)a2, 0);
}

SYSCALL_DEFINE(__NR_fchmod, fchmod)
{
	struct file *f = fget((int)a0);
	int err;

	if (!f)
		return -EBADF;
	err = chmod_common(&f->f_path, (umode_t)a1);
	fput(f);
	return err;
}

static long do_fchownat(int dfd, const char *uname, u32 uid, u32 gid, int flags)
{
	struct path path;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = user_path_at(dfd, uname,
			   ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
				   ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0),
			   &path);
	if (err)
		return err;
	err = chown_common(&path, uid, gid);
	path_put(&path);
	return err;
}

SYSCALL_DEFINE(__NR_chown, chown)
{
	return do_fchownat(AT_FDCWD, (const char *)a0, (u32)a1, (u32)a2, 0);
}

SYSCALL_DEFINE(__NR_lchown, lchown)
{
	return do_fchownat(AT_FDCWD, (const char *)a0, (u32)a1, (u32)a2, AT_SYMLINK_NOFOLLOW);
}

SYSCALL_DEFINE(__NR_fchownat, fchownat)
{
	return do_fchownat((int)a0, (const char *)a1, (u32)a2, (u32)a3, (int)a4);
}

SYSCALL_DEFINE(__NR_fchown, fchown)
{
	struct file *f = fget((int)a0);
	int err;

	if (!f)
		return -EBADF;
	err = chown_common(&f->f_path, (u32)a1, (u32)a2);
	fput(f);
	return err;
}

/* ---- truncate ---- */

int do_truncate(struct dentry *dentry, loff_t length, unsigned int attrs, struct file *filp)
{
	struct inode *inode = dentry->d_inode;
	struct iattr a = { .ia_valid = ATTR_SIZE | attrs, .ia_size = length };
	int err;

	if (length < 0)
		return -EINVAL;
	inode_lock(inode);
	err = notify_change(dentry, &a);
	inode_unlock(inode);
	return err;
}

int vfs_truncate(const struct path *path, loff_t length)
{
	struct inode *inode = path->dentry->d_inode;
	int err;

	if (S_ISDIR(inode->i_mode))
		return -EISDIR;
	if (!S_ISREG(inode->i_mode))
		return -EINVAL;
	err = mnt_want_write(path->mnt);
	if (!err)
		err = inode_permission(inode, MAY_WRITE);
	if (err)
		return err;
	return do_truncate(path->dentry, length, 0, NULL);
}

SYSCALL_DEFINE(__NR_truncate, truncate)
{
	struct path path;
	int err;

	if (a1 < 0)
		return -EINVAL;
	err = user_path_at(AT_FDCWD, (const char *)a0, LOOKUP_FOLLOW, &path);
	if (err)
		return err;
	err = vfs_truncate(&path, a1);
	path_put(&path);
	return err;
}

SYSCALL_DEFINE(__NR_ftruncate, ftruncate)
{
	struct file *f;
	int err;

	if (a1 < 0)
		return -EINVAL;
	f = fget((int)a0);
	if (!f)
		return -EBADF;
	if (!S_ISREG(file_inode(f)->i_mode) || !(f->f_mode & FMODE_WRITE))
		err = -EINVAL;
	else
		err = do_truncate(f->f_path.dentry, a1, 0, f);
	fput(f);
	return err;
}

/* ---- fallocate ---- */

/*
 * Linux's checks, then the file system's ->fallocate: only the modes
 * below are known; PUNCH_HOLE needs KEEP_SIZE; a file system without
 * ->fallocate (or a mode it does not do) answers -EOPNOTSUPP.
 */
int vfs_fallocate(struct file *f, int mode, loff_t offset, loff_t len)
{
	struct inode *inode = file_inode(f);

	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	if (offset < 0 || len <= 0)
		return -EINVAL;
	if (!(f->f_mode & FMODE_WRITE))
		return -EBADF;
	if (IS_RDONLY(inode))
		return -EROFS;
	if (S_ISDIR(inode->i_mode))
		return -EISDIR;
	if (!S_ISREG(inode->i_mode))
		return -ENODEV;
	if (inode->i_sb->s_maxbytes && (u64)offset + (u64)len > (u64)inode->i_sb->s_maxbytes)
		return -EFBIG;
	if (!f->f_op->fallocate)
		return -EOPNOTSUPP;
	return (int)f->f_op->fallocate(f, mode, offset, len);
}

SYSCALL_DEFINE(__NR_fallocate, fallocate)
{
	struct file *f = fget((int)a0);
	int err;

	if (!f)
		return -EBADF;
	err = vfs_fallocate(f, (int)a1, a2, a3);
	fput(f);
	return err;
}

/* ---- timestamps ---- */

int utimes_common(const struct path *path, const struct timespec64 *times)
{
	struct inode *inode = path->dentry->d_inode;
	struct iattr a = { .ia_valid = ATTR_ATIME | ATTR_MTIME };
	struct timespec64 now = current_time();
	int err = mnt_want_write(path->mnt);

	if (err)
		return err;
	a.ia_atime = a.ia_mtime = now;
	if (times) {
		if (times[0].tv_nsec == UTIME_OMIT)
			a.ia_valid &= ~ATTR_ATIME;
		else if (times[0].tv_nsec != UTIME_NOW)
			a.ia_atime = times[0];
		if (times[1].tv_nsec == UTIME_OMIT)
			a.ia_valid &= ~ATTR_MTIME;
		else if (times[1].tv_nsec != UTIME_NOW)
			a.ia_mtime = times[1];
	}
	inode_lock(inode);
	err = notify_change(path->dentry, &a);
	inode_unlock(inode);
	return err;
}

SYSCALL_DEFINE(__NR_utimensat, utimensat)
{
	int dfd = (int)a0, flags = (int)a3;
	const char *uname = (const char *)a1;
	struct timespec64 t[2], *tp = NULL;
	struct path path;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (a2) {
		s64 raw[4];
		if (copy_from_user(raw, (void *)a2, sizeof(raw)))
			return -EFAULT;
		for (int i = 0; i < 2; i++) {
			t[i].tv_sec = raw[2 * i];
			t[i].tv_nsec = raw[2 * i + 1];
			if (t[i].tv_nsec != UTIME_NOW && t[i].tv_nsec != UTIME_OMIT &&
			    (t[i].tv_nsec < 0 || t[i].tv_nsec >= 1000000000L))
				return -EINVAL;
		}
		tp = t;
		if (t[0].tv_nsec == UTIME_OMIT && t[1].tv_nsec == UTIME_OMIT)
			return 0;
	}
	if (!uname) { /* Linux extension: the file of dfd itself */
		struct file *f = fget(dfd);
		if (!f)
			return -EBADF;
		err = utimes_common(&f->f_path, tp);
		fput(f);
		return err;
	}
	err = user_path_at(dfd, uname,
			   ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
				   ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0),
			   &path);
	if (err)
		return err;
	err = utimes_common(&path, tp);
	path_put(&path);
	return err;
}

/* The older interfaces: utime(path, {atime, mtime} in seconds),
 * utimes(path, timeval[2]) and futimesat(dfd, path, timeval[2]); a NULL
 * times pointer means "now".  Always follow a final symlink. */
static long do_utimes_at(int dfd, const char *uname, const struct timespec64 *tp)
{
	struct path path;
	int err = user_path_at(dfd, uname, LOOKUP_FOLLOW, &path);

	if (err)
		return err;
	err = utimes_common(&path, tp);
	path_put(&path);
	return err;
}

static long do_futimesat(int dfd, const char *uname, const s64 *utv)
{
	struct timespec64 t[2];
	s64 raw[4];

	if (!utv)
		return do_utimes_at(dfd, uname, NULL);
	if (copy_from_user(raw, utv, sizeof(raw)))
		return -EFAULT;
	for (int i = 0; i < 2; i++) {
		if (raw[2 * i + 1] < 0 || raw[2 * i + 1] >= 1000000)
			return -EINVAL;
		t[i].tv_sec = raw[2 * i];
		t[i].tv_nsec = raw[2 * i + 1] * 1000;
	}
	return do_utimes_at(dfd, uname, t);
}

SYSCALL_DEFINE(__NR_utimes, utimes) { return do_futimesat(AT_FDCWD, (const char *)a0, (s64 *)a1); }

SYSCALL_DEFINE(__NR_futimesat, futimesat)
{
	return do_futimesat((int)a0, (const char *)a1, (s64 *)a2);
}

SYSCALL_DEFINE(__NR_utime, utime)
{
	struct timespec64 t[2] = { 0 };
	s64 raw[2];

	if (!a1)
		return do_utimes_at(AT_FDCWD, (const char *)a0, NULL);
	if (copy_from_user(raw, (void *)a1, sizeof(raw)))
		return -EFAULT;
	t[0].tv_sec = raw[0];
	t[1].tv_sec = raw[1];
	return do_utimes_at(AT_FDCWD, (const char *)a0, t);
}
