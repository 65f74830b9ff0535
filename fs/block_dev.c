/*
 * block_dev.c - block devices as files: /dev/vda, /dev/vdb... read and
 * written whole, through a page cache of the disk.
 *
 * Each disk gets one block-device inode (made on first use, never freed)
 * in a private superblock that no one mounts; its i_size is the capacity
 * and its address_space is the disk's page cache: page n holds bytes
 * [n * 4096, (n + 1) * 4096) of the disk (the last page may end early; the
 * rest reads as zero and is never written).  Opening a device node
 * (S_ISBLK, major BLOCK_MAJOR, minor 16 * n for the nth disk) makes the
 * file use that cache (f_mapping), so reads go through readahead and
 * writes are dirty pages that the flusher, fsync or close write back, just
 * as file data.  The disk's write cache is flushed on fsync and by
 * sync(2) (blkdev_flush_all).
 *
 * I/O: reads are bios of up to bd_max_segments pages (one per readahead
 * run); writeback writes one page per bio.  Bios complete in interrupt
 * context: the end_io functions only set page flags, unlock or end
 * writeback, and free the bio.
 *
 * Coherence: file systems on the disk (ext2) read and write it with their
 * own bios, not through this cache.  So the last close of a device node
 * writes back and then empties its cache: a mke2fs that exited has its
 * data on the disk before a mount, and a later open reads what the file
 * system wrote.  Writing the raw disk while a file system on it is
 * mounted is not coherent (as in Linux: don't).
 *
 * Locks: bdev_lock (mutex) guards the table of block-device inodes and
 * open counts; the page cache's own rules otherwise.  Writes hold the
 * device inode's i_rwsem like regular files.
 */
#include "internal.h"
#include <drivers/blkdev.h>
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>
#include <mm/page.h>

#define MAX_BDEV 32
#define BDEV_MINORS 16

#define BLKROGET 0x125e
#define BLKGETSIZE 0x1260
#define BLKFLSBUF 0x1261
#define BLKSSZGET 0x1268
#define BLKPBSZGET 0x127b
#define BLKBSZGET 0x80081270
#define BLKGETSIZE64 0x80081272

static DEFINE_MUTEX(bdev_lock);
static struct {
	struct block_device *bdev;
	struct inode *inode;
	int openers;
} bdevs[MAX_BDEV];
static struct super_block *bdev_sb;
static struct file_system_type bdev_fs_type = { .name = "bdev" };
static const struct address_space_operations def_blk_aops;

static struct block_device *I_BDEV(struct inode *inode) { return inode->i_private; }

static int bdev_index(struct block_device *bdev)
{
	for (int n = 0; n < MAX_BDEV; n++) {
		struct block_device *b = blkdev_get_nth(n);
		if (!b)
			break;
		if (b == bdev)
			return n;
	}
	return -1;
}

static struct inode *bdev_inode(struct block_device *bdev)
{
	int n = bdev_index(bdev);
	struct inode *inode;

	if (n < 0)
		return NULL;
	mutex_lock(&bdev_lock);
	inode = bdevs[n].inode;
	if (!inode) {
		if (!bdev_sb)
			bdev_sb = sget_anon(&bdev_fs_type, NULL);
		inode = bdev_sb ? new_inode(bdev_sb) : NULL;
		if (inode) {
			inode->i_mode = S_IFBLK | 0600;
			inode->i_rdev = MKDEV(BLOCK_MAJOR, n * BDEV_MINORS);
			inode->i_private = bdev;
			i_size_write(inode, (loff_t)(bdev->bd_nr_sectors << SECTOR_SHIFT));
			inode->i_mapping->a_ops = &def_blk_aops;
			bdevs[n].bdev = bdev;
			bdevs[n].inode = inode;
		}
	}
	mutex_unlock(&bdev_lock);
	return inode;
}

struct address_space *bdev_mapping(struct block_device *bdev)
{
	struct inode *inode = bdev_inode(bdev);

