/*
 * test_ext2_lib.h - helpers shared by the ext2 host tests.
 *
 * t_*  host side (test_ext2_host.c, libc headers only): scratch files, the
 *      known tree on disk, mke2fs, e2fsck, debugfs, dumpe2fs, byte patches.
 * k_*  kernel side (test_ext2_lib.c, kernel headers only): the real VFS and
 *      ext2 running on the host shim, with the image as block device vda
 *      mounted at /mnt.  Paths are relative to /mnt; results are 0 or
 *      -errno (Linux numbers), like the kernel's.
 * Plain C types only, so both kinds of file include it.
 */
#ifndef TEST_EXT2_LIB_H
#define TEST_EXT2_LIB_H

#include <stddef.h>

/* ---- host side ---- */
const char *t_tmpdir(void);
char *t_path(const char *name); /* malloc'd scratch path */
/* Runs a shell command; *out (malloc'd) gets its output. Exit status. */
int t_sh(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int t_build_tree(const char *root);
/* mke2fs -t ext2 -b 4096 (fixed UUID, hash seed and time) [opts] [-d srcdir] img mb M */
int t_mkfs(const char *img, const char *srcdir, unsigned int mb, const char *opts);
/* e2fsck -fn: its exit status (0: clean), printing its report otherwise. */
int t_fsck(const char *img);
long long t_debugfs_blockcount(const char *img, const char *path);
/* debugfs's dump of /path: malloc'd contents. */
int t_debugfs_cat(const char *img, const char *path, unsigned char **data, size_t *len);
/* The number after label in dumpe2fs -h ("Free blocks: "). */
long long t_dumpe2fs_field(const char *img, const char *label);
int t_file_size(const char *path, long long *size);
int t_copy_file(const char *from, const char *to);
int t_patch(const char *img, unsigned long long off, const void *bytes, unsigned int len);
int t_peek(const char *img, unsigned long long off, void *bytes, unsigned int len);

/* ---- kernel side ---- */
#define K_RDONLY 1 /* mount with MS_RDONLY */
#define K_RODEV 2 /* attach the image as a read-only device */

struct k_stat {
	unsigned int mode, nlink, uid, gid, rdev_major, rdev_minor;
	unsigned long long ino, size, blocks;
	long long mtime, atime, ctime;
	long mtime_nsec;
};

struct k_statfs {
	unsigned long long blocks, bfree, bavail, files, ffree;
	long type, bsize, namelen;
};

void k_setup(void);
int k_mount(const char *img, int flags);
int k_umount(void);
long long k_read(const char *path, unsigned long long off, void *buf, unsigned long long len);
/* Writes at off (opening with O_CREAT, plus O_TRUNC when trunc). */
long long k_write(const char *path, unsigned long long off, const void *buf, unsigned long long len,
		  int trunc);
long long k_append(const char *path, const void *buf, unsigned long long len);
int k_stat(const char *path, struct k_stat *st, int follow);
int k_readlink(const char *path, char *buf, int len);
typedef void (*k_list_cb)(void *arg, const char *name, int len, unsigned long long ino,
			  unsigned int type);
int k_list(const char *dir, k_list_cb cb, void *arg);
/* readdir in chunks of at most per_call entries, reopening at the last
 * d_off each time (like getdents64 with a small buffer plus lseek). */
int k_list_chunked(const char *dir, int per_call, k_list_cb cb, void *arg);
int k_create(const char *path, unsigned int mode);
int k_mkdir(const char *path, unsigned int mode);
int k_rmdir(const char *path);
int k_unlink(const char *path);
int k_rename(const char *from, const char *to);
int k_link(const char *from, const char *to);
int k_symlink(const char *target, const char *path);
int k_mknod(const char *path, unsigned int mode, unsigned int major, unsigned int minor);
int k_truncate(const char *path, unsigned long long size);
int k_chmod(const char *path, unsigned int mode);
int k_utimes(const char *path, long long sec, long nsec);
int k_statfs(const char *path, struct k_statfs *st);
int k_fsync(const char *path);
/* fallocate(2) (FALLOC_FL_* modes, Linux values) */
int k_fallocate(const char *path, int mode, unsigned long long off, unsigned long long len);
/* An open file (flags: open(2)'s, Linux values); NULL on error (*err). */
void *k_open(const char *path, int flags, unsigned int mode, int *err);
long long k_pread(void *f, unsigned long long off, void *buf, unsigned long long len);
long long k_pwrite(void *f, unsigned long long off, const void *buf, unsigned long long len);
void k_close(void *f);
/* sync(2) */
void k_sync(void);
/* Captured kernel log since the last k_log_clear() (printk). */
const char *k_log(void);
void k_log_clear(void);
void k_log_quiet(int quiet);
unsigned long k_pages_in_use(void);
/* False once lockdep reported a problem (it turns itself off). */
int k_lockdep_ok(void);

#endif
