/*
 * inode.c - ext2 inodes in memory and on disk: reading one (ext2_iget),
 * writing it back to its slot in the inode table, eviction (which deletes
 * an inode whose last link and last reference are gone), and setattr
 * (mode, owner, times, size).
 *
 * An in-memory inode is a struct ext2_inode_info around the VFS inode: the
 * 15 block pointers and the on-disk fields the VFS has no place for.  The
 * in-memory copy is the master while the inode is cached; every change is
 * copied to the inode table's buffer (ext2_write_inode), which the buffer
 * cache writes back at sync, fsync and unmount.
 *
 * Checks on read (each fails ext2_iget with -EIO and a report): a reserved
 * or out-of-range number, a deleted inode (no links and a deletion time or
 * no mode), an unknown file type, ext4-only flags (extents, inline data),
 * a directory size that is not whole blocks, an impossible symlink size,
 * an attribute block outside the volume.
 *
 * Locks: setattr runs under the VFS's i_rwsem; truncation takes the
 * mapping's pagecache_add_lock (BLOCK in truncate_setsize, then ADD to read
 * the partial last page) with no page locked, as DESIGN.md section 4 says;
 * ext2_write_inode takes the inode's i_meta_lock to copy a consistent block
 * map; eviction runs when nobody else can reach the inode.
 */
#include "ext2.h"
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/slab.h>

struct inode *ext2_alloc_inode(struct super_block *sb)
{
	struct ext2_inode_info *ei = kzalloc(sizeof(*ei), 0);

	if (!ei)
		return NULL;
	mutex_init(&ei->i_meta_lock);
	return &ei->vfs_inode;
}

void ext2_destroy_inode(struct inode *inode) { kfree(EXT2_I(inode)); }

void ext2_touch(struct inode *inode) { inode->i_mtime = inode->i_ctime = current_time(); }

bool ext2_inode_is_fast_symlink(struct inode *inode)
{
	u64 ea = EXT2_I(inode)->i_file_acl ? EXT2_SECTORS_PER_BLOCK : 0;

	return S_ISLNK(inode->i_mode) && inode->i_blocks == ea;
}

/* Regular files, directories and slow symlinks own blocks through i_data. */
static bool has_block_map(struct inode *inode)
{
	return S_ISREG(inode->i_mode) || S_ISDIR(inode->i_mode) ||
	       (S_ISLNK(inode->i_mode) && !ext2_inode_is_fast_symlink(inode));
}

/* The buffer holding inode ino's slot and the slot itself. */
static struct ext2_inode *get_raw_inode(struct super_block *sb, unsigned long ino,
					struct ext2_buf **bp)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 g = (u32)((ino - 1) / sbi->s_inodes_per_group);
	u32 index = (u32)((ino - 1) % sbi->s_inodes_per_group);
	struct ext2_group_desc *gd = ext2_get_group_desc(sb, g, NULL);
	struct ext2_buf *b;

	if (!gd)
		return ERR_PTR(-EIO);
	b = ext2_bread(sb, gd->bg_inode_table + index / sbi->s_inodes_per_block);
	if (IS_ERR(b))
		return (void *)b;
	*bp = b;
	return (struct ext2_inode *)((char *)b->b_data +
				     (index % sbi->s_inodes_per_block) * sbi->s_inode_size);
}

/* Does the slot hold the nanoseconds field ending at end? */
static bool has_extra(struct super_block *sb, const struct ext2_inode *raw, size_t end)
{
	return EXT2_SB(sb)->s_inode_size > EXT2_GOOD_OLD_INODE_SIZE &&
	       (size_t)EXT2_GOOD_OLD_INODE_SIZE + raw->i_extra_isize >= end;
}

static struct timespec64 get_time(struct super_block *sb, const struct ext2_inode *raw, u32 sec,
				  const __le32 *extra)
{
	struct timespec64 t = { (s32)sec, 0 };
	size_t end = (size_t)((const char *)extra - (const char *)raw) + 4;

	if (has_extra(sb, raw, end))
		t.tv_nsec = (long)(*extra >> 2) % 1000000000L;
	return t;
}

static void put_time(struct super_block *sb, struct ext2_inode *raw, __le32 *sec, __le32 *extra,
		     struct timespec64 t)
{
	size_t end = (size_t)((char *)extra - (char *)raw) + 4;

