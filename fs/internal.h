/*
 * internal.h - helpers shared between files of the VFS (fs/) and nothing
 * else; other subsystems use <fs/fs.h>.
 */
#ifndef FS_INTERNAL_H
#define FS_INTERNAL_H

#include <fs/fs.h>

/* namespace.c */
/* If path is the root of a mount, replace it by the mountpoint in the
 * parent mount and return true; false at the top of the tree. */
bool follow_up(struct path *path);
/* Replace path by the root of whatever is mounted on it (repeatedly). */
void follow_mount(struct path *path);
int mnt_init(void);
struct vfsmount *vfs_kern_mount(struct file_system_type *type, int flags, const char *name,
				void *data);

/* dcache.c */
/* Unpins and unhashes every dentry of sb's tree (in-memory umount). */
void d_genocide(struct dentry *root);
/* Frees the unused cached dentries of sb. */
void shrink_dcache_sb(struct super_block *sb);

/* fs_struct.c */
void init_fs_root(const struct path *root);

/* file.c */
struct file *alloc_empty_file(int flags);
void __fput_free(struct file *f);
int do_dup2(struct files_struct *files, struct file *file, unsigned int fd, int flags);
int get_close_on_exec(int fd);
int set_close_on_exec(int fd, bool on);

/* open.c */
int vfs_open(const struct path *path, struct file *file);
unsigned int open_flags_to_fmode(int flags);
int do_faccessat(int dfd, const char *uname, int mode, int flags);

/* namei.c */
/* Permission check for the current (root) caller: MAY_READ... */
#define MAY_EXEC 0x1
#define MAY_WRITE 0x2
#define MAY_READ 0x4
int inode_permission(struct inode *inode, int mask);
/* Looks up the parent of name: *last is the final component (pointing
 * into name), *type one of LAST_*; *slash if name ended in '/'. */
enum { LAST_NORM, LAST_ROOT, LAST_DOT, LAST_DOTDOT };
int filename_parentat(int dfd, const char *name, unsigned int flags, struct path *parent,
		      struct qstr *last, int *type, bool *slash);
/* Component lookup in a directory whose i_rwsem the caller holds. */
struct dentry *lookup_hash_locked(const struct qstr *name, struct dentry *base, unsigned int flags);

/* char_dev.c, devtmpfs.c, ramfs */
int devtmpfs_populate(void);
int init_ramfs_fs(void);
int chrdev_open(struct inode *inode, struct file *filp);

/* fs-writeback.c: the global dirty page count, changed under the
 * mapping's tree_lock by filemap.c (only writeback-capable mappings count);
 * eviction: writes a still-linked dirty inode, takes it off the dirty
 * list and waits for writeback in progress (I_SYNC). */
void account_page_dirtied(struct address_space *mapping);
void account_page_cleaned(struct address_space *mapping);
void inode_writeback_evict(struct inode *inode);
/* A WB_SYNC_ALL pass over the dirty inodes of sb (all when NULL): every
 * dirty page written and waited for, then ->write_inode(inode, 1). */
int writeback_inodes_sync(struct super_block *sb);
/* sync.c: ->sync_fs(sb, 0) on every live writable superblock. */
void sync_supers_nowait(void);
/* block_dev.c: flushes the write cache of every writable disk; makes
 * /dev/vda... (again: after root= put a new /dev in place). */
void blkdev_flush_all(void);
int blkdev_create_nodes(void);

/* namespace.c: root= (do_mounts.c): newmnt (a detached mount) becomes the
 * root of the mount tree and the old root mount is attached on put_old, a
 * directory inside newmnt (a path relative to its root). */
int change_root(struct vfsmount *newmnt, const char *put_old);

/* pipe.c */
int pipefs_init(void);
void free_pipe_info(struct pipe_inode_info *p); /* at inode eviction */

#endif
