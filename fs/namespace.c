/*
 * namespace.c - the mount table: vfsmounts, the root mount, crossing mount
 * points during lookup, and the mount/umount2 system calls.
 *
 * One global tree of mounts.  The root mount's parent is itself.  A mounted
 * vfsmount holds one reference on itself (the tree's), a reference on its
 * parent mount and on its mountpoint dentry, whose d_mounted counts the
 * mounts on it.  Every struct path holds a reference on its mount, so a
 * mount whose count is above the tree's is busy.
 *
 * Locks: mount_lock (spinlock) guards the tree (mnt_parent, mnt_mountpoint,
 * the lists) and the busy check of umount; it nests outside dcache_lock
 * (d_mounted changes under both).  The parent chain of a mount that some
 * path references cannot change: a mount with children is never unmounted.
 *
 * change_root() (root= at boot, fs/do_mounts.c) makes another mount the
 * root of the tree and hangs the old root below it.
 *
 * mount(2) knows the types registered with register_filesystem(): ramfs and
 * tmpfs (the same in-memory file system) today; types that need a device
 * answer -ENODEV until a block layer exists.
 */
#include "internal.h"
#include <fs/proc_fs.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <mm/slab.h>

#define MS_RDONLY 1
#define MS_NOSUID 2
#define MS_NODEV 4
#define MS_NOEXEC 8
#define MS_REMOUNT 32
#define MS_BIND 4096
#define MS_MOVE 8192
#define MS_SILENT 32768
#define MS_MGC_MSK 0xffff0000UL
#define MS_MGC_VAL 0xC0ED0000UL
#define MNT_FORCE 1
#define MNT_DETACH 2
#define MNT_EXPIRE 4
#define UMOUNT_NOFOLLOW 8

static DEFINE_SPINLOCK(mount_lock);
static LIST_HEAD(mount_list);
static struct vfsmount *root_mnt;
static int last_mnt_id;

struct vfsmount *mntget(struct vfsmount *mnt)
{
	if (mnt)
		atomic_inc(&mnt->mnt_count);
	return mnt;
}

static void free_vfsmnt(struct vfsmount *mnt)
{
	struct super_block *sb = mnt->mnt_sb;
	bool last;

	dput(mnt->mnt_root);
	spin_lock(&mount_lock);
	last = --sb->s_active == 0;
	spin_unlock(&mount_lock);
	kfree(mnt);
	if (last)
		deactivate_super(sb);
}

void mntput(struct vfsmount *mnt)
{
	if (mnt && atomic_dec_and_test(&mnt->mnt_count))
		free_vfsmnt(mnt); /* only detached mounts get here */
}

static struct vfsmount *alloc_vfsmnt(const char *name)
{
	struct vfsmount *mnt = kzalloc(sizeof(*mnt), 0);

	if (!mnt)
		return NULL;
	atomic_set(&mnt->mnt_count, 1);
	mnt->mnt_parent = mnt;
	INIT_LIST_HEAD(&mnt->mnt_list);
	INIT_LIST_HEAD(&mnt->mnt_mounts);
	INIT_LIST_HEAD(&mnt->mnt_child);
	strlcpy(mnt->mnt_devname, name ? name : "none", sizeof(mnt->mnt_devname));
	return mnt;
}

struct vfsmount *vfs_kern_mount(struct file_system_type *type, int flags, const char *name,
				void *data)
{
	struct vfsmount *mnt = alloc_vfsmnt(name);
	struct dentry *root;

	if (!mnt)
		return ERR_PTR(-ENOMEM);
	root = type->mount(type, flags, name, data);
	if (IS_ERR(root)) {
		kfree(mnt);
		return ERR_PTR(PTR_ERR(root));
	}
	mnt->mnt_root = root;
	mnt->mnt_sb = root->d_sb;
	mnt->mnt_mountpoint = root;
	spin_lock(&mount_lock);
	mnt->mnt_id = ++last_mnt_id;
	spin_unlock(&mount_lock);
	return mnt;
}

struct vfsmount *kern_mount(struct file_system_type *type)
{
	return vfs_kern_mount(type, 0, type->name, NULL);
}

struct vfsmount *lookup_mnt(const struct path *path)
{
	struct vfsmount *m, *found = NULL;

	spin_lock(&mount_lock);
	/* The newest mount on a point hides older ones: take the last. */
	list_for_each_entry(m, &mount_list, mnt_list)
		if (m->mnt_parent == path->mnt && m->mnt_mountpoint == path->dentry &&
		    m != path->mnt)
			found = m;
	mntget(found);
	spin_unlock(&mount_lock);
	return found;
}

void follow_mount(struct path *path)
{
	while (READ_ONCE(path->dentry->d_mounted)) {
		struct vfsmount *m = lookup_mnt(path);
		if (!m)
			break;
		path_put(path);
		path->mnt = m;
		path->dentry = dget(m->mnt_root);
	}
}

