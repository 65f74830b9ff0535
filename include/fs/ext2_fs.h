/*
 * ext2_fs.h - the ext2 on-disk format (revision 0 and 1): superblock, group
 * descriptors, inodes, directory entries and the feature bits.
 *
 * These are facts of the format, shared by fs/ext2/ and the host tests.  All
 * multi-byte fields are little endian on disk; this kernel only runs on
 * little-endian machines (x86_64, and the host tests on x86_64), so the
 * structures are read and written in place; the __le types only document.
 * Sizes and offsets are checked at compile time below.
 *
 * Layout of a volume with 4 KiB blocks: block 0 holds the boot area (1 KiB)
 * and the superblock (bytes 1024-2047); the group descriptor table starts
 * at block s_first_data_block + 1 (block 1).  Each group of
 * s_blocks_per_group blocks has a block bitmap, an inode bitmap and an
 * inode table (where the descriptor says); with SPARSE_SUPER only groups 0,
 * 1 and powers of 3, 5 and 7 hold backup copies of the superblock and the
 * descriptors (plus s_reserved_gdt_blocks for online resize).
 */
#ifndef FS_EXT2_FS_H
#define FS_EXT2_FS_H

#include <kernel/types.h>

typedef u16 __le16;
typedef u32 __le32;

#define EXT2_SUPER_MAGIC 0xEF53
#define EXT2_SUPERBLOCK_OFFSET 1024
#define EXT2_GOOD_OLD_REV 0
#define EXT2_DYNAMIC_REV 1
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_GOOD_OLD_FIRST_INO 11
#define EXT2_MIN_BLOCK_LOG_SIZE 10 /* s_log_block_size counts from 1 KiB */
#define EXT2_NAME_LEN 255
#define EXT2_LINK_MAX 32000

/* Reserved inode numbers */
#define EXT2_BAD_INO 1
#define EXT2_ROOT_INO 2
#define EXT2_RESIZE_INO 7

/* i_block[]: 12 direct pointers, then single, double, triple indirect. */
#define EXT2_NDIR_BLOCKS 12
#define EXT2_IND_BLOCK 12
#define EXT2_DIND_BLOCK 13
#define EXT2_TIND_BLOCK 14
#define EXT2_N_BLOCKS 15

/* s_state */
#define EXT2_VALID_FS 0x0001 /* cleanly unmounted */
#define EXT2_ERROR_FS 0x0002 /* errors detected */

/* s_errors: what to do on an error (we never panic: 3 acts as 2) */
#define EXT2_ERRORS_CONTINUE 1
#define EXT2_ERRORS_RO 2
#define EXT2_ERRORS_PANIC 3

/* Features.  COMPAT: anything may be ignored.  RO_COMPAT: unknown ones
 * allow a read-only mount.  INCOMPAT: unknown ones refuse the mount. */
#define EXT2_FEATURE_COMPAT_DIR_PREALLOC 0x0001
#define EXT2_FEATURE_COMPAT_IMAGIC_INODES 0x0002
#define EXT3_FEATURE_COMPAT_HAS_JOURNAL 0x0004
#define EXT2_FEATURE_COMPAT_EXT_ATTR 0x0008
#define EXT2_FEATURE_COMPAT_RESIZE_INODE 0x0010
#define EXT2_FEATURE_COMPAT_DIR_INDEX 0x0020

#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE 0x0002
#define EXT2_FEATURE_RO_COMPAT_BTREE_DIR 0x0004

#define EXT2_FEATURE_INCOMPAT_COMPRESSION 0x0001
#define EXT2_FEATURE_INCOMPAT_FILETYPE 0x0002
#define EXT3_FEATURE_INCOMPAT_RECOVER 0x0004
#define EXT3_FEATURE_INCOMPAT_JOURNAL_DEV 0x0008
#define EXT2_FEATURE_INCOMPAT_META_BG 0x0010

