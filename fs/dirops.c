/*
 * dirops.c - changing the namespace: create, mkdir, mknod, symlink, link,
 * unlink, rmdir, rename (the vfs_* checks around the inode operations) and
 * their system calls (mkdir, mkdirat, mknod, mknodat, symlink, symlinkat,
 * link, linkat, unlink, unlinkat, rmdir, rename, renameat, renameat2).
 *
 * Locking (<fs/fs.h> lock order): the parent directory's i_rwsem is held
 * for writing around the lookup of the last component and the operation, so
 * the name cannot change in between.  unlink and rmdir also lock the victim
 * (I_MUTEX_CHILD).  rename locks both parents (lock_rename): the same one
 * once; otherwise under sb->s_vfs_rename_mutex, an ancestor first, else in
 * inode-number order; it refuses to move a directory below itself (-EINVAL)
 * or to replace an ancestor of the source (-ENOTEMPTY).
 * After success the dcache follows: d_delete after unlink/rmdir, d_move
 * after rename.  A removed directory is marked S_DEAD: nothing can be
 * created in it any more.
 */
#include "internal.h"
#include <kernel/syscall.h>

#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#define RENAME_WHITEOUT 4

static int may_create(struct inode *dir)
{
	if (IS_DEADDIR(dir))
		return -ENOENT;
	return inode_permission(dir, MAY_WRITE | MAY_EXEC);
}

int vfs_create(struct inode *dir, struct dentry *dentry, umode_t mode, bool excl)
{
	int err = may_create(dir);

	if (err)
		return err;
	if (!dir->i_op->create)
		return -EACCES;
	return dir->i_op->create(dir, dentry, (mode & S_IALLUGO) | S_IFREG, excl);
}

int vfs_mkdir(struct inode *dir, struct dentry *dentry, umode_t mode)
{
	int err = may_create(dir);

	if (err)
		return err;
	if (!dir->i_op->mkdir)
		return -EPERM;
	return dir->i_op->mkdir(dir, dentry, (mode & (S_IRWXUGO | S_ISVTX)) | S_IFDIR);
}

int vfs_mknod(struct inode *dir, struct dentry *dentry, umode_t mode, dev_t dev)
{
	int err = may_create(dir);

	if (err)
		return err;
	if (!dir->i_op->mknod)
		return -EPERM;
	return dir->i_op->mknod(dir, dentry, mode, dev);
}

int vfs_symlink(struct inode *dir, struct dentry *dentry, const char *oldname)
{
	int err = may_create(dir);

	if (err)
		return err;
	if (!dir->i_op->symlink)
		return -EPERM;
	return dir->i_op->symlink(dir, dentry, oldname);
}

int vfs_link(struct dentry *old, struct inode *dir, struct dentry *new)
{
	struct inode *inode = old->d_inode;
	int err;

	if (!inode)
		return -ENOENT;
	if (S_ISDIR(inode->i_mode))
		return -EPERM;
	if (inode->i_sb != dir->i_sb)
		return -EXDEV;
	err = may_create(dir);
	if (err)
		return err;
	if (!dir->i_op->link)
		return -EPERM;
	inode_lock_nested(inode, I_MUTEX_CHILD);
	if (inode->i_nlink == 0)
		err = -ENOENT; /* an unlinked open file cannot come back */
	else
		err = dir->i_op->link(old, dir, new);
	inode_unlock(inode);
	return err;
}

int vfs_unlink(struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = dentry->d_inode;
	int err;

	if (!inode)
		return -ENOENT;
	if (S_ISDIR(inode->i_mode))
		return -EISDIR;
	if (!dir->i_op->unlink)
		return -EPERM;
	err = inode_permission(dir, MAY_WRITE | MAY_EXEC);
	if (err)
		return err;
	inode_lock_nested(inode, I_MUTEX_CHILD);
	if (READ_ONCE(dentry->d_mounted))
		err = -EBUSY;
	else
		err = dir->i_op->unlink(dir, dentry);
	inode_unlock(inode);
	if (!err)
		d_delete(dentry);
	return err;
}

int vfs_rmdir(struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = dentry->d_inode;
	int err;

	if (!inode)
		return -ENOENT;
	if (!S_ISDIR(inode->i_mode))
		return -ENOTDIR;
	if (!dir->i_op->rmdir)
		return -EPERM;
	err = inode_permission(dir, MAY_WRITE | MAY_EXEC);
	if (err)
		return err;
	inode_lock_nested(inode, I_MUTEX_CHILD);
	if (READ_ONCE(dentry->d_mounted) || IS_ROOT(dentry))
		err = -EBUSY;
	else
		err = dir->i_op->rmdir(dir, dentry);
	if (!err)
		inode->i_flags |= S_DEAD;
	inode_unlock(inode);
	if (!err) {
		shrink_dcache_parent(dentry); /* cached negative children */
		d_delete(dentry);
	}
	return err;
}

