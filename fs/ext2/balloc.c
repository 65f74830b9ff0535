/*
 * balloc.c - allocating and freeing blocks in the groups' block bitmaps.
 *
 * A new block is taken as near the goal as possible: the goal itself, the
 * next free one after it in its group, then the following groups in turn.
 * Every allocation and free updates the bitmap, the group descriptor's
 * count and the superblock's count together, so they always agree (e2fsck
 * checks exactly that).  i_blocks of the inode follows as well.
 *
 * A block the bitmap says is free but that holds the group's own metadata
 * (superblock copy, descriptors, bitmaps, inode table) is never handed out:
 * that is corruption, reported, and skipped.  Freeing a block twice is
 * reported and ignored.
 *
 * Locks: s_alloc_lock around every bitmap/descriptor/superblock change;
 * callers hold the inode's i_meta_lock (i_blocks).  A block's buffer is
 * forgotten (ext2_bforget) BEFORE its bit is cleared, so no stale buffer
 * can be written over the block's next owner.
 */
#include "ext2.h"
#include <kernel/string.h>

u32 ext2_find_zero_bit(const void *map, u32 size, u32 start)
{
	const u64 *w = map;

	for (u32 i = start; i < size;) {
		u64 x = ~w[i / 64] & (~0ULL << (i % 64));
		if (x) {
			i = (i & ~63U) + (u32)__builtin_ctzll(x);
			return i < size ? i : size;
		}
		i = (i & ~63U) + 64;
	}
	return size;
}

bool ext2_valid_block(struct super_block *sb, u32 block)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	return block > sbi->s_first_data_block && block < sbi->s_blocks_count;
}

/* True if block belongs to the layout of group (not allocatable). */
static bool in_system_zone(struct super_block *sb, u32 group, struct ext2_group_desc *gd, u32 block)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 first = ext2_group_first_block(sb, group);

	if (ext2_group_has_super(sb, group) &&
	    block < first + 1 + sbi->s_gdb_count + sbi->s_es->s_reserved_gdt_blocks)
		return true;
	return block == gd->bg_block_bitmap || block == gd->bg_inode_bitmap ||
	       (block >= gd->bg_inode_table && block < gd->bg_inode_table + sbi->s_itb_per_group);
}

/* Takes a free block of group at or after bit start (wrapping); 0 if none. */
static u32 take_in_group(struct super_block *sb, u32 group, u32 start, int *err)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_buf *gdb, *bitmap;
	struct ext2_group_desc *gd = ext2_get_group_desc(sb, group, &gdb);
	u32 n = ext2_group_nblocks(sb, group), first = ext2_group_first_block(sb, group);
	u32 bit = n;

	if (!gd->bg_free_blocks_count)
		return 0;
	bitmap = ext2_bread(sb, gd->bg_block_bitmap);
	if (IS_ERR(bitmap)) {
		*err = PTR_ERR(bitmap);
		return 0;
	}
	for (int pass = 0; pass < 2 && bit == n; pass++) {
		u32 from = pass ? 0 : start, to = pass ? start : n;
		for (bit = ext2_find_zero_bit(bitmap->b_data, to, from); bit < to;
		     bit = ext2_find_zero_bit(bitmap->b_data, to, bit + 1)) {
			if (!in_system_zone(sb, group, gd, first + bit))
				break;
			ext2_error(sb, __func__,
				   "block %u of group %u is metadata but free in the bitmap",
				   first + bit, group);
		}
		if (bit >= to)
			bit = n;
	}
	if (bit == n) {
		ext2_error(sb, __func__, "group %u counts %u free blocks, its bitmap none", group,
			   gd->bg_free_blocks_count);
		ext2_brelse(bitmap);
		return 0;
	}
	ext2_set_bit(bit, bitmap->b_data);
	ext2_bdirty(bitmap);
	ext2_brelse(bitmap);
	gd->bg_free_blocks_count--;
	ext2_bdirty(gdb);
	sbi->s_es->s_free_blocks_count--;
	ext2_bdirty(sbi->s_sbh);
	return first + bit;
}

u32 ext2_new_block(struct inode *inode, u32 goal, int *err)
{
	struct super_block *sb = inode->i_sb;
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 g0, block = 0;

	*err = 0;
	if (!ext2_valid_block(sb, goal))
		goal = ext2_group_first_block(sb, EXT2_I(inode)->i_block_group);
	g0 = (goal - sbi->s_first_data_block) / sbi->s_blocks_per_group;
	if (g0 >= sbi->s_groups_count)
		g0 = 0;
	mutex_lock(&sbi->s_alloc_lock);
	for (u32 k = 0; k < sbi->s_groups_count && !block; k++) {
		u32 g = (g0 + k) % sbi->s_groups_count;
		u32 start = k ? 0 : goal - ext2_group_first_block(sb, g);
		block = take_in_group(sb, g, start, err);
		if (*err)
			break;
	}
	mutex_unlock(&sbi->s_alloc_lock);
	if (!block) {
		if (!*err)
			*err = -ENOSPC;
		return 0;
	}
	inode->i_blocks += EXT2_SECTORS_PER_BLOCK;
	return block;
}

void ext2_free_blocks(struct inode *inode, u32 block, u32 count)
{
	struct super_block *sb = inode->i_sb;
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	if (!ext2_valid_block(sb, block) || count > sbi->s_blocks_count - block) {
		ext2_error(sb, __func__, "freeing blocks %u+%u outside the volume (inode %lu)",
			   block, count, inode->i_ino);
		return;
	}
	for (u32 i = 0; i < count; i++)
		ext2_bforget(sb, block + i);
	mutex_lock(&sbi->s_alloc_lock);
	while (count) {
		u32 g = (block - sbi->s_first_data_block) / sbi->s_blocks_per_group;
		u32 first = ext2_group_first_block(sb, g);
		u32 n = MIN(count, first + ext2_group_nblocks(sb, g) - block), freed = 0;
		struct ext2_buf *gdb, *bitmap;
		struct ext2_group_desc *gd = ext2_get_group_desc(sb, g, &gdb);

		bitmap = ext2_bread(sb, gd->bg_block_bitmap);
		if (IS_ERR(bitmap))
			break; /* reported by ext2_bread: the blocks leak */
		for (u32 i = 0; i < n; i++) {
			u32 bit = block + i - first;
			if (in_system_zone(sb, g, gd, block + i) ||
			    !ext2_test_bit(bit, bitmap->b_data)) {
				ext2_error(sb, __func__, "freeing %s block %u (inode %lu)",
					   in_system_zone(sb, g, gd, block + i) ? "metadata" :
										  "free",
					   block + i, inode->i_ino);
				continue;
			}
			ext2_clear_bit(bit, bitmap->b_data);
			freed++;
		}
		ext2_bdirty(bitmap);
		ext2_brelse(bitmap);
		gd->bg_free_blocks_count += (u16)freed;
		ext2_bdirty(gdb);
		sbi->s_es->s_free_blocks_count += freed;
		ext2_bdirty(sbi->s_sbh);
		if (inode->i_blocks >= (u64)freed * EXT2_SECTORS_PER_BLOCK)
			inode->i_blocks -= (u64)freed * EXT2_SECTORS_PER_BLOCK;
		else
			inode->i_blocks = 0;
		block += n;
		count -= n;
	}
	mutex_unlock(&sbi->s_alloc_lock);
}
