/*
 * stat.c - file attributes out to user space: stat, fstat, lstat,
 * newfstatat, statx, readlink, readlinkat, statfs, fstatfs.
 *
 * vfs_getattr() asks i_op->getattr (default generic_fillattr) for a kstat,
 * which is then laid out as the x86_64 struct stat (144 bytes) or struct
 * statx (256 bytes) of the Linux ABI.  Device numbers use Linux's encoding
 * (major in bits 8-19 and 32-43, minor in bits 0-7 and 20-31).
 */
#include "internal.h"
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <mm/slab.h>

struct linux_stat {
	u64 st_dev, st_ino, st_nlink;
	u32 st_mode, st_uid, st_gid, __pad0;
	u64 st_rdev;
	s64 st_size, st_blksize, st_blocks;
	u64 st_atime, st_atime_nsec, st_mtime, st_mtime_nsec, st_ctime, st_ctime_nsec;
	s64 unused_[3];
};
_Static_assert(sizeof(struct linux_stat) == 144, "struct stat is 144 bytes");

struct statx_timestamp {
	s64 tv_sec;
	u32 tv_nsec;
	s32 __reserved;
};
struct linux_statx {
	u32 stx_mask, stx_blksize;
	u64 stx_attributes;
	u32 stx_nlink, stx_uid, stx_gid;
	u16 stx_mode, __spare0;
	u64 stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
	u32 stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	u64 stx_mnt_id;
	u32 stx_dio_mem_align, stx_dio_offset_align;
	u64 __spare3[12];
};
_Static_assert(sizeof(struct linux_statx) == 256, "struct statx is 256 bytes");

#define STATX_BASIC_STATS 0x7ffU
#define STATX_MNT_ID 0x1000U
#define STATX_ATTR_MOUNT_ROOT 0x2000

static u64 encode_dev(dev_t dev)
{
	u64 ma = MAJOR(dev), mi = MINOR(dev);
	return (mi & 0xff) | ((ma & 0xfff) << 8) | ((mi & ~0xffULL) << 12) |
	       ((ma & ~0xfffULL) << 32);
}

int vfs_getattr(const struct path *path, struct kstat *stat, u32 request_mask, unsigned int flags)
{
	struct inode *inode = path->dentry->d_inode;

	memset(stat, 0, sizeof(*stat));
	if (inode->i_op && inode->i_op->getattr) {
		int err = inode->i_op->getattr(path, stat, request_mask, flags);
		if (err)
			return err;
	} else {
		generic_fillattr(inode, stat);
	}
	stat->mnt_id = path->mnt->mnt_id;
	stat->result_mask |= STATX_MNT_ID;
	if (path->dentry == path->mnt->mnt_root)
		stat->attributes |= STATX_ATTR_MOUNT_ROOT;
	return 0;
}

