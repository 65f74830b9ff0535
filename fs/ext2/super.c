/*
 * super.c - mounting and unmounting ext2, statfs, sync, and the "ext2"
 * file system type.
 *
 * mount(dev_name): the block device is a device node or a disk's name
 * ("/dev/vda" or "vda", lookup_bdev); a disk is mounted at most once
 * (-EBUSY).  The
 * superblock and every group descriptor are checked before anything else
 * is read, and a bad one fails the mount with a message and an error, never
 * a panic:
 *   - bad magic, revision, geometry (counts, sizes, group layout), a
 *     descriptor whose bitmaps or inode table lie outside its group, a
 *     volume larger than the device, a bad root inode:    -EINVAL
 *   - a block size other than 4096:                       -EINVAL
 *   - an unknown INCOMPAT feature:                        -EINVAL
 *   - an unknown RO_COMPAT feature, a read-only device:   mounted read-only
 * A read-write mount marks the volume "not clean" on disk (s_state without
 * EXT2_VALID_FS) until unmount writes everything back and restores it.
 *
 * Free block and inode counts in the superblock are recomputed from the
 * group descriptors at mount and kept exact under s_alloc_lock afterwards.
 *
 * Locks: ext2_mount_lock (spinlock) guards the list of mounted volumes.
 * Unmount runs after the VFS evicted every inode (their data and inode
 * slots are in the page and buffer caches), then writes all buffers.
 */
#include "ext2.h"
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/slab.h>

static DEFINE_SPINLOCK(ext2_mount_lock);
static LIST_HEAD(ext2_volumes);

void ext2_error(struct super_block *sb, const char *func, const char *fmt, ...)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk(KERN_ERR "EXT2-fs error (device %s): %s: %s\n", sb->s_id, func, msg);
	if (sbi)
		sbi->s_error = true;
}

u32 ext2_group_first_block(struct super_block *sb, u32 group)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	return sbi->s_first_data_block + group * sbi->s_blocks_per_group;
}

u32 ext2_group_nblocks(struct super_block *sb, u32 group)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 first = ext2_group_first_block(sb, group);

	return MIN(sbi->s_blocks_per_group, sbi->s_blocks_count - first);
}

static bool is_power_of(u32 n, u32 base)
{
	while (n > 1 && n % base == 0)
		n /= base;
	return n == 1;
}

bool ext2_group_has_super(struct super_block *sb, u32 group)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	if (!(sbi->s_es->s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER))
		return true;
	return group <= 1 || is_power_of(group, 3) || is_power_of(group, 5) ||
	       is_power_of(group, 7);
}

/* Blocks at the start of group taken by a superblock and descriptor copy. */
static u32 group_super_blocks(struct super_block *sb, u32 group)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	if (!ext2_group_has_super(sb, group))
		return 0;
	return 1 + sbi->s_gdb_count + sbi->s_es->s_reserved_gdt_blocks;
}

struct ext2_group_desc *ext2_get_group_desc(struct super_block *sb, u32 group, struct ext2_buf **bh)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_buf *b;

	if (group >= sbi->s_groups_count)
		return NULL;
	b = sbi->s_group_desc[group / sbi->s_desc_per_block];
	if (bh)
		*bh = b;
	return (struct ext2_group_desc *)b->b_data + group % sbi->s_desc_per_block;
}

static u32 now_seconds(void) { return (u32)current_time().tv_sec; }

void ext2_update_super(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	sbi->s_es->s_wtime = now_seconds();
	ext2_bdirty(sbi->s_sbh);
}

/* ---- checks ---- */

