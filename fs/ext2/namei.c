/*
 * namei.c - directory inode operations: lookup, create, mknod, mkdir,
 * symlink, link, unlink, rmdir, rename.
 *
 * Link counts follow the classic rules: a file counts its names; a
 * directory counts its name in the parent, its own "." and the ".." of each
 * subdirectory (so 2 + subdirectories), at most EXT2_LINK_MAX (-EMLINK).
 * A name is added before an old one is removed (rename), so a crash in
 * between leaves two names, never none.  An inode whose count reaches zero
 * is freed when its last user lets go (ext2_evict_inode).
 *
 * Contract (<fs/fs.h>): called with the directory's i_rwsem held for
 * writing, and for unlink/rmdir/link also the victim's, for rename both
 * directories' and the target's; the VFS checked permissions, the type
 * compatibility of a rename target, and fixes up the dcache afterwards
 * (d_delete, d_move).  Each operation copies every inode it changed to its
 * on-disk slot before returning.
 */
#include "ext2.h"
#include <kernel/string.h>

static struct dentry *ext2_lookup(struct inode *dir, struct dentry *dentry, unsigned int flags)
{
	struct ext2_dir_slot slot;
	struct inode *inode = NULL;
	unsigned long ino;
	int err;

	if (dentry->d_name.len > EXT2_NAME_LEN)
		return ERR_PTR(-ENAMETOOLONG);
	err = ext2_find_entry(dir, &dentry->d_name, &slot);
	if (err && err != -ENOENT)
		return ERR_PTR(err);
	if (!err) {
		ino = slot.de->inode;
		ext2_put_slot(&slot);
		inode = ext2_iget(dir->i_sb, ino);
		if (IS_ERR(inode))
			return ERR_PTR(PTR_ERR(inode));
	}
	d_add(dentry, inode);
	return NULL;
}

/* Links a new inode (I_NEW) into dir under dentry, or deletes it again. */
static int add_nondir(struct inode *dir, struct dentry *dentry, struct inode *inode)
{
	int err = ext2_add_link(dir, &dentry->d_name, inode);

	if (err) {
		clear_nlink(inode);
		unlock_new_inode(inode);
		iput(inode); /* evicts and frees it */
		return err;
	}
	ext2_write_inode(inode, 0);
	unlock_new_inode(inode);
	d_instantiate(dentry, inode);
	return 0;
}

static struct inode *new_inode_in(struct inode *dir, umode_t mode)
{
	struct inode *inode;

	if (IS_RDONLY(dir))
		return ERR_PTR(-EROFS);
	inode = ext2_new_inode(dir, mode);
	if (!IS_ERR(inode))
		ext2_set_inode_ops(inode);
	return inode;
}

static int ext2_create(struct inode *dir, struct dentry *dentry, umode_t mode, bool excl)
{
	struct inode *inode = new_inode_in(dir, (mode & ~S_IFMT) | S_IFREG);

	if (IS_ERR(inode))
		return PTR_ERR(inode);
	return add_nondir(dir, dentry, inode);
}

/* Device numbers in i_block[] (the old 8:8 form when it fits). */
static void encode_rdev(struct inode *inode, dev_t dev)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	u32 ma = MAJOR(dev), mi = MINOR(dev);

	if (ma < 256 && mi < 256) {
		ei->i_data[0] = ma << 8 | mi;
	} else {
		ei->i_data[0] = 0;
		ei->i_data[1] = (mi & 0xff) | (ma << 8) | ((mi & ~0xffU) << 12);
	}
}

static int ext2_mknod(struct inode *dir, struct dentry *dentry, umode_t mode, dev_t dev)
{
	struct inode *inode;

	if (!S_ISCHR(mode) && !S_ISBLK(mode) && !S_ISFIFO(mode) && !S_ISSOCK(mode))
		return S_ISREG(mode) ? ext2_create(dir, dentry, mode, false) : -EINVAL;
	inode = new_inode_in(dir, mode);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	if (S_ISCHR(mode) || S_ISBLK(mode)) {
		encode_rdev(inode, dev);
		inode->i_rdev = dev;
	}
	init_special_inode(inode, mode, dev);
	return add_nondir(dir, dentry, inode);
}

static int ext2_symlink(struct inode *dir, struct dentry *dentry, const char *target)
{
	size_t len = strlen(target);
	struct inode *inode;
	int err;

	if (len == 0)
		return -ENOENT;
	if (len >= EXT2_BLOCK_SIZE)
		return -ENAMETOOLONG;
	inode = new_inode_in(dir, S_IFLNK | 0777);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	err = ext2_create_symlink(inode, target, len);
	if (err) {
		clear_nlink(inode);
		unlock_new_inode(inode);
		iput(inode);
		return err;
	}
	return add_nondir(dir, dentry, inode);
}

