/*
 * read_write.c - moving data through open files: read, write, readv,
 * writev, pread64, pwrite64, preadv, pwritev, lseek, sendfile, and the
 * flush calls fsync, fdatasync, sync, syncfs.
 *
 * Every transfer becomes a kiocb (file, position, flags) and an iov_iter
 * handed to f_op->read_iter/write_iter.  The file position of files that
 * can seek is read and updated under f->f_pos_lock, so threads sharing a
 * file see each read or write move the offset atomically (Linux semantics).
 * A user buffer is checked with access_ok() first (-EFAULT); one transfer
 * moves at most MAX_RW_COUNT bytes.
 */
#include "internal.h"
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <mm/slab.h>

#define MAX_RW_COUNT (0x7ffff000UL)

static void init_kiocb(struct kiocb *k, struct file *f, loff_t pos)
{
	k->ki_filp = f;
	k->ki_pos = pos;
	k->ki_flags = 0;
	if (f->f_flags & O_APPEND)
		k->ki_flags |= IOCB_APPEND;
	if (f->f_flags & O_NONBLOCK)
		k->ki_flags |= IOCB_NOWAIT;
	if (f->f_flags & O_DIRECT)
		k->ki_flags |= IOCB_DIRECT;
	if (f->f_flags & (O_DSYNC | __O_SYNC))
		k->ki_flags |= IOCB_DSYNC;
}

static int rw_check(struct file *f, fmode_t need)
{
	if (!(f->f_mode & need))
		return -EBADF;
	if (S_ISDIR(file_inode(f)->i_mode))
		return -EISDIR;
	return 0;
}

ssize_t vfs_iter_read(struct file *f, struct iov_iter *iter, loff_t *pos)
{
	struct kiocb k;
	ssize_t r;
	int err = rw_check(f, FMODE_READ);

	if (err)
		return err;
	if (!f->f_op->read_iter)
		return -EINVAL;
	if (!iov_iter_count(iter))
		return 0;
	init_kiocb(&k, f, pos ? *pos : 0);
	r = f->f_op->read_iter(&k, iter);
	if (pos)
		*pos = k.ki_pos;
	if (r > 0)
		file_inode(f)->i_atime = current_time();
	return r;
}

ssize_t vfs_iter_write(struct file *f, struct iov_iter *iter, loff_t *pos)
{
	struct kiocb k;
	ssize_t r;
	int err = rw_check(f, FMODE_WRITE);

	if (err)
		return err;
	if (!f->f_op->write_iter)
		return -EINVAL;
	if (!iov_iter_count(iter))
		return 0;
	init_kiocb(&k, f, pos ? *pos : 0);
	r = f->f_op->write_iter(&k, iter);
	if (pos)
		*pos = k.ki_pos;
	return r;
}

ssize_t vfs_read(struct file *f, void *ubuf, size_t count, loff_t *pos)
{
	struct iov_iter iter;

	if (!access_ok((unsigned long)ubuf, count))
		return -EFAULT;
	iov_iter_ubuf(&iter, READ, ubuf, MIN(count, MAX_RW_COUNT));
	return vfs_iter_read(f, &iter, pos);
}

ssize_t vfs_write(struct file *f, const void *ubuf, size_t count, loff_t *pos)
{
	struct iov_iter iter;

	if (!access_ok((unsigned long)ubuf, count))
		return -EFAULT;
	iov_iter_ubuf(&iter, WRITE, (void *)ubuf, MIN(count, MAX_RW_COUNT));
	return vfs_iter_write(f, &iter, pos);
}

ssize_t kernel_read(struct file *f, void *buf, size_t count, s64 *pos)
{
	struct kvec kv = { buf, count };
	struct iov_iter iter;

	iov_iter_kvec(&iter, READ, &kv, 1, count);
	return vfs_iter_read(f, &iter, pos);
}

ssize_t kernel_write(struct file *f, const void *buf, size_t count, s64 *pos)
{
	struct kvec kv = { (void *)buf, count };
	struct iov_iter iter;

	iov_iter_kvec(&iter, WRITE, &kv, 1, count);
	return vfs_iter_write(f, &iter, pos);
}