	*sec = (u32)t.tv_sec;
	if (has_extra(sb, raw, end))
		*extra = (u32)t.tv_nsec << 2; /* epoch bits 0: 1901-2038 */
}

static dev_t decode_rdev(const __le32 *data)
{
	if (data[0])
		return MKDEV((data[0] >> 8) & 0xff, data[0] & 0xff);
	return MKDEV((data[1] & 0xfff00) >> 8, (data[1] & 0xff) | ((data[1] >> 12) & 0xfff00));
}

/* Checks a freshly read inode; returns what is wrong or NULL. */
static const char *check_inode(struct inode *inode)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	umode_t m = inode->i_mode;

	if (!inode->i_nlink && (!m || ei->i_dtime))
		return "deleted inode referenced";
	if (!S_ISREG(m) && !S_ISDIR(m) && !S_ISLNK(m) && !S_ISCHR(m) && !S_ISBLK(m) &&
	    !S_ISFIFO(m) && !S_ISSOCK(m))
		return "unknown file type";
	if (ei->i_flags & (EXT4_EXTENTS_FL | EXT4_INLINE_DATA_FL))
		return "ext4 extents or inline data";
	if (ei->i_file_acl && !ext2_valid_block(inode->i_sb, ei->i_file_acl))
		return "attribute block out of range";
	if (S_ISDIR(m) && (inode->i_size % EXT2_BLOCK_SIZE || !inode->i_size))
		return "directory size";
	if (S_ISREG(m) && inode->i_size > inode->i_sb->s_maxbytes)
		return "file size";
	if (S_ISLNK(m) &&
	    (inode->i_size >= EXT2_BLOCK_SIZE || !inode->i_size ||
	     (ext2_inode_is_fast_symlink(inode) && inode->i_size >= (loff_t)sizeof(ei->i_data))))
		return "symlink size";
	return NULL;
}

struct inode *ext2_iget(struct super_block *sb, unsigned long ino)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_inode_info *ei;
	struct ext2_inode *raw;
	struct ext2_buf *b = NULL;
	struct inode *inode;
	const char *why;
	int err = -EIO;

	if ((ino != EXT2_ROOT_INO && ino < sbi->s_first_ino) || ino > sbi->s_inodes_count) {
		ext2_error(sb, __func__, "bad inode number %lu", ino);
		return ERR_PTR(-EIO);
	}
	inode = iget_locked(sb, ino);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	if (!(inode->i_state & I_NEW))
		return inode;
	ei = EXT2_I(inode);
	raw = get_raw_inode(sb, ino, &b);
	if (IS_ERR(raw)) {
		err = PTR_ERR(raw);
		goto bad;
	}
	inode->i_mode = raw->i_mode;
	inode->i_uid = raw->i_uid | ((u32)raw->l_i_uid_high << 16);
	inode->i_gid = raw->i_gid | ((u32)raw->l_i_gid_high << 16);
	set_nlink(inode, raw->i_links_count);
	inode->i_size = raw->i_size;
	if (S_ISREG(inode->i_mode))
		inode->i_size |= (loff_t)raw->i_size_high << 32;
	inode->i_atime = get_time(sb, raw, raw->i_atime, &raw->i_atime_extra);
	inode->i_mtime = get_time(sb, raw, raw->i_mtime, &raw->i_mtime_extra);
	inode->i_ctime = get_time(sb, raw, raw->i_ctime, &raw->i_ctime_extra);
	inode->i_blocks = raw->i_blocks;
	inode->i_generation = raw->i_generation;
	ei->i_dtime = raw->i_dtime;
	ei->i_flags = raw->i_flags;
	ei->i_file_acl = raw->i_file_acl;
	ei->i_faddr = raw->i_faddr;
	ei->i_block_group = (u32)((ino - 1) / sbi->s_inodes_per_group);
	memcpy(ei->i_data, raw->i_block, sizeof(ei->i_data));
	ext2_brelse(b);
	why = check_inode(inode);
	if (why) {
		ext2_error(sb, __func__, "inode %lu: %s", ino, why);
		goto bad;
	}
	if (ext2_inode_is_fast_symlink(inode)) {
		char *body = kmalloc((size_t)inode->i_size + 1, 0);
		if (!body) {
			err = -ENOMEM;
			goto bad;
		}
		memcpy(body, ei->i_data, (size_t)inode->i_size);
		body[inode->i_size] = 0;
		inode->i_link = body; /* the VFS frees it with the inode */
	}
	if (S_ISCHR(inode->i_mode) || S_ISBLK(inode->i_mode))
		inode->i_rdev = decode_rdev(ei->i_data);
	ext2_set_inode_ops(inode);
	ei->i_loaded = true;
	unlock_new_inode(inode);
	return inode;
