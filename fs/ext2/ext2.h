/*
 * ext2.h - internal interface of the ext2 file system (fs/ext2/ only; the
 * rest of the kernel sees only the "ext2" file_system_type it registers,
 * and the on-disk format is in <fs/ext2_fs.h>).
 *
 * Files:
 *   super.c     mounting (superblock and descriptor checks), statfs, sync,
 *               unmount, errors, the file system type
 *   buffer.c    the metadata buffer cache (one 4 KiB block per page)
 *   balloc.c    block bitmaps: allocating and freeing blocks
 *   ialloc.c    inode bitmaps: allocating and freeing inodes
 *   inode.c     reading and writing inodes, eviction, setattr
 *   blockmap.c  logical -> physical block mapping and truncation
 *   file.c      regular files: address_space_operations, file_operations
 *   dir.c       directory blocks: lookup, add, delete, readdir
 *   namei.c     directory inode_operations (create ... rename)
 *   symlink.c   fast and slow symbolic links
 *
 * Only 4 KiB blocks are supported, so one block is one page: file data
 * lives in the page cache (one page <-> one block); metadata (bitmaps,
 * descriptors, inode tables, indirect blocks, directories, slow symlinks)
 * lives in the buffer cache of buffer.c.
 *
 * Locks, outermost first, after the VFS's (DESIGN.md section 4: i_rwsem ->
 * pagecache_add_lock -> page lock; i_rwsem is held by every namespace
 * operation, buffered write and truncate, never by writeback or reads):
 *   ei->i_meta_lock   (mutex) the inode's block map: i_data[], its indirect
 *                     blocks and i_blocks.  Taken by every block mapping,
 *                     allocation and truncation, and while the inode is
 *                     copied to its on-disk slot.  Order: page lock ->
 *                     i_meta_lock (readpage/writepage map under a page lock);
 *                     never a page lock while holding it.
 *   sbi->s_alloc_lock (mutex) block and inode bitmaps, the group
 *                     descriptors' counters and the superblock's counters
 *                     and features.
 *   buffer b_io       (mutex) one buffer's read-in and write-out.
 *   sbi->s_buf_lock   (spinlock) the buffer cache's hash, lists and counts.
 * Directory blocks are changed only under the directory's i_rwsem (held
 * for writing by the VFS around namespace operations; readdir holds it
 * shared and only reads).  The inode's on-disk slot is rewritten from the
 * in-memory inode after every change (ext2_write_inode: a dirty buffer),
 * so ->write_inode from the flusher and ->sync_fs (every dirty buffer)
 * make the disk whole; unmount ends with both.
 *
 * Invariants that e2fsck checks and the tests hold us to: bitmaps, group
 * and superblock counts agree at all times (under s_alloc_lock); no block
 * is mapped beyond the block of the last byte of a file; i_blocks counts
 * every data, indirect and attribute block; the bytes of the last block
 * beyond i_size are zero on disk.
 *
 * Errors: negative errno.  Corruption found on disk (a block number out of
 * range, a bad directory entry, a bad inode) is reported once through
 * ext2_error() and fails the operation with -EIO; it never panics.
 */
#ifndef FS_EXT2_EXT2_H
#define FS_EXT2_EXT2_H

#include <drivers/blkdev.h>
#include <fs/ext2_fs.h>
#include <fs/fs.h>
#include <kernel/list.h>
#include <kernel/mutex.h>
#include <kernel/spinlock.h>

#define EXT2_BLOCK_SIZE 4096U
#define EXT2_BLOCK_BITS 12
#define EXT2_ADDR_PER_BLOCK (EXT2_BLOCK_SIZE / 4) /* 1024 pointers */
#define EXT2_ADDR_BITS 10
#define EXT2_SECTORS_PER_BLOCK (EXT2_BLOCK_SIZE >> SECTOR_SHIFT)

/* ---- buffer cache (buffer.c) ---- */

enum { BUF_UPTODATE, BUF_DIRTY, BUF_DIR_CHECKED };

struct ext2_buf {
	struct list_head b_hash; /* in sbi->s_buf_hash[] */
	struct list_head b_lru; /* in sbi->s_buf_lru while b_count is 0 */
	struct super_block *b_sb;
	u32 b_blocknr;
	int b_count; /* references; under s_buf_lock */
	unsigned long b_state; /* BUF_* bits (atomic bit operations) */
	struct mutex b_io;
	struct page *b_page;
	void *b_data;
};

#define EXT2_BUF_HASH 256
#define EXT2_BUF_MAX 2048 /* unreferenced buffers kept beyond this are dropped */

