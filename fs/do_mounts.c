/*
 * do_mounts.c - root=: the disk's file system becomes "/" before init runs.
 *
 * At boot the VFS mounts a ramfs as "/" and unpacks the initramfs into it
 * (fs/init.c).  With root=DEV (/dev/vda, or vda; rootfstype=, default
 * ext2), after the drivers found their disks (late_initcall):
 *   1. DEV's file system is mounted, detached;
 *   2. it needs a directory /initrd (made when missing and writable);
 *   3. change_root() makes it the root of the mount tree, with the old
 *      ramfs root mounted on /initrd: the initramfs stays reachable there
 *      (and `umount /initrd` frees it);
 *   4. the kernel's root and cwd (init_fs, which init inherits) move to it;
 *   5. a fresh ramfs is mounted on its /dev (made when missing) and filled
 *      with the device nodes the drivers asked for, so /dev/console and
 *      /dev/vda exist whatever the disk holds.
 * Any failure is reported and leaves the initramfs as "/": the boot goes on.
 * Then procfs is mounted on /proc of whichever root won (fs/proc/root.c:
 * the directory is made on an initramfs root, never on a disk).
 * init is looked up on the new root first, then below /initrd
 * (init_fallback_path(), used by kernel/init_user.c), so init=/bin/busybox
 * works with a disk that has no busybox.
 *
 * Runs once in the main kernel thread before init exists: no locks here.
 */
#include "internal.h"
#include <fs/proc_fs.h>
#include <kernel/bootinfo.h>
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/string.h>

static bool root_switched;

const char *init_fallback_path(const char *path, char *buf, size_t size)
{
	if (!root_switched || !path || path[0] != '/')
		return NULL;
	snprintf(buf, size, "/initrd%s", path);
	return buf;
}

/* A directory name relative to the kernel's cwd: made when missing. */
static int ensure_dir(const char *name)
{
	int err = do_mkdirat(AT_FDCWD, name, 0755);

	return err == -EEXIST ? 0 : err;
}

static int mount_root(void)
{
	const char *dev = cmdline_get("root"), *fstype = cmdline_get("rootfstype");
	struct file_system_type *type;
	struct path newroot, oldpwd;
	struct vfsmount *mnt;
	int err;

	if (!dev || !*dev)
		return 0;
	if (!fstype || !*fstype)
		fstype = "ext2";
	type = get_fs_type(fstype);
	if (!type) {
		printk(KERN_ERR "root=%s: unknown file system type %s: staying on the initramfs\n",
		       dev, fstype);
		return -ENODEV;
	}
	mnt = vfs_kern_mount(type, 0, dev, NULL);
	if (IS_ERR(mnt)) {
		printk(KERN_ERR "root=%s: cannot mount it as %s (error %ld): staying on the "
				"initramfs\n",
		       dev, fstype, PTR_ERR(mnt));
		return PTR_ERR(mnt);
	}
	newroot.mnt = mnt;
	newroot.dentry = mnt->mnt_root;
	get_fs_pwd(current_fs(), &oldpwd);
	set_fs_pwd(current_fs(), &newroot);
	err = ensure_dir("initrd");
	if (!err)
		err = change_root(mnt, "initrd");
	if (err) {
		printk(KERN_ERR "root=%s: no /initrd on it (error %d): staying on the initramfs\n",
		       dev, err);
		set_fs_pwd(current_fs(), &oldpwd);
		path_put(&oldpwd);
		mntput(mnt);
		return err;
	}
	path_put(&oldpwd);
	set_fs_root(current_fs(), &newroot);
	root_switched = true;

	err = ensure_dir("dev");
	if (!err)
		err = do_mount("dev", "/dev", "ramfs", 0, NULL);
	if (!err)
		err = devtmpfs_populate();
	if (!err)
		err = blkdev_create_nodes();
	if (err)
		printk(KERN_WARNING "root=%s: /dev on the new root: error %d\n", dev, err);
	printk(KERN_INFO "VFS: mounted %s (%s) as the root; the initramfs is at /initrd\n", dev,
	       fstype);
	return 0;
}

/* root= first, then procfs on the final root's /proc. */
static int do_mounts(void)
{
	int err = mount_root();

	proc_mount_at_boot();
	return err;
}
late_initcall(do_mounts);