	return inode ? inode->i_mapping : NULL;
}

static struct block_device *bdev_by_dev(dev_t dev)
{
	if (MAJOR(dev) != BLOCK_MAJOR || MINOR(dev) % BDEV_MINORS)
		return NULL;
	return blkdev_get_nth((int)(MINOR(dev) / BDEV_MINORS));
}

struct block_device *lookup_bdev(const char *path)
{
	struct block_device *bdev;
	struct path p;
	int err;

	if (!path || !*path)
		return ERR_PTR(-EINVAL);
	err = kern_path(path, LOOKUP_FOLLOW, &p);
	if (!err) {
		struct inode *inode = p.dentry->d_inode;
		bool blk = S_ISBLK(inode->i_mode);

		bdev = blk ? bdev_by_dev(inode->i_rdev) : NULL;
		path_put(&p);
		if (!blk)
			return ERR_PTR(-ENOTBLK);
		return bdev ? bdev : ERR_PTR(-ENXIO);
	}
	bdev = blkdev_get_by_name(path); /* no node yet (root= at boot) */
	return bdev ? bdev : ERR_PTR(err);
}

/* ---- I/O ---- */

/* Bytes of page index that lie on the disk (0 beyond its end). */
static unsigned int bytes_on_disk(struct inode *inode, pgoff_t index)
{
	loff_t size = i_size_read(inode), pos = (loff_t)index << PAGE_SHIFT;

	if (pos >= size)
		return 0;
	return size - pos >= (loff_t)PAGE_SIZE ? PAGE_SIZE : (unsigned int)(size - pos);
}

static void read_end_io(struct bio *bio)
{
	for (unsigned int i = 0; i < bio->bi_vcnt; i++) {
		struct page *page = bio->bi_io_vec[i].bv_page;

		if (bio->bi_status)
			SetPageError(page);
		else
			SetPageUptodate(page);
		unlock_page(page);
	}
	bio_put(bio);
}

/* pages[0..nr): locked, consecutive, in the cache of inode.  Each is read
 * and unlocked (uptodate or PG_error). */
static int bdev_read_pages(struct inode *inode, struct page **pages, unsigned int nr)
{
	struct block_device *bdev = I_BDEV(inode);
	unsigned int done = 0;

	while (done < nr) {
		unsigned int max =
			MIN(nr - done, bdev->bd_max_segments ? bdev->bd_max_segments : 1);
		struct bio *bio = bio_alloc(bdev, max, REQ_OP_READ);
		unsigned int n = 0;

		if (!bio)
			break;
		bio->bi_sector = ((u64)pages[done]->index << PAGE_SHIFT) >> SECTOR_SHIFT;
		bio->bi_end_io = read_end_io;
		while (n < max) {
			struct page *page = pages[done + n];
			unsigned int len = bytes_on_disk(inode, page->index);

			if (!len)
				break;
			if (len < PAGE_SIZE)
				memset((char *)page_address(page) + len, 0, PAGE_SIZE - len);
			bio_add_page(bio, page, len, 0);
			n++;
			if (len < PAGE_SIZE)
				break; /* the disk ends in this page */
		}
		if (!n) {
			bio_put(bio);
			break;
		}
		done += n;
		submit_bio(bio);
	}
	for (; done < nr; done++) { /* beyond the disk, or no memory */
		SetPageError(pages[done]);
		unlock_page(pages[done]);
	}
	return 0;
}

static int blkdev_readpage(struct file *file, struct page *page)
{
	return bdev_read_pages(page->mapping->host, &page, 1);
}

static int blkdev_readpages(struct file *file, struct address_space *mapping, struct page **pages,
			    unsigned int nr)
{
	return bdev_read_pages(mapping->host, pages, nr);
}

