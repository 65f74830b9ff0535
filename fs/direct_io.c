/*
 * direct_io.c - generic O_DIRECT for block-based file systems (interface
 * and contract in <fs/direct_io.h>).
 *
 * One call, in order:
 *   1. check 512-byte alignment of offset, length and buffer segments;
 *   2. take BLOCK on the mapping (pages stay out until we finish) and set
 *      current->faults_disabled_mapping (DESIGN.md section 2);
 *   3. reads: write back dirty pages of the range; writes: unmap the range
 *      from every process, write back and drop its pages
 *      (invalidate_inode_pages_range, in fs/filemap.c);
 *   4. per chunk of at most DIO_CHUNK user pages: pin them with gup
 *      (FOLL_WRITE when the device writes into memory), map file blocks
 *      with the file system's get_block, and send bios made of the pinned
 *      pages themselves: all of a chunk's bios are in flight together, then
 *      waited for (dio_wait) before the pages are unpinned.  gup's answers:
 *        -EDEADLK  the buffer maps this very file: release BLOCK, do the
 *                  chunk by buffered I/O, re-take BLOCK, invalidate again;
 *        FDM_DROPPED set (gup may still have pinned a prefix): a fault
 *                  released and re-took our BLOCK while waiting for an
 *                  earlier-ordered lock, so pages may have come in: clear
 *                  the bit, invalidate the rest of the range again, retry;
 *   5. an extending write sets i_size; release BLOCK, clear the field.
 * naive=nodio-lock skips BLOCK and faults_disabled_mapping: pages can be
 * read in between the invalidation and the write, and stay stale after it.
 *
 * Lock order: BLOCK -> (gup) mmap_lock, the sanctioned inversion of
 * DESIGN.md section 4, made safe by the fault side (fs/pagecache_lock.c);
 * BLOCK -> page locks (invalidation).  i_rwsem is held SHARED around the
 * whole transfer (i_rwsem -> BLOCK): O_DIRECT calls still run in
 * parallel, while truncate, which takes it exclusive, cannot free a block
 * that an in-flight bio still targets (the block could already belong to
 * another file).  The buffered fallback of a write trades it for the
 * exclusive hold that buffered writes take; the final i_size update takes
 * it exclusive after the shared hold is gone.
 */
#include <drivers/blkdev.h>
#include <fs/direct_io.h>
#include <fs/fs.h>
#include <kernel/completion.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <mm/mm.h>
#include <mm/slab.h>

#define DIO_CHUNK 64 /* user pages pinned at once (256 KiB) */
#define DIO_ALIGN 511

unsigned long dio_nr_fallback, dio_nr_retry;
unsigned long dio_in_flight, dio_max_in_flight;

