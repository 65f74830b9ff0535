/*
 * ialloc.c - allocating and freeing inodes in the groups' inode bitmaps.
 *
 * Placement: a new directory goes to a group with at least the average
 * number of free inodes and, among those, the most free blocks (spreading
 * directory trees over the disk); anything else goes to its parent's group
 * if that has room, else the next group with free inodes and blocks
 * (quadratic probing from the parent's), else any group with a free inode.
 * Inode numbers below s_first_ino are reserved and never handed out.
 *
 * The bitmap, the descriptor's free and used-directory counts and the
 * superblock's count change together under s_alloc_lock.  A freed inode
 * keeps its mode and gets a deletion time (e2fsck expects that of a freed
 * slot); its blocks were freed before (inode.c).
 */
#include "ext2.h"
#include <kernel/string.h>

static bool group_ok(struct super_block *sb, u32 g, bool need_blocks)
{
	struct ext2_group_desc *gd = ext2_get_group_desc(sb, g, NULL);

	return gd->bg_free_inodes_count && (!need_blocks || gd->bg_free_blocks_count);
}

/* Caller holds s_alloc_lock. */
static u32 find_group(struct inode *dir, umode_t mode)
{
	struct super_block *sb = dir->i_sb;
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 ngroups = sbi->s_groups_count, parent = EXT2_I(dir)->i_block_group;

	if (S_ISDIR(mode)) {
		u32 avg = sbi->s_es->s_free_inodes_count / ngroups, best = ngroups, best_free = 0;
		for (u32 g = 0; g < ngroups; g++) {
			struct ext2_group_desc *gd = ext2_get_group_desc(sb, g, NULL);
			if (gd->bg_free_inodes_count && gd->bg_free_inodes_count >= avg &&
			    (best == ngroups || gd->bg_free_blocks_count > best_free)) {
				best = g;
				best_free = gd->bg_free_blocks_count;
			}
		}
		if (best != ngroups)
			return best;
	} else {
		if (parent < ngroups && group_ok(sb, parent, true))
			return parent;
		for (u32 step = 1, g = parent; step < ngroups; step <<= 1) {
			g = (g + step) % ngroups;
			if (group_ok(sb, g, true))
				return g;
		}
	}
	for (u32 k = 0; k < ngroups; k++) {
		u32 g = (parent + k) % ngroups;
		if (group_ok(sb, g, false))
			return g;
	}
	return ngroups;
}

/* Takes a free inode number, 0 if none (or *err). Caller holds s_alloc_lock. */
static unsigned long take_inode(struct inode *dir, umode_t mode, int *err)
{
	struct super_block *sb = dir->i_sb;
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 g0 = find_group(dir, mode), ipg = sbi->s_inodes_per_group;

	if (g0 == sbi->s_groups_count)
		return 0;
	for (u32 k = 0; k < sbi->s_groups_count; k++) {
		u32 g = (g0 + k) % sbi->s_groups_count, start = 0, bit;
		struct ext2_buf *gdb, *bitmap;
		struct ext2_group_desc *gd = ext2_get_group_desc(sb, g, &gdb);

		if (!gd->bg_free_inodes_count)
			continue;
		if ((u64)g * ipg + 1 < sbi->s_first_ino)
			start = (u32)MIN((u64)ipg, sbi->s_first_ino - 1 - (u64)g * ipg);
		bitmap = ext2_bread(sb, gd->bg_inode_bitmap);
		if (IS_ERR(bitmap)) {
			*err = PTR_ERR(bitmap);
			return 0;
		}
		bit = ext2_find_zero_bit(bitmap->b_data, ipg, start);
		if (bit == ipg) {
			ext2_error(sb, __func__, "group %u counts %u free inodes, its bitmap none",
				   g, gd->bg_free_inodes_count);
			ext2_brelse(bitmap);
			continue;
		}
		ext2_set_bit(bit, bitmap->b_data);
		ext2_bdirty(bitmap);
		ext2_brelse(bitmap);
		gd->bg_free_inodes_count--;
		if (S_ISDIR(mode))
			gd->bg_used_dirs_count++;
		ext2_bdirty(gdb);
		sbi->s_es->s_free_inodes_count--;
		ext2_bdirty(sbi->s_sbh);
		return (unsigned long)g * ipg + bit + 1;
	}
	return 0;
}

