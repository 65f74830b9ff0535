/*
 * sync.c - making data durable on request: sync(2), syncfs(2),
 * sync_file_range(2), the unmount-time sync_filesystem(), and generic_file_fsync() for file
 * systems' f_op->fsync (fsync(2) and fdatasync(2) are in read_write.c and
 * call f_op->fsync).
 *
 * Each one writes back through fs-writeback.c (a WB_SYNC_ALL pass: every
 * dirty page written, its I/O waited for, then ->write_inode(inode, 1)),
 * then calls the file system's ->sync_fs(sb, 1), which writes what the
 * file system keeps itself (bitmaps, the superblock...) and flushes the
 * disk's write cache (a REQ_OP_FLUSH bio, blkdev_issue_flush()).  Block
 * devices opened raw flush in their own fsync (fs/block_dev.c).
 *
 * Locks: none of our own; superblocks are walked with iterate_supers()
 * (fs/super.c), which keeps them from being freed meanwhile.  Callers hold
 * no page lock and no i_rwsem the writeback could need (it needs none).
 */
#include "internal.h"
#include <kernel/syscall.h>

static bool sb_live_rw(struct super_block *sb) { return sb->s_root && !(sb->s_flags & SB_RDONLY); }

int sync_filesystem(struct super_block *sb)
{
	int err, e;

	if (!sb_live_rw(sb))
		return 0;
	err = writeback_inodes_sync(sb);
	if (sb->s_op && sb->s_op->sync_fs) {
		e = sb->s_op->sync_fs(sb, 1);
		if (e && !err)
			err = e;
	}
	return err;
}

static void sync_fs_one(struct super_block *sb, void *arg)
{
	int wait = (int)(long)arg;

	if (sb_live_rw(sb) && sb->s_op && sb->s_op->sync_fs)
		sb->s_op->sync_fs(sb, wait);
}

void sync_supers_nowait(void) { iterate_supers(sync_fs_one, (void *)0L); }

void ksys_sync(void)
{
	writeback_inodes_sync(NULL); /* file data and raw disk pages alike */
	iterate_supers(sync_fs_one, (void *)1L);
	blkdev_flush_all(); /* for what was written to the raw disks */
}

int generic_file_fsync(struct file *file, loff_t start, loff_t end, int datasync)
{
	struct inode *inode = file->f_mapping->host;
	struct super_block *sb = inode->i_sb;
	int err, e;

	err = filemap_write_and_wait_range(file->f_mapping, start, end);
	e = sync_inode_metadata(inode, datasync);
	if (e && !err)
		err = e;
	/* Block maps and the inode itself may sit in the file system's own
	 * buffers; ->sync_fs writes them and flushes the disk cache. */
	if (sb_live_rw(sb) && sb->s_op && sb->s_op->sync_fs) {
		e = sb->s_op->sync_fs(sb, 1);
		if (e && !err)
			err = e;
	}
	return err;
}

SYSCALL_DEFINE(__NR_sync, sync)
{
	ksys_sync();
	return 0;
}

SYSCALL_DEFINE(__NR_syncfs, syncfs)
{
	struct file *f = fget((int)a0);
	int err;

	if (!f)
		return -EBADF;
	err = sync_filesystem(f->f_path.dentry->d_sb);
	fput(f);
	return err;
}

/* sync_file_range(fd, offset, nbytes, flags): nbytes 0 means to the end of
 * the file.  Only data pages: no metadata and no disk cache flush (that is
 * what Linux promises too; fsync or fdatasync give durability). */
#define SYNC_FILE_RANGE_WAIT_BEFORE 1
#define SYNC_FILE_RANGE_WRITE 2
#define SYNC_FILE_RANGE_WAIT_AFTER 4

SYSCALL_DEFINE(__NR_sync_file_range, sync_file_range)
{
	loff_t off = a1, n = a2, end;
	unsigned int flags = (unsigned int)a3;
	struct file *f;
	umode_t mode;
	int err = 0;

	if (flags &
	    ~(SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER))
		return -EINVAL;
	if (off < 0 || n < 0 || n > OFFSET_MAX - off)
		return -EINVAL;
	end = n ? off + n - 1 : OFFSET_MAX;
	f = fget((int)a0);
	if (!f)
		return -EBADF;
	mode = file_inode(f)->i_mode;
	if (!S_ISREG(mode) && !S_ISBLK(mode) && !S_ISDIR(mode) && !S_ISLNK(mode)) {
		fput(f);
		return -ESPIPE;
	}
	if (flags & SYNC_FILE_RANGE_WAIT_BEFORE)
		err = filemap_fdatawait_range(f->f_mapping, off, end);
	if (!err && (flags & SYNC_FILE_RANGE_WRITE))
		err = filemap_fdatawrite_range(f->f_mapping, off, end);
	if (!err && (flags & SYNC_FILE_RANGE_WAIT_AFTER))
		err = filemap_fdatawait_range(f->f_mapping, off, end);
	fput(f);
	return err;
}
