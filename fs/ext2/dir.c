/*
 * dir.c - directory blocks: finding, adding and removing entries, and
 * readdir.
 *
 * A directory is a file of whole blocks, each a linked list of entries
 * (inode, rec_len, name_len, file_type, name).  Rules (checked on every
 * block read, failing with -EIO and a report if broken): rec_len is a
 * multiple of 4, at least 12 and at least 8 + name_len rounded up to 4; an
 * entry never crosses the block, and the last one ends at the block's end;
 * an entry with inode 0 is unused; inode numbers are within the volume.
 * Block 0 starts with "." and "..".
 *
 * Adding uses an unused entry big enough, or splits an entry whose rec_len
 * has room beyond its name, else appends a block.  Deleting merges the
 * entry into the previous one's rec_len (or, first in its block, marks it
 * unused).  Entries never move, so a readdir position (the byte offset of
 * an entry) stays meaningful; resuming at any offset continues with the
 * first entry starting at or after it.  A directory that was indexed
 * (EXT2_INDEX_FL, an htree from another implementation) is read linearly,
 * which its format allows, and loses the flag when we change it.
 *
 * Locks: callers hold the directory's i_rwsem: for writing to change it,
 * shared (readdir) to read it.  Directory blocks live in the buffer cache.
 */
#include "ext2.h"
#include <kernel/string.h>

#define DIR_BLOCKS(dir) ((u32)(i_size_read(dir) >> EXT2_BLOCK_BITS))
#define MIN_REC_LEN EXT2_DIR_REC_LEN(1)

static unsigned int de_name_len(struct ext2_sb_info *sbi, const struct ext2_dir_entry_2 *de)
{
	return sbi->s_filetype ? de->name_len : de->name_len | ((unsigned int)de->file_type << 8);
}

static struct ext2_dir_entry_2 *entry_at(struct ext2_buf *b, unsigned int off)
{
	return (struct ext2_dir_entry_2 *)((char *)b->b_data + off);
}

static u8 mode_to_ft(umode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return EXT2_FT_REG_FILE;
	case S_IFDIR:
		return EXT2_FT_DIR;
	case S_IFCHR:
		return EXT2_FT_CHRDEV;
	case S_IFBLK:
		return EXT2_FT_BLKDEV;
	case S_IFIFO:
		return EXT2_FT_FIFO;
	case S_IFSOCK:
		return EXT2_FT_SOCK;
	case S_IFLNK:
		return EXT2_FT_SYMLINK;
	}
	return EXT2_FT_UNKNOWN;
}

static unsigned int ft_to_dtype(u8 ft)
{
	static const u8 dtype[EXT2_FT_MAX] = { DT_UNKNOWN, DT_REG,  DT_DIR,  DT_CHR,
					       DT_BLK,	   DT_FIFO, DT_SOCK, DT_LNK };
	return ft < EXT2_FT_MAX ? dtype[ft] : DT_UNKNOWN;
}

static void set_entry(struct inode *dir, struct ext2_dir_entry_2 *de, const struct qstr *name,
		      struct inode *inode)
{
	de->inode = (u32)inode->i_ino;
	de->name_len = (u8)name->len;
	de->file_type = EXT2_SB(dir->i_sb)->s_filetype ? mode_to_ft(inode->i_mode) : 0;
	memcpy(de->name, name->name, name->len);
}

static const char *check_block(struct inode *dir, struct ext2_buf *b)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->i_sb);
	unsigned int off, rl;

	if (test_bit(BUF_DIR_CHECKED, &b->b_state))
		return NULL;
	for (off = 0; off < EXT2_BLOCK_SIZE; off += rl) {
		struct ext2_dir_entry_2 *de = entry_at(b, off);
		unsigned int nl = de_name_len(sbi, de);

		rl = de->rec_len;
		if (rl < MIN_REC_LEN)
			return "rec_len too small";
		if (rl % EXT2_DIR_PAD)
			return "unaligned rec_len";
		if (rl < EXT2_DIR_REC_LEN(nl))
			return "rec_len smaller than the name";
		if (rl > EXT2_BLOCK_SIZE - off)
			return "entry crosses the block";
		if (de->inode > sbi->s_inodes_count)
			return "inode number out of range";
		if (de->inode && (nl == 0 || nl > EXT2_NAME_LEN))
			return "bad name_len";
	}
	set_bit(BUF_DIR_CHECKED, &b->b_state);
	return NULL;
}

/* Block n of dir, checked; ERR_PTR(-EIO) for a hole or a corrupt block. */
static struct ext2_buf *dir_block(struct inode *dir, u32 n)
{
	struct ext2_buf *b;
	const char *why;
	u32 phys;
	int err = ext2_get_block(dir, n, false, &phys, NULL);