int vfs_rename(struct inode *old_dir, struct dentry *old, struct inode *new_dir, struct dentry *new,
	       unsigned int flags)
{
	struct inode *source = old->d_inode, *target = new->d_inode;
	bool is_dir = S_ISDIR(source->i_mode);
	int err;

	if (source == target)
		return 0; /* two links of one file: nothing to do (POSIX) */
	if (flags & ~RENAME_NOREPLACE)
		return -EINVAL;
	if (target) {
		if (flags & RENAME_NOREPLACE)
			return -EEXIST;
		if (is_dir && !S_ISDIR(target->i_mode))
			return -ENOTDIR;
		if (!is_dir && S_ISDIR(target->i_mode))
			return -EISDIR;
	}
	if (IS_DEADDIR(new_dir))
		return -ENOENT;
	if (!old_dir->i_op->rename)
		return -EPERM;
	if (READ_ONCE(old->d_mounted) || READ_ONCE(new->d_mounted))
		return -EBUSY;
	if (target)
		inode_lock_nested(target, I_MUTEX_NONDIR2);
	err = old_dir->i_op->rename(old_dir, old, new_dir, new, flags);
	if (!err && target && is_dir)
		target->i_flags |= S_DEAD;
	if (target)
		inode_unlock(target);
	if (!err)
		d_move(old, new);
	return err;
}

/* ---- path-level operations ---- */

int do_mkdirat(int dfd, const char *name, umode_t mode)
{
	struct path path;
	struct dentry *d = kern_path_create(dfd, name, &path, LOOKUP_DIRECTORY);
	int err;

	if (IS_ERR(d))
		return PTR_ERR(d);
	err = vfs_mkdir(path.dentry->d_inode, d, mode & ~current_umask());
	done_path_create(&path, d);
	return err;
}

int do_mknodat(int dfd, const char *name, umode_t mode, dev_t dev)
{
	struct path path;
	struct dentry *d;
	int err;

	switch (mode & S_IFMT) {
	case 0:
	case S_IFREG:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	d = kern_path_create(dfd, name, &path, 0);
	if (IS_ERR(d))
		return PTR_ERR(d);
	mode = (mode & S_IFMT) | (mode & S_IALLUGO & ~current_umask());
	if ((mode & S_IFMT) == 0 || S_ISREG(mode))
		err = vfs_create(path.dentry->d_inode, d, mode, true);
	else
		err = vfs_mknod(path.dentry->d_inode, d, mode, dev);
	done_path_create(&path, d);
	return err;
}

int do_symlinkat(const char *target, int dfd, const char *name)
{
	struct path path;
	struct dentry *d = kern_path_create(dfd, name, &path, 0);
	int err;

	if (IS_ERR(d))
		return PTR_ERR(d);
	err = vfs_symlink(path.dentry->d_inode, d, target);
	done_path_create(&path, d);
	return err;
}

int do_linkat(int olddfd, const char *oldname, int newdfd, const char *newname, int flags)
{
	struct path old, newp;
	struct dentry *d;
	int err;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = filename_lookup(olddfd, oldname,
			      ((flags & AT_SYMLINK_FOLLOW) ? LOOKUP_FOLLOW : 0) |
				      ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0),
			      &old);
	if (err)
		return err;
	d = kern_path_create(newdfd, newname, &newp, 0);
	if (IS_ERR(d)) {
		path_put(&old);
		return PTR_ERR(d);
	}
	err = old.mnt != newp.mnt ? -EXDEV : vfs_link(old.dentry, newp.dentry->d_inode, d);
	done_path_create(&newp, d);
	path_put(&old);
	return err;
}

int do_unlinkat(int dfd, const char *name)
{
	struct path parent;
	struct qstr last;
	struct dentry *d;
	struct inode *dir;
	bool slash;
	int type, err;

	err = filename_parentat(dfd, name, 0, &parent, &last, &type, &slash);
	if (err)
		return err;
	if (type != LAST_NORM) {
		path_put(&parent);
		return -EISDIR;
	}
	err = mnt_want_write(parent.mnt);
	if (err) {
		path_put(&parent);
		return err;
	}
	dir = parent.dentry->d_inode;
	inode_lock_nested(dir, I_MUTEX_PARENT);
	d = lookup_hash_locked(&last, parent.dentry, 0);
	if (IS_ERR(d)) {
		err = PTR_ERR(d);
	} else {
		if (!d->d_inode)
			err = -ENOENT;
		else if (slash)
			err = d_is_dir(d) ? -EISDIR : -ENOTDIR;
		else
			err = vfs_unlink(dir, d);
		dput(d);
	}
	inode_unlock(dir);
	path_put(&parent);
	return err;
}

