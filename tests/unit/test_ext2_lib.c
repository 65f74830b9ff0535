/*
 * test_ext2_lib.c - the kernel side of the ext2 host tests: the real VFS
 * (fs/), page cache and ext2 (fs/ext2/) on the host shim, driven the
 * way system calls drive them (filp_open, kernel_read/kernel_write,
 * iterate_dir, do_mkdirat, do_renameat2, notify_change...).  The image is
 * block device "vda" (tests/unit/shim/blkdev_file.c) mounted at /mnt.
 * Kernel headers only (see test_ext2_lib.h).
 */
#include <fs/fs.h>
#include <kernel/lockdep.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/slab.h>

#include "shim.h"
#include "test_ext2_lib.h"
#include "vfs_host.h"

#define MS_RDONLY 1

int init_ext2_fs(void); /* fs/ext2/super.c */

static char *full(const char *path)
{
	static __thread char buf[8][PATH_MAX];
	static __thread int next;
	char *p = buf[next++ % 8];

	snprintf(p, PATH_MAX, "/mnt/%s", path);
	return p;
}

void k_setup(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	lockdep_enabled = true; /* the lock order of the VFS and ext2, checked */
	shim_vfs_boot();
	if (init_ext2_fs() || do_mkdirat(AT_FDCWD, "/mnt", 0755))
		panic("k_setup: cannot register ext2 or make /mnt");
}

int k_mount(const char *img, int flags)
{
	int err = shim_blkdev_attach("vda", img, flags & K_RODEV);

	if (err)
		return err;
	return do_mount("/dev/vda", "/mnt", "ext2", (flags & K_RDONLY) ? MS_RDONLY : 0, NULL);
}

int k_umount(void)
{
	struct path p;
	int err = kern_path("/mnt", LOOKUP_FOLLOW, &p);

	if (err)
		return err;
	err = do_umount_path(&p, 0);
	path_put(&p);
	if (!err)
		shim_blkdev_detach("vda");
	return err;
}

static struct file *open_at(const char *path, int flags, int mode)
{
	return filp_open(full(path), flags, mode);
}

long long k_read(const char *path, unsigned long long off, void *buf, unsigned long long len)
{
	struct file *f = open_at(path, O_RDONLY, 0);
	long long done = 0;
	s64 pos = (s64)off;

	if (IS_ERR(f))
		return PTR_ERR(f);
	while (done < (long long)len) {
		ssize_t n = kernel_read(f, (char *)buf + done, (size_t)(len - done), &pos);
		if (n < 0) {
			done = done ? done : n;
			break;
		}
		if (n == 0)
			break;
		done += n;
	}
	fput(f);
	return done;
}

long long k_write(const char *path, unsigned long long off, const void *buf, unsigned long long len,
		  int trunc)
{
	struct file *f = open_at(path, O_WRONLY | O_CREAT | (trunc ? O_TRUNC : 0), 0644);
	long long done = 0;
	s64 pos = (s64)off;

	if (IS_ERR(f))
		return PTR_ERR(f);
	while (done < (long long)len) {
		ssize_t n = kernel_write(f, (const char *)buf + done, (size_t)(len - done), &pos);
		if (n <= 0) {
			done = done ? done : (n ? n : -EIO);
			break;
		}
		done += n;
	}
	fput(f);
	return done;
}