bad:
	iget_failed(inode);
	return ERR_PTR(err);
}

void ext2_set_inode_ops(struct inode *inode)
{
	umode_t mode = inode->i_mode;

	if (S_ISREG(mode)) {
		inode->i_op = &ext2_file_inode_operations;
		inode->i_fop = &ext2_file_operations;
		inode->i_mapping->a_ops = &ext2_aops;
	} else if (S_ISDIR(mode)) {
		inode->i_op = &ext2_dir_inode_operations;
		inode->i_fop = &ext2_dir_operations;
	} else if (S_ISLNK(mode)) {
		inode->i_op = &ext2_symlink_inode_operations;
	} else {
		inode->i_op = &ext2_special_inode_operations;
		init_special_inode(inode, mode, inode->i_rdev);
	}
}

int ext2_write_inode(struct inode *inode, int wait)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	struct super_block *sb = inode->i_sb;
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_inode *raw;
	struct ext2_buf *b = NULL;
	loff_t size = i_size_read(inode);
	int err = 0;

	if (!ei->i_loaded || (sb->s_flags & SB_RDONLY))
		return 0;
	raw = get_raw_inode(sb, inode->i_ino, &b);
	if (IS_ERR(raw))
		return PTR_ERR(raw);
	mutex_lock(&ei->i_meta_lock);
	if (ei->i_new) {
		memset(raw, 0, sbi->s_inode_size);
		if (sbi->s_inode_size >= sizeof(*raw)) {
			/* room for nanoseconds and the creation time */
			raw->i_extra_isize = EXT2_NEW_EXTRA_ISIZE;
			put_time(sb, raw, &raw->i_crtime, &raw->i_crtime_extra, inode->i_ctime);
		}
		ei->i_new = false;
	}
	raw->i_mode = (u16)inode->i_mode;
	raw->i_uid = (u16)inode->i_uid;
	raw->l_i_uid_high = (u16)(inode->i_uid >> 16);
	raw->i_gid = (u16)inode->i_gid;
	raw->l_i_gid_high = (u16)(inode->i_gid >> 16);
	raw->i_links_count = (u16)inode->i_nlink;
	raw->i_size = (u32)size;
	if (S_ISREG(inode->i_mode)) {
		raw->i_size_high = (u32)((u64)size >> 32);
		if (size > 0x7fffffffLL &&
		    !(sbi->s_es->s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE)) {
			mutex_lock(&sbi->s_alloc_lock);
			sbi->s_es->s_feature_ro_compat |= EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
			ext2_bdirty(sbi->s_sbh);
			mutex_unlock(&sbi->s_alloc_lock);
		}
	}
	put_time(sb, raw, &raw->i_atime, &raw->i_atime_extra, inode->i_atime);
	put_time(sb, raw, &raw->i_mtime, &raw->i_mtime_extra, inode->i_mtime);
	put_time(sb, raw, &raw->i_ctime, &raw->i_ctime_extra, inode->i_ctime);
	raw->i_dtime = ei->i_dtime;
	raw->i_blocks = (u32)inode->i_blocks;
	raw->i_flags = ei->i_flags;
	raw->i_generation = inode->i_generation;
	raw->i_file_acl = ei->i_file_acl;
	memcpy(raw->i_block, ei->i_data, sizeof(raw->i_block));
	mutex_unlock(&ei->i_meta_lock);
	ext2_bdirty(b);
	if (wait)
		err = ext2_bwrite(b);
	ext2_brelse(b);
	return err;
}