int ext2_buffers_init(struct super_block *sb);
/* Drops every buffer (they must be clean and unreferenced: after sync). */
void ext2_buffers_destroy(struct super_block *sb);
/* The block, read if needed: referenced, or ERR_PTR(-EIO, -ENOMEM). */
struct ext2_buf *ext2_bread(struct super_block *sb, u32 block);
/* The block for a new use: zero-filled, uptodate, not read from disk. */
struct ext2_buf *ext2_bget_zero(struct super_block *sb, u32 block);
void ext2_brelse(struct ext2_buf *b);
void ext2_bdirty(struct ext2_buf *b);
/* Writes b now if it is dirty. */
int ext2_bwrite(struct ext2_buf *b);
/* Writes every dirty buffer; returns the first error. */
int ext2_sync_buffers(struct super_block *sb);
/* block was freed: forget its contents (never written back). */
void ext2_bforget(struct super_block *sb, u32 block);
/* One block of I/O on a page (file data and buffers alike). */
int ext2_block_io(struct super_block *sb, u32 block, struct page *page, enum req_op op);

/* ---- per-superblock and per-inode state ---- */

struct ext2_sb_info {
	struct block_device *s_bdev;
	struct ext2_buf *s_sbh; /* block 0, pinned */
	struct ext2_super_block *s_es; /* inside s_sbh */
	struct ext2_buf **s_group_desc; /* descriptor blocks, pinned */
	u32 s_gdb_count;
	u32 s_groups_count;
	u32 s_blocks_count;
	u32 s_inodes_count;
	u32 s_first_data_block;
	u32 s_blocks_per_group;
	u32 s_inodes_per_group;
	u32 s_inode_size;
	u32 s_inodes_per_block;
	u32 s_itb_per_group; /* inode table blocks per group */
	u32 s_first_ino;
	u32 s_desc_per_block;
	u32 s_overhead; /* blocks used by the layout itself (statfs) */
	bool s_filetype; /* dir entries carry file_type */
	u16 s_mount_state; /* s_state at mount, restored at unmount */
	bool s_error; /* corruption seen: EXT2_ERROR_FS at unmount */
	bool s_ready; /* mounted: sync_fs may run (the VFS lists sb earlier) */
	u32 s_next_generation;
	struct mutex s_alloc_lock;
	spinlock_t s_buf_lock;
	struct list_head s_buf_hash[EXT2_BUF_HASH];
	struct list_head s_buf_lru;
	unsigned long s_nr_bufs, s_nr_unused;
	struct list_head s_list; /* mounted ext2 volumes (super.c) */
};

static inline struct ext2_sb_info *EXT2_SB(struct super_block *sb) { return sb->s_fs_info; }

struct ext2_inode_info {
	__le32 i_data[EXT2_N_BLOCKS]; /* under i_meta_lock */
	u32 i_flags;
	u32 i_faddr;
	u32 i_file_acl;
	u32 i_dtime;
	u32 i_block_group;
	u32 i_last_lblock, i_last_pblock; /* allocation goal: after the last */
	bool i_loaded; /* mirrors an allocated on-disk inode */
	bool i_new; /* never written: clear the whole slot first */
	bool i_reported; /* a corruption of it was reported */
	struct mutex i_meta_lock;
	struct inode vfs_inode;
};

static inline struct ext2_inode_info *EXT2_I(struct inode *inode)
{
	return container_of(inode, struct ext2_inode_info, vfs_inode);
}

/* ---- super.c ---- */

int init_ext2_fs(void);
/* Reports corruption (printk, remembered for the superblock's state). */
void ext2_error(struct super_block *sb, const char *func, const char *fmt, ...) __printf(3, 4);
/* Descriptor of group (points into a pinned buffer); *bh gets the buffer
 * to mark dirty.  NULL for a group out of range. */
struct ext2_group_desc *ext2_get_group_desc(struct super_block *sb, u32 group,
					    struct ext2_buf **bh);
/* Group layout helpers. */
u32 ext2_group_first_block(struct super_block *sb, u32 group);
u32 ext2_group_nblocks(struct super_block *sb, u32 group);
bool ext2_group_has_super(struct super_block *sb, u32 group);
/* Writes the superblock (counters, state, times) to its buffer. */
void ext2_update_super(struct super_block *sb);

/* ---- balloc.c / ialloc.c (under s_alloc_lock inside) ---- */

