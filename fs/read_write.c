/*
 * read_write.c - moving data through open files: read, write, readv,
 * writev, pread64, pwrite64, preadv, pwritev, preadv2, pwritev2, lseek,
 * sendfile, copy_file_range, and the flush calls fsync and fdatasync.
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
#include <kernel/signal.h>
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

/* One transfer through f_op->read_iter/write_iter; extra: IOCB_* flags
 * from preadv2/pwritev2 on top of those of the open file. */
static ssize_t iter_rw(struct file *f, struct iov_iter *iter, loff_t *pos, bool write, int extra)
{
	struct kiocb k;
	ssize_t r;
	int err = rw_check(f, write ? FMODE_WRITE : FMODE_READ);

	if (err)
		return err;
	if (write ? !f->f_op->write_iter : !f->f_op->read_iter)
		return -EINVAL;
	if (!iov_iter_count(iter))
		return 0;
	init_kiocb(&k, f, pos ? *pos : 0);
	k.ki_flags |= extra;
	r = write ? f->f_op->write_iter(&k, iter) : f->f_op->read_iter(&k, iter);
	if (pos)
		*pos = k.ki_pos;
	if (r > 0 && !write)
		file_inode(f)->i_atime = current_time();
	return r;
}

ssize_t vfs_iter_read(struct file *f, struct iov_iter *iter, loff_t *pos)
{
	return iter_rw(f, iter, pos, false, 0);
}

ssize_t vfs_iter_write(struct file *f, struct iov_iter *iter, loff_t *pos)
{
	return iter_rw(f, iter, pos, true, 0);
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

static ssize_t do_rw(int fd, struct iov_iter *iter, bool write, int extra)
{
	struct file *f = fget(fd);
	ssize_t r;
	bool locked;

	if (!f)
		return -EBADF;
	locked = pos_lock(f);
	r = iter_rw(f, iter, &f->f_pos, write, extra);
	if (locked)
		mutex_unlock(&f->f_pos_lock);
	fput(f);
	return r;
}

static ssize_t do_prw(int fd, struct iov_iter *iter, loff_t pos, bool write, int extra)
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
		r = iter_rw(f, iter, &pos, write, extra);
	fput(f);
	return r;
}

#define RWF_HIPRI 0x1
#define RWF_DSYNC 0x2
#define RWF_SYNC 0x4
#define RWF_NOWAIT 0x8
#define RWF_APPEND 0x10

/* The per-call flags of preadv2/pwritev2 as IOCB_* flags.  HIPRI (polled
 * I/O) is a hint; NOWAIT is supported where the file never blocks on
 * anything but its own data (pipes), else -EOPNOTSUPP, as on Linux for
 * file systems without FMODE_NOWAIT. */
static int rwf_to_iocb(struct file *f, int rwf, int *extra)
{
	if (rwf & ~(RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND))
		return -EOPNOTSUPP;
	if (rwf & RWF_NOWAIT) {
		if (!S_ISFIFO(file_inode(f)->i_mode))
			return -EOPNOTSUPP;
		*extra |= IOCB_NOWAIT;
	}
	if (rwf & (RWF_DSYNC | RWF_SYNC))
		*extra |= IOCB_DSYNC;
	if (rwf & RWF_APPEND)
		*extra |= IOCB_APPEND;
	return 0;
}

static ssize_t single(int fd, long ubuf, size_t count, bool write, bool positioned, loff_t pos)
{
	struct iov_iter iter;

	if (!access_ok((unsigned long)ubuf, count))
		return -EFAULT;
	iov_iter_ubuf(&iter, write ? WRITE : READ, (void *)ubuf, MIN(count, MAX_RW_COUNT));
	return positioned ? do_prw(fd, &iter, pos, write, 0) : do_rw(fd, &iter, write, 0);
}