/* Drops the inode's reference to its extended attribute block. */
static void release_xattr_block(struct inode *inode)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	struct ext2_sb_info *sbi = EXT2_SB(inode->i_sb);
	u32 block = ei->i_file_acl;
	struct ext2_xattr_header *h;
	struct ext2_buf *b;
	bool last = true;

	if (!block)
		return;
	ei->i_file_acl = 0;
	b = ext2_bread(inode->i_sb, block);
	if (IS_ERR(b))
		return;
	h = b->b_data;
	mutex_lock(&sbi->s_alloc_lock);
	if (h->h_magic == EXT2_XATTR_MAGIC && h->h_refcount > 1) {
		h->h_refcount--;
		ext2_bdirty(b);
		last = false;
	}
	mutex_unlock(&sbi->s_alloc_lock);
	ext2_brelse(b);
	if (last)
		ext2_free_blocks(inode, block, 1);
}

void ext2_evict_inode(struct inode *inode)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	bool live = ei->i_loaded && !(inode->i_sb->s_flags & SB_RDONLY);

	if (live && inode->i_nlink && inode->i_mapping->nrpages)
		filemap_write_and_wait_range(inode->i_mapping, 0, (loff_t)(~0ULL >> 1));
	truncate_inode_pages(&inode->i_data, 0);
	if (!live)
		return;
	if (inode->i_nlink) {
		ext2_write_inode(inode, 0);
		return;
	}
	/* The last link and the last user are gone: delete it. */
	ei->i_dtime = (u32)current_time().tv_sec;
	if (has_block_map(inode)) {
		inode->i_size = 0;
		ext2_truncate_blocks(inode, 0);
	}
	release_xattr_block(inode);
	ext2_write_inode(inode, 0);
	ext2_free_inode(inode);
	ei->i_loaded = false;
}

/* Zeroes the cached page tail beyond byte pos (pos inside the page). */
static void zero_cached_tail(struct inode *inode, loff_t pos)
{
	struct page *page = find_lock_page(inode->i_mapping, (pgoff_t)(pos >> PAGE_SHIFT));
	unsigned int off = (unsigned int)(pos & (PAGE_SIZE - 1));

	if (!page)
		return;
	memset((char *)page_address(page) + off, 0, PAGE_SIZE - off);
	unlock_page(page);
	put_page(page);
}

/* The block holding new end size keeps data beyond it: zero that on disk. */
static int zero_partial_block(struct inode *inode, loff_t size)
{
	struct address_space *mapping = inode->i_mapping;
	unsigned int off = (unsigned int)(size & (PAGE_SIZE - 1));
	struct page *page;
	u32 phys;
	int err = ext2_get_block(inode, (u64)size >> EXT2_BLOCK_BITS, false, &phys, NULL);

	if (err || !phys)
		return err; /* a hole needs nothing */
	pagecache_add_get(mapping); /* it may add the page (no page locked here) */
	page = read_mapping_page(mapping, (pgoff_t)(size >> PAGE_SHIFT), NULL);
	pagecache_add_put(mapping);
	if (IS_ERR(page))
		return PTR_ERR(page);
	lock_page(page);
	if (page->mapping == mapping) {
		memset((char *)page_address(page) + off, 0, PAGE_SIZE - off);
		set_page_dirty(page);
	}
	unlock_page(page);
	put_page(page);
	return 0;
}

static int ext2_setsize(struct inode *inode, loff_t size)
{
	loff_t old = i_size_read(inode);
	int err = 0;

	if (size > old && (old & (PAGE_SIZE - 1)))
		zero_cached_tail(inode, old); /* what mmap wrote beyond the old end */
	truncate_setsize(inode, size);
	if (size < old) {
		if (size & (PAGE_SIZE - 1))
			err = zero_partial_block(inode, size);
		ext2_truncate_blocks(inode, size);
	}
	return err;
}

int ext2_setattr(struct dentry *dentry, struct iattr *attr)
{
	struct inode *inode = dentry->d_inode;
	unsigned int v = attr->ia_valid;
	int err = 0;

	if (IS_RDONLY(inode))
		return -EROFS;
	if (v & ATTR_SIZE) {
		if (!S_ISREG(inode->i_mode))
			return S_ISDIR(inode->i_mode) ? -EISDIR : -EINVAL;
		if (attr->ia_size < 0)
			return -EINVAL;
		if (attr->ia_size > inode->i_sb->s_maxbytes)
			return -EFBIG;
		if (attr->ia_size != i_size_read(inode))
			err = ext2_setsize(inode, attr->ia_size);
	}
	setattr_copy(inode, attr);
	ext2_write_inode(inode, 0);
	return err;
}
