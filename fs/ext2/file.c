/*
 * file.c - regular files: their data in the page cache, one page per 4 KiB
 * block, through the address_space_operations that fs/filemap.c calls.
 *
 *   readpage     maps the block (a hole or a page beyond the end of file
 *                reads as zeros) and reads it; the part of the last page
 *                beyond i_size is zeroed.
 *   readpages    the same for readahead's runs of pages, one bio per run
 *                of consecutive blocks, completed asynchronously.
 *   write_begin  allocates the block (so -ENOSPC reaches write(2)), and
 *                makes the page whole before the copy: reads it for a
 *                partial write over existing data, zeroes it around the
 *                write for a new block or a page beyond the end.
 *   write_end    marks the page uptodate and dirty, grows i_size, and
 *                copies the inode to its slot (size, times, i_blocks).
 *   writepage    writes a dirty page to its block, first allocating one if
 *                the page was dirtied through mmap over a hole; the part
 *                beyond i_size is zeroed first, so the disk never holds
 *                stale bytes past the end of file.
 * Invariant: no block is allocated beyond the block holding the last byte
 * of the file (e2fsck checks that); truncation (inode.c) keeps it.
 *
 *   writepages   the flusher's and fsync's way: write_cache_pages() picks the
 *                dirty pages, each is prepared as writepage does, and runs
 *                of pages on consecutive blocks go out as one bio each,
 *                completed asynchronously (end_page_writeback in the bio's
 *                completion); whoever needs the data on disk waits for
 *                PG_writeback (filemap_fdatawait_range).
 * fallocate: only PUNCH_HOLE|KEEP_SIZE (allocation is -EOPNOTSUPP, as in
 * Linux's ext2).  Under i_rwsem (exclusive) and the mapping's BLOCK state
 * for the whole operation: unmap the range from every process, write back
 * and drop its pages (none can come back meanwhile), zero the partial
 * blocks at the edges on disk, free the whole blocks (and indirect blocks
 * left empty).  A range reaching EOF frees the last block too.
 *
 * writepage's I/O (one page, for the reclaimer) is synchronous
 * (ext2_block_io) between set_page_writeback and end_page_writeback.  From
 * the reclaimer (kswapd) it may wait briefly
 * for the block map's mutex, whose holders never wait for reclaim beyond
 * the allocator's bounded wait.
 * Locks: filemap.c holds the page lock around all four; write_begin and
 * write_end run under i_rwsem (buffered write), readpage and writepage may
 * not (read, fault, write-back), so the block map has its own i_meta_lock.
 */
#include "ext2.h"
#include <fs/direct_io.h>
#include <mm/mm.h>
#include <kernel/string.h>

static void zero_beyond_eof(struct inode *inode, struct page *page)
{
	loff_t start = (loff_t)page->index << PAGE_SHIFT, size = i_size_read(inode);

	if (size < start + (loff_t)PAGE_SIZE) {
		size_t keep = size > start ? (size_t)(size - start) : 0;
		memset((char *)page_address(page) + keep, 0, PAGE_SIZE - keep);
	}
}

static int ext2_readpage(struct file *file, struct page *page)
{
	struct inode *inode = page->mapping->host;
	u32 phys = 0;
	int err = 0;

	if (((loff_t)page->index << PAGE_SHIFT) < i_size_read(inode))
		err = ext2_get_block(inode, page->index, false, &phys, NULL);
	if (!err && phys)
		err = ext2_block_io(inode->i_sb, phys, page, REQ_OP_READ);
	else if (!err)
		memset(page_address(page), 0, PAGE_SIZE);
	if (err) {
		SetPageError(page);
		unlock_page(page);
		return err;
	}
	zero_beyond_eof(inode, page);
	SetPageUptodate(page);
	unlock_page(page);
	return 0;
}

/* Readahead's bios: each page of a run of consecutive blocks. */
static void read_end_io(struct bio *bio)
{
	struct inode *inode = bio->bi_private;

	for (unsigned int i = 0; i < bio->bi_vcnt; i++) {
		struct page *page = bio->bi_io_vec[i].bv_page;
		if (bio->bi_status) {
			SetPageError(page);
		} else {
			zero_beyond_eof(inode, page);
			SetPageUptodate(page);
		}
		unlock_page(page);
	}
	bio_put(bio);
}

