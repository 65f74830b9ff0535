/*
 * vfs_host.h - host-only helpers for tests that run the VFS, the page
 * cache, file systems and the bio layer on the host (vfs_host.c,
 * blkdev_file.c).  Not a kernel interface.
 */
#ifndef SHIM_VFS_HOST_H
#define SHIM_VFS_HOST_H

#include <drivers/blkdev.h>
#include <kernel/types.h>

/* Once per process: page allocator, core initcalls, root ramfs at "/". */
void shim_vfs_boot(void);
void shim_pages_init(void); /* part of shim_vfs_boot() */
/* Frames allocated from the shim's page pool (leak checks). */
unsigned long shim_pages_in_use(void);

/*
 * Block devices backed by host files.  shim_blkdev_attach() registers
 * block device name (e.g. "vda") over the file at path, or points an
 * existing one (not mounted) at a new file; the capacity is the file's
 * size rounded down to sectors.  I/O is pread/pwrite; a flush is
 * fdatasync.  Returns 0 or -errno.
 */
int shim_blkdev_attach(const char *name, const char *path, bool read_only);
/* Closes the file behind name (the device stays registered, empty). */
void shim_blkdev_detach(const char *name);
/* Makes every later I/O to name fail with -EIO (true) or work (false). */
void shim_blkdev_fail(const char *name, bool fail);

#endif