int do_rmdir(int dfd, const char *name)
{
	struct path parent;
	struct qstr last;
	struct dentry *d;
	struct inode *dir;
	int type, err;

	err = filename_parentat(dfd, name, 0, &parent, &last, &type, NULL);
	if (err)
		return err;
	if (type != LAST_NORM) {
		path_put(&parent);
		return type == LAST_DOTDOT ? -ENOTEMPTY : type == LAST_DOT ? -EINVAL : -EBUSY;
	}
	err = mnt_want_write(parent.mnt);
	if (err) {
		path_put(&parent);
		return err;
	}
	dir = parent.dentry->d_inode;
	inode_lock_nested(dir, I_MUTEX_PARENT);
	d = lookup_hash_locked(&last, parent.dentry, 0);
	if (IS_ERR(d)) {
		err = PTR_ERR(d);
	} else {
		err = d->d_inode ? vfs_rmdir(dir, d) : -ENOENT;
		dput(d);
	}
	inode_unlock(dir);
	path_put(&parent);
	return err;
}

/* Locks two directories for a rename; returns the "trap" (see d_ancestor). */
static struct dentry *lock_rename(struct dentry *p1, struct dentry *p2)
{
	struct dentry *p;

	if (p1 == p2) {
		inode_lock_nested(p1->d_inode, I_MUTEX_PARENT);
		return NULL;
	}
	mutex_lock(&p1->d_sb->s_vfs_rename_mutex);
	if ((p = d_ancestor(p2, p1))) {
		inode_lock_nested(p2->d_inode, I_MUTEX_PARENT);
		inode_lock_nested(p1->d_inode, I_MUTEX_CHILD);
		return p;
	}
	if ((p = d_ancestor(p1, p2))) {
		inode_lock_nested(p1->d_inode, I_MUTEX_PARENT);
		inode_lock_nested(p2->d_inode, I_MUTEX_CHILD);
		return p;
	}
	if (p1->d_inode->i_ino > p2->d_inode->i_ino) {
		struct dentry *t = p1;
		p1 = p2;
		p2 = t;
	}
	inode_lock_nested(p1->d_inode, I_MUTEX_PARENT);
	inode_lock_nested(p2->d_inode, I_MUTEX_PARENT2);
	return NULL;
}

static void unlock_rename(struct dentry *p1, struct dentry *p2)
{
	inode_unlock(p1->d_inode);
	if (p1 != p2) {
		inode_unlock(p2->d_inode);
		mutex_unlock(&p1->d_sb->s_vfs_rename_mutex);
	}
}

