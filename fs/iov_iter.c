/*
 * iov_iter.c - walking a list of buffers (user iovecs or kernel kvecs) while
 * data is copied in or out, so one read_iter/write_iter serves read(2),
 * readv(2), pread(2) and kernel_read().
 *
 * Contract: copy_to_iter()/copy_from_iter() copy up to bytes and advance the
 * iterator by what they copied; a bad user address stops them early (the
 * return is short; the caller reports -EFAULT if nothing was copied).  User
 * copies may sleep (page faults): never call them with a spinlock held.
 * import_iovec() checks the whole iovec array up front (Linux rules: at most
 * 1024 segments, the total fits in ssize_t, each segment passes access_ok).
 */
#include <fs/fs.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>
#include <mm/slab.h>

#define UIO_MAXIOV 1024
#define MAX_RW_COUNT (0x7ffff000UL) /* Linux caps one transfer below 2 GiB */

void iov_iter_init(struct iov_iter *i, unsigned int direction, const struct iovec *iov,
		   unsigned long nr_segs, size_t count)
{
	i->type = ITER_USER;
	i->data_source = direction;
	i->iov = iov;
	i->nr_segs = nr_segs;
	i->iov_offset = 0;
	i->count = count;
}

void iov_iter_ubuf(struct iov_iter *i, unsigned int direction, void *ubuf, size_t count)
{
	i->single.iov_base = ubuf;
	i->single.iov_len = count;
	iov_iter_init(i, direction, &i->single, 1, count);
}

void iov_iter_kvec(struct iov_iter *i, unsigned int direction, const struct kvec *kvec,
		   unsigned long nr_segs, size_t count)
{
	iov_iter_init(i, direction, (const struct iovec *)kvec, nr_segs, count);
	i->type = ITER_KVEC;
}

void iov_iter_advance(struct iov_iter *i, size_t bytes)
{
	bytes = MIN(bytes, i->count);
	i->count -= bytes;
	while (bytes) {
		size_t left = i->iov->iov_len - i->iov_offset;
		if (bytes < left) {
			i->iov_offset += bytes;
			return;
		}
		bytes -= left;
		i->iov++;
		i->nr_segs--;
		i->iov_offset = 0;
	}
	/* Skip empty segments so the current one has room (if any is left). */
	while (i->count && i->nr_segs && i->iov_offset == i->iov->iov_len) {
		i->iov++;
		i->nr_segs--;
		i->iov_offset = 0;
	}
}

void iov_iter_truncate(struct iov_iter *i, size_t count)
{
	if (i->count > count)
		i->count = count;
}

/* Walks the segments: fn copies one piece and returns bytes not copied. */
static size_t iterate(struct iov_iter *i, size_t bytes, void *kbuf,
		      int (*fn)(struct iov_iter *i, void *seg, void *kbuf, size_t n))
{
	size_t done = 0;

	bytes = MIN(bytes, i->count);
	while (done < bytes) {
		const struct iovec *v = i->iov;
		size_t n;
		if (!i->nr_segs)
			break;
		if (i->iov_offset == v->iov_len) {
			i->iov++;
			i->nr_segs--;
			i->iov_offset = 0;
			continue;
		}
		n = MIN(v->iov_len - i->iov_offset, bytes - done);
		if (fn(i, (char *)v->iov_base + i->iov_offset, kbuf ? (char *)kbuf + done : NULL,
		       n))
			break; /* fault: stop at the segment boundary, nothing partial */
		i->iov_offset += n;
		i->count -= n;
		done += n;
	}
	return done;
}

static int copy_out(struct iov_iter *i, void *seg, void *kbuf, size_t n)
{
	if (i->type == ITER_KVEC) {
		memcpy(seg, kbuf, n);
		return 0;
	}
	return copy_to_user(seg, kbuf, n);
}

static int copy_in(struct iov_iter *i, void *seg, void *kbuf, size_t n)
{
	if (i->type == ITER_KVEC) {
		memcpy(kbuf, seg, n);
		return 0;
	}
	return copy_from_user(kbuf, seg, n);
}

static int zero_out(struct iov_iter *i, void *seg, void *kbuf, size_t n)
{
	if (i->type == ITER_KVEC) {
		memset(seg, 0, n);
		return 0;
	}
	return clear_user(seg, n);
}

size_t copy_to_iter(const void *addr, size_t bytes, struct iov_iter *i)
{
	return iterate(i, bytes, (void *)addr, copy_out);
}

size_t copy_from_iter(void *addr, size_t bytes, struct iov_iter *i)
{
	return iterate(i, bytes, addr, copy_in);
}

size_t iov_iter_zero(size_t bytes, struct iov_iter *i) { return iterate(i, bytes, NULL, zero_out); }

ssize_t import_iovec(int direction, const struct iovec *uvec, unsigned long nr_segs,
		     struct iovec **iovp, struct iov_iter *i)
{
	struct iovec *iov;
	size_t total = 0;

	*iovp = NULL;
	if (nr_segs > UIO_MAXIOV)
		return -EINVAL;
	if (!nr_segs) {
		iov_iter_init(i, direction, NULL, 0, 0);
		return 0;
	}
	iov = kmalloc(nr_segs * sizeof(*iov), 0);
	if (!iov)
		return -ENOMEM;
	if (copy_from_user(iov, uvec, nr_segs * sizeof(*iov))) {
		kfree(iov);
		return -EFAULT;
	}
	for (unsigned long s = 0; s < nr_segs; s++) {
		size_t len = iov[s].iov_len;
		if ((ssize_t)len < 0) {
			kfree(iov);
			return -EINVAL;
		}
		if (!access_ok((unsigned long)iov[s].iov_base, len)) {
			kfree(iov);
			return -EFAULT;
		}
		if (len > MAX_RW_COUNT - total) {
			len = MAX_RW_COUNT - total;
			iov[s].iov_len = len;
		}
		total += len;
	}
	iov_iter_init(i, direction, iov, nr_segs, total);
	*iovp = iov;
	return total;
}