/* The file position of f, locked while a read or write uses it. */
static bool pos_lock(struct file *f)
{
	if (f->f_mode & FMODE_LSEEK) {
		mutex_lock(&f->f_pos_lock);
		return true;
	}
	return false;
}

static ssize_t do_rw(int fd, struct iov_iter *iter, bool write)
{
	struct file *f = fget(fd);
	ssize_t r;
	bool locked;

	if (!f)
		return -EBADF;
	locked = pos_lock(f);
	r = write ? vfs_iter_write(f, iter, &f->f_pos) : vfs_iter_read(f, iter, &f->f_pos);
	if (locked)
		mutex_unlock(&f->f_pos_lock);
	fput(f);
	return r;
}

static ssize_t do_prw(int fd, struct iov_iter *iter, loff_t pos, bool write)
{
	struct file *f;
	ssize_t r;

	if (pos < 0)
		return -EINVAL;
	f = fget(fd);
	if (!f)
		return -EBADF;
	if (!(f->f_mode & (write ? FMODE_PWRITE : FMODE_PREAD)) || !(f->f_mode & FMODE_LSEEK))
		r = (f->f_mode & (write ? FMODE_WRITE : FMODE_READ)) ? -ESPIPE : -EBADF;
	else
		r = write ? vfs_iter_write(f, iter, &pos) : vfs_iter_read(f, iter, &pos);
	fput(f);
	return r;
}

static ssize_t single(int fd, long ubuf, size_t count, bool write, bool positioned, loff_t pos)
{
	struct iov_iter iter;

	if (!access_ok((unsigned long)ubuf, count))
		return -EFAULT;
	iov_iter_ubuf(&iter, write ? WRITE : READ, (void *)ubuf, MIN(count, MAX_RW_COUNT));
	return positioned ? do_prw(fd, &iter, pos, write) : do_rw(fd, &iter, write);
}

static ssize_t vectored(int fd, long uvec, long nr, bool write, bool positioned, loff_t pos)
{
	struct iovec *iov;
	struct iov_iter iter;
	ssize_t r;

	{ /* -EBADF before -EFAULT/-EINVAL, as Linux */
		struct file *f = fget(fd);
		if (!f)
			return -EBADF;
		fput(f);
	}
	r = import_iovec(write ? WRITE : READ, (const struct iovec *)uvec, (unsigned long)nr, &iov,
			 &iter);
	if (r < 0)
		return r;
	r = positioned ? do_prw(fd, &iter, pos, write) : do_rw(fd, &iter, write);
	kfree(iov);
	return r;
}

SYSCALL_DEFINE(__NR_read, read) { return single((int)a0, a1, (size_t)a2, false, false, 0); }
SYSCALL_DEFINE(__NR_write, write) { return single((int)a0, a1, (size_t)a2, true, false, 0); }
SYSCALL_DEFINE(__NR_pread64, pread64) { return single((int)a0, a1, (size_t)a2, false, true, a3); }
SYSCALL_DEFINE(__NR_pwrite64, pwrite64) { return single((int)a0, a1, (size_t)a2, true, true, a3); }
SYSCALL_DEFINE(__NR_readv, readv) { return vectored((int)a0, a1, a2, false, false, 0); }
SYSCALL_DEFINE(__NR_writev, writev) { return vectored((int)a0, a1, a2, true, false, 0); }
SYSCALL_DEFINE(__NR_preadv, preadv) { return vectored((int)a0, a1, a2, false, true, a3); }
SYSCALL_DEFINE(__NR_pwritev, pwritev) { return vectored((int)a0, a1, a2, true, true, a3); }

/* ---- seeking ---- */

loff_t no_llseek(struct file *f, loff_t offset, int whence) { return -ESPIPE; }

loff_t generic_file_llseek(struct file *f, loff_t offset, int whence)
{
	struct inode *inode = file_inode(f);
	loff_t size = i_size_read(inode), pos;

	switch (whence) {
	case SEEK_SET:
		pos = offset;
		break;
	case SEEK_CUR:
		pos = f->f_pos + offset;
		break;
	case SEEK_END:
		pos = size + offset;
		break;
	case SEEK_DATA: /* the whole file counts as data */
		if (offset < 0 || offset >= size)
			return -ENXIO;
		pos = offset;
		break;
	case SEEK_HOLE:
		if (offset < 0 || offset >= size)
			return -ENXIO;
		pos = size;
		break;
	default:
		return -EINVAL;
	}
	if (pos < 0 || pos > inode->i_sb->s_maxbytes)
		return -EINVAL;
	f->f_pos = pos;
	return pos;
}