/* What this implementation understands (meta_bg is not supported). */
#define EXT2_FEATURE_RO_COMPAT_SUPP                                                \
	(EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | EXT2_FEATURE_RO_COMPAT_LARGE_FILE | \
	 EXT2_FEATURE_RO_COMPAT_BTREE_DIR)
#define EXT2_FEATURE_INCOMPAT_SUPP EXT2_FEATURE_INCOMPAT_FILETYPE

struct ext2_super_block {
	__le32 s_inodes_count; /* 0 */
	__le32 s_blocks_count;
	__le32 s_r_blocks_count; /* reserved for root */
	__le32 s_free_blocks_count;
	__le32 s_free_inodes_count; /* 16 */
	__le32 s_first_data_block; /* 0 with blocks larger than 1 KiB */
	__le32 s_log_block_size; /* block size = 1024 << this */
	__le32 s_log_frag_size;
	__le32 s_blocks_per_group; /* 32 */
	__le32 s_frags_per_group;
	__le32 s_inodes_per_group;
	__le32 s_mtime; /* last mount */
	__le32 s_wtime; /* 48: last write */
	__le16 s_mnt_count;
	__le16 s_max_mnt_count;
	__le16 s_magic; /* 56 */
	__le16 s_state;
	__le16 s_errors;
	__le16 s_minor_rev_level;
	__le32 s_lastcheck; /* 64 */
	__le32 s_checkinterval;
	__le32 s_creator_os;
	__le32 s_rev_level;
	__le16 s_def_resuid; /* 80 */
	__le16 s_def_resgid;
	/* EXT2_DYNAMIC_REV only */
	__le32 s_first_ino; /* 84: first non-reserved inode */
	__le16 s_inode_size;
	__le16 s_block_group_nr;
	__le32 s_feature_compat; /* 92 */
	__le32 s_feature_incompat;
	__le32 s_feature_ro_compat;
	u8 s_uuid[16]; /* 104 */
	char s_volume_name[16]; /* 120 */
	char s_last_mounted[64]; /* 136 */
	__le32 s_algorithm_usage_bitmap; /* 200 */
	u8 s_prealloc_blocks;
	u8 s_prealloc_dir_blocks;
	__le16 s_reserved_gdt_blocks; /* 206: for online resize (RESIZE_INODE) */
	u8 s_journal_uuid[16]; /* 208 */
	__le32 s_journal_inum; /* 224 */
	__le32 s_journal_dev;
	__le32 s_last_orphan;
	__le32 s_hash_seed[4]; /* 236 */
	u8 s_def_hash_version; /* 252 */
	u8 s_jnl_backup_type;
	__le16 s_desc_size;
	__le32 s_default_mount_opts; /* 256 */
	__le32 s_first_meta_bg;
	__le32 s_mkfs_time;
	__le32 s_jnl_blocks[17];
	__le32 s_reserved[172]; /* 336: up to 1024 bytes */
};

struct ext2_group_desc {
	__le32 bg_block_bitmap;
	__le32 bg_inode_bitmap;
	__le32 bg_inode_table; /* first block of it */
	__le16 bg_free_blocks_count;
	__le16 bg_free_inodes_count;
	__le16 bg_used_dirs_count;
	__le16 bg_flags; /* ext4's; 0 on ext2 */
	__le32 bg_reserved[3];
};