bool follow_up(struct path *path)
{
	struct vfsmount *parent;
	struct dentry *mp;

	spin_lock(&mount_lock);
	parent = path->mnt->mnt_parent;
	if (parent == path->mnt) {
		spin_unlock(&mount_lock);
		return false;
	}
	mntget(parent);
	mp = path->mnt->mnt_mountpoint;
	spin_unlock(&mount_lock);
	dget(mp);
	path_put(path);
	path->mnt = parent;
	path->dentry = mp;
	return true;
}

/* Attaches mnt (holding one reference, which becomes the tree's) at path. */
static int attach_mnt(struct vfsmount *mnt, const struct path *path)
{
	spin_lock(&mount_lock);
	if (d_unhashed(path->dentry) && !IS_ROOT(path->dentry)) {
		spin_unlock(&mount_lock);
		return -ENOENT; /* removed meanwhile */
	}
	mnt->mnt_parent = mntget(path->mnt);
	mnt->mnt_mountpoint = dget(path->dentry);
	spin_lock(&dcache_lock);
	path->dentry->d_mounted++;
	spin_unlock(&dcache_lock);
	list_add_tail(&mnt->mnt_child, &path->mnt->mnt_mounts);
	list_add_tail(&mnt->mnt_list, &mount_list);
	spin_unlock(&mount_lock);
	return 0;
}

void get_root_path(struct path *root)
{
	root->mnt = mntget(root_mnt);
	root->dentry = dget(root_mnt->mnt_root);
}

int mnt_want_write(struct vfsmount *mnt)
{
	if ((mnt->mnt_flags & MNT_RDONLY) || (mnt->mnt_sb->s_flags & SB_RDONLY))
		return -EROFS;
	return 0;
}

int mnt_init(void)
{
	struct file_system_type *type = get_fs_type("ramfs");
	struct vfsmount *mnt;

	if (!type)
		return -ENODEV;
	mnt = vfs_kern_mount(type, 0, "rootfs", NULL);
	if (IS_ERR(mnt))
		return PTR_ERR(mnt);
	spin_lock(&mount_lock);
	list_add_tail(&mnt->mnt_list, &mount_list);
	root_mnt = mnt;
	spin_unlock(&mount_lock);
	struct path root = { mnt, mnt->mnt_root };
	init_fs_root(&root);
	return 0;
}

int change_root(struct vfsmount *newmnt, const char *put_old)
{
	struct path root = { newmnt, newmnt->mnt_root }, mp;
	struct vfsmount *old;
	int err;

	err = vfs_path_lookup(&root, put_old, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &mp);
	if (err)
		return err;
	if (mp.mnt != newmnt) {
		path_put(&mp);
		return -EBUSY; /* something is mounted there already */
	}
	spin_lock(&mount_lock);
	old = root_mnt;
	/* newmnt (detached: its parent is itself) takes over the tree's root
	 * reference it came with; the old root hangs below it. */
	list_add_tail(&newmnt->mnt_list, &mount_list);
	root_mnt = newmnt;
	old->mnt_parent = mntget(newmnt);
	old->mnt_mountpoint = dget(mp.dentry);
	spin_lock(&dcache_lock);
	mp.dentry->d_mounted++;
	spin_unlock(&dcache_lock);
	list_add_tail(&old->mnt_child, &newmnt->mnt_mounts);
	list_del(&old->mnt_list); /* after its new parent in the list */
	list_add_tail(&old->mnt_list, &mount_list);
	spin_unlock(&mount_lock);
	path_put(&mp);
	return 0;
}

static int do_new_mount(const struct path *path, const char *type_name, unsigned long flags,
			const char *dev_name, void *data)
{
	struct file_system_type *type = get_fs_type(type_name);
	struct vfsmount *mnt;
	int err;

	if (!type)
		return -ENODEV;
	if (type->fs_flags & FS_REQUIRES_DEV)
		return -ENODEV; /* no block devices yet */
	if (!d_is_dir(path->dentry))
		return -ENOTDIR;
	mnt = vfs_kern_mount(type, (int)(flags & MS_RDONLY ? SB_RDONLY : 0), dev_name, data);
	if (IS_ERR(mnt))
		return PTR_ERR(mnt);
	if (flags & MS_RDONLY)
		mnt->mnt_flags |= MNT_RDONLY;
	if (flags & MS_NOEXEC)
		mnt->mnt_flags |= MNT_NOEXEC;
	if (flags & MS_NOSUID)
		mnt->mnt_flags |= MNT_NOSUID;
	if (flags & MS_NODEV)
		mnt->mnt_flags |= MNT_NODEV;
	err = attach_mnt(mnt, path);
	if (err)
		mntput(mnt);
	return err;
}