loff_t vfs_llseek(struct file *f, loff_t offset, int whence)
{
	loff_t r;

	if (!(f->f_mode & FMODE_LSEEK) || !f->f_op->llseek)
		return -ESPIPE;
	mutex_lock(&f->f_pos_lock);
	r = f->f_op->llseek(f, offset, whence);
	mutex_unlock(&f->f_pos_lock);
	return r;
}

SYSCALL_DEFINE(__NR_lseek, lseek)
{
	struct file *f = fget((int)a0);
	loff_t r;

	if (!f)
		return -EBADF;
	r = (unsigned long)a2 > SEEK_HOLE ? -EINVAL : vfs_llseek(f, a1, (int)a2);
	fput(f);
	return r;
}

/* ---- sendfile: from a regular file, through a kernel buffer a page at a
 * time; stops at a short read or write ---- */

SYSCALL_DEFINE(__NR_sendfile, sendfile)
{
	struct file *out = fget((int)a0), *in = fget((int)a1);
	loff_t *uoff = (loff_t *)a2, off = 0;
	size_t count = MIN((size_t)a3, MAX_RW_COUNT), done = 0;
	char *buf = NULL;
	ssize_t r = 0;
	bool locked = false;

	if (!out || !in) {
		r = -EBADF;
		goto out;
	}
	if (!(in->f_mode & FMODE_READ) || !(out->f_mode & FMODE_WRITE)) {
		r = -EBADF;
		goto out;
	}
	if ((out->f_flags & O_APPEND) || !S_ISREG(file_inode(in)->i_mode)) {
		r = -EINVAL; /* as Linux: the source must be a page-cache file */
		goto out;
	}
	if (uoff) {
		if (!(in->f_mode & FMODE_PREAD)) {
			r = -ESPIPE;
			goto out;
		}
		if (get_user_u64((u64 *)&off, uoff)) {
			r = -EFAULT;
			goto out;
		}
		if (off < 0) {
			r = -EINVAL;
			goto out;
		}
	} else {
		locked = pos_lock(in);
		off = in->f_pos;
	}
	buf = kmalloc(PAGE_SIZE, 0);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	while (done < count) {
		loff_t rpos = off;
		ssize_t n = kernel_read(in, buf, MIN(PAGE_SIZE, count - done), &rpos);
		ssize_t w;
		if (n <= 0) {
			r = n;
			break;
		}
		w = kernel_write(out, buf, n, (out->f_mode & FMODE_LSEEK) ? &out->f_pos : NULL);
		if (w <= 0) {
			r = w;
			break;
		}
		off += w;
		done += w;
		if (w < n || (size_t)n < MIN(PAGE_SIZE, count - (done - w)))
			break; /* a short read (end of file) or write ends the call */
	}
	if (uoff && put_user_u64((u64)off, uoff))
		r = -EFAULT;
	else if (!uoff)
		in->f_pos = off;
	if (done)
		r = done;
out:
	if (locked)
		mutex_unlock(&in->f_pos_lock);
	kfree(buf);
	if (out)
		fput(out);
	if (in)
		fput(in);
	return r;
}

/* ---- flushing ---- */

int vfs_fsync(struct file *f, int datasync)
{
	if (!f->f_op->fsync)
		return -EINVAL;
	return f->f_op->fsync(f, 0, (loff_t)(~0ULL >> 1), datasync);
}

static long do_fsync(int fd, int datasync)
{
	struct file *f = fget(fd);
	int err;

	if (!f)
		return -EBADF;
	err = vfs_fsync(f, datasync);
	fput(f);
	return err;
}

SYSCALL_DEFINE(__NR_fsync, fsync) { return do_fsync((int)a0, 0); }
SYSCALL_DEFINE(__NR_fdatasync, fdatasync) { return do_fsync((int)a0, 1); }
/* sync(2) and syncfs(2): fs/sync.c */
