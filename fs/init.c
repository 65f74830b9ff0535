/*
 * init.c - bringing the VFS up at boot (fs_initcall), in this order:
 * register the file systems, mount the root ramfs ("rootfs"), unpack the
 * initramfs into it, make /dev and the device nodes drivers asked for.
 * Also vfs_open_console_fds() for the first process.
 */
#include "internal.h"
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/sched.h>

int vfs_init(void)
{
	int err;

	err = init_ramfs_fs();
	if (!err)
		err = pipefs_init();
	if (!err)
		err = mnt_init();
	if (err) {
		printk(KERN_ERR "vfs: cannot mount the root file system: %d\n", err);
		return err;
	}
	populate_rootfs(); /* errors are reported there; boot goes on */
	return devtmpfs_populate();
}
fs_initcall(vfs_init);

int vfs_open_console_fds(void)
{
	struct file *f;
	int fd;

	if (!current->files && !(current->files = files_alloc()))
		return -ENOMEM;
	f = filp_open("/dev/console", O_RDWR, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	for (int i = 0; i < 3; i++) {
		if (i)
			get_file(f);
		fd = do_dup2(current->files, f, i, 0);
		if (fd < 0)
			return fd;
	}
	return 0;
}