static int check_super(struct super_block *sb, struct ext2_super_block *es, u64 dev_blocks)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	const char *why = NULL;
	u32 ipg, bpg;

	if (es->s_magic != EXT2_SUPER_MAGIC) {
		printk(KERN_ERR "EXT2-fs (%s): no ext2 file system (magic %#x)\n", sb->s_id,
		       es->s_magic);
		return -EINVAL;
	}
	if (es->s_rev_level > EXT2_DYNAMIC_REV) {
		printk(KERN_ERR "EXT2-fs (%s): revision %u not supported\n", sb->s_id,
		       es->s_rev_level);
		return -EINVAL;
	}
	if (es->s_log_block_size != EXT2_BLOCK_BITS - EXT2_MIN_BLOCK_LOG_SIZE) {
		printk(KERN_ERR "EXT2-fs (%s): block size %s%u not supported (only 4096)\n",
		       sb->s_id, es->s_log_block_size > 6 ? "log " : "",
		       es->s_log_block_size > 6 ? es->s_log_block_size :
						  1024U << es->s_log_block_size);
		return -EINVAL;
	}
	if (es->s_rev_level == EXT2_GOOD_OLD_REV) {
		sbi->s_inode_size = EXT2_GOOD_OLD_INODE_SIZE;
		sbi->s_first_ino = EXT2_GOOD_OLD_FIRST_INO;
	} else {
		sbi->s_inode_size = es->s_inode_size;
		sbi->s_first_ino = es->s_first_ino;
	}
	ipg = es->s_inodes_per_group;
	bpg = es->s_blocks_per_group;
	sbi->s_blocks_count = es->s_blocks_count;
	sbi->s_inodes_count = es->s_inodes_count;
	sbi->s_first_data_block = es->s_first_data_block;
	sbi->s_blocks_per_group = bpg;
	sbi->s_inodes_per_group = ipg;
	if (sbi->s_inode_size < EXT2_GOOD_OLD_INODE_SIZE || sbi->s_inode_size > EXT2_BLOCK_SIZE ||
	    (sbi->s_inode_size & (sbi->s_inode_size - 1)))
		why = "inode size";
	else if (sbi->s_first_data_block != 0)
		why = "first data block";
	else if (bpg == 0 || bpg > 8 * EXT2_BLOCK_SIZE)
		why = "blocks per group";
	else if (ipg == 0 || ipg > 8 * EXT2_BLOCK_SIZE ||
		 ipg % (EXT2_BLOCK_SIZE / sbi->s_inode_size))
		why = "inodes per group";
	else if (sbi->s_blocks_count <= sbi->s_first_data_block + 1)
		why = "blocks count";
	else if ((u64)sbi->s_blocks_count > dev_blocks)
		why = "blocks count larger than the device";
	if (why)
		goto bad;
	sbi->s_inodes_per_block = EXT2_BLOCK_SIZE / sbi->s_inode_size;
	sbi->s_itb_per_group = ipg / sbi->s_inodes_per_block;
	sbi->s_desc_per_block = EXT2_BLOCK_SIZE / sizeof(struct ext2_group_desc);
	sbi->s_groups_count = DIV_ROUND_UP(sbi->s_blocks_count - sbi->s_first_data_block, bpg);
	sbi->s_gdb_count = DIV_ROUND_UP(sbi->s_groups_count, sbi->s_desc_per_block);
	if ((u64)sbi->s_groups_count * ipg != sbi->s_inodes_count)
		why = "inodes count";
	else if (sbi->s_first_ino < EXT2_GOOD_OLD_FIRST_INO ||
		 sbi->s_first_ino > sbi->s_inodes_count)
		why = "first inode";
	else if ((u64)sbi->s_first_data_block + 1 + sbi->s_gdb_count + es->s_reserved_gdt_blocks >=
		 sbi->s_blocks_count)
		why = "descriptor blocks";
	else if (es->s_reserved_gdt_blocks > EXT2_ADDR_PER_BLOCK)
		why = "reserved descriptor blocks";
	if (!why)
		return 0;
bad:
	printk(KERN_ERR "EXT2-fs (%s): corrupt superblock: bad %s\n", sb->s_id, why);
	return -EINVAL;
}