static int ext2_readpages(struct file *file, struct address_space *mapping, struct page **pages,
			  unsigned int nr)
{
	struct inode *inode = mapping->host;
	struct block_device *bdev = EXT2_SB(inode->i_sb)->s_bdev;
	struct bio *bio = NULL;
	u32 next = 0;

	for (unsigned int i = 0; i < nr; i++) {
		struct page *page = pages[i];
		u32 phys = 0;
		int err = 0;

		if (((loff_t)page->index << PAGE_SHIFT) < i_size_read(inode))
			err = ext2_get_block(inode, page->index, false, &phys, NULL);
		if (err || !phys) {
			if (err) {
				SetPageError(page);
			} else {
				memset(page_address(page), 0, PAGE_SIZE);
				SetPageUptodate(page);
			}
			unlock_page(page);
			continue;
		}
		if (bio && (phys != next || !bio_add_page(bio, page, PAGE_SIZE, 0))) {
			submit_bio(bio);
			bio = NULL;
		}
		if (!bio) {
			bio = bio_alloc(bdev, MIN(nr - i, bdev->bd_max_segments), REQ_OP_READ);
			if (!bio) {
				ext2_readpage(file, page); /* unlocks it */
				continue;
			}
			bio->bi_sector = (u64)phys * EXT2_SECTORS_PER_BLOCK;
			bio->bi_end_io = read_end_io;
			bio->bi_private = inode;
			bio_add_page(bio, page, PAGE_SIZE, 0);
		}
		next = phys + 1;
	}
	if (bio)
		submit_bio(bio);
	return 0;
}

static void write_error(struct page *page, struct address_space *mapping, int err)
{
	SetPageError(page);
	mapping_set_error(mapping, err); /* fsync reports it */
}

/* Starts the write-back of a dirty page (locked, dirty bit cleared for the
 * I/O): finds its block, allocating it if the page was dirtied through
 * mmap over a hole, zeroes the part beyond i_size, sets PG_writeback and
 * unlocks the page.  0 and *phys: the I/O is the caller's to do; 1: the
 * page lies wholly beyond the end (truncated meanwhile), nothing to write;
 * -errno (recorded).  The page is unlocked in every case. */
static int writepage_start(struct page *page, u32 *phys)
{
	struct address_space *mapping = page->mapping;
	struct inode *inode = mapping->host;
	bool new = false, past_eof;
	int err = 0;

	past_eof = ((loff_t)page->index << PAGE_SHIFT) >= i_size_read(inode);
	if (!past_eof) {
		err = ext2_get_block(inode, page->index, true, phys, &new);
		if (new)
			ext2_write_inode(inode, 0);
		if (err)
			write_error(page, mapping, err);
	}
	if (past_eof || err) {
		unlock_page(page);
		return err ? err : 1;
	}
	zero_beyond_eof(inode, page);
	set_page_writeback(page);
	unlock_page(page);
	return 0;
}

/* Writes a page under writeback (unlocked) to block phys synchronously,
 * records an error, and ends the writeback. */
static int write_page_now(struct page *page, u32 phys)
{
	int err = ext2_block_io(page->mapping->host->i_sb, phys, page, REQ_OP_WRITE);

	if (err)
		write_error(page, page->mapping, err);
	end_page_writeback(page);
	return err;
}

static int ext2_writepage(struct page *page, struct writeback_control *wbc)
{
	u32 phys;
	int r = writepage_start(page, &phys);

	return r ? (r < 0 ? r : 0) : write_page_now(page, phys);
}

/* ---- writepages: runs of pages on consecutive blocks, one bio each,
 * completed asynchronously ---- */

struct ext2_wb {
	struct bio *bio; /* being filled, not yet submitted */
	u32 next; /* the block that would extend it */
};

static void write_end_io(struct bio *bio)
{
	struct address_space *mapping = bio->bi_private;

	/* The error first: once the last page leaves writeback, the inode
	 * (and mapping) may be evicted. */
	for (unsigned int i = 0; bio->bi_status && i < bio->bi_vcnt; i++)
		write_error(bio->bi_io_vec[i].bv_page, mapping, -EIO);
	for (unsigned int i = 0; i < bio->bi_vcnt; i++)
		end_page_writeback(bio->bi_io_vec[i].bv_page);
	bio_put(bio);
}