static ssize_t vectored(int fd, long uvec, long nr, bool write, bool positioned, loff_t pos,
			int rwf)
{
	struct iovec *iov;
	struct iov_iter iter;
	ssize_t r;

	int extra = 0;

	{ /* -EBADF before -EFAULT/-EINVAL, as Linux */
		struct file *f = fget(fd);
		if (!f)
			return -EBADF;
		r = rwf_to_iocb(f, rwf, &extra);
		fput(f);
		if (r)
			return r;
	}
	r = import_iovec(write ? WRITE : READ, (const struct iovec *)uvec, (unsigned long)nr, &iov,
			 &iter);
	if (r < 0)
		return r;
	r = positioned ? do_prw(fd, &iter, pos, write, extra) : do_rw(fd, &iter, write, extra);
	kfree(iov);
	return r;
}

SYSCALL_DEFINE(__NR_read, read) { return single((int)a0, a1, (size_t)a2, false, false, 0); }
SYSCALL_DEFINE(__NR_write, write) { return single((int)a0, a1, (size_t)a2, true, false, 0); }
SYSCALL_DEFINE(__NR_pread64, pread64) { return single((int)a0, a1, (size_t)a2, false, true, a3); }
SYSCALL_DEFINE(__NR_pwrite64, pwrite64) { return single((int)a0, a1, (size_t)a2, true, true, a3); }
SYSCALL_DEFINE(__NR_readv, readv) { return vectored((int)a0, a1, a2, false, false, 0, 0); }
SYSCALL_DEFINE(__NR_writev, writev) { return vectored((int)a0, a1, a2, true, false, 0, 0); }
SYSCALL_DEFINE(__NR_preadv, preadv) { return vectored((int)a0, a1, a2, false, true, a3, 0); }
SYSCALL_DEFINE(__NR_pwritev, pwritev) { return vectored((int)a0, a1, a2, true, true, a3, 0); }
/* preadv2/pwritev2(fd, iov, n, pos_l, pos_h, flags): on x86_64 pos_l is the
 * whole offset; -1 means the file position, like readv/writev. */
SYSCALL_DEFINE(__NR_preadv2, preadv2)
{
	return vectored((int)a0, a1, a2, false, a3 != -1, a3, (int)a5);
}
SYSCALL_DEFINE(__NR_pwritev2, pwritev2)
{
	return vectored((int)a0, a1, a2, true, a3 != -1, a3, (int)a5);
}

/* ---- seeking ---- */

loff_t no_llseek(struct file *f, loff_t offset, int whence) { return -ESPIPE; }

loff_t generic_file_llseek_size(struct file *f, loff_t offset, int whence, loff_t maxsize,
				loff_t eof)
{
	loff_t pos;

	switch (whence) {
	case SEEK_SET:
		pos = offset;
		break;
	case SEEK_CUR:
		pos = f->f_pos + offset;
		break;
	case SEEK_END:
		pos = eof + offset;
		break;
	default:
		return -EINVAL;
	}
	if (pos < 0 || pos > maxsize)
		return -EINVAL;
	f->f_pos = pos;
	return pos;
}