static int check_descriptors(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u64 free_blocks = 0, free_inodes = 0;

	sbi->s_overhead = sbi->s_first_data_block;
	for (u32 g = 0; g < sbi->s_groups_count; g++) {
		struct ext2_group_desc *gd = ext2_get_group_desc(sb, g, NULL);
		u32 first = ext2_group_first_block(sb, g), n = ext2_group_nblocks(sb, g);
		u32 meta = first + group_super_blocks(sb, g), end = first + n;
		u32 it = gd->bg_inode_table;
		const char *why = NULL;

		if (gd->bg_block_bitmap < meta || gd->bg_block_bitmap >= end)
			why = "block bitmap";
		else if (gd->bg_inode_bitmap < meta || gd->bg_inode_bitmap >= end ||
			 gd->bg_inode_bitmap == gd->bg_block_bitmap)
			why = "inode bitmap";
		else if (it < meta || it >= end || sbi->s_itb_per_group > end - it ||
			 (gd->bg_block_bitmap >= it &&
			  gd->bg_block_bitmap < it + sbi->s_itb_per_group) ||
			 (gd->bg_inode_bitmap >= it &&
			  gd->bg_inode_bitmap < it + sbi->s_itb_per_group))
			why = "inode table";
		else if (gd->bg_free_blocks_count > n ||
			 gd->bg_free_inodes_count > sbi->s_inodes_per_group ||
			 gd->bg_used_dirs_count > sbi->s_inodes_per_group)
			why = "counts";
		if (why) {
			printk(KERN_ERR "EXT2-fs (%s): corrupt group descriptor %u: bad %s\n",
			       sb->s_id, g, why);
			return -EINVAL;
		}
		free_blocks += gd->bg_free_blocks_count;
		free_inodes += gd->bg_free_inodes_count;
		sbi->s_overhead += group_super_blocks(sb, g) + 2 + sbi->s_itb_per_group;
	}
	/* The descriptors are the truth; the superblock's sums follow them. */
	sbi->s_es->s_free_blocks_count = (u32)free_blocks;
	sbi->s_es->s_free_inodes_count = (u32)free_inodes;
	return 0;
}

static int check_features(struct super_block *sb, struct ext2_super_block *es)
{
	u32 incompat, ro_compat;

	if (es->s_rev_level == EXT2_GOOD_OLD_REV)
		return 0;
	incompat = es->s_feature_incompat & ~EXT2_FEATURE_INCOMPAT_SUPP;
	if (incompat) {
		printk(KERN_ERR
		       "EXT2-fs (%s): unsupported incompatible features %#x: cannot mount\n",
		       sb->s_id, incompat);
		return -EINVAL;
	}
	ro_compat = es->s_feature_ro_compat & ~EXT2_FEATURE_RO_COMPAT_SUPP;
	if (ro_compat && !(sb->s_flags & SB_RDONLY)) {
		printk(KERN_WARNING "EXT2-fs (%s): unsupported read-only features %#x: "
				    "mounting read-only\n",
		       sb->s_id, ro_compat);
		sb->s_flags |= SB_RDONLY;
	}
	return 0;
}

/* ---- mount and unmount ---- */

static void release_sbi(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	if (!sbi)
		return;
	if (sbi->s_group_desc) {
		for (u32 i = 0; i < sbi->s_gdb_count; i++)
			ext2_brelse(sbi->s_group_desc[i]);
		kfree(sbi->s_group_desc);
	}
	ext2_brelse(sbi->s_sbh);
	ext2_buffers_destroy(sb);
	spin_lock(&ext2_mount_lock);
	list_del(&sbi->s_list);
	spin_unlock(&ext2_mount_lock);
	kfree(sbi);
	sb->s_fs_info = NULL;
}

static void ext2_put_super(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	if (!sbi)
		return;
	if (!(sb->s_flags & SB_RDONLY)) {
		sbi->s_es->s_state = sbi->s_mount_state | (sbi->s_error ? EXT2_ERROR_FS : 0);
		ext2_update_super(sb);
		ext2_sync_buffers(sb);
		blkdev_issue_flush(sbi->s_bdev);
	}
	release_sbi(sb);
}

