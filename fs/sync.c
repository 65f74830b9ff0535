/*
 * sync.c - making data durable on request: sync(2), syncfs(2), the
 * unmount-time sync_filesystem(), and generic_file_fsync() for file
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
