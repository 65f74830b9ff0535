/*
 * ramfs/inode.c - the in-memory file system: the root file system that the
 * initramfs is unpacked into, and what "tmpfs" mounts get.
 *
 * Everything lives in the VFS caches: the dentry tree is the directory
 * structure (each positive dentry pinned, see fs/libfs.c), inodes are
 * unhashed and die with their last link and reference, and file data is
 * the page cache itself: pages are written through simple_write_begin/
 * simple_write_end and stay dirty (there is no backing store to clean them
 * to, so nothing may drop them); holes read as zero pages.
 * fallocate punches holes (PUNCH_HOLE|KEEP_SIZE only): the range's whole
 * pages leave the cache and every page table, the cached parts of partial
 * pages are zeroed, under i_rwsem and the mapping's BLOCK state.
 * Locks: only the VFS's (directory i_rwsem around namespace operations,
 * i_rwsem around writes, truncate and hole punch).
 */
#include "../internal.h"
#include <kernel/string.h>
#include <mm/slab.h>

#define RAMFS_MAGIC 0x858458f6

static const struct inode_operations ramfs_dir_inode_operations;

static const struct address_space_operations ramfs_aops = {
	.readpage = simple_readpage,
	.write_begin = simple_write_begin,
	.write_end = simple_write_end,
};

static long ramfs_fallocate(struct file *file, int mode, loff_t offset, loff_t len)
{
	struct inode *inode = file_inode(file);
	loff_t end;

	if (mode != (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	inode_lock(inode);
	end = MIN(offset + len, i_size_read(inode));
	if (offset < end) {
		pagecache_block_get(inode->i_mapping);
		truncate_inode_pages_range(inode->i_mapping, offset, end - 1);
		pagecache_block_put(inode->i_mapping);
		inode->i_mtime = inode->i_ctime = current_time();
	}
	inode_unlock(inode);
	return 0;
}

static const struct file_operations ramfs_file_operations = {
	.fallocate = ramfs_fallocate,
	.llseek = generic_file_llseek,
	.read_iter = generic_file_read_iter,
	.write_iter = generic_file_write_iter,
	.mmap = generic_file_mmap,
	.fsync = noop_fsync,
};

static const struct inode_operations ramfs_file_inode_operations = {
	.setattr = simple_setattr,
};

static const struct super_operations ramfs_super_ops = {
	.statfs = simple_statfs,
};

static struct inode *ramfs_get_inode(struct super_block *sb, const struct inode *dir, umode_t mode,
				     dev_t dev)
{
	struct inode *inode = new_inode(sb);

	if (!inode)
		return NULL;
	inode_init_owner(inode, dir, mode);
	inode->i_mapping->a_ops = &ramfs_aops;
	switch (mode & S_IFMT) {
	case S_IFREG:
		inode->i_op = &ramfs_file_inode_operations;
		inode->i_fop = &ramfs_file_operations;
		break;
	case S_IFDIR:
		inode->i_op = &ramfs_dir_inode_operations;
		inode->i_fop = &simple_dir_operations;
		inc_nlink(inode); /* "." */
		break;
	case S_IFLNK:
		inode->i_op = &simple_symlink_inode_operations;
		break;
	default:
		init_special_inode(inode, mode, dev);
		break;
	}
	return inode;
}

static int ramfs_mknod(struct inode *dir, struct dentry *dentry, umode_t mode, dev_t dev)
{
	struct inode *inode = ramfs_get_inode(dir->i_sb, dir, mode, dev);

	if (!inode)
		return -ENOSPC;
	d_instantiate(dentry, inode);
	d_pin(dentry);
	dir->i_mtime = dir->i_ctime = current_time();
	return 0;
}

static int ramfs_mkdir(struct inode *dir, struct dentry *dentry, umode_t mode)
{
	int err = ramfs_mknod(dir, dentry, mode | S_IFDIR, 0);

	if (!err)
		inc_nlink(dir); /* the child's ".." */
	return err;
}

static int ramfs_create(struct inode *dir, struct dentry *dentry, umode_t mode, bool excl)
{
	return ramfs_mknod(dir, dentry, (mode & ~S_IFMT) | S_IFREG, 0);
}

static int ramfs_symlink(struct inode *dir, struct dentry *dentry, const char *target)
{
	size_t len = strlen(target);
	struct inode *inode;
	char *body;

	if (len >= PAGE_SIZE)
		return -ENAMETOOLONG;
	body = kmalloc(len + 1, 0);
	if (!body)
		return -ENOSPC;
	memcpy(body, target, len + 1);
	inode = ramfs_get_inode(dir->i_sb, dir, S_IFLNK | 0777, 0);
	if (!inode) {
		kfree(body);
		return -ENOSPC;
	}
	inode->i_link = body; /* freed with the inode */
	i_size_write(inode, (loff_t)len);
	d_instantiate(dentry, inode);
	d_pin(dentry);
	dir->i_mtime = dir->i_ctime = current_time();
	return 0;
}

static const struct inode_operations ramfs_dir_inode_operations = {
	.lookup = simple_lookup,
	.create = ramfs_create,
	.mkdir = ramfs_mkdir,
	.mknod = ramfs_mknod,
	.symlink = ramfs_symlink,
	.link = simple_link,
	.unlink = simple_unlink,
	.rmdir = simple_rmdir,
	.rename = simple_rename,
	.setattr = simple_setattr,
};

static struct dentry *ramfs_mount(struct file_system_type *type, int flags, const char *dev_name,
				  void *data)
{
	struct super_block *sb = sget_anon(type, &ramfs_super_ops);
	struct inode *root;

	if (!sb)
		return ERR_PTR(-ENOMEM);
	sb->s_flags = (unsigned long)flags;
	sb->s_magic = RAMFS_MAGIC;
	root = ramfs_get_inode(sb, NULL, S_IFDIR | 0755, 0);
	sb->s_root = d_make_root(root);
	if (!sb->s_root) {
		generic_shutdown_super(sb);
		return ERR_PTR(-ENOMEM);
	}
	return dget(sb->s_root);
}

static struct file_system_type ramfs_fs_type = {
	.name = "ramfs",
	.mount = ramfs_mount,
	.kill_sb = kill_litter_super,
};

static struct file_system_type tmpfs_fs_type = {
	.name = "tmpfs",
	.mount = ramfs_mount,
	.kill_sb = kill_litter_super,
};

int init_ramfs_fs(void)
{
	int err = register_filesystem(&ramfs_fs_type);

	if (!err)
		err = register_filesystem(&tmpfs_fs_type);
	return err;
}
