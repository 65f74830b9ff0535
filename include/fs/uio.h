/*
 * uio.h - data transfer descriptors: user iovecs and kernel kvecs walked by
 * an iov_iter while data is copied in or out (fs/iov_iter.c).  Part of the
 * VFS interface (<fs/fs.h> includes it): f_op->read_iter/write_iter take an
 * iov_iter, so read(2), readv(2) and kernel_read() share one path.
 *
 * copy_to_iter()/copy_from_iter() stop early at a bad user address and
 * return what they copied; they may sleep (page faults), so never call
 * them with a spinlock held.
 */
#ifndef FS_UIO_H
#define FS_UIO_H

#include <kernel/types.h>

struct iovec { /* user ABI */
	void *iov_base;
	size_t iov_len;
};
struct kvec {
	void *iov_base;
	size_t iov_len;
};

#define ITER_USER 0 /* segments are user addresses (copy_*_user) */
#define ITER_KVEC 1 /* segments are kernel addresses */
#define READ 0 /* the iterator is the destination of the data */
#define WRITE 1 /* the iterator is the source of the data */

struct iov_iter {
	u8 type;
	u8 data_source; /* READ or WRITE */
	size_t iov_offset;
	size_t count; /* bytes left */
	const struct iovec *iov;
	unsigned long nr_segs;
	struct iovec single; /* iov_iter_ubuf: points at itself, do not copy */
};

void iov_iter_init(struct iov_iter *i, unsigned int direction, const struct iovec *iov,
		   unsigned long nr_segs, size_t count);
void iov_iter_ubuf(struct iov_iter *i, unsigned int direction, void *ubuf, size_t count);
void iov_iter_kvec(struct iov_iter *i, unsigned int direction, const struct kvec *kvec,
		   unsigned long nr_segs, size_t count);
static inline size_t iov_iter_count(const struct iov_iter *i) { return i->count; }
/* Copy and advance; a fault stops early: the return is what was copied. */
size_t copy_to_iter(const void *addr, size_t bytes, struct iov_iter *i);
size_t copy_from_iter(void *addr, size_t bytes, struct iov_iter *i);
size_t iov_iter_zero(size_t bytes, struct iov_iter *i);
void iov_iter_advance(struct iov_iter *i, size_t bytes);
void iov_iter_truncate(struct iov_iter *i, size_t count);
/* Copies a user iovec array in, checks it and builds an iterator; *iovp
 * is a kmalloc'd array to kfree (or NULL).  Returns the total or -errno. */
ssize_t import_iovec(int direction, const struct iovec *uvec, unsigned long nr_segs,
		     struct iovec **iovp, struct iov_iter *i);

#endif
