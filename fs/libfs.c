/*
 * libfs.c - building blocks for in-memory file systems (ramfs, pipefs):
 * the dentry tree is the directory, so lookup only ever finds what the
 * dcache already holds, readdir walks the dcache, and link/unlink/rename
 * adjust link counts and pins.
 *
 * Contract (as <fs/fs.h> says for inode_operations): called with the
 * directories' i_rwsem held for writing (readdir: shared).  Every positive
 * dentry of such a file system is pinned (d_pin): that is what keeps the
 * tree and its inodes alive; unlink and rmdir unpin.
 */
#include "internal.h"
#include <kernel/string.h>
#include <mm/page.h>

#define RAMFS_MAGIC 0x858458f6

struct dentry *simple_lookup(struct inode *dir, struct dentry *dentry, unsigned int flags)
{
	if (dentry->d_name.len > NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	d_add(dentry, NULL); /* not in the dcache: does not exist */
	return NULL;
}

int dcache_readdir(struct file *file, struct dir_context *ctx)
{
	struct dentry *dir = file->f_path.dentry, *child = NULL, *next;
	char name[NAME_MAX + 1];
	u32 len;

	if (ctx->pos == 0) {
		if (!dir_emit(ctx, ".", 1, dir->d_inode->i_ino, DT_DIR))
			return 0;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		struct dentry *parent = dget_parent(dir);
		bool ok = dir_emit(ctx, "..", 2, parent->d_inode->i_ino, DT_DIR);
		dput(parent);
		if (!ok)
			return 0;
		ctx->pos = 2;
	}
	for (;;) {
		next = d_next_child(dir, child, ctx->pos, name, &len);
		if (child)
			dput(child);
		child = next;
		if (!child)
			return 0;
		ctx->pos = child->d_off;
		if (!dir_emit(ctx, name, (int)len, child->d_inode->i_ino,
			      fs_umode_to_dtype(child->d_inode->i_mode))) {
			dput(child);
			return 0;
		}
		ctx->pos = child->d_off + 1;
	}
}

loff_t dcache_dir_lseek(struct file *file, loff_t offset, int whence)
{
	if (whence == SEEK_END)
		return -EINVAL; /* the position counts entries: no end to seek from */
	return generic_file_llseek_size(file, offset, whence, OFFSET_MAX, 0);
}

int noop_fsync(struct file *f, loff_t start, loff_t end, int datasync) { return 0; }

const struct file_operations simple_dir_operations = {
	.llseek = dcache_dir_lseek,
	.iterate_shared = dcache_readdir,
	.fsync = noop_fsync,
};

const struct inode_operations simple_symlink_inode_operations = { 0 };

bool simple_empty(struct dentry *dentry)
{
	struct dentry *child = d_next_child(dentry, NULL, 0, NULL, NULL);

	if (child)
		dput(child);
	return !child;
}

static void touch_dir(struct inode *dir) { dir->i_mtime = dir->i_ctime = current_time(); }

int simple_link(struct dentry *old, struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = old->d_inode;

	inode->i_ctime = current_time();
	touch_dir(dir);
	inc_nlink(inode);
	ihold(inode);
	d_instantiate(dentry, inode);
	d_pin(dentry);
	return 0;
}

int simple_unlink(struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = dentry->d_inode;

	inode->i_ctime = current_time();
	touch_dir(dir);
	drop_nlink(inode);
	d_unpin(dentry);
	return 0;
}

int simple_rmdir(struct inode *dir, struct dentry *dentry)
{
	if (!simple_empty(dentry))
		return -ENOTEMPTY;
	drop_nlink(dentry->d_inode); /* its "." */
	simple_unlink(dir, dentry);
	drop_nlink(dir); /* its ".." */
	return 0;
}

#define RENAME_NOREPLACE 1

int simple_rename(struct inode *old_dir, struct dentry *old, struct inode *new_dir,
		  struct dentry *new, unsigned int flags)
{
	bool is_dir = d_is_dir(old);

	if (flags & ~RENAME_NOREPLACE)
		return -EINVAL;
	if (new->d_inode) {
		if (is_dir && !simple_empty(new))
			return -ENOTEMPTY;
		simple_unlink(new_dir, new);
		if (is_dir) {
			drop_nlink(new->d_inode);
			drop_nlink(old_dir);
		}
	} else if (is_dir) {
		drop_nlink(old_dir);
		inc_nlink(new_dir);
	}
	touch_dir(old_dir);
	touch_dir(new_dir);
	old->d_inode->i_ctime = current_time();
	return 0;
}

int simple_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	buf->f_type = RAMFS_MAGIC;
	buf->f_bsize = buf->f_frsize = PAGE_SIZE;
	buf->f_namelen = NAME_MAX;
	buf->f_blocks = nr_total_pages();
	buf->f_bfree = buf->f_bavail = nr_free_pages();
	return 0;
}
