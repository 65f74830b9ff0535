/*
 * buffer.c - ext2's metadata buffer cache: one 4 KiB block per page,
 * looked up by block number, read and written with submit_bio_wait().
 *
 * Holds everything that is not regular file data: the superblock block,
 * group descriptors, bitmaps, inode tables, indirect blocks, directory
 * blocks and slow symlink blocks.  File data goes through the page cache
 * instead (file.c); a block is in one of the two, never both, because a
 * block is freed (ext2_bforget) before it can change owner.
 *
 * Contract:
 *   - ext2_bread()/ext2_bget_zero() return a referenced buffer; the caller
 *     releases it with ext2_brelse().  Contents are changed by the caller
 *     under the lock that owns the metadata (see ext2.h), then
 *     ext2_bdirty().
 *   - Write-back clears BUF_DIRTY before the I/O, so a change made while a
 *     write is in flight marks the buffer dirty again and is written by the
 *     next sync: nothing is lost, though the disk may briefly hold a torn
 *     block (ext2 has no journal; unmount writes the final state).
 *   - Unreferenced buffers stay cached on an LRU; beyond EXT2_BUF_MAX the
 *     oldest are dropped (dirty ones written first).
 *   - ext2_bforget() waits for a write-back in flight, so nothing of the
 *     block's old life reaches the disk after it was freed.
 *
 * Locks: s_buf_lock (spinlock) guards the hash, the LRU, b_count and the
 * counters; b_io (mutex) serialises a buffer's read-in and write-out.  No
 * I/O is done under s_buf_lock.
 */
#include "ext2.h"
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/page.h>
#include <mm/slab.h>

int ext2_block_io(struct super_block *sb, u32 block, struct page *page, enum req_op op)
{
	struct bio_vec vec;
	struct bio bio;

	bio_init(&bio, EXT2_SB(sb)->s_bdev, &vec, 1, op);
	bio.bi_sector = (u64)block * EXT2_SECTORS_PER_BLOCK;
	bio_add_page(&bio, page, EXT2_BLOCK_SIZE, 0);
	return submit_bio_wait(&bio);
}

static struct list_head *buf_hash(struct ext2_sb_info *sbi, u32 block)
{
	return &sbi->s_buf_hash[(block * 0x9E3779B1U) >> 24];
}

int ext2_buffers_init(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	_Static_assert(EXT2_BUF_HASH == 256, "buf_hash uses the top 8 bits");
	spin_lock_init(&sbi->s_buf_lock);
	for (int i = 0; i < EXT2_BUF_HASH; i++)
		INIT_LIST_HEAD(&sbi->s_buf_hash[i]);
	INIT_LIST_HEAD(&sbi->s_buf_lru);
	return 0;
}

static void free_buf(struct ext2_buf *b)
{
	put_page(b->b_page);
	kfree(b);
}

/* Caller holds s_buf_lock. */
static struct ext2_buf *find_buf(struct ext2_sb_info *sbi, u32 block)
{
	struct ext2_buf *b;

	list_for_each_entry(b, buf_hash(sbi, block), b_hash) {
		if (b->b_blocknr == block) {
			if (b->b_count++ == 0) {
				list_del(&b->b_lru);
				sbi->s_nr_unused--;
			}
			return b;
		}
	}
	return NULL;
}

/* Drops the oldest unreferenced buffers while there are too many. */
static void shrink_buffers(struct ext2_sb_info *sbi)
{
	for (unsigned long tries = 0; tries < 4 * EXT2_BUF_MAX; tries++) {
		struct ext2_buf *b;

		spin_lock(&sbi->s_buf_lock);
		if (sbi->s_nr_unused <= EXT2_BUF_MAX) {
			spin_unlock(&sbi->s_buf_lock);
			return;
		}
		b = list_first_entry(&sbi->s_buf_lru, struct ext2_buf, b_lru);
		list_del(&b->b_lru);
		sbi->s_nr_unused--;
		if (test_bit(BUF_DIRTY, &b->b_state)) {
			b->b_count = 1;
			spin_unlock(&sbi->s_buf_lock);
			int err = ext2_bwrite(b);
			ext2_brelse(b); /* clean now: back on the LRU's tail */
			if (err)
				return;
			continue;
		}
		list_del(&b->b_hash);
		sbi->s_nr_bufs--;
		spin_unlock(&sbi->s_buf_lock);
		free_buf(b);
	}
}

static struct ext2_buf *get_buf(struct super_block *sb, u32 block)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_buf *b, *fresh;

	spin_lock(&sbi->s_buf_lock);
	b = find_buf(sbi, block);
	spin_unlock(&sbi->s_buf_lock);
	if (b)
		return b;
	fresh = kzalloc(sizeof(*fresh), 0);
	if (!fresh)
		return ERR_PTR(-ENOMEM);
	fresh->b_page = alloc_page(0);
	if (!fresh->b_page) {
		kfree(fresh);
		return ERR_PTR(-ENOMEM);
	}
	fresh->b_data = page_address(fresh->b_page);
	fresh->b_sb = sb;
	fresh->b_blocknr = block;
	fresh->b_count = 1;
	mutex_init(&fresh->b_io);
	INIT_LIST_HEAD(&fresh->b_lru);
	spin_lock(&sbi->s_buf_lock);
	b = find_buf(sbi, block); /* someone else may have added it meanwhile */
	if (!b) {
		list_add(&fresh->b_hash, buf_hash(sbi, block));
		sbi->s_nr_bufs++;
	}
	spin_unlock(&sbi->s_buf_lock);
	if (b) {
		free_buf(fresh);
		return b;
	}
	return fresh;
}