static void dio_count_in(void)
{
	unsigned long n = __atomic_add_fetch(&dio_in_flight, 1, __ATOMIC_RELAXED);
	unsigned long m = __atomic_load_n(&dio_max_in_flight, __ATOMIC_RELAXED);

	while (n > m && !__atomic_compare_exchange_n(&dio_max_in_flight, &m, n, false,
						     __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

/* ---- one chunk of pinned pages ---- */

struct dio {
	struct inode *inode;
	struct block_device *bdev;
	dio_get_block_t get_block;
	bool write;
	unsigned int blkbits;
	struct bio *bio; /* being filled, not yet sent */
	u64 next_sector; /* where the open bio would continue */
	/* bios in flight: all of a chunk's are sent before any is waited for */
	int pending; /* in flight, plus one while the chunk is being built */
	int error; /* the first bio error (-EIO), set by dio_end_io */
	struct completion done; /* pending reached zero */
};

static void dio_end_io(struct bio *bio)
{
	struct dio *d = bio->bi_private;

	if (bio->bi_status)
		__atomic_compare_exchange_n(&d->error, &(int){ 0 }, -EIO, false, __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED);
	bio_put(bio);
	if (__atomic_sub_fetch(&d->pending, 1, __ATOMIC_ACQ_REL) == 0)
		complete(&d->done); /* the last access to d */
}

/* Sends the open bio (asynchronously). */
static void dio_submit(struct dio *d)
{
	struct bio *bio = d->bio;

	d->bio = NULL;
	if (!bio)
		return;
	if (!bio->bi_vcnt) {
		bio_put(bio);
		return;
	}
	__atomic_add_fetch(&d->pending, 1, __ATOMIC_RELAXED);
	bio->bi_end_io = dio_end_io;
	bio->bi_private = d;
	submit_bio(bio);
}

/* Waits for every bio sent since the last wait; their first error. */
static int dio_wait(struct dio *d)
{
	int err;

	if (__atomic_sub_fetch(&d->pending, 1, __ATOMIC_ACQ_REL) != 0)
		wait_for_completion(&d->done);
	err = d->error;
	d->error = 0;
	d->pending = 1;
	reinit_completion(&d->done);
	return err;
}

/* Sends [sector, +len) to/from page at off, merging with the open bio. */
static int dio_add(struct dio *d, u64 sector, struct page *page, unsigned int off, unsigned int len)
{
	if (d->bio && (sector != d->next_sector || !bio_add_page(d->bio, page, len, off)))
		dio_submit(d);
	if (!d->bio) {
		/* no more segments than the device takes in one request */
		d->bio = bio_alloc(d->bdev, MIN(DIO_CHUNK * 2, d->bdev->bd_max_segments),
				   d->write ? REQ_OP_WRITE : REQ_OP_READ);
		if (!d->bio)
			return -ENOMEM;
		d->bio->bi_sector = sector;
		if (!bio_add_page(d->bio, page, len, off))
			return -EINVAL;
	}
	d->next_sector = sector + (len >> SECTOR_SHIFT);
	return 0;
}

/* A newly allocated block that the write covers only in part: zero it on
 * the device first so the rest reads as zeros. */
static int dio_zero_block(struct dio *d, u32 phys)
{
	struct page *zero = alloc_page(__GFP_ZERO);
	unsigned int bs = 1U << d->blkbits;
	struct bio *bio;
	int err;

	if (!zero)
		return -ENOMEM;
	bio = bio_alloc(d->bdev, (bs + PAGE_SIZE - 1) / PAGE_SIZE, REQ_OP_WRITE);
	if (!bio) {
		put_page(zero);
		return -ENOMEM;
	}
	bio->bi_sector = (u64)phys << (d->blkbits - SECTOR_SHIFT);
	for (unsigned int done = 0; done < bs; done += PAGE_SIZE)
		bio_add_page(bio, zero, MIN(bs - done, (unsigned int)PAGE_SIZE), 0);
	err = submit_bio_wait(bio);
	bio_put(bio);
	put_page(zero);
	return err;
}

/* Builds and sends the bios that move len bytes between the file at pos
 * and the pinned pages, the first starting at offset poff. */
static int dio_chunk_bios(struct dio *d, loff_t pos, struct page **pages, unsigned int poff,
			  size_t len)
{
	unsigned int bs = 1U << d->blkbits;
	size_t done = 0;
	int err;

	while (done < len) {
		loff_t p = pos + (loff_t)done;
		u64 iblock = (u64)p >> d->blkbits;
		unsigned int boff = p & (bs - 1);
		size_t uoff = poff + done;
		struct page *page = pages[uoff >> PAGE_SHIFT];
		unsigned int pgoff = uoff & (PAGE_SIZE - 1);
		unsigned int n = MIN((size_t)(bs - boff), len - done);
		u32 phys = 0;
		bool new = false;

		n = MIN(n, (unsigned int)(PAGE_SIZE - pgoff));
		err = d->get_block(d->inode, iblock, d->write, &phys, &new);
		if (err)
			return err;
		if (!phys) {
			if (d->write)
				return -EIO;
			memset((char *)page_address(page) + pgoff, 0, n); /* a hole */
		} else {
			if (new && d->write && (boff || (size_t)bs > len - done)) {
				dio_submit(d);
				err = dio_zero_block(d, phys); /* before the data */
				if (err)
					return err;
			}
			err = dio_add(d,
				      ((u64)phys << (d->blkbits - SECTOR_SHIFT)) +
					      (boff >> SECTOR_SHIFT),
				      page, pgoff, n);
			if (err)
				return err;
		}
		done += n;
	}
	return 0;
}

/* One chunk: every bio is in flight at once, then all are waited for (the
 * pages stay pinned until then, on an error too).  0 or -errno. */
static int dio_chunk(struct dio *d, loff_t pos, struct page **pages, unsigned int poff, size_t len)
{
	int err = dio_chunk_bios(d, pos, pages, poff, len), io;

	if (err && d->bio) { /* not sent: drop it */
		bio_put(d->bio);
		d->bio = NULL;
	}
	dio_submit(d);
	io = dio_wait(d);
	return err ? err : io;
}

/* The chunk's buffer maps this file: move it through the page cache. */
static ssize_t dio_buffered(struct kiocb *iocb, bool write, void *ubuf, size_t len, loff_t pos)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	struct kiocb k = *iocb;
	struct iov_iter it;
	ssize_t r;

	k.ki_pos = pos;
	k.ki_flags &= ~IOCB_DIRECT;
	iov_iter_ubuf(&it, write ? WRITE : READ, ubuf, len);
	if (!write)
		return filemap_read(&k, &it);
	/* buffered writes take i_rwsem exclusive: trade our shared hold */
	inode_unlock_shared(inode);
	inode_lock(inode);
	r = generic_perform_write(&k, &it);
	inode_unlock(inode);
	inode_lock_shared(inode);
	return r;
}

static bool dio_locked(void) { return !pagecache_naive_nodio_lock; }

static void dio_lock(struct address_space *mapping)
{
	if (dio_locked()) {
		pagecache_block_get(mapping);
		current->faults_disabled_mapping = mapping;
	}
}

static void dio_unlock(struct address_space *mapping)
{
	if (dio_locked()) {
		current->faults_disabled_mapping = NULL;
		pagecache_block_put(mapping);
	}
}

ssize_t blockdev_direct_IO(struct kiocb *iocb, struct iov_iter *iter, struct block_device *bdev,
			   dio_get_block_t get_block)
{
	struct file *file = iocb->ki_filp;
	struct address_space *mapping = file->f_mapping;
	struct inode *inode = mapping->host;
	bool write = iter->data_source == WRITE;
	struct dio d = {
		inode, bdev, get_block, write, inode->i_sb->s_blocksize_bits, NULL, 0, 1, 0
	};
	struct page **pages;
	loff_t pos = iocb->ki_pos, end;
	ssize_t done = 0;
	int err = 0;

	if (iter->type != ITER_USER || (pos & DIO_ALIGN) || (iov_iter_count(iter) & DIO_ALIGN))
		return -EINVAL;
	for (unsigned long s = 0; s < iter->nr_segs; s++)
		if (((unsigned long)iter->iov[s].iov_base & DIO_ALIGN) ||
		    (iter->iov[s].iov_len & DIO_ALIGN))
			return -EINVAL;
	if (!write) {
		loff_t isize = i_size_read(inode);
		if (pos >= isize)
			return 0;
		/* whole sectors up to EOF; the count reported stops at EOF */
		if ((loff_t)iov_iter_count(iter) > isize - pos)
			iov_iter_truncate(iter, ALIGN_UP((u64)(isize - pos), SECTOR_SIZE));
	} else if (!iov_iter_count(iter)) {
		return 0;
	}
	pages = kmalloc(sizeof(*pages) * DIO_CHUNK, 0);
	if (!pages)
		return -ENOMEM;
	init_completion(&d.done);
	end = pos + (loff_t)iov_iter_count(iter) - 1;
	inode_lock_shared(inode); /* keeps truncate from freeing blocks under us */
	dio_lock(mapping);
	dio_count_in();
	err = write ? invalidate_inode_pages_range(mapping, pos, end) :
		      filemap_write_and_wait_range(mapping, pos, end);
	iov_iter_advance(iter, 0);
	while (!err && iov_iter_count(iter)) {
		unsigned long base = (unsigned long)iter->iov->iov_base + iter->iov_offset;
		size_t seg = MIN(iter->iov->iov_len - iter->iov_offset, iov_iter_count(iter));
		unsigned int poff = base & (PAGE_SIZE - 1);
		size_t len = MIN(seg, (size_t)DIO_CHUNK * PAGE_SIZE - poff);
		unsigned long npages = (poff + len + PAGE_SIZE - 1) >> PAGE_SHIFT;
		loff_t p = pos + done;
		long got;

		got = get_user_pages(current->mm, base, npages, write ? 0 : FOLL_WRITE, pages);
		if (dio_locked() &&
		    ((unsigned long)current->faults_disabled_mapping & FDM_DROPPED)) {
			/* our BLOCK was dropped for a while: pages may be back */
			if (got > 0)
				unpin_user_pages(pages, got, false);
			current->faults_disabled_mapping = mapping;
			__atomic_fetch_add(&dio_nr_retry, 1, __ATOMIC_RELAXED);
			err = write ? invalidate_inode_pages_range(mapping, p, end) :
				      filemap_write_and_wait_range(mapping, p, end);
			continue;
		}
		if (got == -EDEADLK) {
			/* the buffer maps this file: this page's part buffered */
			size_t blen = MIN(len, (size_t)(PAGE_SIZE - poff));
			ssize_t r;

			__atomic_fetch_add(&dio_nr_fallback, 1, __ATOMIC_RELAXED);
			dio_unlock(mapping);
			r = dio_buffered(iocb, write, (void *)base, blen, p);
			dio_lock(mapping);
			if (r > 0) {
				done += r;
				iov_iter_advance(iter, r);
			}
			if (r < (ssize_t)blen) {
				err = r < 0 ? (int)r : 0;
				break;
			}
			if (write) /* drop what the buffered write cached */
				err = invalidate_inode_pages_range(mapping, p, end);
			continue;
		}
		if (got <= 0) {
			err = got ? (int)got : -EFAULT;
			break;
		}
		if ((unsigned long)got < npages)
			len = ((size_t)got << PAGE_SHIFT) - poff;
		err = dio_chunk(&d, p, pages, poff, len);
		unpin_user_pages(pages, got, !write);
		if (err)
			break;
		done += len;
		iov_iter_advance(iter, len);
	}
	__atomic_sub_fetch(&dio_in_flight, 1, __ATOMIC_RELAXED);
	dio_unlock(mapping);
	inode_unlock_shared(inode);
	if (write && done && pos + done > i_size_read(inode)) {
		inode_lock(inode); /* i_size only grows here, under i_rwsem */
		if (pos + done > i_size_read(inode))
			i_size_write(inode, pos + done);
		inode_unlock(inode);
	}
	kfree(pages);
	if (!write && done) {
		loff_t isize = i_size_read(inode);
		if (pos + done > isize)
			done = isize > pos ? isize - pos : 0;
	}
	if (done)
		iocb->ki_pos = pos + done;
	return done ? done : err;
}
