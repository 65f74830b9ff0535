/*
 * root.c - the "proc" file system type and its root directory: the global
 * files (meminfo, uptime...), mounts, the link self, and
 * one directory per process (base.c).  Mounted on /proc at boot
 * (proc_mount_at_boot, called by fs/do_mounts.c after root=) and by
 * `mount -t proc proc /proc`.
 *
 * Locks: only the VFS's (the directory's i_rwsem around lookup, shared
 * around readdir); the process directories take what base.c says.
 */
#include "internal.h"
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/slab.h>

static const struct proc_entry proc_root_entries[] = {
	{ .name = "self", .mode = S_IFLNK | 0777, .get_link = proc_self_get_link },
	{ .name = "mounts", .mode = S_IFREG | 0444, .show = proc_mounts_show },
	{ .name = "meminfo", .mode = S_IFREG | 0444, .show = proc_meminfo_show },
	{ .name = "uptime", .mode = S_IFREG | 0444, .show = proc_uptime_show },
	{ .name = "loadavg", .mode = S_IFREG | 0444, .show = proc_loadavg_show },
	{ .name = "stat", .mode = S_IFREG | 0444, .show = proc_stat_show },
	{ .name = "cpuinfo", .mode = S_IFREG | 0444, .show = proc_cpuinfo_show },
	{ .name = "version", .mode = S_IFREG | 0444, .show = proc_version_show },
	{ .name = "cmdline", .mode = S_IFREG | 0444, .show = proc_cmdline_show },
	{ .name = "filesystems", .mode = S_IFREG | 0444, .show = proc_filesystems_show },
};
#define NR_ROOT_ENTRIES ((int)(sizeof(proc_root_entries) / sizeof(proc_root_entries[0])))

/* A decimal process id, or 0. */
static int name_to_pid(const struct qstr *name)
{
	int pid = 0;

	if (!name->len || name->len > 6 || name->name[0] == '0')
		return 0;
	for (u32 i = 0; i < name->len; i++) {
		char c = name->name[i];
		if (c < '0' || c > '9')
			return 0;
		pid = pid * 10 + (c - '0');
	}
	return pid;
}

static struct dentry *proc_root_lookup(struct inode *dir, struct dentry *dentry, unsigned int flags)
{
	int pid = name_to_pid(&dentry->d_name);

	if (pid)
		return proc_pid_lookup(dir, dentry, pid);
	return proc_lookup_table(dir, dentry, proc_root_entries, NR_ROOT_ENTRIES, 0, PROC_ROOT_INO);
}

/* Positions: 0 ".", 1 "..", 2.. the table, then the processes (see base.c). */
static int proc_root_readdir(struct file *file, struct dir_context *ctx)
{
	if (!proc_readdir_table(file, ctx, proc_root_entries, NR_ROOT_ENTRIES, PROC_ROOT_INO))
		return 0;
	return proc_pid_readdir(file, ctx, 2 + NR_ROOT_ENTRIES);
}

const struct inode_operations proc_root_inode_operations = {
	.lookup = proc_root_lookup,
};

const struct file_operations proc_root_operations = {
	.llseek = dcache_dir_lseek,
	.iterate_shared = proc_root_readdir,
};

static const struct proc_entry proc_root_entry = {
	.name = "/",
	.mode = S_IFDIR | 0555,
	.iop = &proc_root_inode_operations,
	.fop = &proc_root_operations,
};

/* ---- the superblock ---- */

static struct inode *proc_alloc_inode(struct super_block *sb)
{
	struct proc_inode *pi = kzalloc(sizeof(*pi), 0);

	return pi ? &pi->vfs_inode : NULL;
}

static void proc_destroy_inode(struct inode *inode) { kfree(PROC_I(inode)); }

static int proc_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	buf->f_type = PROC_SUPER_MAGIC;
	buf->f_bsize = buf->f_frsize = PAGE_SIZE;
	buf->f_namelen = NAME_MAX;
	return 0;
}

static const struct super_operations proc_super_ops = {
	.alloc_inode = proc_alloc_inode,
	.destroy_inode = proc_destroy_inode,
	.statfs = proc_statfs,
};

/* Every mount gets its own superblock (the content is the same): inodes and
 * dentries are made on demand, so a second tree costs only its root. */
static struct dentry *proc_mount(struct file_system_type *type, int flags, const char *dev_name,
				 void *data)
{
	struct super_block *sb = sget_anon(type, &proc_super_ops);
	struct inode *root;

	if (!sb)
		return ERR_PTR(-ENOMEM);
	sb->s_flags = (unsigned long)flags;
	sb->s_magic = PROC_SUPER_MAGIC;
	root = proc_make_inode(sb, &proc_root_entry, 0, 0, PROC_ROOT_INO);
	sb->s_root = root ? d_make_root(root) : NULL;
	if (!sb->s_root) {
		generic_shutdown_super(sb);
		return ERR_PTR(-ENOMEM);
	}
	return dget(sb->s_root);
}

static struct file_system_type proc_fs_type = {
	.name = "proc",
	.mount = proc_mount,
	.kill_sb = generic_shutdown_super,
};

static int proc_root_init(void) { return register_filesystem(&proc_fs_type); }
fs_initcall(proc_root_init);

int proc_mount_at_boot(void)
{
	struct path root, p;
	bool ramfs_root;
	int err;

	get_root_path(&root);
	ramfs_root = !strcmp(root.mnt->mnt_sb->s_type->name, "ramfs");
	path_put(&root);
	err = kern_path("/proc", LOOKUP_FOLLOW, &p);
	if (!err) {
		if (!d_is_dir(p.dentry))
			err = -ENOTDIR;
		path_put(&p);
	}
	if (err == -ENOENT && ramfs_root)
		err = do_mkdirat(AT_FDCWD, "/proc", 0555);
	if (!err)
		err = do_mount("proc", "/proc", "proc", 0, NULL);
	if (err)
		printk(KERN_WARNING "proc: not mounted on /proc (error %d)%s\n", err,
		       ramfs_root ? "" : ": make the directory /proc on the root file system");
	return err;
}