struct ext2_buf *ext2_bread(struct super_block *sb, u32 block)
{
	struct ext2_buf *b = get_buf(sb, block);
	int err = 0;

	if (IS_ERR(b) || test_bit(BUF_UPTODATE, &b->b_state))
		return b;
	mutex_lock(&b->b_io);
	if (!test_bit(BUF_UPTODATE, &b->b_state)) {
		err = ext2_block_io(sb, block, b->b_page, REQ_OP_READ);
		if (!err)
			set_bit(BUF_UPTODATE, &b->b_state);
	}
	mutex_unlock(&b->b_io);
	if (err) {
		printk(KERN_ERR "EXT2-fs (%s): cannot read block %u: %d\n", sb->s_id, block, err);
		ext2_brelse(b);
		return ERR_PTR(-EIO);
	}
	return b;
}

struct ext2_buf *ext2_bget_zero(struct super_block *sb, u32 block)
{
	struct ext2_buf *b = get_buf(sb, block);

	if (IS_ERR(b))
		return b;
	mutex_lock(&b->b_io);
	memset(b->b_data, 0, EXT2_BLOCK_SIZE);
	clear_bit(BUF_DIR_CHECKED, &b->b_state);
	set_bit(BUF_UPTODATE, &b->b_state);
	mutex_unlock(&b->b_io);
	return b;
}

void ext2_brelse(struct ext2_buf *b)
{
	struct ext2_sb_info *sbi;
	bool shrink = false;

	if (!b)
		return;
	sbi = EXT2_SB(b->b_sb);
	spin_lock(&sbi->s_buf_lock);
	BUG_ON(b->b_count <= 0);
	if (--b->b_count == 0) {
		list_add_tail(&b->b_lru, &sbi->s_buf_lru);
		shrink = ++sbi->s_nr_unused > EXT2_BUF_MAX;
	}
	spin_unlock(&sbi->s_buf_lock);
	if (shrink)
		shrink_buffers(sbi);
}

void ext2_bdirty(struct ext2_buf *b) { set_bit(BUF_DIRTY, &b->b_state); }

int ext2_bwrite(struct ext2_buf *b)
{
	int err = 0;

	mutex_lock(&b->b_io);
	if (test_and_clear_bit(BUF_DIRTY, &b->b_state)) {
		err = ext2_block_io(b->b_sb, b->b_blocknr, b->b_page, REQ_OP_WRITE);
		if (err) {
			set_bit(BUF_DIRTY, &b->b_state);
			printk(KERN_ERR "EXT2-fs (%s): cannot write block %u: %d\n", b->b_sb->s_id,
			       b->b_blocknr, err);
		}
	}
	mutex_unlock(&b->b_io);
	return err;
}

int ext2_sync_buffers(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_buf **list, *b;
	unsigned long n = 0, max;
	int err = 0;

	spin_lock(&sbi->s_buf_lock);
	max = sbi->s_nr_bufs;
	spin_unlock(&sbi->s_buf_lock);
	list = kmalloc((max + 1) * sizeof(*list), 0);
	if (!list)
		return -ENOMEM;
	spin_lock(&sbi->s_buf_lock);
	for (int i = 0; i < EXT2_BUF_HASH && n < max; i++) {
		list_for_each_entry(b, &sbi->s_buf_hash[i], b_hash) {
			if (n == max)
				break;
			if (!test_bit(BUF_DIRTY, &b->b_state))
				continue;
			if (b->b_count++ == 0) {
				list_del(&b->b_lru);
				sbi->s_nr_unused--;
			}
			list[n++] = b;
		}
	}
	spin_unlock(&sbi->s_buf_lock);
	for (unsigned long i = 0; i < n; i++) {
		int r = ext2_bwrite(list[i]);
		if (r && !err)
			err = r;
		ext2_brelse(list[i]);
	}
	kfree(list);
	return err;
}

void ext2_bforget(struct super_block *sb, u32 block)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_buf *b;
	bool last;

	spin_lock(&sbi->s_buf_lock);
	b = find_buf(sbi, block);
	spin_unlock(&sbi->s_buf_lock);
	if (!b)
		return;
	clear_bit(BUF_DIRTY, &b->b_state);
	/* A write-back already under way finishes before the block can be
	 * reused: b_io is held around the I/O. */
	mutex_lock(&b->b_io);
	clear_bit(BUF_UPTODATE, &b->b_state);
	clear_bit(BUF_DIR_CHECKED, &b->b_state);
	mutex_unlock(&b->b_io);
	spin_lock(&sbi->s_buf_lock);
	last = --b->b_count == 0;
	if (last) {
		list_del(&b->b_hash);
		sbi->s_nr_bufs--;
	}
	spin_unlock(&sbi->s_buf_lock);
	if (last)
		free_buf(b);
}

void ext2_buffers_destroy(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_buf *b, *tmp;

	for (int i = 0; i < EXT2_BUF_HASH; i++) {
		list_for_each_entry_safe(b, tmp, &sbi->s_buf_hash[i], b_hash) {
			if (b->b_count || test_bit(BUF_DIRTY, &b->b_state))
				printk(KERN_ERR "EXT2-fs (%s): block %u still %s at unmount\n",
				       sb->s_id, b->b_blocknr, b->b_count ? "in use" : "dirty");
			list_del(&b->b_hash);
			free_buf(b);
		}
	}
	INIT_LIST_HEAD(&sbi->s_buf_lru);
	sbi->s_nr_bufs = sbi->s_nr_unused = 0;
}
