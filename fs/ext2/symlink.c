/*
 * symlink.c - symbolic links.  A target shorter than the 60 bytes of
 * i_block[] is stored there (a fast symlink: no block, i_blocks 0, and the
 * VFS reads it from inode->i_link); a longer one (up to 4095 bytes) fills
 * the link's only data block (a slow symlink), read through the buffer
 * cache.  The on-disk target has no terminating NUL; i_size is its length.
 *
 * Locks: creation runs under the parent directory's i_rwsem on a new inode
 * nobody else sees; reading needs none (the body never changes).
 */
#include "ext2.h"
#include <kernel/string.h>
#include <mm/slab.h>

int ext2_create_symlink(struct inode *inode, const char *target, size_t len)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	struct ext2_buf *b;
	u32 phys;
	int err;

	if (len < sizeof(ei->i_data)) {
		char *body = kmalloc(len + 1, 0);
		if (!body)
			return -ENOMEM;
		memcpy(body, target, len + 1);
		memset(ei->i_data, 0, sizeof(ei->i_data));
		memcpy(ei->i_data, target, len);
		inode->i_link = body; /* freed by the VFS with the inode */
	} else {
		err = ext2_get_block(inode, 0, true, &phys, NULL);
		if (err)
			return err;
		b = ext2_bget_zero(inode->i_sb, phys);
		if (IS_ERR(b))
			return PTR_ERR(b);
		memcpy(b->b_data, target, len);
		ext2_bdirty(b);
		ext2_brelse(b);
	}
	i_size_write(inode, (loff_t)len);
	return 0;
}

static char *ext2_get_link(struct dentry *dentry, struct inode *inode)
{
	size_t len = (size_t)i_size_read(inode);
	struct ext2_buf *b;
	char *body;
	u32 phys;
	int err = ext2_get_block(inode, 0, false, &phys, NULL);

	if (err)
		return ERR_PTR(err);
	if (!phys) {
		ext2_error(inode->i_sb, __func__, "symlink %lu has no block", inode->i_ino);
		return ERR_PTR(-EIO);
	}
	b = ext2_bread(inode->i_sb, phys);
	if (IS_ERR(b))
		return (char *)b;
	body = kmalloc(len + 1, 0);
	if (body) {
		memcpy(body, b->b_data, len);
		body[len] = 0;
	}
	ext2_brelse(b);
	return body ? body : ERR_PTR(-ENOMEM);
}

const struct inode_operations ext2_symlink_inode_operations = {
	.get_link = ext2_get_link,
	.setattr = ext2_setattr,
};