	if (err)
		return ERR_PTR(err);
	if (!phys) {
		ext2_error(dir->i_sb, __func__, "directory %lu has a hole at block %u", dir->i_ino,
			   n);
		return ERR_PTR(-EIO);
	}
	b = ext2_bread(dir->i_sb, phys);
	if (IS_ERR(b))
		return b;
	why = check_block(dir, b);
	if (why) {
		ext2_error(dir->i_sb, __func__, "directory %lu block %u: %s", dir->i_ino, n, why);
		ext2_brelse(b);
		return ERR_PTR(-EIO);
	}
	return b;
}

void ext2_put_slot(struct ext2_dir_slot *slot)
{
	ext2_brelse(slot->buf);
	slot->buf = NULL;
}

int ext2_find_entry(struct inode *dir, const struct qstr *name, struct ext2_dir_slot *slot)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->i_sb);
	u32 nblocks = DIR_BLOCKS(dir);

	if (name->len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	for (u32 n = 0; n < nblocks; n++) {
		struct ext2_buf *b = dir_block(dir, n);
		unsigned int off;

		if (IS_ERR(b))
			return PTR_ERR(b);
		for (off = 0; off < EXT2_BLOCK_SIZE; off += entry_at(b, off)->rec_len) {
			struct ext2_dir_entry_2 *de = entry_at(b, off);
			if (de->inode && de_name_len(sbi, de) == name->len &&
			    !memcmp(de->name, name->name, name->len)) {
				*slot = (struct ext2_dir_slot){ b, n, off, de };
				return 0;
			}
		}
		ext2_brelse(b);
	}
	return -ENOENT;
}

static void dir_changed(struct inode *dir)
{
	ext2_touch(dir);
	EXT2_I(dir)->i_flags &= ~EXT2_INDEX_FL;
	ext2_write_inode(dir, 0);
}

/* An entry of b with room for need bytes (unused, or split off); NULL if none. */
static struct ext2_dir_entry_2 *find_room(struct ext2_sb_info *sbi, struct ext2_buf *b,
					  unsigned int need)
{
	for (unsigned int off = 0; off < EXT2_BLOCK_SIZE; off += entry_at(b, off)->rec_len) {
		struct ext2_dir_entry_2 *de = entry_at(b, off), *next;
		unsigned int rl = de->rec_len, used = EXT2_DIR_REC_LEN(de_name_len(sbi, de));

		if (!de->inode && rl >= need)
			return de;
		if (de->inode && rl >= used + need) {
			de->rec_len = (u16)used;
			next = entry_at(b, off + used);
			next->inode = 0;
			next->rec_len = (u16)(rl - used);
			return next;
		}
	}
	return NULL;
}

int ext2_add_link(struct inode *dir, const struct qstr *name, struct inode *inode)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->i_sb);
	unsigned int need = EXT2_DIR_REC_LEN(name->len);
	u32 nblocks = DIR_BLOCKS(dir), phys;
	struct ext2_dir_entry_2 *de = NULL;
	struct ext2_buf *b = NULL;
	int err;

	if (name->len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	for (u32 n = 0; n < nblocks && !de; n++) {
		b = dir_block(dir, n);
		if (IS_ERR(b))
			return PTR_ERR(b);
		de = find_room(sbi, b, need);
		if (!de)
			ext2_brelse(b);
	}
	if (!de) {
		if ((u64)nblocks + 1 > (u64)(0x7fffffff >> EXT2_BLOCK_BITS))
			return -EFBIG;
		err = ext2_get_block(dir, nblocks, true, &phys, NULL);
		if (err)
			return err;
		b = ext2_bget_zero(dir->i_sb, phys);
		if (IS_ERR(b))
			return PTR_ERR(
				b); /* the block stays mapped, beyond i_size: e2fsck notes it */
		de = entry_at(b, 0);
		de->rec_len = EXT2_BLOCK_SIZE;
		set_bit(BUF_DIR_CHECKED, &b->b_state);
		i_size_write(dir, (loff_t)(nblocks + 1) << EXT2_BLOCK_BITS);
	}
	set_entry(dir, de, name, inode);
	ext2_bdirty(b);
	ext2_brelse(b);
	dir_changed(dir);
	return 0;
}

int ext2_delete_entry(struct inode *dir, struct ext2_dir_slot *slot)
{
	struct ext2_dir_entry_2 *prev = NULL, *de = slot->de;
	unsigned int off;

	for (off = 0; off < slot->off; off += entry_at(slot->buf, off)->rec_len)
		prev = entry_at(slot->buf, off);
	if (off != slot->off) {
		ext2_error(dir->i_sb, __func__, "directory %lu: entry moved", dir->i_ino);
		return -EIO;
	}
	if (prev)
		prev->rec_len = (u16)(prev->rec_len + de->rec_len);
	de->inode = 0;
	ext2_bdirty(slot->buf);
	dir_changed(dir);
	return 0;
}

void ext2_set_link(struct inode *dir, struct ext2_dir_slot *slot, struct inode *inode)
{
	slot->de->inode = (u32)inode->i_ino;
	slot->de->file_type = EXT2_SB(dir->i_sb)->s_filetype ? mode_to_ft(inode->i_mode) : 0;
	ext2_bdirty(slot->buf);
	dir_changed(dir);
}