static void write_end_io(struct bio *bio)
{
	struct page *page = bio->bi_io_vec[0].bv_page;

	if (bio->bi_status) {
		SetPageError(page);
		if (page->mapping)
			mapping_set_error(page->mapping, -EIO);
	}
	end_page_writeback(page);
	bio_put(bio);
}

static int blkdev_writepage(struct page *page, struct writeback_control *wbc)
{
	struct inode *inode = page->mapping->host;
	struct block_device *bdev = I_BDEV(inode);
	unsigned int len = bytes_on_disk(inode, page->index);
	struct bio *bio;

	if (!len) { /* cannot happen: writes stop at the end of the disk */
		unlock_page(page);
		return 0;
	}
	bio = bio_alloc(bdev, 1, REQ_OP_WRITE);
	if (!bio) {
		set_page_dirty(page); /* try again later */
		unlock_page(page);
		return -ENOMEM;
	}
	bio->bi_sector = ((u64)page->index << PAGE_SHIFT) >> SECTOR_SHIFT;
	bio->bi_end_io = write_end_io;
	bio_add_page(bio, page, len, 0);
	set_page_writeback(page);
	unlock_page(page);
	submit_bio(bio);
	return 0;
}

static int blkdev_write_begin(struct file *file, struct address_space *mapping, loff_t pos,
			      unsigned int len, struct page **pagep)
{
	for (;;) {
		struct page *page = find_or_create_page(mapping, pos >> PAGE_SHIFT);
		bool failed;

		if (!page)
			return -ENOMEM;
		if (PageUptodate(page) || len == PAGE_SIZE) {
			*pagep = page;
			return 0;
		}
		/* A partial write: the rest of the page comes from the disk. */
		ClearPageError(page);
		blkdev_readpage(file, page);
		lock_page(page);
		if (page->mapping == mapping && PageUptodate(page)) {
			*pagep = page;
			return 0;
		}
		failed = page->mapping == mapping; /* else reclaimed meanwhile: again */
		unlock_page(page);
		put_page(page);
		if (failed)
			return -EIO;
	}
}

static int blkdev_write_end(struct file *file, struct address_space *mapping, loff_t pos,
			    unsigned int len, unsigned int copied, struct page *page)
{
	SetPageUptodate(page);
	set_page_dirty(page);
	unlock_page(page);
	put_page(page);
	return copied;
}

static const struct address_space_operations def_blk_aops = {
	.readpage = blkdev_readpage,
	.readpages = blkdev_readpages,
	.writepage = blkdev_writepage,
	.write_begin = blkdev_write_begin,
	.write_end = blkdev_write_end,
};

/* ---- the device file ---- */

static int blkdev_open(struct inode *inode, struct file *file)
{
	struct block_device *bdev = bdev_by_dev(inode->i_rdev);
	struct inode *bi;
	int n;

	if (!bdev)
		return -ENXIO;
	if ((file->f_mode & FMODE_WRITE) && bdev->bd_read_only)
		return -EROFS;
	bi = bdev_inode(bdev);
	if (!bi)
		return -ENOMEM;
	n = bdev_index(bdev);
	mutex_lock(&bdev_lock);
	bdevs[n].openers++;
	mutex_unlock(&bdev_lock);
	file->f_mapping = bi->i_mapping;
	file->private_data = bdev;
	return 0;
}

static int blkdev_release(struct inode *inode, struct file *file)
{
	struct address_space *mapping = file->f_mapping;
	int n = bdev_index(file->private_data);
	bool last;

	filemap_write_and_wait(mapping);
	mutex_lock(&bdev_lock);
	last = --bdevs[n].openers == 0;
	if (last) {
		/* Empty the cache: a file system may change the disk behind it.
		 * (No mapping is left: a VMA would hold the file open.) */
		pagecache_block_get(mapping);
		truncate_inode_pages(mapping, 0);
		pagecache_block_put(mapping);
	}
	mutex_unlock(&bdev_lock);
	return 0;
}

