/*
 * direct_io.h - generic O_DIRECT between pinned user pages and a block
 * device, for block-based file systems (fs/direct_io.c).
 *
 * A file system supplies a block-mapping callback and calls
 * blockdev_direct_IO() from its a_ops->direct_IO; generic_file_read_iter
 * and generic_file_write_iter call a_ops->direct_IO for IOCB_DIRECT.
 *
 * Contract: file offset, length and every user buffer segment must be
 * 512-byte aligned (else -EINVAL); the buffer must be user memory (an
 * ITER_USER iterator).  Data moves by bios built straight from the pinned
 * user pages (no copy).  Holes read as zeros; a write into a hole
 * allocates (create=1); a write past EOF sets i_size when it completes.
 * Returns the bytes transferred or -errno.
 *
 * Locks (DESIGN.md sections 2-4): holds the mapping's pagecache_add_lock
 * in BLOCK state throughout (not i_rwsem, so writers to one file run in
 * parallel) and sets current->faults_disabled_mapping while it pins the
 * user buffer with get_user_pages.  A chunk whose buffer maps the same
 * file goes through the page cache instead (buffered fallback); when a
 * fault dropped our BLOCK (FDM_DROPPED) the range is invalidated again
 * and the chunk retried.
 */
#ifndef FS_DIRECT_IO_H
#define FS_DIRECT_IO_H

#include <fs/pagemap.h>
#include <kernel/types.h>

struct block_device;
struct inode;
struct iov_iter;
struct kiocb;

/* Maps logical block iblock (of size i_sb->s_blocksize) of inode: sets
 * *phys to the device block (0: a hole, only when !create) and *new when
 * it was just allocated (its old contents are garbage).  0 or -errno
 * (-ENOSPC, -EFBIG, -EIO).  May sleep.  ext2_get_block has this type. */
typedef int (*dio_get_block_t)(struct inode *inode, u64 iblock, bool create, u32 *phys, bool *new);

ssize_t blockdev_direct_IO(struct kiocb *iocb, struct iov_iter *iter, struct block_device *bdev,
			   dio_get_block_t get_block);

/* Removes the pages of [start, end] (bytes) from every page table and
 * from the page cache after writing back dirty ones.  Caller holds BLOCK. */
int invalidate_inode_pages_range(struct address_space *mapping, loff_t start, loff_t end);

/* Statistics for tests: chunks done by buffered fallback (the buffer maps
 * the same file) and chunks retried after FDM_DROPPED. */
extern unsigned long dio_nr_fallback, dio_nr_retry;
/* O_DIRECTs inside their BLOCK section now, and the most seen at once. */
extern unsigned long dio_in_flight, dio_max_in_flight;

#endif
