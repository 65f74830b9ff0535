/*
 * blockmap.c - where a file's blocks are: the 15 pointers of the inode
 * (12 direct, then single, double and triple indirect blocks of 1024
 * pointers each), mapping logical to physical blocks, filling holes, and
 * freeing everything beyond a new end of file.
 *
 * A zero pointer is a hole: it reads as zeros and owns no block (sparse
 * files).  Every non-zero pointer, direct or inside an indirect block, is
 * checked against the volume before use: one out of range makes the
 * operation fail with -EIO (reported once per inode), never a wild read.
 *
 * Allocation goal, for contiguous files: the block after the one last
 * allocated for the previous logical block, else after the nearest mapped
 * pointer before it in the same array, else after the indirect block
 * holding it, else the start of the inode's group.  A new indirect block is
 * zeroed in the buffer cache before it is linked.
 *
 * Hole punching (ext2_punch_blocks) frees the blocks of a range of whole
 * logical blocks: pointers in the range become holes, indirect blocks that
 * end up all zero are freed with them; contiguous runs are freed together.
 * Truncation is the punch from the new end to the last possible block.
 *
 * Locks: the inode's i_meta_lock around every walk (mapping, allocation,
 * truncation), so writepage (page lock held, no i_rwsem) may allocate while
 * a write or truncate (i_rwsem held) works on other pages.  The caller
 * writes the inode afterwards (i_data[] and i_blocks changed).
 */
#include "ext2.h"
#include <kernel/string.h>

#define PTRS EXT2_ADDR_PER_BLOCK

loff_t ext2_max_size(void)
{
	/* i_blocks counts 512-byte sectors in 32 bits: data + indirect blocks
	 * must stay below 2^32 sectors. */
	u64 upper = 0xffffffffULL >> 3;
	u64 meta = 3 + 2 * PTRS + upper / PTRS + upper / ((u64)PTRS * PTRS) + 1;

	return (loff_t)((upper - meta) << EXT2_BLOCK_BITS);
}

/* The pointer indices leading to iblock; the depth (1-4) or 0 if too far. */
static int block_to_path(u64 iblock, u32 off[4])
{
	if (iblock < EXT2_NDIR_BLOCKS) {
		off[0] = (u32)iblock;
		return 1;
	}
	iblock -= EXT2_NDIR_BLOCKS;
	if (iblock < PTRS) {
		off[0] = EXT2_IND_BLOCK;
		off[1] = (u32)iblock;
		return 2;
	}
	iblock -= PTRS;
	if (iblock < (u64)PTRS * PTRS) {
		off[0] = EXT2_DIND_BLOCK;
		off[1] = (u32)(iblock >> EXT2_ADDR_BITS);
		off[2] = (u32)(iblock & (PTRS - 1));
		return 3;
	}
	iblock -= (u64)PTRS * PTRS;
	if (iblock < (u64)PTRS * PTRS * PTRS) {
		off[0] = EXT2_TIND_BLOCK;
		off[1] = (u32)(iblock >> (2 * EXT2_ADDR_BITS));
		off[2] = (u32)((iblock >> EXT2_ADDR_BITS) & (PTRS - 1));
		off[3] = (u32)(iblock & (PTRS - 1));
		return 4;
	}
	return 0;
}

static void report_bad(struct inode *inode, const char *what, u32 block)
{
	struct ext2_inode_info *ei = EXT2_I(inode);

	if (ei->i_reported)
		return;
	ei->i_reported = true;
	ext2_error(inode->i_sb, "ext2_get_block", "inode %lu: %s block %u out of range",
		   inode->i_ino, what, block);
}

static u32 find_goal(struct inode *inode, u64 iblock, const __le32 *base, const __le32 *p,
		     u32 parent_blk)
{
	struct ext2_inode_info *ei = EXT2_I(inode);

	if (ei->i_last_pblock && iblock == (u64)ei->i_last_lblock + 1)
		return ei->i_last_pblock + 1;
	for (const __le32 *q = p; q > base;)
		if (*--q)
			return *q + (u32)(p - q);
	if (parent_blk)
		return parent_blk + 1;
	return 0; /* ext2_new_block: the inode's group */
}

int ext2_get_block(struct inode *inode, u64 iblock, bool create, u32 *phys, bool *new)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	struct super_block *sb = inode->i_sb;
	struct ext2_buf *parent = NULL;
	u32 off[4], parent_blk = 0;
	int depth = block_to_path(iblock, off), err = 0;
	__le32 *base, *p;

	*phys = 0;
	if (new)
		*new = false;
	if (!depth)
		return -EFBIG;
	mutex_lock(&ei->i_meta_lock);
	base = ei->i_data;
	p = &ei->i_data[off[0]];
	for (int level = 0;; level++) {
		u32 blk = *p;

		if (blk && !ext2_valid_block(sb, blk)) {
			report_bad(inode, level == depth - 1 ? "data" : "indirect", blk);
			err = -EIO;
			break;
		}
		if (!blk) {
			if (!create)
				break; /* a hole */
			blk = ext2_new_block(inode, find_goal(inode, iblock, base, p, parent_blk),
					     &err);
			if (!blk)
				break;
			if (level < depth - 1) {
				struct ext2_buf *nb = ext2_bget_zero(sb, blk);
				if (IS_ERR(nb)) {
					ext2_free_blocks(inode, blk, 1);
					err = PTR_ERR(nb);
					break;
				}
				ext2_bdirty(nb);
				ext2_brelse(nb);
			} else {
				ei->i_last_lblock = (u32)iblock;
				ei->i_last_pblock = blk;
				if (new)
					*new = true;
			}
			*p = blk;
			if (parent)
				ext2_bdirty(parent);
		}
		if (level == depth - 1) {
			*phys = blk;
			break;
		}
		struct ext2_buf *b = ext2_bread(sb, blk);
		if (IS_ERR(b)) {
			err = PTR_ERR(b);
			break;
		}
		ext2_brelse(parent);
		parent = b;
		parent_blk = blk;
		base = b->b_data;
		p = base + off[level + 1];
	}
	ext2_brelse(parent);
	mutex_unlock(&ei->i_meta_lock);
	return err;
}