static ssize_t blkdev_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct inode *bi = file->f_mapping->host;
	loff_t size = i_size_read(bi);
	ssize_t ret;

	if (!iov_iter_count(from))
		return 0;
	if (iocb->ki_pos >= size)
		return -ENOSPC;
	if ((loff_t)iov_iter_count(from) > size - iocb->ki_pos)
		iov_iter_truncate(from, size - iocb->ki_pos);
	inode_lock(bi);
	ret = generic_perform_write(iocb, from);
	inode_unlock(bi);
	if (ret > 0 && (iocb->ki_flags & IOCB_DSYNC)) {
		int err = vfs_fsync(file, 1);
		if (err)
			ret = err;
	}
	return ret;
}

static loff_t blkdev_llseek(struct file *file, loff_t offset, int whence)
{
	loff_t size = i_size_read(file->f_mapping->host);

	return generic_file_llseek_size(file, offset, whence, size, size); /* not past the end */
}

static int blkdev_fsync(struct file *file, loff_t start, loff_t end, int datasync)
{
	struct block_device *bdev = file->private_data;
	int err = filemap_write_and_wait_range(file->f_mapping, start, end);
	int e = blkdev_issue_flush(bdev);

	return err ? err : e;
}

static long blkdev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct block_device *bdev = file->private_data;
	u64 bytes = bdev->bd_nr_sectors << SECTOR_SHIFT;

	switch (cmd) {
	case BLKGETSIZE64:
		return put_user_u64(bytes, (void *)arg) ? -EFAULT : 0;
	case BLKGETSIZE:
		return put_user_u64(bdev->bd_nr_sectors, (void *)arg) ? -EFAULT : 0;
	case BLKSSZGET:
	case BLKPBSZGET:
		return put_user_u32(bdev->bd_logical_block_size ? bdev->bd_logical_block_size :
								  SECTOR_SIZE,
				    (void *)arg) ?
			       -EFAULT :
			       0;
	case BLKBSZGET:
		return put_user_u32(PAGE_SIZE, (void *)arg) ? -EFAULT : 0;
	case BLKROGET:
		return put_user_u32(bdev->bd_read_only, (void *)arg) ? -EFAULT : 0;
	case BLKFLSBUF:
		return filemap_write_and_wait(file->f_mapping);
	default:
		return -ENOTTY;
	}
}

const struct file_operations def_blk_fops = {
	.open = blkdev_open,
	.release = blkdev_release,
	.llseek = blkdev_llseek,
	.read_iter = generic_file_read_iter,
	.write_iter = blkdev_write_iter,
	.mmap = generic_file_mmap,
	.fsync = blkdev_fsync,
	.unlocked_ioctl = blkdev_ioctl,
};

int sync_blockdev(struct block_device *bdev)
{
	struct address_space *mapping = bdev_mapping(bdev);
	int err = mapping ? filemap_write_and_wait(mapping) : -ENOMEM;
	int e = blkdev_issue_flush(bdev);

	return err ? err : e;
}

void blkdev_flush_all(void)
{
	struct block_device *bdev;

	for (int n = 0; (bdev = blkdev_get_nth(n)) != NULL; n++)
		if (bdev->bd_write_cache && !bdev->bd_read_only)
			blkdev_issue_flush(bdev);
}

/* ---- device nodes ---- */

int blkdev_create_nodes(void)
{
	struct block_device *bdev;
	int err = 0;

	for (int n = 0; n < MAX_BDEV && (bdev = blkdev_get_nth(n)) != NULL; n++) {
		int e = devtmpfs_create_node(bdev->bd_name, S_IFBLK | 0660,
					     MKDEV(BLOCK_MAJOR, n * BDEV_MINORS));
		if (e && !err)
			err = e;
	}
	return err;
}

static int blkdev_nodes_init(void) { return blkdev_create_nodes(); }
/* After the drivers (device level) registered their disks. */
late_initcall(blkdev_nodes_init);