struct ext2_inode {
	__le16 i_mode; /* 0 */
	__le16 i_uid; /* low 16 bits */
	__le32 i_size; /* low 32 bits */
	__le32 i_atime; /* 8 */
	__le32 i_ctime;
	__le32 i_mtime; /* 16 */
	__le32 i_dtime; /* deletion time; non-zero only for a freed inode */
	__le16 i_gid; /* 24 */
	__le16 i_links_count;
	__le32 i_blocks; /* 28: 512-byte sectors, indirect blocks included */
	__le32 i_flags; /* 32 */
	__le32 i_osd1;
	__le32 i_block[EXT2_N_BLOCKS]; /* 40: block pointers, or a fast symlink */
	__le32 i_generation; /* 100 */
	__le32 i_file_acl; /* extended attribute block */
	__le32 i_size_high; /* 108: regular files (LARGE_FILE); i_dir_acl of old */
	__le32 i_faddr;
	/* osd2 (Linux): */
	u8 l_i_frag; /* 116 */
	u8 l_i_fsize;
	__le16 i_pad1;
	__le16 l_i_uid_high; /* 120 */
	__le16 l_i_gid_high;
	__le32 l_i_reserved2; /* 124 */
	/* Inodes larger than 128 bytes: */
	__le16 i_extra_isize; /* 128: bytes used beyond 128 */
	__le16 i_checksum_hi;
	__le32 i_ctime_extra; /* 132: nanoseconds << 2 | epoch bits */
	__le32 i_mtime_extra;
	__le32 i_atime_extra; /* 140 */
	__le32 i_crtime; /* creation time */
	__le32 i_crtime_extra;
	__le32 i_version_hi;
	__le32 i_projid; /* 156 */
};
/* i_extra_isize of a new inode: every field above (as Linux's ext4 sets). */
#define EXT2_NEW_EXTRA_ISIZE (sizeof(struct ext2_inode) - EXT2_GOOD_OLD_INODE_SIZE)

/* i_flags the code looks at */
#define EXT2_INDEX_FL 0x00001000 /* hashed directory (an htree we only read linearly) */
#define EXT4_EXTENTS_FL 0x00080000 /* ext4 extents: not ours */
#define EXT4_INLINE_DATA_FL 0x10000000

/* Directory entry (linked list inside each directory block). */
struct ext2_dir_entry_2 {
	__le32 inode; /* 0: an unused entry */
	__le16 rec_len; /* to the next entry; multiple of 4 */
	u8 name_len;
	u8 file_type; /* with FILETYPE; else the high byte of name_len */
	char name[];
};
#define EXT2_DIR_PAD 4
#define EXT2_DIR_REC_LEN(name_len) (((name_len) + 8 + 3) & ~3U)

/* file_type */
enum {
	EXT2_FT_UNKNOWN,
	EXT2_FT_REG_FILE,
	EXT2_FT_DIR,
	EXT2_FT_CHRDEV,
	EXT2_FT_BLKDEV,
	EXT2_FT_FIFO,
	EXT2_FT_SOCK,
	EXT2_FT_SYMLINK,
	EXT2_FT_MAX
};

/* Extended attribute block header (only its reference count is used:
 * freeing an inode drops its reference to a shared attribute block). */
#define EXT2_XATTR_MAGIC 0xEA020000
struct ext2_xattr_header {
	__le32 h_magic;
	__le32 h_refcount;
	__le32 h_blocks;
	__le32 h_hash;
	__le32 h_reserved[4];
};

_Static_assert(sizeof(struct ext2_super_block) == 1024, "superblock size");
_Static_assert(offsetof(struct ext2_super_block, s_magic) == 56, "s_magic");
_Static_assert(offsetof(struct ext2_super_block, s_first_ino) == 84, "s_first_ino");
_Static_assert(offsetof(struct ext2_super_block, s_uuid) == 104, "s_uuid");
_Static_assert(offsetof(struct ext2_super_block, s_reserved_gdt_blocks) == 206, "s_rsv_gdt");
_Static_assert(offsetof(struct ext2_super_block, s_desc_size) == 254, "s_desc_size");
_Static_assert(sizeof(struct ext2_group_desc) == 32, "group descriptor size");
_Static_assert(offsetof(struct ext2_inode, i_block) == 40, "i_block");
_Static_assert(offsetof(struct ext2_inode, i_size_high) == 108, "i_size_high");
_Static_assert(offsetof(struct ext2_inode, l_i_uid_high) == 120, "uid_high");
_Static_assert(offsetof(struct ext2_inode, i_extra_isize) == 128, "extra_isize");
_Static_assert(sizeof(struct ext2_inode) == 160, "inode struct size");
_Static_assert(sizeof(struct ext2_dir_entry_2) == 8, "dir entry head");
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "ext2 code assumes little endian");

#endif