int ext2_dotdot(struct inode *dir, struct ext2_dir_slot *slot)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->i_sb);
	struct ext2_buf *b = dir_block(dir, 0);
	struct ext2_dir_entry_2 *dot, *dotdot;

	if (IS_ERR(b))
		return PTR_ERR(b);
	dot = entry_at(b, 0);
	if (dot->rec_len < EXT2_BLOCK_SIZE) {
		dotdot = entry_at(b, dot->rec_len);
		if (de_name_len(sbi, dot) == 1 && dot->name[0] == '.' &&
		    de_name_len(sbi, dotdot) == 2 && !memcmp(dotdot->name, "..", 2)) {
			*slot = (struct ext2_dir_slot){ b, 0, dot->rec_len, dotdot };
			return 0;
		}
	}
	ext2_brelse(b);
	ext2_error(dir->i_sb, __func__, "directory %lu does not start with . and ..", dir->i_ino);
	return -EIO;
}

int ext2_empty_dir(struct inode *dir)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->i_sb);
	u32 nblocks = DIR_BLOCKS(dir);

	for (u32 n = 0; n < nblocks; n++) {
		struct ext2_buf *b = dir_block(dir, n);

		if (IS_ERR(b))
			return PTR_ERR(b);
		for (unsigned int off = 0; off < EXT2_BLOCK_SIZE;
		     off += entry_at(b, off)->rec_len) {
			struct ext2_dir_entry_2 *de = entry_at(b, off);
			unsigned int nl = de_name_len(sbi, de);
			if (!de->inode || (nl == 1 && de->name[0] == '.') ||
			    (nl == 2 && de->name[0] == '.' && de->name[1] == '.'))
				continue;
			ext2_brelse(b);
			return 0;
		}
		ext2_brelse(b);
	}
	return 1;
}

int ext2_make_empty(struct inode *inode, struct inode *parent)
{
	struct qstr dot = QSTR_INIT(".", 1), dotdot = QSTR_INIT("..", 2);
	struct ext2_dir_entry_2 *de;
	struct ext2_buf *b;
	u32 phys;
	int err = ext2_get_block(inode, 0, true, &phys, NULL);

	if (err)
		return err;
	b = ext2_bget_zero(inode->i_sb, phys);
	if (IS_ERR(b))
		return PTR_ERR(b);
	de = entry_at(b, 0);
	set_entry(inode, de, &dot, inode);
	de->rec_len = EXT2_DIR_REC_LEN(1);
	de = entry_at(b, EXT2_DIR_REC_LEN(1));
	set_entry(inode, de, &dotdot, parent);
	de->rec_len = EXT2_BLOCK_SIZE - EXT2_DIR_REC_LEN(1);
	set_bit(BUF_DIR_CHECKED, &b->b_state);
	ext2_bdirty(b);
	ext2_brelse(b);
	i_size_write(inode, EXT2_BLOCK_SIZE);
	return 0;
}

static int ext2_readdir(struct file *file, struct dir_context *ctx)
{
	struct inode *dir = file_inode(file);
	struct ext2_sb_info *sbi = EXT2_SB(dir->i_sb);
	u32 nblocks = DIR_BLOCKS(dir);
	unsigned int from;

	if (ctx->pos < 0)
		return -EINVAL;
	from = (unsigned int)(ctx->pos & (EXT2_BLOCK_SIZE - 1));
	for (u64 n = (u64)ctx->pos >> EXT2_BLOCK_BITS; n < nblocks; n++, from = 0) {
		struct ext2_buf *b = dir_block(dir, (u32)n);
		loff_t base = (loff_t)n << EXT2_BLOCK_BITS;

		if (IS_ERR(b))
			return PTR_ERR(b);
		for (unsigned int off = 0; off < EXT2_BLOCK_SIZE;
		     off += entry_at(b, off)->rec_len) {
			struct ext2_dir_entry_2 *de = entry_at(b, off);
			if (off < from)
				continue;
			if (de->inode) {
				ctx->pos = base + off;
				if (!dir_emit(ctx, de->name, (int)de_name_len(sbi, de), de->inode,
					      sbi->s_filetype ? ft_to_dtype(de->file_type) :
								DT_UNKNOWN)) {
					ext2_brelse(b);
					return 0;
				}
			}
			ctx->pos = base + off + de->rec_len;
		}
		ext2_brelse(b);
	}
	return 0;
}

static loff_t ext2_dir_llseek(struct file *file, loff_t offset, int whence)
{
	return generic_file_llseek_size(file, offset, whence, OFFSET_MAX,
					i_size_read(file_inode(file)));
}

const struct file_operations ext2_dir_operations = {
	.llseek = ext2_dir_llseek,
	.iterate_shared = ext2_readdir,
	.fsync = ext2_fsync,
};