/* ---- truncation ---- */

struct free_run {
	u32 start, count;
};

static void run_flush(struct inode *inode, struct free_run *run)
{
	if (run->count)
		ext2_free_blocks(inode, run->start, run->count);
	run->count = 0;
}

static void run_add(struct inode *inode, struct free_run *run, u32 blk)
{
	if (!ext2_valid_block(inode->i_sb, blk)) {
		report_bad(inode, "freed", blk);
		return;
	}
	if (run->count && blk == run->start + run->count) {
		run->count++;
		return;
	}
	run_flush(inode, run);
	run->start = blk;
	run->count = 1;
}

/* Frees blk and, below it, depth levels of pointers (1: its entries are data). */
static void free_tree(struct inode *inode, struct free_run *run, u32 blk, int depth)
{
	if (!ext2_valid_block(inode->i_sb, blk)) {
		report_bad(inode, "indirect", blk);
		return;
	}
	if (depth > 0) {
		struct ext2_buf *b = ext2_bread(inode->i_sb, blk);
		if (IS_ERR(b))
			return; /* unreadable: its blocks leak (reported) */
		const __le32 *e = b->b_data;
		for (u32 i = 0; i < PTRS; i++) {
			if (!e[i])
				continue;
			if (depth == 1)
				run_add(inode, run, e[i]);
			else
				free_tree(inode, run, e[i], depth - 1);
		}
		ext2_brelse(b);
	}
	run_add(inode, run, blk);
}

void ext2_truncate_blocks(struct inode *inode, loff_t size)
{
	/* truncation is a hole punched from the new end to the last block */
	ext2_punch_blocks(inode, DIV_ROUND_UP((u64)size, EXT2_BLOCK_SIZE), ~0ULL);
}

/* ---- hole punching ---- */

/*
 * Clears the entries of a[0..n) that map logical blocks in [first, end)
 * (counted from the start of what a covers; each entry covers PTRS^depth
 * blocks).  Sets *dirty when a changed; returns true if a is all zero
 * afterwards.
 */
static bool punch_array(struct inode *inode, struct free_run *run, __le32 *a, u32 n, int depth,
			u64 first, u64 end, bool *dirty)
{
	u64 span = 1;
	bool empty = true;

	for (int d = 0; d < depth; d++)
		span *= PTRS;
	for (u32 i = 0; i < n; i++) {
		u64 lo = (u64)i * span, hi = lo + span;

		if (!a[i] || hi <= first || lo >= end) {
			empty &= !a[i];
			continue;
		}
		if (depth == 0) {
			run_add(inode, run, a[i]);
		} else if (first <= lo && hi <= end) {
			free_tree(inode, run, a[i], depth);
		} else {
			struct ext2_buf *b;
			bool bdirty = false, gone;

			if (!ext2_valid_block(inode->i_sb, a[i])) {
				report_bad(inode, "indirect", a[i]);
				empty = false;
				continue;
			}
			b = ext2_bread(inode->i_sb, a[i]);
			if (IS_ERR(b)) {
				empty = false;
				continue;
			}
			gone = punch_array(inode, run, b->b_data, PTRS, depth - 1,
					   first > lo ? first - lo : 0, MIN(end, hi) - lo, &bdirty);
			if (bdirty)
				ext2_bdirty(b);
			ext2_brelse(b);
			if (!gone) {
				empty = false;
				continue;
			}
			run_add(inode, run, a[i]);
		}
		a[i] = 0;
		*dirty = true;
	}
	return empty;
}

void ext2_punch_blocks(struct inode *inode, u64 first, u64 end)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	u64 start = EXT2_NDIR_BLOCKS, cover = 1;
	struct free_run run = { 0, 0 };
	bool dirty = false;

	if (first >= end)
		return;
	mutex_lock(&ei->i_meta_lock);
	punch_array(inode, &run, ei->i_data, EXT2_NDIR_BLOCKS, 0, first, end, &dirty);
	for (int t = 0; t < 3; t++) {
		cover *= PTRS;
		if (end > start && first < start + cover)
			punch_array(inode, &run, &ei->i_data[EXT2_IND_BLOCK + t], 1, t + 1,
				    first > start ? first - start : 0, end - start, &dirty);
		start += cover;
	}
	run_flush(inode, &run);
	ei->i_last_lblock = ei->i_last_pblock = 0;
	mutex_unlock(&ei->i_meta_lock);
}