/* Bitmaps: bit n is bit n % 8 of byte n / 8 (little endian). */
static inline bool ext2_test_bit(u32 nr, const void *map)
{
	return (((const u8 *)map)[nr >> 3] >> (nr & 7)) & 1;
}
static inline void ext2_set_bit(u32 nr, void *map) { ((u8 *)map)[nr >> 3] |= (u8)(1U << (nr & 7)); }
static inline void ext2_clear_bit(u32 nr, void *map)
{
	((u8 *)map)[nr >> 3] &= (u8) ~(1U << (nr & 7));
}
/* The first clear bit in [start, size) of a block-sized bitmap, or size. */
u32 ext2_find_zero_bit(const void *map, u32 size, u32 start);
/* A block number an inode may point at. */
bool ext2_valid_block(struct super_block *sb, u32 block);
/* Allocates a block near goal for inode; 0 and *err on failure. */
u32 ext2_new_block(struct inode *inode, u32 goal, int *err);
/* Frees count blocks from block (they may span groups). */
void ext2_free_blocks(struct inode *inode, u32 block, u32 count);
/* A new inode for dir (I_NEW, hashed, i_nlink 1) or ERR_PTR(-ENOSPC...). */
struct inode *ext2_new_inode(struct inode *dir, umode_t mode);
void ext2_free_inode(struct inode *inode);

/* ---- inode.c ---- */

struct inode *ext2_iget(struct super_block *sb, unsigned long ino);
/* Copies the in-memory inode to its on-disk slot (a dirty buffer). */
int ext2_write_inode(struct inode *inode, int wait);
void ext2_evict_inode(struct inode *inode);
struct inode *ext2_alloc_inode(struct super_block *sb);
void ext2_destroy_inode(struct inode *inode);
int ext2_setattr(struct dentry *dentry, struct iattr *attr);
/* Sets i_op/i_fop/a_ops by the file type. */
void ext2_set_inode_ops(struct inode *inode);
bool ext2_inode_is_fast_symlink(struct inode *inode);
void ext2_touch(struct inode *inode); /* mtime = ctime = now */

/* ---- blockmap.c ---- */

/* Maps logical block iblock of inode: *phys is the block or 0 for a hole.
 * With create, a hole is filled (*new set).  -EIO for a corrupt map,
 * -EFBIG beyond the triple indirect range, -ENOSPC. */
int ext2_get_block(struct inode *inode, u64 iblock, bool create, u32 *phys, bool *new);
/* Frees every block at or beyond byte size (and emptied indirect blocks). */
void ext2_truncate_blocks(struct inode *inode, loff_t size);
/* Frees logical blocks [first, end) (holes afterwards) and emptied indirect blocks. */
void ext2_punch_blocks(struct inode *inode, u64 first, u64 end);
loff_t ext2_max_size(void);

/* ---- file.c ---- */

extern const struct address_space_operations ext2_aops;
extern const struct file_operations ext2_file_operations;
extern const struct inode_operations ext2_file_inode_operations;
int ext2_fsync(struct file *file, loff_t start, loff_t end, int datasync);

/* ---- dir.c ---- */

struct ext2_dir_slot {
	struct ext2_buf *buf; /* referenced */
	u32 blk; /* logical block in the directory */
	unsigned int off; /* of the entry in the block */
	struct ext2_dir_entry_2 *de;
};

extern const struct file_operations ext2_dir_operations;
/* 0 and *slot (release with ext2_put_slot), -ENOENT, -EIO. */
int ext2_find_entry(struct inode *dir, const struct qstr *name, struct ext2_dir_slot *slot);
void ext2_put_slot(struct ext2_dir_slot *slot);
int ext2_add_link(struct inode *dir, const struct qstr *name, struct inode *inode);
int ext2_delete_entry(struct inode *dir, struct ext2_dir_slot *slot);
/* Points the entry at inode (rename over a target, a moved dir's ".."). */
void ext2_set_link(struct inode *dir, struct ext2_dir_slot *slot, struct inode *inode);
/* The ".." entry of dir. */
int ext2_dotdot(struct inode *dir, struct ext2_dir_slot *slot);
/* 1 if dir holds only "." and "..", 0 if not, -EIO. */
int ext2_empty_dir(struct inode *dir);
/* The first block of a new directory: "." and "..". */
int ext2_make_empty(struct inode *inode, struct inode *parent);

/* ---- namei.c, symlink.c ---- */

extern const struct inode_operations ext2_dir_inode_operations;
extern const struct inode_operations ext2_special_inode_operations;
extern const struct inode_operations ext2_symlink_inode_operations;
int ext2_create_symlink(struct inode *inode, const char *target, size_t len);

#endif
