/*
 * inode.c - the inode cache: allocation, the (sb, ino) hash, reference
 * counts and eviction, plus attribute helpers shared by file systems.
 *
 * Life of an inode:
 *   new_inode()      unhashed (in-memory file systems: ramfs, pipes);
 *   iget_locked()    hashed by (sb, ino) for file systems with inode numbers
 *                    on disk; a new one is I_NEW until unlock_new_inode(), and
 *                    other iget_locked() callers for it wait on inode_wait.
 *   iput()           at the last reference the inode is evicted when
 *                    s_op->drop_inode says so, or by default when it has no
 *                    links or is unhashed; otherwise it stays cached on the
 *                    unused LRU (at most INODE_LRU_MAX) until pruned.
 *   evict            I_FREEING: unhashed (no new references), then
 *                    s_op->evict_inode (default: drop the page cache), off
 *                    the sb list, destroyed.
 *
 * Locks: inode_hash_lock (spinlock) guards the hash, the LRU, i_state and
 * the transitions of i_count to and from 0; i_count above 1 moves without
 * it.  sb->s_inode_list_lock guards sb->s_inodes.  Eviction sleeps (page
 * cache, file system I/O): iput() must be called where sleeping is allowed.
 */
#include "internal.h"
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <mm/mm.h>
#include <mm/slab.h>

#define INODE_HASH_SIZE 1024
#define INODE_LRU_MAX 4096

static struct list_head inode_hashtable[INODE_HASH_SIZE];
static DEFINE_SPINLOCK(inode_hash_lock);
static DECLARE_WAIT_QUEUE_HEAD(inode_wait); /* I_NEW cleared */
static LIST_HEAD(inode_lru);
static unsigned long nr_unused_inodes;
static atomic_long_t last_ino = { 100 };

static int inode_hash_init(void)
{
	for (int i = 0; i < INODE_HASH_SIZE; i++)
		INIT_LIST_HEAD(&inode_hashtable[i]);
	return 0;
}
core_initcall(inode_hash_init);

static struct list_head *hash_head(struct super_block *sb, unsigned long ino)
{
	unsigned long h = ((unsigned long)sb / 64 + ino) * 0x9E3779B97F4A7C15UL;
	return &inode_hashtable[h >> 54];
}

struct timespec64 current_time(void)
{
	u64 ns = ktime_get_real_ns();
	struct timespec64 t = { (s64)(ns / NSEC_PER_SEC), (long)(ns % NSEC_PER_SEC) };
	return t;
}

unsigned long get_next_ino(void) { return atomic_long_inc_return(&last_ino); }

static struct inode *alloc_inode(struct super_block *sb)
{
	struct inode *inode;
	struct timespec64 now = current_time();

	if (sb->s_op && sb->s_op->alloc_inode)
		inode = sb->s_op->alloc_inode(sb);
	else
		inode = kzalloc(sizeof(*inode), 0);
	if (!inode)
		return NULL;
	inode->i_sb = sb;
	inode->i_nlink = 1;
	inode->i_atime = inode->i_mtime = inode->i_ctime = now;
	init_rwsem(&inode->i_rwsem);
	atomic_set(&inode->i_count, 1);
	INIT_LIST_HEAD(&inode->i_hash);
	INIT_LIST_HEAD(&inode->i_sb_list);
	INIT_LIST_HEAD(&inode->i_lru);
	inode->i_wb_state = 0;
	INIT_LIST_HEAD(&inode->i_io_list);
	address_space_init(&inode->i_data, inode);
	inode->i_mapping = &inode->i_data;
	spin_lock(&sb->s_inode_list_lock);
	list_add(&inode->i_sb_list, &sb->s_inodes);
	spin_unlock(&sb->s_inode_list_lock);
	return inode;
}

static void destroy_inode(struct inode *inode)
{
	struct super_block *sb = inode->i_sb;

	spin_lock(&sb->s_inode_list_lock);
	list_del(&inode->i_sb_list);
	spin_unlock(&sb->s_inode_list_lock);
	kfree(inode->i_link);
	inode->i_link = NULL;
	if (sb->s_op && sb->s_op->destroy_inode)
		sb->s_op->destroy_inode(inode);
	else
		kfree(inode);
}

struct inode *new_inode(struct super_block *sb)
{
	struct inode *inode = alloc_inode(sb);

	if (inode)
		inode->i_ino = get_next_ino();
	return inode;
}

static struct inode *find_inode(struct super_block *sb, unsigned long ino)
{
	struct inode *inode;

	list_for_each_entry(inode, hash_head(sb, ino), i_hash)
		if (inode->i_sb == sb && inode->i_ino == ino)
			return inode;
	return NULL;
}

/* Caller holds inode_hash_lock: takes a reference on a cached inode. */
static void __iget(struct inode *inode)
{
	if (atomic_inc_return(&inode->i_count) == 1 && !list_empty(&inode->i_lru)) {
		list_del(&inode->i_lru);
		nr_unused_inodes--;
	}
}