static void wb_submit(struct ext2_wb *wb)
{
	if (wb->bio)
		submit_bio(wb->bio);
	wb->bio = NULL;
}

static int ext2_writepage_batched(struct page *page, struct writeback_control *wbc, void *data)
{
	struct ext2_wb *wb = data;
	struct address_space *mapping = page->mapping;
	struct block_device *bdev = EXT2_SB(mapping->host->i_sb)->s_bdev;
	u32 phys;
	int r = writepage_start(page, &phys);

	if (r)
		return r < 0 ? r : 0;
	if (wb->bio && (phys != wb->next || !bio_add_page(wb->bio, page, PAGE_SIZE, 0)))
		wb_submit(wb);
	if (!wb->bio) {
		wb->bio = bio_alloc(bdev, bdev->bd_max_segments, REQ_OP_WRITE);
		if (!wb->bio) /* no memory for a bio: this page alone, now */
			return write_page_now(page, phys);
		wb->bio->bi_sector = (u64)phys * EXT2_SECTORS_PER_BLOCK;
		wb->bio->bi_end_io = write_end_io;
		wb->bio->bi_private = mapping;
		bio_add_page(wb->bio, page, PAGE_SIZE, 0);
	}
	wb->next = phys + 1;
	return 0;
}

static int ext2_writepages(struct address_space *mapping, struct writeback_control *wbc)
{
	struct ext2_wb wb = { NULL, 0 };
	int err = write_cache_pages(mapping, wbc, ext2_writepage_batched, &wb);

	wb_submit(&wb);
	return err;
}

static int ext2_write_begin(struct file *file, struct address_space *mapping, loff_t pos,
			    unsigned int len, struct page **pagep)
{
	struct inode *inode = mapping->host;
	unsigned int from = (unsigned int)(pos & (PAGE_SIZE - 1));
	pgoff_t index = (pgoff_t)(pos >> PAGE_SHIFT);
	struct page *page;
	bool new = false;
	u32 phys;
	int err;

	if (IS_RDONLY(inode))
		return -EROFS;
	page = find_or_create_page(mapping, index);
	if (!page)
		return -ENOMEM;
	err = ext2_get_block(inode, index, true, &phys, &new);
	if (!err && !PageUptodate(page) && len != PAGE_SIZE) {
		char *va = page_address(page);
		if (new || ((loff_t)index << PAGE_SHIFT) >= i_size_read(inode)) {
			memset(va, 0, from);
			memset(va + from + len, 0, PAGE_SIZE - from - len);
		} else {
			err = ext2_block_io(inode->i_sb, phys, page, REQ_OP_READ);
			if (!err)
				zero_beyond_eof(inode, page);
		}
	}
	if (err) {
		unlock_page(page);
		put_page(page);
		if (new)
			ext2_write_inode(inode, 0); /* its block stays (the next write uses it) */
		return err;
	}
	*pagep = page;
	return 0;
}

static int ext2_write_end(struct file *file, struct address_space *mapping, loff_t pos,
			  unsigned int len, unsigned int copied, struct page *page)
{
	struct inode *inode = mapping->host;

	SetPageUptodate(page);
	set_page_dirty(page);
	if (pos + copied > i_size_read(inode))
		i_size_write(inode, pos + copied);
	unlock_page(page);
	put_page(page);
	ext2_write_inode(inode, 0);
	return (int)copied;
}

/* O_DIRECT: straight between the pinned user pages and the disk, through
 * fs/direct_io.c, with this file system's block map.  A write that grew
 * the file leaves i_size set by blockdev_direct_IO(); copy it to disk. */
static ssize_t ext2_direct_IO(struct kiocb *iocb, struct iov_iter *iter)
{
	struct inode *inode = iocb->ki_filp->f_mapping->host;
	ssize_t r = blockdev_direct_IO(iocb, iter, EXT2_SB(inode->i_sb)->s_bdev, ext2_get_block);

	if (r > 0 && iter->data_source == WRITE)
		ext2_write_inode(inode, 0);
	return r;
}

