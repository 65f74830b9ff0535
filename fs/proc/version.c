/*
 * version.c - /proc/version, /proc/cmdline and /proc/filesystems: short
 * constant texts (the kernel's release as uname(2) gives it, the boot
 * command line, the registered file system types).
 * Locks: filesystems_show takes the type list's lock (fs/super.c).
 */
#include "internal.h"
#include <kernel/bootinfo.h>

int proc_version_show(struct proc_buf *m, struct proc_inode *pi)
{
	proc_puts(m, "Linux version 6.1.0-teachos (teachos) #1 SMP teachos\n");
	return 0;
}

int proc_cmdline_show(struct proc_buf *m, struct proc_inode *pi)
{
	proc_printf(m, "%s\n", boot_info.cmdline);
	return 0;
}

int proc_filesystems_show(struct proc_buf *m, struct proc_inode *pi)
{
	filesystems_show(m);
	return 0;
}