loff_t generic_file_llseek(struct file *f, loff_t offset, int whence)
{
	struct inode *inode = file_inode(f);
	loff_t size = i_size_read(inode);

	/* the whole file counts as data: a hole only at the end */
	if (whence == SEEK_DATA || whence == SEEK_HOLE) {
		if (offset < 0 || offset >= size)
			return -ENXIO;
		if (whence == SEEK_HOLE)
			offset = size;
		whence = SEEK_SET;
	}
	return generic_file_llseek_size(f, offset, whence, inode->i_sb->s_maxbytes, size);
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

/*
 * The copy loop of sendfile and copy_file_range: up to len bytes from in
 * at *pin to out at *pout (NULL: a file without a position), a page at a
 * time through a kernel buffer; both offsets advance.  Stops at the end of
 * in (a short read), a short write, or a pending signal (a partial copy
 * is a valid result).  Returns the bytes copied, else the error (0 at the
 * end of in).
 */
static ssize_t copy_through_page(struct file *in, loff_t *pin, struct file *out, loff_t *pout,
				 size_t len)
{
	char *buf = kmalloc(PAGE_SIZE, 0);
	size_t done = 0;
	ssize_t r = 0;

	if (!buf)
		return -ENOMEM;
	while (done < len) {
		size_t want = MIN(PAGE_SIZE, len - done);
		loff_t rpos = *pin;
		ssize_t n = kernel_read(in, buf, want, &rpos), w;

		if (n <= 0) {
			r = n;
			break;
		}
		w = kernel_write(out, buf, n, pout);
		if (w <= 0) {
			r = w;
			break;
		}
		*pin += w;
		done += w;
		if (w < n || (size_t)n < want || signal_pending(current))
			break;
	}
	kfree(buf);
	return done ? (ssize_t)done : r;
}

/* ---- sendfile: from a regular file, through a kernel buffer a page at a
 * time; stops at a short read or write ---- */

SYSCALL_DEFINE(__NR_sendfile, sendfile)
{
	struct file *out = fget((int)a0), *in = fget((int)a1);
	loff_t *uoff = (loff_t *)a2, off = 0;
	size_t count = MIN((size_t)a3, MAX_RW_COUNT);
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
	r = copy_through_page(in, &off, out, (out->f_mode & FMODE_LSEEK) ? &out->f_pos : NULL,
			      count);
	if (uoff && put_user_u64((u64)off, uoff))
		r = -EFAULT;
	else if (!uoff)
		in->f_pos = off;
out:
	if (locked)
		mutex_unlock(&in->f_pos_lock);
	if (out)
		fput(out);
	if (in)
		fput(in);
	return r;
}

/* ---- copy_file_range: between two regular files of one file system,
 * through a kernel buffer a page at a time, as Linux's generic fallback
 * (no file system here shares or reflinks blocks) ---- */

/* The offset to use: from the user's pointer, or the file position.  As
 * on Linux the file positions are read and written without f_pos_lock:
 * taking the two files' locks would nest one class in an order userspace
 * chooses (two calls with the files swapped would deadlock). */
static int cfr_pos(struct file *f, loff_t *upos, loff_t *pos)
{
	if (!upos) {
		*pos = f->f_pos;
		return 0;
	}
	return get_user_u64((u64 *)pos, upos) ? -EFAULT : 0;
}

static ssize_t cfr_checks(struct file *in, struct file *out, size_t len)
{
	struct inode *ii = file_inode(in), *io = file_inode(out);

	if (!(in->f_mode & FMODE_READ) || !(out->f_mode & FMODE_WRITE) || (out->f_flags & O_APPEND))
		return -EBADF;
	if (S_ISDIR(ii->i_mode) || S_ISDIR(io->i_mode))
		return -EISDIR;
	if (!S_ISREG(ii->i_mode) || !S_ISREG(io->i_mode))
		return -EINVAL;
	if (ii->i_sb != io->i_sb)
		return -EXDEV; /* the caller falls back to read/write */
	return 0;
}

SYSCALL_DEFINE(__NR_copy_file_range, copy_file_range)
{
	struct file *in = fget((int)a0), *out = fget((int)a2);
	loff_t *uin = (loff_t *)a1, *uout = (loff_t *)a3, pin = 0, pout = 0;
	size_t len = MIN((size_t)a4, MAX_RW_COUNT);
	ssize_t r;

	if (!in || !out) {
		r = -EBADF;
		goto out;
	}
	r = a5 ? -EINVAL : cfr_checks(in, out, len);
	if (r)
		goto out;
	r = cfr_pos(in, uin, &pin);
	if (!r)
		r = cfr_pos(out, uout, &pout);
	if (r)
		goto out;
	/* As Linux: offset + length is checked for wrapping in unsigned
	 * arithmetic, so a negative offset is EOVERFLOW (EINVAL for len 0). */
	if ((u64)pin + len < (u64)pin || (u64)pout + len < (u64)pout) {
		r = -EOVERFLOW;
		goto out;
	}
	if (pin < 0 || pout < 0) {
		r = -EINVAL;
		goto out;
	}
	if (file_inode(in) == file_inode(out) && pin < pout + (loff_t)len &&
	    pout < pin + (loff_t)len && len) {
		r = -EINVAL; /* overlapping ranges of one file */
		goto out;
	}
	r = copy_through_page(in, &pin, out, &pout, len);
	if ((uin && put_user_u64((u64)pin, uin)) || (uout && put_user_u64((u64)pout, uout)))
		r = -EFAULT;
	if (!uin)
		in->f_pos = pin;
	if (!uout)
		out->f_pos = pout;
out:
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