long long k_append(const char *path, const void *buf, unsigned long long len)
{
	struct file *f = open_at(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	s64 pos = 0;
	ssize_t n;

	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_write(f, buf, (size_t)len, &pos);
	fput(f);
	return n;
}

int k_stat(const char *path, struct k_stat *st, int follow)
{
	struct kstat ks;
	struct path p;
	int err = kern_path(full(path), follow ? LOOKUP_FOLLOW : 0, &p);

	if (err)
		return err;
	err = vfs_getattr(&p, &ks, 0x7ff, 0);
	path_put(&p);
	if (err)
		return err;
	*st = (struct k_stat){ .mode = ks.mode,
			       .nlink = ks.nlink,
			       .uid = ks.uid,
			       .gid = ks.gid,
			       .rdev_major = MAJOR(ks.rdev),
			       .rdev_minor = MINOR(ks.rdev),
			       .ino = ks.ino,
			       .size = (unsigned long long)ks.size,
			       .blocks = ks.blocks,
			       .mtime = ks.mtime.tv_sec,
			       .atime = ks.atime.tv_sec,
			       .ctime = ks.ctime.tv_sec,
			       .mtime_nsec = ks.mtime.tv_nsec };
	return 0;
}

int k_readlink(const char *path, char *buf, int len)
{
	struct path p;
	char *body;
	int err = kern_path(full(path), 0, &p), n;

	if (err)
		return err;
	body = d_is_symlink(p.dentry) ? vfs_get_link(p.dentry) : ERR_PTR(-EINVAL);
	path_put(&p);
	if (IS_ERR(body))
		return (int)PTR_ERR(body);
	n = (int)strlen(body);
	if (n >= len)
		n = len - 1;
	memcpy(buf, body, (size_t)n);
	buf[n] = 0;
	kfree(body);
	return n;
}

struct list_ctx {
	struct dir_context ctx;
	k_list_cb cb;
	void *arg;
	int left;
	loff_t next; /* d_off of the last entry taken (getdents64's: off + 1) */
};

static bool list_actor(struct dir_context *ctx, const char *name, int len, loff_t off, u64 ino,
		       unsigned int type)
{
	struct list_ctx *l = container_of(ctx, struct list_ctx, ctx);

	if (l->left == 0)
		return false;
	l->left--;
	l->next = off + 1;
	l->cb(l->arg, name, len, ino, type);
	return true;
}

/* Reads dir per_call entries at a time, reopening and seeking to the last
 * d_off when reopen is set (telldir/seekdir), else on one open file. */
static int list(const char *dir, int per_call, bool reopen, k_list_cb cb, void *arg)
{
	struct list_ctx l = { .ctx.actor = list_actor, .cb = cb, .arg = arg };
	struct file *f = NULL;
	int err = 0;

	for (;;) {
		if (!f) {
			f = open_at(dir, O_RDONLY | O_DIRECTORY, 0);
			if (IS_ERR(f))
				return (int)PTR_ERR(f);
			if (reopen && vfs_llseek(f, l.next, SEEK_SET) < 0) {
				fput(f);
				return -EINVAL;
			}
		}
		l.left = per_call;
		l.ctx.pos = f->f_pos;
		err = iterate_dir(f, &l.ctx);
		if (err || l.left == per_call)
			break; /* an error, or nothing more */
		if (reopen) {
			fput(f);
			f = NULL;
		}
	}
	if (f)
		fput(f);
	return err;
}

int k_list(const char *dir, k_list_cb cb, void *arg) { return list(dir, 7, false, cb, arg); }

int k_list_chunked(const char *dir, int per_call, k_list_cb cb, void *arg)
{
	return list(dir, per_call, true, cb, arg);
}

int k_create(const char *path, unsigned int mode)
{
	struct file *f = open_at(path, O_WRONLY | O_CREAT | O_EXCL, (int)mode);

	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	fput(f);
	return 0;
}

int k_mkdir(const char *path, unsigned int mode) { return do_mkdirat(AT_FDCWD, full(path), mode); }
int k_rmdir(const char *path) { return do_rmdir(AT_FDCWD, full(path)); }
int k_unlink(const char *path) { return do_unlinkat(AT_FDCWD, full(path)); }
int k_rename(const char *from, const char *to)
{
	return do_renameat2(AT_FDCWD, full(from), AT_FDCWD, full(to), 0);
}
int k_link(const char *from, const char *to)
{
	return do_linkat(AT_FDCWD, full(from), AT_FDCWD, full(to), 0);
}
int k_symlink(const char *target, const char *path)
{
	return do_symlinkat(target, AT_FDCWD, full(path));
}
int k_mknod(const char *path, unsigned int mode, unsigned int major, unsigned int minor)
{
	return do_mknodat(AT_FDCWD, full(path), mode, MKDEV(major, minor));
}

static int with_path(const char *path, int (*fn)(struct path *p, void *arg), void *arg)
{
	struct path p;
	int err = kern_path(full(path), 0, &p);

	if (err)
		return err;
	err = fn(&p, arg);
	path_put(&p);
	return err;
}

static int do_trunc(struct path *p, void *arg) { return vfs_truncate(p, *(loff_t *)arg); }
static int do_chmod(struct path *p, void *arg) { return chmod_common(p, *(umode_t *)arg); }
static int do_utimes(struct path *p, void *arg) { return utimes_common(p, arg); }
static int do_statfs(struct path *p, void *arg) { return vfs_statfs(p, arg); }

int k_truncate(const char *path, unsigned long long size)
{
	loff_t s = (loff_t)size;
	return with_path(path, do_trunc, &s);
}
int k_chmod(const char *path, unsigned int mode)
{
	umode_t m = mode;
	return with_path(path, do_chmod, &m);
}
int k_utimes(const char *path, long long sec, long nsec)
{
	struct timespec64 t[2] = { { sec, nsec }, { sec, nsec } };
	return with_path(path, do_utimes, t);
}
int k_statfs(const char *path, struct k_statfs *st)
{
	struct kstatfs b;
	int err = with_path(path, do_statfs, &b);

	if (!err)
		*st = (struct k_statfs){ b.f_blocks, b.f_bfree, b.f_bavail, b.f_files,
					 b.f_ffree,  b.f_type,	b.f_bsize,  b.f_namelen };
	return err;
}

int k_fsync(const char *path)
{
	struct file *f = open_at(path, O_RDONLY, 0);
	int err;

	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	err = vfs_fsync(f, 0);
	fput(f);
	return err;
}

int k_fallocate(const char *path, int mode, unsigned long long off, unsigned long long len)
{
	struct file *f = open_at(path, O_RDWR, 0);
	int err;

	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	err = vfs_fallocate(f, mode, (loff_t)off, (loff_t)len);
	fput(f);
	return err;
}

void *k_open(const char *path, int flags, unsigned int mode, int *err)
{
	struct file *f = open_at(path, flags, (int)mode);

	*err = IS_ERR(f) ? (int)PTR_ERR(f) : 0;
	return IS_ERR(f) ? NULL : f;
}

long long k_pread(void *f, unsigned long long off, void *buf, unsigned long long len)
{
	s64 pos = (s64)off;
	return kernel_read(f, buf, (size_t)len, &pos);
}

long long k_pwrite(void *f, unsigned long long off, const void *buf, unsigned long long len)
{
	s64 pos = (s64)off;
	return kernel_write(f, buf, (size_t)len, &pos);
}

void k_close(void *f) { fput(f); }

void k_sync(void) { ksys_sync(); }

const char *k_log(void) { return shim_log(); }
int k_lockdep_ok(void) { return lockdep_enabled; }
void k_log_clear(void) { shim_log_clear(); }
void k_log_quiet(int quiet) { shim_log_quiet = quiet; }
unsigned long k_pages_in_use(void) { return shim_pages_in_use(); }