const struct address_space_operations ext2_aops = {
	.direct_IO = ext2_direct_IO,
	.readpage = ext2_readpage,
	.readpages = ext2_readpages,
	.writepage = ext2_writepage,
	.writepages = ext2_writepages,
	.write_begin = ext2_write_begin,
	.write_end = ext2_write_end,
};

int ext2_fsync(struct file *file, loff_t start, loff_t end, int datasync)
{
	struct inode *inode = file_inode(file);
	struct super_block *sb = inode->i_sb;
	int err = 0, r;

	if (IS_RDONLY(inode))
		return 0;
	if (S_ISREG(inode->i_mode))
		err = filemap_write_and_wait_range(inode->i_mapping, start, end);
	r = ext2_write_inode(inode, 0);
	if (!err)
		err = r;
	/* Metadata of this file may be anywhere: write every dirty buffer. */
	r = ext2_sync_buffers(sb);
	if (!err)
		err = r;
	r = blkdev_issue_flush(EXT2_SB(sb)->s_bdev);
	return err ? err : r;
}

/* Zeroes bytes [from, to) of the file, all inside one block, on disk
 * (the page-cache copy is gone: the caller holds BLOCK). */
static int zero_block_part(struct inode *inode, loff_t from, loff_t to)
{
	u32 phys = 0;
	struct page *page;
	int err = ext2_get_block(inode, (u64)from >> EXT2_BLOCK_BITS, false, &phys, NULL);

	if (err || !phys || from >= to)
		return err; /* a hole reads as zeros already */
	page = alloc_page(0);
	if (!page)
		return -ENOMEM;
	err = ext2_block_io(inode->i_sb, phys, page, REQ_OP_READ);
	if (!err) {
		memset((char *)page_address(page) + (from & (EXT2_BLOCK_SIZE - 1)), 0,
		       (size_t)(to - from));
		err = ext2_block_io(inode->i_sb, phys, page, REQ_OP_WRITE);
	}
	put_page(page);
	return err;
}

static long ext2_fallocate(struct file *file, int mode, loff_t offset, loff_t len)
{
	struct inode *inode = file_inode(file);
	struct address_space *mapping = inode->i_mapping;
	const loff_t bs = EXT2_BLOCK_SIZE;
	loff_t end, isize, whole_lo, whole_hi;
	int err = 0;

	if (mode != (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	inode_lock(inode);
	isize = i_size_read(inode);
	end = offset + len;
	if (end >= isize)
		end = ALIGN_UP(isize, bs); /* the last block goes entirely */
	if (offset >= end)
		goto out;
	whole_lo = ALIGN_UP(offset, bs);
	whole_hi = ALIGN_DOWN(end, bs);
	pagecache_block_get(mapping);
	if (whole_lo < whole_hi) /* private copies of whole pages go too */
		unmap_mapping_range(mapping, (u64)whole_lo, (u64)(whole_hi - whole_lo), true);
	err = invalidate_inode_pages_range(mapping, offset, end - 1);
	if (!err && (offset & (bs - 1)))
		err = zero_block_part(inode, offset, MIN(end, ALIGN_UP(offset, bs)));
	if (!err && (end & (bs - 1)) && ALIGN_DOWN(end, bs) >= whole_lo)
		err = zero_block_part(inode, ALIGN_DOWN(end, bs), end);
	if (!err && whole_lo < whole_hi)
		ext2_punch_blocks(inode, (u64)whole_lo >> EXT2_BLOCK_BITS,
				  (u64)whole_hi >> EXT2_BLOCK_BITS);
	pagecache_block_put(mapping);
	ext2_touch(inode);
	ext2_write_inode(inode, 0);
out:
	inode_unlock(inode);
	return err;
}

const struct file_operations ext2_file_operations = {
	.fallocate = ext2_fallocate,
	.llseek = generic_file_llseek,
	.read_iter = generic_file_read_iter,
	.write_iter = generic_file_write_iter,
	.mmap = generic_file_mmap,
	.fsync = ext2_fsync,
};

const struct inode_operations ext2_file_inode_operations = {
	.setattr = ext2_setattr,
};