static int ext2_sync_fs(struct super_block *sb, int wait)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	int err;

	if (!sbi || !READ_ONCE(sbi->s_ready) || (sb->s_flags & SB_RDONLY))
		return 0;
	ext2_update_super(sb);
	err = ext2_sync_buffers(sb);
	if (!err && wait)
		err = blkdev_issue_flush(sbi->s_bdev);
	return err;
}

static int ext2_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	struct super_block *sb = dentry->d_sb;
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_super_block *es = sbi->s_es;

	mutex_lock(&sbi->s_alloc_lock);
	buf->f_type = EXT2_SUPER_MAGIC;
	buf->f_bsize = buf->f_frsize = EXT2_BLOCK_SIZE;
	buf->f_blocks = sbi->s_blocks_count - sbi->s_overhead;
	buf->f_bfree = es->s_free_blocks_count;
	buf->f_bavail =
		buf->f_bfree > es->s_r_blocks_count ? buf->f_bfree - es->s_r_blocks_count : 0;
	buf->f_files = sbi->s_inodes_count;
	buf->f_ffree = es->s_free_inodes_count;
	buf->f_namelen = EXT2_NAME_LEN;
	mutex_unlock(&sbi->s_alloc_lock);
	return 0;
}

static const struct super_operations ext2_sops = {
	.alloc_inode = ext2_alloc_inode,
	.destroy_inode = ext2_destroy_inode,
	.evict_inode = ext2_evict_inode,
	.write_inode = ext2_write_inode,
	.put_super = ext2_put_super,
	.sync_fs = ext2_sync_fs,
	.statfs = ext2_statfs,
};

/* Claims bdev for a new volume; false if it is mounted already. */
static bool claim_device(struct ext2_sb_info *sbi, struct block_device *bdev)
{
	struct ext2_sb_info *s;

	spin_lock(&ext2_mount_lock);
	list_for_each_entry(s, &ext2_volumes, s_list) {
		if (s->s_bdev == bdev) {
			spin_unlock(&ext2_mount_lock);
			return false;
		}
	}
	sbi->s_bdev = bdev;
	list_add(&sbi->s_list, &ext2_volumes);
	spin_unlock(&ext2_mount_lock);
	return true;
}

static int read_descriptors(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	sbi->s_group_desc = kzalloc(sbi->s_gdb_count * sizeof(*sbi->s_group_desc), 0);
	if (!sbi->s_group_desc)
		return -ENOMEM;
	for (u32 i = 0; i < sbi->s_gdb_count; i++) {
		struct ext2_buf *b = ext2_bread(sb, sbi->s_first_data_block + 1 + i);
		if (IS_ERR(b)) {
			while (i--)
				ext2_brelse(sbi->s_group_desc[i]);
			kfree(sbi->s_group_desc);
			sbi->s_group_desc = NULL;
			return PTR_ERR(b);
		}
		sbi->s_group_desc[i] = b;
	}
	return check_descriptors(sb);
}