static void wait_on_inode_state(struct inode *inode, unsigned long bits)
{
	DEFINE_WAIT(w);

	for (;;) {
		prepare_to_wait(&inode_wait, &w, TASK_UNINTERRUPTIBLE);
		if (!(READ_ONCE(inode->i_state) & bits))
			break;
		spin_unlock(&inode_hash_lock);
		schedule();
		spin_lock(&inode_hash_lock);
	}
	finish_wait(&inode_wait, &w);
}

struct inode *iget_locked(struct super_block *sb, unsigned long ino)
{
	struct inode *inode, *fresh = NULL;

again:
	spin_lock(&inode_hash_lock);
	inode = find_inode(sb, ino);
	if (inode) {
		if (inode->i_state & I_FREEING) {
			/* Being evicted: wait until it is gone from the hash. */
			DEFINE_WAIT(w);
			prepare_to_wait(&inode_wait, &w, TASK_UNINTERRUPTIBLE);
			spin_unlock(&inode_hash_lock);
			schedule();
			finish_wait(&inode_wait, &w);
			goto again;
		}
		__iget(inode);
		if (inode->i_state & I_NEW) {
			wait_on_inode_state(inode, I_NEW);
			if (list_empty(&inode->i_hash)) { /* iget_failed */
				spin_unlock(&inode_hash_lock);
				iput(inode);
				goto again;
			}
		}
		spin_unlock(&inode_hash_lock);
		if (fresh) {
			atomic_set(&fresh->i_count, 0);
			destroy_inode(fresh);
		}
		return inode;
	}
	if (!fresh) {
		spin_unlock(&inode_hash_lock);
		fresh = alloc_inode(sb);
		if (!fresh)
			return NULL;
		goto again;
	}
	fresh->i_ino = ino;
	fresh->i_state = I_NEW;
	list_add(&fresh->i_hash, hash_head(sb, ino));
	spin_unlock(&inode_hash_lock);
	return fresh;
}

void unlock_new_inode(struct inode *inode)
{
	spin_lock(&inode_hash_lock);
	inode->i_state &= ~I_NEW;
	spin_unlock(&inode_hash_lock);
	wake_up_all(&inode_wait);
}

void iget_failed(struct inode *inode)
{
	clear_nlink(inode);
	spin_lock(&inode_hash_lock);
	list_del(&inode->i_hash); /* waiters see it unhashed and retry */
	inode->i_state &= ~I_NEW;
	spin_unlock(&inode_hash_lock);
	wake_up_all(&inode_wait);
	iput(inode);
}

void ihold(struct inode *inode) { BUG_ON(atomic_inc_return(&inode->i_count) < 2); }

static void evict(struct inode *inode)
{
	const struct super_operations *op = inode->i_sb->s_op;

	inode_writeback_evict(inode); /* off the dirty list (fs/fs-writeback.c) */
	if (op && op->evict_inode)
		op->evict_inode(inode);
	else
		truncate_inode_pages(&inode->i_data, 0);
	if (inode->i_pipe) {
		free_pipe_info(inode->i_pipe);
		inode->i_pipe = NULL;
	}
	spin_lock(&inode_hash_lock);
	if (!list_empty(&inode->i_hash))
		list_del(&inode->i_hash);
	spin_unlock(&inode_hash_lock);
	wake_up_all(&inode_wait); /* iget_locked waiting for I_FREEING */
	destroy_inode(inode);
}

static bool should_drop(struct inode *inode)
{
	const struct super_operations *op = inode->i_sb->s_op;

	if (op && op->drop_inode)
		return op->drop_inode(inode);
	return !inode->i_nlink || list_empty(&inode->i_hash);
}

static void prune_lru(unsigned long keep, struct super_block *sb);

void iput(struct inode *inode)
{
	bool prune = false;

	if (!inode)
		return;
	for (;;) { /* fast path: not the last reference */
		int c = atomic_read(&inode->i_count);
		BUG_ON(c <= 0);
		if (c == 1)
			break;
		if (atomic_cmpxchg(&inode->i_count, c, c - 1))
			return;
	}
	spin_lock(&inode_hash_lock);
	if (!atomic_dec_and_test(&inode->i_count)) {
		spin_unlock(&inode_hash_lock);
		return;
	}
	if (should_drop(inode)) {
		inode->i_state |= I_FREEING;
		spin_unlock(&inode_hash_lock);
		evict(inode);
		return;
	}
	list_add_tail(&inode->i_lru, &inode_lru);
	prune = ++nr_unused_inodes > INODE_LRU_MAX;
	spin_unlock(&inode_hash_lock);
	if (prune)
		prune_lru(INODE_LRU_MAX / 2, NULL);
}

/* Evicts unused inodes (of sb, or all) until at most keep remain. */
static void prune_lru(unsigned long keep, struct super_block *sb)
{
	for (;;) {
		struct inode *inode = NULL, *pos;

		spin_lock(&inode_hash_lock);
		if (nr_unused_inodes > keep) {
			list_for_each_entry(pos, &inode_lru, i_lru) {
				if (!sb || pos->i_sb == sb) {
					inode = pos;
					break;
				}
			}
		}
		if (inode) {
			list_del(&inode->i_lru);
			nr_unused_inodes--;
			inode->i_state |= I_FREEING;
		}
		spin_unlock(&inode_hash_lock);
		if (!inode)
			return;
		evict(inode);
	}
}