static int cp_new_stat(const struct kstat *s, void *ubuf)
{
	struct linux_stat st;

	memset(&st, 0, sizeof(st));
	st.st_dev = encode_dev(s->dev);
	st.st_ino = s->ino;
	st.st_nlink = s->nlink;
	st.st_mode = s->mode;
	st.st_uid = s->uid;
	st.st_gid = s->gid;
	st.st_rdev = encode_dev(s->rdev);
	st.st_size = s->size;
	st.st_blksize = s->blksize;
	st.st_blocks = s->blocks;
	st.st_atime = s->atime.tv_sec;
	st.st_atime_nsec = s->atime.tv_nsec;
	st.st_mtime = s->mtime.tv_sec;
	st.st_mtime_nsec = s->mtime.tv_nsec;
	st.st_ctime = s->ctime.tv_sec;
	st.st_ctime_nsec = s->ctime.tv_nsec;
	return copy_to_user(ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

static int vfs_statx(int dfd, const char *uname, int flags, struct kstat *stat, u32 mask)
{
	struct path path;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	err = user_path_at(dfd, uname,
			   ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
				   ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0),
			   &path);
	if (err)
		return err;
	err = vfs_getattr(&path, stat, mask, flags);
	path_put(&path);
	return err;
}

static long stat_fd(int fd, struct kstat *stat)
{
	struct file *f = fget(fd);
	int err;

	if (!f)
		return -EBADF;
	err = vfs_getattr(&f->f_path, stat, STATX_BASIC_STATS, 0);
	fput(f);
	return err;
}

static long do_newfstatat(int dfd, const char *uname, void *ubuf, int flags)
{
	struct kstat stat;
	int err = vfs_statx(dfd, uname, flags, &stat, STATX_BASIC_STATS);

	return err ? err : cp_new_stat(&stat, ubuf);
}

SYSCALL_DEFINE(__NR_stat, stat) { return do_newfstatat(AT_FDCWD, (const char *)a0, (void *)a1, 0); }

SYSCALL_DEFINE(__NR_lstat, lstat)
{
	return do_newfstatat(AT_FDCWD, (const char *)a0, (void *)a1, AT_SYMLINK_NOFOLLOW);
}

SYSCALL_DEFINE(__NR_newfstatat, newfstatat)
{
	return do_newfstatat((int)a0, (const char *)a1, (void *)a2, (int)a3);
}

SYSCALL_DEFINE(__NR_fstat, fstat)
{
	struct kstat stat;
	int err = stat_fd((int)a0, &stat);

	return err ? err : cp_new_stat(&stat, (void *)a1);
}

static struct statx_timestamp ts(struct timespec64 t)
{
	struct statx_timestamp r = { t.tv_sec, (u32)t.tv_nsec, 0 };
	return r;
}

SYSCALL_DEFINE(__NR_statx, statx)
{
	int dfd = (int)a0, flags = (int)a2;
	u32 mask = (u32)a3;
	struct linux_statx sx;
	struct kstat s;
	int err;

	if (mask & 0x80000000U) /* STATX__RESERVED */
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	err = vfs_statx(dfd, (const char *)a1, flags, &s, mask);
	if (err)
		return err;
	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = s.result_mask;
	sx.stx_blksize = s.blksize;
	sx.stx_attributes = s.attributes;
	sx.stx_attributes_mask = STATX_ATTR_MOUNT_ROOT;
	sx.stx_nlink = s.nlink;
	sx.stx_uid = s.uid;
	sx.stx_gid = s.gid;
	sx.stx_mode = (u16)s.mode;
	sx.stx_ino = s.ino;
	sx.stx_size = s.size;
	sx.stx_blocks = s.blocks;
	sx.stx_atime = ts(s.atime);
	sx.stx_btime = ts(s.btime);
	sx.stx_ctime = ts(s.ctime);
	sx.stx_mtime = ts(s.mtime);
	sx.stx_rdev_major = MAJOR(s.rdev);
	sx.stx_rdev_minor = MINOR(s.rdev);
	sx.stx_dev_major = MAJOR(s.dev);
	sx.stx_dev_minor = MINOR(s.dev);
	sx.stx_mnt_id = s.mnt_id;
	return copy_to_user((void *)a4, &sx, sizeof(sx)) ? -EFAULT : 0;
}

/* ---- readlink ---- */

static long do_readlinkat(int dfd, const char *uname, char *ubuf, int size)
{
	struct path path;
	char *body;
	long err;

	if (size <= 0)
		return -EINVAL;
	err = user_path_at(dfd, uname, LOOKUP_EMPTY, &path);
	if (err)
		return err;
	if (!d_is_symlink(path.dentry)) {
		path_put(&path);
		return -EINVAL;
	}
	body = vfs_get_link(path.dentry);
	path_put(&path);
	if (IS_ERR(body))
		return PTR_ERR(body);
	err = MIN((long)strlen(body), (long)size);
	if (copy_to_user(ubuf, body, err))
		err = -EFAULT;
	kfree(body);
	return err;
}

SYSCALL_DEFINE(__NR_readlink, readlink)
{
	return do_readlinkat(AT_FDCWD, (const char *)a0, (char *)a1, (int)a2);
}

SYSCALL_DEFINE(__NR_readlinkat, readlinkat)
{
	return do_readlinkat((int)a0, (const char *)a1, (char *)a2, (int)a3);
}

/* ---- statfs ---- */

struct linux_statfs {
	s64 f_type, f_bsize;
	u64 f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	s32 f_fsid[2];
	s64 f_namelen, f_frsize, f_flags, f_spare[4];
};
_Static_assert(sizeof(struct linux_statfs) == 120, "struct statfs is 120 bytes");

static int cp_statfs(const struct path *path, void *ubuf)
{
	struct kstatfs k;
	struct linux_statfs s;
	int err = vfs_statfs(path, &k);

	if (err)
		return err;
	memset(&s, 0, sizeof(s));
	s.f_type = k.f_type;
	s.f_bsize = k.f_bsize;
	s.f_blocks = k.f_blocks;
	s.f_bfree = k.f_bfree;
	s.f_bavail = k.f_bavail;
	s.f_files = k.f_files;
	s.f_ffree = k.f_ffree;
	s.f_namelen = k.f_namelen;
	s.f_frsize = k.f_frsize;
	s.f_flags = k.f_flags;
	return copy_to_user(ubuf, &s, sizeof(s)) ? -EFAULT : 0;
}

SYSCALL_DEFINE(__NR_statfs, statfs)
{
	struct path path;
	int err = user_path_at(AT_FDCWD, (const char *)a0, LOOKUP_FOLLOW, &path);

	if (err)
		return err;
	err = cp_statfs(&path, (void *)a1);
	path_put(&path);
	return err;
}

SYSCALL_DEFINE(__NR_fstatfs, fstatfs)
{
	struct file *f = fget((int)a0);
	int err;

	if (!f)
		return -EBADF;
	err = cp_statfs(&f->f_path, (void *)a1);
	fput(f);
	return err;
}