static int ext2_fill_super(struct super_block *sb, struct block_device *bdev)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u64 dev_blocks = bdev->bd_nr_sectors / EXT2_SECTORS_PER_BLOCK;
	struct ext2_super_block *es;
	struct inode *root;
	int err;

	if (dev_blocks < 2) {
		printk(KERN_ERR "EXT2-fs (%s): device too small\n", sb->s_id);
		return -EINVAL;
	}
	sbi->s_sbh = ext2_bread(sb, 0);
	if (IS_ERR(sbi->s_sbh)) {
		err = PTR_ERR(sbi->s_sbh);
		sbi->s_sbh = NULL;
		return err;
	}
	es = sbi->s_es =
		(struct ext2_super_block *)((char *)sbi->s_sbh->b_data + EXT2_SUPERBLOCK_OFFSET);
	err = check_super(sb, es, dev_blocks);
	if (!err)
		err = check_features(sb, es);
	if (!err)
		err = read_descriptors(sb);
	if (err)
		return err;
	sbi->s_filetype = es->s_rev_level != EXT2_GOOD_OLD_REV &&
			  (es->s_feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE);
	sbi->s_mount_state = es->s_state;
	sbi->s_next_generation = now_seconds();
	if (!(es->s_state & EXT2_VALID_FS) || (es->s_state & EXT2_ERROR_FS))
		printk(KERN_WARNING "EXT2-fs (%s): mounting a volume that was not cleanly "
				    "unmounted or has errors: run e2fsck\n",
		       sb->s_id);
	/* Revision 0 has no LARGE_FILE feature to set: files stay below 2 GiB. */
	sb->s_maxbytes = es->s_rev_level == EXT2_GOOD_OLD_REV ? 0x7fffffff : ext2_max_size();
	sb->s_magic = EXT2_SUPER_MAGIC;

	root = ext2_iget(sb, EXT2_ROOT_INO);
	if (IS_ERR(root)) {
		printk(KERN_ERR "EXT2-fs (%s): cannot read the root inode: %ld\n", sb->s_id,
		       PTR_ERR(root));
		return -EINVAL;
	}
	if (!S_ISDIR(root->i_mode) || !root->i_size || !root->i_blocks) {
		printk(KERN_ERR "EXT2-fs (%s): corrupt root inode\n", sb->s_id);
		iput(root);
		return -EINVAL;
	}
	sb->s_root = d_make_root(root);
	if (!sb->s_root)
		return -ENOMEM;
	if (!(sb->s_flags & SB_RDONLY)) {
		es->s_state &= (u16)~EXT2_VALID_FS;
		es->s_mnt_count++;
		es->s_mtime = now_seconds();
		ext2_update_super(sb);
		err = ext2_bwrite(sbi->s_sbh);
		if (err)
			return err;
	}
	WRITE_ONCE(sbi->s_ready, true);
	return 0;
}

static struct dentry *ext2_mount(struct file_system_type *type, int flags, const char *dev_name,
				 void *data)
{
	struct block_device *bdev = lookup_bdev(dev_name);
	struct ext2_sb_info *sbi;
	struct super_block *sb;
	int err;

	if (IS_ERR(bdev))
		return ERR_PTR(PTR_ERR(bdev));
	sbi = kzalloc(sizeof(*sbi), 0);
	if (!sbi)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&sbi->s_list);
	mutex_init(&sbi->s_alloc_lock);
	if (!claim_device(sbi, bdev)) {
		kfree(sbi);
		return ERR_PTR(-EBUSY);
	}
	sb = sget_anon(type, &ext2_sops);
	if (!sb) {
		spin_lock(&ext2_mount_lock);
		list_del(&sbi->s_list);
		spin_unlock(&ext2_mount_lock);
		kfree(sbi);
		return ERR_PTR(-ENOMEM);
	}
	sb->s_fs_info = sbi;
	sb->s_flags = (unsigned long)flags;
	if (bdev->bd_read_only && !(sb->s_flags & SB_RDONLY)) {
		printk(KERN_NOTICE "EXT2-fs (%s): read-only device: mounting read-only\n",
		       bdev->bd_name);
		sb->s_flags |= SB_RDONLY;
	}
	snprintf(sb->s_id, sizeof(sb->s_id), "%s", bdev->bd_name);
	ext2_buffers_init(sb);
	err = ext2_fill_super(sb, bdev);
	if (err) {
		/* Write nothing; the VFS drops what was set up and put_super
		 * releases sbi. */
		sb->s_flags |= SB_RDONLY;
		generic_shutdown_super(sb);
		return ERR_PTR(err);
	}
	return dget(sb->s_root);
}

static struct file_system_type ext2_fs_type = {
	.name = "ext2",
	/* Not FS_REQUIRES_DEV: fs/namespace.c still refuses those (-ENODEV);
	 * ->mount resolves dev_name to a block device itself. */
	.fs_flags = FS_HAS_DEV,
	.mount = ext2_mount,
	.kill_sb = generic_shutdown_super,
};

int init_ext2_fs(void) { return register_filesystem(&ext2_fs_type); }
fs_initcall(init_ext2_fs);