int do_renameat2(int olddfd, const char *oldname, int newdfd, const char *newname,
		 unsigned int flags)
{
	struct path oldp, newp;
	struct qstr old_last, new_last;
	struct dentry *old_dir, *new_dir, *old = NULL, *new = NULL, *trap;
	bool old_slash, new_slash;
	int old_type, new_type, err;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & RENAME_EXCHANGE) && (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)))
		return -EINVAL;
	if (flags & (RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL; /* not supported yet */
	err = filename_parentat(olddfd, oldname, 0, &oldp, &old_last, &old_type, &old_slash);
	if (err)
		return err;
	err = filename_parentat(newdfd, newname, 0, &newp, &new_last, &new_type, &new_slash);
	if (err)
		goto out_old;
	err = -EXDEV;
	if (oldp.mnt != newp.mnt)
		goto out_new;
	err = -EBUSY;
	if (old_type != LAST_NORM)
		goto out_new;
	if (new_type != LAST_NORM) {
		err = (flags & RENAME_NOREPLACE) ? -EEXIST : -EBUSY;
		goto out_new;
	}
	err = mnt_want_write(oldp.mnt);
	if (err)
		goto out_new;
	old_dir = oldp.dentry;
	new_dir = newp.dentry;
	trap = lock_rename(new_dir, old_dir);
	old = lookup_hash_locked(&old_last, old_dir, 0);
	if (IS_ERR(old)) {
		err = PTR_ERR(old);
		old = NULL;
		goto out_unlock;
	}
	err = -ENOENT;
	if (!old->d_inode)
		goto out_unlock;
	err = -ENOTDIR;
	if ((old_slash || new_slash) && !d_is_dir(old))
		goto out_unlock;
	err = -EINVAL;
	if (old == trap)
		goto out_unlock;
	new = lookup_hash_locked(&new_last, new_dir, LOOKUP_CREATE);
	if (IS_ERR(new)) {
		err = PTR_ERR(new);
		new = NULL;
		goto out_unlock;
	}
	err = -ENOTEMPTY;
	if (new == trap)
		goto out_unlock;
	err = vfs_rename(old_dir->d_inode, old, new_dir->d_inode, new, flags);
out_unlock:
	if (new)
		dput(new);
	if (old)
		dput(old);
	unlock_rename(new_dir, old_dir);
out_new:
	path_put(&newp);
out_old:
	path_put(&oldp);
	return err;
}

/* ---- system calls ---- */

/* Runs fn on one or two user names copied in. */
#define WITH_NAME(uname, var, expr)                                   \
	({                                                            \
		char *var = getname((const char *)(uname));           \
		long __r = IS_ERR(var) ? PTR_ERR(var) : (long)(expr); \
		if (!IS_ERR(var))                                     \
			putname(var);                                 \
		__r;                                                  \
	})

SYSCALL_DEFINE(__NR_mkdir, mkdir) { return WITH_NAME(a0, n, do_mkdirat(AT_FDCWD, n, (umode_t)a1)); }
SYSCALL_DEFINE(__NR_mkdirat, mkdirat)
{
	return WITH_NAME(a1, n, do_mkdirat((int)a0, n, (umode_t)a2));
}
SYSCALL_DEFINE(__NR_rmdir, rmdir) { return WITH_NAME(a0, n, do_rmdir(AT_FDCWD, n)); }
SYSCALL_DEFINE(__NR_unlink, unlink) { return WITH_NAME(a0, n, do_unlinkat(AT_FDCWD, n)); }

SYSCALL_DEFINE(__NR_unlinkat, unlinkat)
{
	int flags = (int)a2;

	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	if (flags & AT_REMOVEDIR)
		return WITH_NAME(a1, n, do_rmdir((int)a0, n));
	return WITH_NAME(a1, n, do_unlinkat((int)a0, n));
}

static long new_dev(long d)
{
	u64 dev = (u64)d;
	unsigned int major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffU);
	unsigned int minor = (dev & 0xff) | ((dev >> 12) & ~0xffU);
	return MKDEV(major & 0xfff, minor & MINORMASK);
}

SYSCALL_DEFINE(__NR_mknod, mknod)
{
	return WITH_NAME(a0, n, do_mknodat(AT_FDCWD, n, (umode_t)a1, (dev_t)new_dev(a2)));
}

SYSCALL_DEFINE(__NR_mknodat, mknodat)
{
	return WITH_NAME(a1, n, do_mknodat((int)a0, n, (umode_t)a2, (dev_t)new_dev(a3)));
}

static long symlink_common(long utarget, int dfd, long uname)
{
	return WITH_NAME(utarget, t, WITH_NAME(uname, n, do_symlinkat(t, dfd, n)));
}

SYSCALL_DEFINE(__NR_symlink, symlink) { return symlink_common(a0, AT_FDCWD, a1); }
SYSCALL_DEFINE(__NR_symlinkat, symlinkat) { return symlink_common(a0, (int)a1, a2); }

static long link_common(int olddfd, long uold, int newdfd, long unew, int flags)
{
	char *oldname = getname_flags((const char *)uold, flags & AT_EMPTY_PATH);
	long r;

	if (IS_ERR(oldname))
		return PTR_ERR(oldname);
	r = WITH_NAME(unew, n, do_linkat(olddfd, oldname, newdfd, n, flags));
	putname(oldname);
	return r;
}

SYSCALL_DEFINE(__NR_link, link) { return link_common(AT_FDCWD, a0, AT_FDCWD, a1, 0); }
SYSCALL_DEFINE(__NR_linkat, linkat) { return link_common((int)a0, a1, (int)a2, a3, (int)a4); }

static long rename_common(int olddfd, long uold, int newdfd, long unew, unsigned int flags)
{
	return WITH_NAME(uold, o, WITH_NAME(unew, n, do_renameat2(olddfd, o, newdfd, n, flags)));
}

SYSCALL_DEFINE(__NR_rename, rename) { return rename_common(AT_FDCWD, a0, AT_FDCWD, a1, 0); }
SYSCALL_DEFINE(__NR_renameat, renameat) { return rename_common((int)a0, a1, (int)a2, a3, 0); }

SYSCALL_DEFINE(__NR_renameat2, renameat2)
{
	return rename_common((int)a0, a1, (int)a2, a3, (unsigned int)a4);
}
