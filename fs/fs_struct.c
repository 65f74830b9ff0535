/*
 * fs_struct.c - a process's root and current directory (and umask):
 * task->fs, copied on fork, shared with CLONE_FS; and getcwd(2).
 *
 * fs->lock (spinlock) guards root, pwd and umask; readers take their own
 * references under it (get_fs_root/get_fs_pwd) and use them unlocked.
 * fs->users counts the tasks sharing the struct (also under fs->lock).
 * Kernel threads have no task->fs: current_fs() gives them init_fs, whose
 * root and cwd are "/" once the root file system is mounted.
 */
#include "internal.h"
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <mm/slab.h>

static struct fs_struct init_fs = {
	.users = 1,
	.lock = __SPIN_LOCK_UNLOCKED(init_fs.lock),
	.umask = 022,
};

void init_fs_root(const struct path *root)
{
	path_get(root);
	path_get(root);
	spin_lock(&init_fs.lock);
	init_fs.root = *root;
	init_fs.pwd = *root;
	spin_unlock(&init_fs.lock);
}

struct fs_struct *current_fs(void)
{
	struct fs_struct *fs = current->fs;

	return fs ? fs : &init_fs;
}

int current_umask(void) { return READ_ONCE(current_fs()->umask); }

void get_fs_root(struct fs_struct *fs, struct path *root)
{
	spin_lock(&fs->lock);
	*root = fs->root;
	path_get(root);
	spin_unlock(&fs->lock);
}

void get_fs_pwd(struct fs_struct *fs, struct path *pwd)
{
	spin_lock(&fs->lock);
	*pwd = fs->pwd;
	path_get(pwd);
	spin_unlock(&fs->lock);
}

void set_fs_pwd(struct fs_struct *fs, const struct path *path)
{
	struct path old;

	path_get(path);
	spin_lock(&fs->lock);
	old = fs->pwd;
	fs->pwd = *path;
	spin_unlock(&fs->lock);
	if (old.dentry)
		path_put(&old);
}

void set_fs_root(struct fs_struct *fs, const struct path *path)
{
	struct path old;

	path_get(path);
	spin_lock(&fs->lock);
	old = fs->root;
	fs->root = *path;
	spin_unlock(&fs->lock);
	if (old.dentry)
		path_put(&old);
}

static struct fs_struct *alloc_fs(void)
{
	struct fs_struct *fs = kzalloc(sizeof(*fs), 0);

	if (fs) {
		fs->users = 1;
		spin_lock_init(&fs->lock);
		fs->umask = 022;
	}
	return fs;
}

struct fs_struct *fs_alloc_root(void)
{
	struct fs_struct *fs = alloc_fs();

	if (fs) {
		get_fs_root(&init_fs, &fs->root);
		get_fs_root(&init_fs, &fs->pwd);
	}
	return fs;
}

struct fs_struct *copy_fs_struct(struct fs_struct *old)
{
	struct fs_struct *fs = alloc_fs();

	if (!fs)
		return NULL;
	spin_lock(&old->lock);
	fs->root = old->root;
	path_get(&fs->root);
	fs->pwd = old->pwd;
	path_get(&fs->pwd);
	fs->umask = old->umask;
	spin_unlock(&old->lock);
	return fs;
}

void put_fs_struct(struct fs_struct *fs)
{
	bool last;

	if (!fs)
		return;
	spin_lock(&fs->lock);
	last = --fs->users == 0;
	spin_unlock(&fs->lock);
	if (!last)
		return;
	BUG_ON(fs == &init_fs);
	if (fs->root.dentry)
		path_put(&fs->root);
	if (fs->pwd.dentry)
		path_put(&fs->pwd);
	kfree(fs);
}

SYSCALL_DEFINE(__NR_getcwd, getcwd)
{
	struct fs_struct *fs = current_fs();
	size_t size = (size_t)a1;
	struct path root, pwd;
	char *page = kmalloc(PATH_MAX, 0), *s;
	long r;

	if (!page)
		return -ENOMEM;
	get_fs_root(fs, &root);
	get_fs_pwd(fs, &pwd);
	if (d_unhashed(pwd.dentry) && !IS_ROOT(pwd.dentry)) {
		r = -ENOENT; /* the cwd was removed */
	} else {
		s = d_path(&pwd, &root, page, PATH_MAX);
		if (IS_ERR(s)) {
			r = PTR_ERR(s);
		} else {
			r = (long)strlen(s) + 1;
			if ((size_t)r > size)
				r = -ERANGE;
			else if (copy_to_user((void *)a0, s, (size_t)r))
				r = -EFAULT;
		}
	}
	path_put(&pwd);
	path_put(&root);
	kfree(page);
	return r;
}
