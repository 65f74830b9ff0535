/*
 * super.c - file system types and superblocks.
 *
 * A file system registers a file_system_type; its ->mount() makes (or finds)
 * a superblock and returns the root dentry.  A superblock lives while some
 * vfsmount uses it: s_active counts them (changed under mount_lock by
 * fs/namespace.c), and when it falls to 0 deactivate_super() calls the
 * type's ->kill_sb(), which ends in generic_shutdown_super(): dentries and
 * inodes are dropped, ->put_super() runs, the superblock is freed.
 *
 * Locks: fs_types_lock (spinlock) guards the type list; sb_lock guards the
 * superblock list.  Shutdown sleeps (it drops inodes).  sb_iter_mutex keeps
 * superblocks alive during iterate_supers(): shutdown takes it before
 * ->put_super, so a walker never sees a superblock being freed.  Shutdown
 * first writes everything back (sync_filesystem, fs/sync.c).
 */
#include "internal.h"
#include <fs/proc_fs.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/slab.h>

static LIST_HEAD(file_systems);
static DEFINE_SPINLOCK(fs_types_lock);
static LIST_HEAD(super_blocks);
static DEFINE_SPINLOCK(sb_lock);
static DEFINE_MUTEX(sb_iter_mutex);
static atomic_t anon_dev_minor;

int register_filesystem(struct file_system_type *fs)
{
	int err = 0;

	spin_lock(&fs_types_lock);
	struct file_system_type *t;
	list_for_each_entry(t, &file_systems, fs_list)
		if (!strcmp(t->name, fs->name))
			err = -EBUSY;
	if (!err)
		list_add_tail(&fs->fs_list, &file_systems);
	spin_unlock(&fs_types_lock);
	return err;
}

/* /proc/filesystems: "nodev" marks the types that need no device. */
void filesystems_show(struct proc_buf *m)
{
	struct file_system_type *t;

	spin_lock(&fs_types_lock);
	list_for_each_entry(t, &file_systems, fs_list)
		proc_printf(m, "%s\t%s\n",
			    (t->fs_flags & (FS_REQUIRES_DEV | FS_HAS_DEV)) ? "" : "nodev", t->name);
	spin_unlock(&fs_types_lock);
}

struct file_system_type *get_fs_type(const char *name)
{
	struct file_system_type *t, *found = NULL;

	spin_lock(&fs_types_lock);
	list_for_each_entry(t, &file_systems, fs_list)
		if (!strcmp(t->name, name)) {
			found = t;
			break;
		}
	spin_unlock(&fs_types_lock);
	return found;
}

struct super_block *sget_anon(struct file_system_type *type, const struct super_operations *ops)
{
	struct super_block *sb = kzalloc(sizeof(*sb), 0);

	if (!sb)
		return NULL;
	sb->s_type = type;
	sb->s_op = ops;
	sb->s_dev = MKDEV(0, atomic_inc_return(&anon_dev_minor));
	sb->s_blocksize = PAGE_SIZE;
	sb->s_blocksize_bits = PAGE_SHIFT;
	sb->s_maxbytes = (loff_t)1 << 43; /* 8 TiB: keeps page indices small */
	sb->s_active = 1;
	mutex_init(&sb->s_vfs_rename_mutex);
	spin_lock_init(&sb->s_inode_list_lock);
	INIT_LIST_HEAD(&sb->s_inodes);
	INIT_LIST_HEAD(&sb->s_list);
	snprintf(sb->s_id, sizeof(sb->s_id), "%s", type->name);
	spin_lock(&sb_lock);
	list_add_tail(&sb->s_list, &super_blocks);
	spin_unlock(&sb_lock);
	return sb;
}

void deactivate_super(struct super_block *sb)
{
	if (sb->s_type->kill_sb)
		sb->s_type->kill_sb(sb);
	else
		generic_shutdown_super(sb);
}

void generic_shutdown_super(struct super_block *sb)
{
	int busy;

	if (sb->s_root)
		sync_filesystem(sb);
	if (sb->s_root) {
		shrink_dcache_sb(sb);
		dput(sb->s_root);
		sb->s_root = NULL;
		shrink_dcache_sb(sb);
	}
	busy = evict_inodes(sb);
	if (busy) {
		/* Someone still holds an inode: leak the sb rather than free it
		 * under them. */
		printk(KERN_ERR "VFS: %d busy inodes after unmounting %s\n", busy, sb->s_id);
		return;
	}
	mutex_lock(&sb_iter_mutex);
	if (sb->s_op && sb->s_op->put_super)
		sb->s_op->put_super(sb);
	spin_lock(&sb_lock);
	list_del(&sb->s_list);
	spin_unlock(&sb_lock);
	mutex_unlock(&sb_iter_mutex);
	kfree(sb);
}

void iterate_supers(void (*f)(struct super_block *sb, void *arg), void *arg)
{
	struct list_head *next;
	struct super_block *sb = NULL;

	mutex_lock(&sb_iter_mutex);
	for (;;) {
		spin_lock(&sb_lock); /* new superblocks may be appended meanwhile */
		next = sb ? sb->s_list.next : super_blocks.next;
		spin_unlock(&sb_lock);
		if (next == &super_blocks)
			break;
		sb = list_entry(next, struct super_block, s_list);
		f(sb, arg);
	}
	mutex_unlock(&sb_iter_mutex);
}

void kill_litter_super(struct super_block *sb)
{
	if (sb->s_root) {
		shrink_dcache_sb(sb); /* negative dentries first: they pin parents */
		d_genocide(sb->s_root);
	}
	generic_shutdown_super(sb);
}

int vfs_statfs(const struct path *path, struct kstatfs *buf)
{
	struct super_block *sb = path->dentry->d_sb;

	memset(buf, 0, sizeof(*buf));
	buf->f_bsize = buf->f_frsize = sb->s_blocksize;
	buf->f_namelen = NAME_MAX;
	if (!sb->s_op || !sb->s_op->statfs)
		return -ENOSYS;
	return sb->s_op->statfs(path->dentry, buf);
}