int do_mount(const char *dev_name, const char *dir_name, const char *type, unsigned long flags,
	     void *data)
{
	struct path path;
	int err;

	if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~MS_MGC_MSK;
	if (flags & (MS_REMOUNT | MS_BIND | MS_MOVE))
		return -EINVAL; /* not supported yet */
	if (!type)
		return -EINVAL;
	err = kern_path(dir_name, LOOKUP_FOLLOW, &path);
	if (err)
		return err;
	err = do_new_mount(&path, type, flags, dev_name, data);
	path_put(&path);
	return err;
}

int do_umount_path(const struct path *path, int flags)
{
	struct vfsmount *mnt = path->mnt;
	struct vfsmount *parent;
	struct dentry *mp;

	if (path->dentry != mnt->mnt_root)
		return -EINVAL;
	spin_lock(&mount_lock);
	if (mnt == root_mnt || mnt->mnt_parent == mnt) {
		spin_unlock(&mount_lock);
		return -EBUSY;
	}
	/* The tree's reference and the caller's path: anything more is busy. */
	if (!list_empty(&mnt->mnt_mounts) || atomic_read(&mnt->mnt_count) > 2) {
		spin_unlock(&mount_lock);
		return -EBUSY;
	}
	list_del(&mnt->mnt_list);
	list_del(&mnt->mnt_child);
	parent = mnt->mnt_parent;
	mp = mnt->mnt_mountpoint;
	mnt->mnt_parent = mnt;
	mnt->mnt_mountpoint = mnt->mnt_root;
	spin_lock(&dcache_lock);
	mp->d_mounted--;
	spin_unlock(&dcache_lock);
	spin_unlock(&mount_lock);
	dput(mp);
	mntput(parent);
	mntput(mnt); /* the tree's reference; the caller's path_put frees it */
	return 0;
}

static long copy_mount_string(const void *u, char **out)
{
	char *s;
	long n;

	*out = NULL;
	if (!u)
		return 0;
	s = kmalloc(PAGE_SIZE, 0);
	if (!s)
		return -ENOMEM;
	n = strncpy_from_user(s, u, PAGE_SIZE);
	if (n < 0) {
		kfree(s);
		return n;
	}
	*out = s;
	return 0;
}

SYSCALL_DEFINE(__NR_mount, mount)
{
	char *dev = NULL, *dir = NULL, *type = NULL;
	long err;

	if ((err = copy_mount_string((void *)a0, &dev)) ||
	    (err = copy_mount_string((void *)a2, &type)))
		goto out;
	dir = getname((const char *)a1);
	if (IS_ERR(dir)) {
		err = PTR_ERR(dir);
		dir = NULL;
		goto out;
	}
	err = do_mount(dev, dir, type, (unsigned long)a3, NULL);
out:
	kfree(dev);
	kfree(type);
	if (dir)
		putname(dir);
	return err;
}

SYSCALL_DEFINE(__NR_umount2, umount2)
{
	int flags = (int)a1;
	struct path path;
	int err;

	if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH)))
		return -EINVAL;
	err = user_path_at(AT_FDCWD, (const char *)a0,
			   (flags & UMOUNT_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &path);
	if (err)
		return err;
	err = do_umount_path(&path, flags);
	path_put(&path);
	return err;
}

/* /proc/mounts: "device mountpoint type options 0 0", oldest first.  The
 * mount point is named as seen from root (d_path takes dcache_lock, which
 * nests inside mount_lock); proc_printf does not sleep. */
void mounts_show(struct proc_buf *m, const struct path *root)
{
	char *buf = kmalloc(PATH_MAX, 0);
	struct vfsmount *mnt;

	if (!buf) {
		m->overflow = true; /* retried; fails with -ENOMEM in the end */
		return;
	}
	spin_lock(&mount_lock);
	list_for_each_entry(mnt, &mount_list, mnt_list) {
		struct path mp = { mnt, mnt->mnt_root };
		bool ro = (mnt->mnt_flags & MNT_RDONLY) || (mnt->mnt_sb->s_flags & SB_RDONLY);
		char *name = d_path(&mp, root, buf, PATH_MAX);

		if (IS_ERR(name))
			continue;
		proc_printf(m, "%s %s %s %s%s%s%s 0 0\n", mnt->mnt_devname, name,
			    mnt->mnt_sb->s_type->name, ro ? "ro" : "rw",
			    (mnt->mnt_flags & MNT_NOSUID) ? ",nosuid" : "",
			    (mnt->mnt_flags & MNT_NODEV) ? ",nodev" : "",
			    (mnt->mnt_flags & MNT_NOEXEC) ? ",noexec" : "");
	}
	spin_unlock(&mount_lock);
	kfree(buf);
}