static int ext2_link(struct dentry *old, struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = old->d_inode;
	int err;

	if (IS_RDONLY(dir))
		return -EROFS;
	if (inode->i_nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	inode->i_ctime = current_time();
	inc_nlink(inode);
	err = ext2_add_link(dir, &dentry->d_name, inode);
	if (err) {
		drop_nlink(inode);
		ext2_write_inode(inode, 0);
		return err;
	}
	ext2_write_inode(inode, 0);
	ihold(inode);
	d_instantiate(dentry, inode);
	return 0;
}

static int ext2_mkdir(struct inode *dir, struct dentry *dentry, umode_t mode)
{
	struct inode *inode;
	int err;

	if (dir->i_nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	inode = new_inode_in(dir, (mode & ~S_IFMT) | S_IFDIR);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	set_nlink(inode, 2);
	err = ext2_make_empty(inode, dir);
	if (!err)
		err = ext2_add_link(dir, &dentry->d_name, inode);
	if (err) {
		clear_nlink(inode);
		unlock_new_inode(inode);
		iput(inode); /* frees its block too */
		return err;
	}
	inc_nlink(dir);
	ext2_write_inode(dir, 0);
	ext2_write_inode(inode, 0);
	unlock_new_inode(inode);
	d_instantiate(dentry, inode);
	return 0;
}

/* Removes dentry's name from dir; the inode loses that link. */
static int remove_name(struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = dentry->d_inode;
	struct ext2_dir_slot slot;
	int err;

	if (IS_RDONLY(dir))
		return -EROFS;
	err = ext2_find_entry(dir, &dentry->d_name, &slot);
	if (err)
		return err == -ENOENT ? -EIO : err; /* the dcache knew it: corrupt */
	if (slot.de->inode != inode->i_ino) {
		ext2_put_slot(&slot);
		ext2_error(dir->i_sb, __func__, "directory %lu: entry changed under us",
			   dir->i_ino);
		return -EIO;
	}
	err = ext2_delete_entry(dir, &slot);
	ext2_put_slot(&slot);
	if (err)
		return err;
	inode->i_ctime = dir->i_ctime;
	drop_nlink(inode);
	return 0;
}

static int ext2_unlink(struct inode *dir, struct dentry *dentry)
{
	int err = remove_name(dir, dentry);

	if (!err)
		ext2_write_inode(dentry->d_inode, 0);
	return err;
}

static int ext2_rmdir(struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = dentry->d_inode;
	int err = ext2_empty_dir(inode);

	if (err <= 0)
		return err ? err : -ENOTEMPTY;
	err = remove_name(dir, dentry);
	if (err)
		return err;
	clear_nlink(inode); /* its "." too */
	i_size_write(inode, 0);
	ext2_write_inode(inode, 0);
	drop_nlink(dir); /* its ".." */
	ext2_write_inode(dir, 0);
	return 0;
}

#define RENAME_NOREPLACE 1

static int ext2_rename(struct inode *old_dir, struct dentry *old, struct inode *new_dir,
		       struct dentry *new, unsigned int flags)
{
	struct inode *inode = old->d_inode, *target = new->d_inode;
	bool is_dir = S_ISDIR(inode->i_mode);
	struct ext2_dir_slot slot = { 0 }, dotdot = { 0 };
	int err;

	if (flags & ~RENAME_NOREPLACE)
		return -EINVAL;
	if (IS_RDONLY(old_dir))
		return -EROFS;
	if (is_dir && target) {
		err = ext2_empty_dir(target);
		if (err <= 0)
			return err ? err : -ENOTEMPTY;
	}
	if (is_dir && old_dir != new_dir) {
		if (!target && new_dir->i_nlink >= EXT2_LINK_MAX)
			return -EMLINK;
		err = ext2_dotdot(inode, &dotdot);
		if (err)
			return err;
	}
	/* The new name first. */
	if (target) {
		err = ext2_find_entry(new_dir, &new->d_name, &slot);
		if (err) {
			err = err == -ENOENT ? -EIO : err;
			goto out;
		}
		ext2_set_link(new_dir, &slot, inode);
		ext2_put_slot(&slot);
		target->i_ctime = current_time();
		drop_nlink(target);
		if (is_dir) {
			clear_nlink(target); /* its "." */
			i_size_write(target, 0);
			drop_nlink(new_dir); /* its ".." */
		}
		ext2_write_inode(target, 0);
	} else {
		err = ext2_add_link(new_dir, &new->d_name, inode);
		if (err)
			goto out;
	}
	/* Then the old one goes (looked up again: adding may have split it). */
	err = ext2_find_entry(old_dir, &old->d_name, &slot);
	if (!err && slot.de->inode != inode->i_ino)
		err = -EIO;
	if (!err)
		err = ext2_delete_entry(old_dir, &slot);
	if (slot.buf)
		ext2_put_slot(&slot);
	if (err) {
		ext2_error(old_dir->i_sb, __func__, "cannot remove the old name: %d", err);
		goto out;
	}
	inode->i_ctime = current_time();
	if (dotdot.buf) {
		ext2_set_link(inode, &dotdot, new_dir);
		drop_nlink(old_dir);
		inc_nlink(new_dir);
	}
	ext2_write_inode(inode, 0);
	ext2_write_inode(old_dir, 0);
	if (new_dir != old_dir)
		ext2_write_inode(new_dir, 0);
out:
	if (dotdot.buf)
		ext2_put_slot(&dotdot);
	return err;
}

const struct inode_operations ext2_dir_inode_operations = {
	.lookup = ext2_lookup,
	.create = ext2_create,
	.mknod = ext2_mknod,
	.mkdir = ext2_mkdir,
	.symlink = ext2_symlink,
	.link = ext2_link,
	.unlink = ext2_unlink,
	.rmdir = ext2_rmdir,
	.rename = ext2_rename,
	.setattr = ext2_setattr,
};

const struct inode_operations ext2_special_inode_operations = {
	.setattr = ext2_setattr,
};