void prune_icache(struct super_block *sb) { prune_lru(0, sb); }

int evict_inodes(struct super_block *sb)
{
	struct inode *inode;
	int busy = 0;

	prune_icache(sb);
	spin_lock(&sb->s_inode_list_lock);
	list_for_each_entry(inode, &sb->s_inodes, i_sb_list)
		busy++;
	spin_unlock(&sb->s_inode_list_lock);
	return busy;
}

void inode_init_owner(struct inode *inode, const struct inode *dir, umode_t mode)
{
	inode->i_uid = 0;
	inode->i_gid = dir && (dir->i_mode & S_ISGID) ? dir->i_gid : 0;
	if (dir && (dir->i_mode & S_ISGID) && S_ISDIR(mode))
		mode |= S_ISGID;
	inode->i_mode = mode;
}

void init_special_inode(struct inode *inode, umode_t mode, dev_t rdev)
{
	inode->i_mode = mode;
	if (S_ISCHR(mode)) {
		inode->i_fop = &def_chr_fops;
		inode->i_rdev = rdev;
	} else if (S_ISFIFO(mode)) {
		inode->i_fop = &pipefifo_fops;
	} else if (S_ISBLK(mode)) {
		inode->i_fop = &def_blk_fops; /* fs/block_dev.c */
		inode->i_rdev = rdev;
	}
}

void set_nlink(struct inode *inode, unsigned int n) { inode->i_nlink = n; }
void inc_nlink(struct inode *inode) { inode->i_nlink++; }
void drop_nlink(struct inode *inode)
{
	WARN_ON(inode->i_nlink == 0);
	if (inode->i_nlink)
		inode->i_nlink--;
}
void clear_nlink(struct inode *inode) { inode->i_nlink = 0; }

void generic_fillattr(struct inode *inode, struct kstat *stat)
{
	stat->result_mask = 0x7ff; /* STATX_BASIC_STATS */
	stat->dev = inode->i_sb->s_dev;
	stat->ino = inode->i_ino;
	stat->mode = inode->i_mode;
	stat->nlink = inode->i_nlink;
	stat->uid = inode->i_uid;
	stat->gid = inode->i_gid;
	stat->rdev = inode->i_rdev;
	stat->size = i_size_read(inode);
	stat->atime = inode->i_atime;
	stat->mtime = inode->i_mtime;
	stat->ctime = inode->i_ctime;
	stat->blksize = inode->i_sb->s_blocksize ? inode->i_sb->s_blocksize : PAGE_SIZE;
	stat->blocks = inode->i_blocks;
	if (!stat->blocks && (S_ISREG(inode->i_mode) || S_ISDIR(inode->i_mode)))
		stat->blocks = inode->i_mapping->nrpages * (PAGE_SIZE / 512);
}

void truncate_setsize(struct inode *inode, loff_t newsize)
{
	loff_t old = i_size_read(inode);
	u64 hole = ALIGN_UP((u64)newsize, PAGE_SIZE);

	i_size_write(inode, newsize);
	if (newsize >= old)
		return;
	/* Mapped pages beyond the new end go from page tables first, then from
	 * the cache; the second unmap catches a fault that raced in between
	 * (its page was just removed, so it maps nothing new). */
	pagecache_block_get(inode->i_mapping); /* no page comes in meanwhile */
	unmap_mapping_range(inode->i_mapping, hole, 0, true);
	truncate_inode_pages(inode->i_mapping, newsize);
	unmap_mapping_range(inode->i_mapping, hole, 0, true);
	pagecache_block_put(inode->i_mapping);
}

/* Copies the attributes other than the size from attr to the inode. */
void setattr_copy(struct inode *inode, const struct iattr *attr)
{
	unsigned int v = attr->ia_valid;

	if (v & ATTR_MODE)
		inode->i_mode = (inode->i_mode & S_IFMT) | (attr->ia_mode & S_IALLUGO);
	if (v & ATTR_UID)
		inode->i_uid = attr->ia_uid;
	if (v & ATTR_GID)
		inode->i_gid = attr->ia_gid;
	if (v & ATTR_ATIME)
		inode->i_atime = attr->ia_atime;
	if (v & ATTR_MTIME)
		inode->i_mtime = attr->ia_mtime;
	if (v & ATTR_CTIME)
		inode->i_ctime = attr->ia_ctime;
}

int simple_setattr(struct dentry *dentry, struct iattr *attr)
{
	struct inode *inode = dentry->d_inode;
	unsigned int v = attr->ia_valid;

	if (v & ATTR_SIZE) {
		if (attr->ia_size < 0)
			return -EINVAL;
		if (attr->ia_size > inode->i_sb->s_maxbytes)
			return -EFBIG;
		truncate_setsize(inode, attr->ia_size);
	}
	setattr_copy(inode, attr);
	return 0;
}