/* Clears ino in its bitmap and counts it free again. */
static void release_ino(struct super_block *sb, unsigned long ino, bool dir)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 g = (u32)((ino - 1) / sbi->s_inodes_per_group);
	u32 bit = (u32)((ino - 1) % sbi->s_inodes_per_group);
	struct ext2_buf *gdb, *bitmap;
	struct ext2_group_desc *gd;

	if (ino < sbi->s_first_ino || ino > sbi->s_inodes_count) {
		ext2_error(sb, __func__, "freeing reserved or invalid inode %lu", ino);
		return;
	}
	mutex_lock(&sbi->s_alloc_lock);
	gd = ext2_get_group_desc(sb, g, &gdb);
	bitmap = ext2_bread(sb, gd->bg_inode_bitmap);
	if (IS_ERR(bitmap)) {
		mutex_unlock(&sbi->s_alloc_lock);
		return;
	}
	if (!ext2_test_bit(bit, bitmap->b_data)) {
		ext2_error(sb, __func__, "inode %lu is already free", ino);
	} else {
		ext2_clear_bit(bit, bitmap->b_data);
		ext2_bdirty(bitmap);
		gd->bg_free_inodes_count++;
		if (dir && gd->bg_used_dirs_count)
			gd->bg_used_dirs_count--;
		ext2_bdirty(gdb);
		sbi->s_es->s_free_inodes_count++;
		ext2_bdirty(sbi->s_sbh);
	}
	ext2_brelse(bitmap);
	mutex_unlock(&sbi->s_alloc_lock);
}

struct inode *ext2_new_inode(struct inode *dir, umode_t mode)
{
	struct super_block *sb = dir->i_sb;
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_inode_info *ei;
	struct inode *inode;
	unsigned long ino;
	int err = 0;

	mutex_lock(&sbi->s_alloc_lock);
	ino = take_inode(dir, mode, &err);
	mutex_unlock(&sbi->s_alloc_lock);
	if (!ino)
		return ERR_PTR(err ? err : -ENOSPC);
	inode = iget_locked(sb, ino);
	if (!inode) {
		release_ino(sb, ino, S_ISDIR(mode)); /* nothing else knows of it yet */
		return ERR_PTR(-ENOMEM);
	}
	if (!(inode->i_state & I_NEW)) {
		ext2_error(sb, __func__, "free inode %lu is in use in memory", ino);
		iput(inode);
		return ERR_PTR(-EIO);
	}
	ei = EXT2_I(inode);
	memset(ei->i_data, 0, sizeof(ei->i_data));
	ei->i_flags = ei->i_faddr = ei->i_file_acl = ei->i_dtime = 0;
	ei->i_block_group = (u32)((ino - 1) / sbi->s_inodes_per_group);
	ei->i_last_lblock = ei->i_last_pblock = 0;
	ei->i_loaded = true;
	ei->i_new = true;
	inode_init_owner(inode, dir, mode);
	set_nlink(inode, 1);
	inode->i_size = 0;
	inode->i_blocks = 0;
	inode->i_atime = inode->i_mtime = inode->i_ctime = current_time();
	mutex_lock(&sbi->s_alloc_lock);
	inode->i_generation = sbi->s_next_generation++;
	mutex_unlock(&sbi->s_alloc_lock);
	return inode;
}

void ext2_free_inode(struct inode *inode)
{
	release_ino(inode->i_sb, inode->i_ino, S_ISDIR(inode->i_mode));
}
