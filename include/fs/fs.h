/*
 * fs.h - the VFS: superblocks and mounts, inodes, dentries, open files,
 * per-process fd tables and path lookup (fs/).
 *
 * Objects and who holds them:
 *   super_block  one per mounted file system instance; s_active counts the
 *                mounts using it (fs/super.c).
 *   vfsmount     where a super_block is attached in the tree; mnt_count
 *                references (every struct path holds one) (fs/namespace.c).
 *   dentry       a name in a directory, positive (d_inode set) or negative;
 *                d_count under dcache_lock; a dentry holds a reference on its
 *                parent and on its inode.  Unused hashed dentries stay cached
 *                on an LRU and are pruned when it grows (fs/dcache.c).
 *   inode        a file; i_count references; with i_count 0 it is evicted
 *                (page cache dropped, s_op->evict_inode) unless the file
 *                system keeps unused inodes cached (fs/inode.c).
 *   file         an open file: path, f_op, f_pos, f_flags; f_count references
 *                from fd tables and in-flight system calls (fs/file.c).
 *
 * Operations come from tables (super_operations, inode_operations,
 * file_operations, address_space_operations in <fs/pagemap.h>) as in Linux.
 * Data goes through struct iov_iter (<fs/uio.h>: user iovecs or kernel
 * kvecs), so one read_iter/write_iter serves read(2), readv(2) and
 * kernel_read().  <fs/pagemap.h> (page cache) and <fs/uio.h> are part of
 * this interface and included here.
 *
 * Lock order (outermost first; DESIGN.md section 4):
 *   sb->s_vfs_rename_mutex (cross-directory rename)
 *   -> directory i_rwsem (parent before child; two unrelated directories in
 *      inode-number order) -> regular-file i_rwsem
 *   -> mm->mmap_lock (user copies may fault) -> page lock
 *   -> spinlocks: files->file_lock, fs->lock, mount_lock, inode_hash_lock,
 *      dcache_lock (innermost of the VFS spinlocks); mapping->tree_lock and
 *      i_mmap_lock are the page cache's (<fs/pagemap.h>).
 * Directory operations (lookup, create, mkdir, mknod, symlink, link, unlink,
 * rmdir, rename) are called with the directory's i_rwsem held for writing;
 * unlink and rmdir also hold the victim's, rename holds both directories'
 * and the target's.  Buffered writes and truncate hold the file's i_rwsem
 * for writing; buffered reads take no inode lock.
 *
 * Errors are negative errno values; functions returning pointers use ERR_PTR.
 * Names follow Linux so that what is learned here transfers.
 */
#ifndef FS_FS_H
#define FS_FS_H

#include <fs/pagemap.h>
#include <fs/uio.h>
#include <kernel/atomic.h>
#include <kernel/errno.h>
#include <kernel/list.h>
#include <kernel/mutex.h>
#include <kernel/rwsem.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>
#include <kernel/wait.h>

#ifndef ERESTARTSYS
#define ERESTARTSYS 512 /* interrupted by a signal: restart or -EINTR */
#endif

typedef unsigned int umode_t;
typedef u32 dev_t;
typedef unsigned int fmode_t;

#define MINORBITS 20
#define MINORMASK ((1U << MINORBITS) - 1)
#define MAJOR(dev) ((unsigned int)((dev) >> MINORBITS))
#define MINOR(dev) ((unsigned int)((dev)&MINORMASK))
#define MKDEV(ma, mi) ((dev_t)(((ma) << MINORBITS) | (mi)))

#define PATH_MAX 4096
#define NAME_MAX 255
#define MAXSYMLINKS 40 /* symlinks followed in one lookup */
#define MAX_NESTED_LINKS 8 /* symlinks inside symlinks */
#define PIPE_BUF 4096
#define NR_OPEN_DEFAULT 1024 /* RLIMIT_NOFILE */

/* File types and permission bits (Linux values). */
#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define S_ISUID 0004000
#define S_ISGID 0002000
#define S_ISVTX 0001000
#define S_IALLUGO 0007777
#define S_IRWXUGO 0777
#define S_IXUGO 0111
#define S_ISLNK(m) (((m)&S_IFMT) == S_IFLNK)
#define S_ISREG(m) (((m)&S_IFMT) == S_IFREG)
#define S_ISDIR(m) (((m)&S_IFMT) == S_IFDIR)
#define S_ISCHR(m) (((m)&S_IFMT) == S_IFCHR)
#define S_ISBLK(m) (((m)&S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m)&S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m)&S_IFMT) == S_IFSOCK)

/* d_type values of getdents64 */
#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12
static inline unsigned char fs_umode_to_dtype(umode_t mode) { return (mode & S_IFMT) >> 12; }

/* open(2) flags (asm-generic/fcntl.h) */
#define O_ACCMODE 00000003
#define O_RDONLY 00000000
#define O_WRONLY 00000001
#define O_RDWR 00000002
#define O_CREAT 00000100
#define O_EXCL 00000200
#define O_NOCTTY 00000400
#define O_TRUNC 00001000
#define O_APPEND 00002000
#define O_NONBLOCK 00004000
#define O_DSYNC 00010000
#define O_DIRECT 00040000
/* fallocate(2) modes */
#define FALLOC_FL_KEEP_SIZE 0x01
#define FALLOC_FL_PUNCH_HOLE 0x02
#define O_LARGEFILE 00100000
#define O_DIRECTORY 00200000
#define O_NOFOLLOW 00400000
#define O_NOATIME 01000000
#define O_CLOEXEC 02000000
#define __O_SYNC 04000000
#define O_PATH 010000000
#define __O_TMPFILE 020000000

/* *at() flags */
#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_EACCESS 0x200
#define AT_REMOVEDIR 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define AT_NO_AUTOMOUNT 0x800
#define AT_EMPTY_PATH 0x1000
#define AT_STATX_SYNC_TYPE 0x6000

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define SEEK_DATA 3
#define SEEK_HOLE 4

#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4

/* f_mode */
#define FMODE_READ 0x1
#define FMODE_WRITE 0x2
#define FMODE_LSEEK 0x4
#define FMODE_PREAD 0x8
#define FMODE_PWRITE 0x10
#define FMODE_EXEC 0x20
#define FMODE_PATH 0x4000 /* O_PATH: no I/O */

/* poll(2) events */
#define POLLIN 0x0001
#define POLLPRI 0x0002
#define POLLOUT 0x0004
#define POLLERR 0x0008
#define POLLHUP 0x0010
#define POLLNVAL 0x0020
#define POLLRDNORM 0x0040
#define POLLRDBAND 0x0080
#define POLLWRNORM 0x0100
#define POLLWRBAND 0x0200
#define DEFAULT_POLLMASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

struct super_block;
struct path;
struct inode;
struct dentry;
struct file;
struct vfsmount;
struct vm_area_struct;
struct poll_table_struct;
struct pipe_inode_info;
struct task_struct;

struct timespec64 {
	s64 tv_sec;
	long tv_nsec;
};
/* Wall-clock time for timestamps. */
struct timespec64 current_time(void);

/* ---- names ---- */

struct qstr {
	const char *name;
	u32 len;
	u32 hash;
};
u32 full_name_hash(const char *name, u32 len);
#define QSTR_INIT(n, l)     \
	{                   \
		(n), (l), 0 \
	}

/* ---- superblocks (fs/super.c) ---- */

struct kstatfs {
	long f_type, f_bsize;
	u64 f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	long f_namelen, f_frsize, f_flags;
};

struct super_operations {
	struct inode *(*alloc_inode)(struct super_block *sb); /* default: kzalloc */
	void (*destroy_inode)(struct inode *inode);
	/* true: evict at the last iput; false: keep cached (default: evict when
	 * i_nlink is 0 or the inode is not hashed). */
	int (*drop_inode)(struct inode *inode);
	void (*evict_inode)(struct inode *inode); /* default: drop the page cache */
	int (*write_inode)(struct inode *inode, int wait);
	void (*put_super)(struct super_block *sb);
	int (*sync_fs)(struct super_block *sb, int wait);
	int (*statfs)(struct dentry *dentry, struct kstatfs *buf);
};

#define SB_RDONLY 0x1
#define SB_NOSUID 0x2
#define SB_NODEV 0x4
#define SB_NOEXEC 0x8

struct file_system_type {
	const char *name;
	int fs_flags;
	/* Returns the root dentry (referenced) of a new or existing superblock. */
	struct dentry *(*mount)(struct file_system_type *fs, int flags, const char *dev_name,
				void *data);
	void (*kill_sb)(struct super_block *sb);
	struct list_head fs_list;
};
#define FS_REQUIRES_DEV 0x1
#define FS_HAS_DEV 0x2 /* mounts a device (only for /proc/filesystems) */

struct super_block {
	struct list_head s_list;
	dev_t s_dev;
	unsigned long s_blocksize;
	u8 s_blocksize_bits;
	loff_t s_maxbytes;
	struct file_system_type *s_type;
	const struct super_operations *s_op;
	unsigned long s_flags; /* SB_* */
	unsigned long s_magic;
	struct dentry *s_root;
	int s_active; /* mounts of it, under mount_lock */
	struct mutex s_vfs_rename_mutex; /* cross-directory renames */
	spinlock_t s_inode_list_lock;
	struct list_head s_inodes;
	void *s_fs_info;
	char s_id[32];
};

int register_filesystem(struct file_system_type *fs);
struct file_system_type *get_fs_type(const char *name);
/* A new superblock with s_active 1; the file system fills in s_root. */
struct super_block *sget_anon(struct file_system_type *type, const struct super_operations *ops);
/* The last mount of sb went away: kill_sb (which calls generic_shutdown_super). */
void deactivate_super(struct super_block *sb);
void generic_shutdown_super(struct super_block *sb);
/* For in-memory file systems: drops every pinned dentry, then shuts down. */
void kill_litter_super(struct super_block *sb);
int vfs_statfs(const struct path *path, struct kstatfs *buf);
/* Calls f(sb, arg) for every superblock; f may sleep.  A superblock being
 * shut down waits until the walk is over (sb_iter_mutex). */
void iterate_supers(void (*f)(struct super_block *sb, void *arg), void *arg);

/* ---- inodes (fs/inode.c) ---- */

struct iattr {
	unsigned int ia_valid;
	umode_t ia_mode;
	u32 ia_uid, ia_gid;
	loff_t ia_size;
	struct timespec64 ia_atime, ia_mtime, ia_ctime;
};
#define ATTR_MODE 0x1
#define ATTR_UID 0x2
#define ATTR_GID 0x4
#define ATTR_SIZE 0x8
#define ATTR_ATIME 0x10
#define ATTR_MTIME 0x20
#define ATTR_CTIME 0x40
#define ATTR_ATIME_SET 0x80
#define ATTR_MTIME_SET 0x100

struct kstat {
	u32 result_mask; /* STATX_* */
	umode_t mode;
	unsigned int nlink;
	u32 blksize;
	u64 ino;
	dev_t dev, rdev;
	u32 uid, gid;
	loff_t size;
	struct timespec64 atime, mtime, ctime, btime;
	u64 blocks; /* 512-byte units */
	u64 mnt_id;
	u64 attributes;
};

struct path {
	struct vfsmount *mnt;
	struct dentry *dentry;
};

struct inode_operations {
	/* dentry is negative and unhashed: d_add(dentry, inode or NULL) and
	 * return NULL, or return ERR_PTR. */
	struct dentry *(*lookup)(struct inode *dir, struct dentry *dentry, unsigned int flags);
	/* Symlink body: a kmalloc'd NUL-terminated string (the caller kfrees)
	 * or ERR_PTR.  Not called when inode->i_link is set. */
	char *(*get_link)(struct dentry *dentry, struct inode *inode);
	/* These instantiate the negative hashed dentry on success. */
	int (*create)(struct inode *dir, struct dentry *dentry, umode_t mode, bool excl);
	int (*mkdir)(struct inode *dir, struct dentry *dentry, umode_t mode);
	int (*mknod)(struct inode *dir, struct dentry *dentry, umode_t mode, dev_t dev);
	int (*symlink)(struct inode *dir, struct dentry *dentry, const char *target);
	int (*link)(struct dentry *old, struct inode *dir, struct dentry *dentry);
	/* These drop the link; the VFS then d_delete()s the dentry. */
	int (*unlink)(struct inode *dir, struct dentry *dentry);
	int (*rmdir)(struct inode *dir, struct dentry *dentry);
	/* The target (new) is negative or, if positive, compatible and (for a
	 * directory) empty as the VFS checked; the VFS d_move()s afterwards. */
	int (*rename)(struct inode *old_dir, struct dentry *old, struct inode *new_dir,
		      struct dentry *new, unsigned int flags);
	int (*setattr)(struct dentry *dentry, struct iattr *attr); /* default: simple_setattr */
	int (*getattr)(const struct path *path, struct kstat *stat, u32 request_mask,
		       unsigned int flags); /* default: generic_fillattr */
};

/* i_state */
#define I_NEW 0x1 /* being set up by iget_locked's caller */
#define I_FREEING 0x2 /* being evicted */
#define I_DIRTY 0x4
/* i_wb_state bits (fs/fs-writeback.c, under its wb_list_lock; not i_state):
 * what of the inode is newer than the disk, and writeback in progress. */
#define I_DIRTY_SYNC 0x10 /* the inode (timestamps...): fsync writes it */
#define I_DIRTY_DATASYNC 0x20 /* the inode, needed to read the data (size, block map) */
#define I_DIRTY_PAGES 0x40 /* some page of i_data is dirty */
#define I_SYNC 0x80 /* being written back: eviction waits for it (0x100+: private) */
#define I_DIRTY_INODE (I_DIRTY_SYNC | I_DIRTY_DATASYNC)
/* i_flags */
#define S_DEAD 0x1 /* removed directory */
#define S_NOATIME 0x2

struct inode {
	umode_t i_mode;
	u32 i_uid, i_gid;
	unsigned int i_flags;
	const struct inode_operations *i_op;
	const struct file_operations *i_fop;
	struct super_block *i_sb;
	struct address_space *i_mapping; /* &i_data */
	unsigned long i_ino;
	unsigned int i_nlink;
	dev_t i_rdev;
	loff_t i_size; /* written under i_rwsem; read with i_size_read() */
	struct timespec64 i_atime, i_mtime, i_ctime;
	u64 i_blocks;
	u32 i_generation;
	unsigned long i_state; /* under inode_hash_lock (fs/inode.c) */
	struct rw_semaphore i_rwsem;
	atomic_t i_count;
	struct list_head i_hash; /* hash chain (iget_locked); empty: unhashed */
	struct list_head i_sb_list; /* sb->s_inodes */
	struct list_head i_lru; /* unused cached inodes */
	struct address_space i_data;
	struct pipe_inode_info *i_pipe;
	const char *i_link; /* in-memory symlink body (kmalloc'd, freed at destroy) */
	void *i_private;
	/* writeback (fs/fs-writeback.c): on the dirty list while i_wb_state
	 * has an I_DIRTY_* bit; dirtied_when is when it became dirty (ns). */
	unsigned long i_wb_state;
	u64 dirtied_when;
	struct list_head i_io_list;
};

static inline loff_t i_size_read(const struct inode *inode) { return READ_ONCE(inode->i_size); }
static inline void i_size_write(struct inode *inode, loff_t size)
{
	WRITE_ONCE(inode->i_size, size);
}
static inline void inode_lock(struct inode *inode) { down_write(&inode->i_rwsem); }
static inline void inode_unlock(struct inode *inode) { up_write(&inode->i_rwsem); }
static inline void inode_lock_shared(struct inode *inode) { down_read(&inode->i_rwsem); }
static inline void inode_unlock_shared(struct inode *inode) { up_read(&inode->i_rwsem); }
/* i_rwsem subclasses for lockdep when two are held */
enum { I_MUTEX_NORMAL, I_MUTEX_PARENT, I_MUTEX_CHILD, I_MUTEX_PARENT2, I_MUTEX_NONDIR2 };
static inline void inode_lock_nested(struct inode *inode, int subclass)
{
	down_write_nested(&inode->i_rwsem, subclass);
}
#define IS_DEADDIR(inode) ((inode)->i_flags & S_DEAD)
#define IS_RDONLY(inode) ((inode)->i_sb->s_flags & SB_RDONLY)

/* A fresh unhashed inode of sb with i_count 1, i_ino from get_next_ino(). */
struct inode *new_inode(struct super_block *sb);
unsigned long get_next_ino(void);
/* The cached inode ino of sb (referenced), or a new one marked I_NEW which
 * the caller fills in and publishes with unlock_new_inode() (or discards
 * with iget_failed()).  Other callers wait until then. */
struct inode *iget_locked(struct super_block *sb, unsigned long ino);
void unlock_new_inode(struct inode *inode);
void iget_failed(struct inode *inode);
void ihold(struct inode *inode);
/* Drops a reference; may evict (sleeps: never call with a spinlock held). */
void iput(struct inode *inode);
void inode_init_owner(struct inode *inode, const struct inode *dir, umode_t mode);
void init_special_inode(struct inode *inode, umode_t mode, dev_t rdev);
void set_nlink(struct inode *inode, unsigned int n);
void inc_nlink(struct inode *inode);
void drop_nlink(struct inode *inode);
void clear_nlink(struct inode *inode);
void generic_fillattr(struct inode *inode, struct kstat *stat);
int simple_setattr(struct dentry *dentry, struct iattr *attr);
void setattr_copy(struct inode *inode, const struct iattr *attr);
/* Sets i_size and drops the page cache beyond it (i_rwsem held). */
void truncate_setsize(struct inode *inode, loff_t newsize);
/* Drops unused cached inodes of sb (or of all sbs when NULL). */
void prune_icache(struct super_block *sb);
/* Fails if sb still has inodes in use (returns how many). */
int evict_inodes(struct super_block *sb);

/* ---- dentries (fs/dcache.c) ---- */

#define DNAME_INLINE_LEN 40
/* d_flags */
#define DCACHE_PINNED 0x1 /* in-memory fs: the dentry holds a reference on itself */
#define DCACHE_DONTCACHE 0x2 /* freed at its last dput, not kept on the LRU (procfs) */

struct dentry {
	unsigned int d_flags;
	int d_count; /* under dcache_lock */
	int d_mounted; /* mounts on it, under dcache_lock */
	struct dentry *d_parent; /* the root points at itself */
	struct qstr d_name;
	struct inode *d_inode; /* NULL: negative */
	struct super_block *d_sb;
	struct list_head d_hash; /* hash chain; empty: unhashed */
	struct list_head d_child; /* in d_parent->d_subdirs, in d_off order */
	struct list_head d_subdirs; /* children */
	struct list_head d_lru; /* unused dentries */
	loff_t d_off; /* readdir cookie in the parent (2..) */
	loff_t d_next_off; /* next cookie for a child */
	void *d_fsdata;
	char d_iname[DNAME_INLINE_LEN];
};

extern spinlock_t dcache_lock;

struct dentry *d_alloc(struct dentry *parent, const struct qstr *name);
struct dentry *d_alloc_root(struct inode *root_inode);
struct dentry *d_make_root(struct inode *root_inode); /* iputs on failure */
void d_instantiate(struct dentry *dentry, struct inode *inode);
/* Instantiates (inode may be NULL: negative) and hashes. */
void d_add(struct dentry *dentry, struct inode *inode);
/* The hashed child of parent named name (referenced), or NULL. */
struct dentry *d_lookup(struct dentry *parent, const struct qstr *name);
struct dentry *dget(struct dentry *dentry);
struct dentry *dget_parent(struct dentry *dentry);
void dput(struct dentry *dentry);
void d_drop(struct dentry *dentry);
bool d_unhashed(struct dentry *dentry);
/* After a successful unlink/rmdir: turn the dentry negative when we hold
 * the only reference, otherwise unhash it. */
void d_delete(struct dentry *dentry);
/* After a successful rename: dentry takes target's name and parent; the
 * target is unhashed.  dcache_lock is taken inside. */
void d_move(struct dentry *dentry, struct dentry *target);
bool is_subdir(struct dentry *child, struct dentry *ancestor);
/* If ancestor is a proper ancestor of d: the child of ancestor on the way
 * down to d (not referenced; stable under s_vfs_rename_mutex).  Else NULL. */
struct dentry *d_ancestor(struct dentry *ancestor, struct dentry *d);
/* Pins dentry (in-memory file systems keep their tree this way). */
void d_pin(struct dentry *dentry);
void d_unpin(struct dentry *dentry);
/* Drops the unused children of dentry (after rmdir, before umount). */
void shrink_dcache_parent(struct dentry *dentry);
/* Frees unused cached dentries beyond the LRU limit (or all with 0). */
void prune_dcache(unsigned long keep);
/* Writes the absolute path of p (relative to root) at the end of buf;
 * returns its start or ERR_PTR(-ENAMETOOLONG).  Unlinked: " (deleted)". */
char *d_path(const struct path *p, const struct path *root, char *buf, int buflen);
unsigned long dcache_nr_unused(void);
/* The first positive hashed child of parent after prev (from the start if
 * prev is NULL) with d_off >= pos, referenced; its name is copied to name
 * (NAME_MAX + 1 bytes) when given.  prev must be referenced and the
 * parent's i_rwsem held (so prev is still a child). */
struct dentry *d_next_child(struct dentry *parent, struct dentry *prev, loff_t pos, char *name,
			    u32 *len);
static inline bool d_is_dir(const struct dentry *d)
{
	return d->d_inode && S_ISDIR(d->d_inode->i_mode);
}
static inline bool d_is_symlink(const struct dentry *d)
{
	return d->d_inode && S_ISLNK(d->d_inode->i_mode);
}
static inline bool d_really_is_negative(const struct dentry *d) { return d->d_inode == NULL; }
static inline bool IS_ROOT(const struct dentry *d) { return d->d_parent == d; }

/* ---- mounts (fs/namespace.c) ---- */

#define MNT_NOSUID 0x1
#define MNT_NODEV 0x2
#define MNT_NOEXEC 0x4
#define MNT_RDONLY 0x40

struct vfsmount {
	struct dentry *mnt_root;
	struct super_block *mnt_sb;
	int mnt_flags;
	struct vfsmount *mnt_parent; /* itself for the root mount */
	struct dentry *mnt_mountpoint; /* in mnt_parent */
	atomic_t mnt_count;
	struct list_head mnt_list; /* all mounts, under mount_lock */
	struct list_head mnt_mounts; /* children */
	struct list_head mnt_child; /* in mnt_parent->mnt_mounts */
	char mnt_devname[64];
	int mnt_id;
};

struct vfsmount *mntget(struct vfsmount *mnt);
void mntput(struct vfsmount *mnt);
/* The mount on (mnt, dentry), referenced, or NULL. */
struct vfsmount *lookup_mnt(const struct path *path);
/* A mount of fs type that is attached nowhere (pipefs and friends). */
struct vfsmount *kern_mount(struct file_system_type *type);
/* Mounts type at the directory path (kernel callers). */
int do_mount(const char *dev_name, const char *dir_name, const char *type, unsigned long flags,
	     void *data);
int do_umount_path(const struct path *path, int flags);
/* The root of the mount tree (referenced). */
void get_root_path(struct path *root);
int mnt_want_write(struct vfsmount *mnt); /* -EROFS on a read-only mount */

static inline void path_get(const struct path *p)
{
	mntget(p->mnt);
	dget(p->dentry);
}
static inline void path_put(const struct path *p)
{
	dput(p->dentry);
	mntput(p->mnt);
}
static inline bool path_equal(const struct path *a, const struct path *b)
{
	return a->mnt == b->mnt && a->dentry == b->dentry;
}

/* ---- open files (fs/file.c, fs/open.c, fs/read_write.c) ---- */

struct kiocb {
	struct file *ki_filp;
	loff_t ki_pos;
	int ki_flags;
};
#define IOCB_APPEND 0x1
#define IOCB_NOWAIT 0x2
#define IOCB_DIRECT 0x4
#define IOCB_DSYNC 0x8

struct dir_context;
/* Returns false to stop (the buffer is full). */
typedef bool (*filldir_t)(struct dir_context *ctx, const char *name, int namelen, loff_t off,
			  u64 ino, unsigned int d_type);
struct dir_context {
	filldir_t actor;
	loff_t pos; /* where to resume: 0 ".", 1 "..", then fs cookies */
};
static inline bool dir_emit(struct dir_context *ctx, const char *name, int len, u64 ino,
			    unsigned int type)
{
	return ctx->actor(ctx, name, len, ctx->pos, ino, type);
}

struct file_operations {
	loff_t (*llseek)(struct file *file, loff_t offset, int whence);
	ssize_t (*read_iter)(struct kiocb *iocb, struct iov_iter *to);
	ssize_t (*write_iter)(struct kiocb *iocb, struct iov_iter *from);
	/* Called with the directory's i_rwsem held shared. */
	int (*iterate_shared)(struct file *file, struct dir_context *ctx);
	/* Must not sleep: registers wait queues with poll_wait(). */
	unsigned int (*poll)(struct file *file, struct poll_table_struct *pt);
	long (*unlocked_ioctl)(struct file *file, unsigned int cmd, unsigned long arg);
	/* Sets vma->vm_ops (called with mmap_lock held for writing). */
	int (*mmap)(struct file *file, struct vm_area_struct *vma);
	int (*open)(struct inode *inode, struct file *file);
	int (*release)(struct inode *inode, struct file *file);
	int (*fsync)(struct file *file, loff_t start, loff_t end, int datasync);
	/* fallocate(2) after the VFS checks (vfs_fallocate); no lock held. */
	long (*fallocate)(struct file *file, int mode, loff_t offset, loff_t len);
};

struct file {
	struct path f_path;
	struct inode *f_inode;
	const struct file_operations *f_op;
	struct address_space *f_mapping;
	atomic_long_t f_count;
	unsigned int f_flags; /* O_* as opened (F_SETFL changes some) */
	fmode_t f_mode; /* FMODE_* */
	struct mutex f_pos_lock;
	loff_t f_pos;
	void *private_data;
	struct file_ra_state f_ra; /* readahead window (fs/readahead.c) */
};
static inline struct inode *file_inode(const struct file *f) { return f->f_inode; }

/* Opens path (relative to current's cwd) with open(2) flags and mode. */
struct file *filp_open(const char *path, int flags, int mode);
struct file *file_open_root(const struct path *root, const char *name, int flags, int mode);
struct file *do_filp_open(int dfd, const char *name, int flags, int mode);
/* Opens an inode that has no name (pipes). */
struct file *alloc_file_pseudo(struct inode *inode, struct vfsmount *mnt, const char *name,
			       int flags, const struct file_operations *fops);
void get_file(struct file *f);
void fput(struct file *f);
/* The file of fd in current's table (referenced), or NULL. */
struct file *fget(int fd);
int filp_close(struct file *f);
ssize_t kernel_read(struct file *f, void *buf, size_t count, s64 *pos);
ssize_t kernel_write(struct file *f, const void *buf, size_t count, s64 *pos);
ssize_t vfs_read(struct file *f, void *ubuf, size_t count, loff_t *pos);
ssize_t vfs_write(struct file *f, const void *ubuf, size_t count, loff_t *pos);
ssize_t vfs_iter_read(struct file *f, struct iov_iter *iter, loff_t *pos);
ssize_t vfs_iter_write(struct file *f, struct iov_iter *iter, loff_t *pos);
loff_t vfs_llseek(struct file *f, loff_t offset, int whence);
loff_t generic_file_llseek(struct file *f, loff_t offset, int whence);
loff_t no_llseek(struct file *f, loff_t offset, int whence);
/* SEEK_SET, SEEK_CUR and SEEK_END (from eof); -EINVAL for anything else
 * or a result below 0 or above maxsize.  For files whose end is not i_size
 * or whose position is not a byte offset (procfs text, directories,
 * devices). */
loff_t generic_file_llseek_size(struct file *f, loff_t offset, int whence, loff_t maxsize,
				loff_t eof);
int vfs_fsync(struct file *f, int datasync);
int vfs_fadvise(struct file *f, loff_t offset, loff_t len, int advice); /* fs/fadvise.c */
int vfs_fallocate(struct file *f, int mode, loff_t offset, loff_t len);
/* Regular file with an execute bit on an exec-able mount, else -EACCES. */
int vfs_check_exec(struct file *f);
int vfs_getattr(const struct path *path, struct kstat *stat, u32 request_mask, unsigned int flags);
int vfs_truncate(const struct path *path, loff_t length);
int do_truncate(struct dentry *dentry, loff_t length, unsigned int attrs, struct file *filp);
int notify_change(struct dentry *dentry, struct iattr *attr);
int iterate_dir(struct file *file, struct dir_context *ctx);

/* ---- per-process tables (fs/file.c, fs/fs_struct.c) ---- */

struct files_struct {
	atomic_t count; /* tasks sharing it (CLONE_FILES) */
	spinlock_t file_lock;
	int max_fds; /* size of fd[] */
	int next_fd; /* lowest possibly free */
	struct file **fd; /* NULL: free */
	unsigned long *close_on_exec; /* bitmap of max_fds bits */
};

struct files_struct *files_alloc(void);
struct files_struct *dup_files(struct files_struct *old); /* fork; NULL: no memory */
void put_files(struct files_struct *files); /* closes all at the last put */
void do_close_on_exec(struct files_struct *files);
/* Installs f at the lowest free fd >= minfd; takes over the reference. */
int fd_install_min(struct files_struct *files, struct file *f, int minfd, bool cloexec);
int close_fd(unsigned int fd);
/* /dev/console as fds 0, 1 and 2 of current. */
int vfs_open_console_fds(void);

struct fs_struct {
	int users;
	spinlock_t lock;
	int umask;
	struct path root, pwd;
};

struct fs_struct *fs_alloc_root(void); /* root and cwd at "/", umask 022 */
/* CLONE_FS shares the struct: fs->users++ under fs->lock (put_fs_struct
 * undoes it); CLONE_FILES: atomic_inc(&files->count) (put_files). */
struct fs_struct *copy_fs_struct(struct fs_struct *old);
void put_fs_struct(struct fs_struct *fs);
void get_fs_root(struct fs_struct *fs, struct path *root);
void get_fs_pwd(struct fs_struct *fs, struct path *pwd);
void set_fs_pwd(struct fs_struct *fs, const struct path *path);
void set_fs_root(struct fs_struct *fs, const struct path *path);
/* current's fs_struct, or the kernel's (root "/") for kernel threads. */
struct fs_struct *current_fs(void);
int current_umask(void);

/* ---- path lookup (fs/namei.c) ---- */

#define LOOKUP_FOLLOW 0x0001 /* follow a final symlink */
#define LOOKUP_DIRECTORY 0x0002 /* the final component must be a directory */
#define LOOKUP_PARENT 0x0010 /* stop at the parent, see last component */
#define LOOKUP_EMPTY 0x4000 /* an empty name means the start directory */
#define LOOKUP_CREATE 0x0200 /* hints for i_op->lookup */
#define LOOKUP_EXCL 0x0400

/* Kernel-space names. */
int kern_path(const char *name, unsigned int flags, struct path *path);
int vfs_path_lookup(const struct path *start, const char *name, unsigned int flags,
		    struct path *path);
/* dfd-relative lookup of a kernel-space name (AT_FDCWD or an open dir). */
int filename_lookup(int dfd, const char *name, unsigned int flags, struct path *path);
/* User-space names (copied with strncpy_from_user; -EFAULT, -ENAMETOOLONG). */
int user_path_at(int dfd, const char *uname, unsigned int flags, struct path *path);
char *getname(const char *uname); /* kmalloc'd PATH_MAX copy or ERR_PTR; putname() */
char *getname_flags(const char *uname, bool allow_empty);
void putname(char *name);
/* Looks up the parent of name and returns the child dentry (negative) with
 * the parent's i_rwsem held, for creating it; done_path_create() undoes. */
struct dentry *kern_path_create(int dfd, const char *name, struct path *path,
				unsigned int lookup_flags);
void done_path_create(struct path *path, struct dentry *dentry);
/* One component in a locked directory (referenced; maybe negative). */
struct dentry *lookup_one_len(const char *name, struct dentry *base, int len);
/* The symlink body of a positive symlink dentry (kmalloc'd; kfree it). */
char *vfs_get_link(struct dentry *dentry);

/* Namespace operations (checks + i_op call); dir locked by the caller. */
int vfs_create(struct inode *dir, struct dentry *dentry, umode_t mode, bool excl);
int vfs_mkdir(struct inode *dir, struct dentry *dentry, umode_t mode);
int vfs_mknod(struct inode *dir, struct dentry *dentry, umode_t mode, dev_t dev);
int vfs_symlink(struct inode *dir, struct dentry *dentry, const char *oldname);
int vfs_link(struct dentry *old, struct inode *dir, struct dentry *new);
int vfs_unlink(struct inode *dir, struct dentry *dentry);
int vfs_rmdir(struct inode *dir, struct dentry *dentry);
int vfs_rename(struct inode *old_dir, struct dentry *old, struct inode *new_dir, struct dentry *new,
	       unsigned int flags);
/* Path-level helpers used by system calls and the initramfs. */
int do_mkdirat(int dfd, const char *name, umode_t mode);
int do_mknodat(int dfd, const char *name, umode_t mode, dev_t dev);
int do_symlinkat(const char *target, int dfd, const char *name);
int do_linkat(int olddfd, const char *oldname, int newdfd, const char *newname, int flags);
int do_unlinkat(int dfd, const char *name);
int do_rmdir(int dfd, const char *name);
int do_renameat2(int olddfd, const char *oldname, int newdfd, const char *newname,
		 unsigned int flags);
int chmod_common(const struct path *path, umode_t mode);
int utimes_common(const struct path *path, const struct timespec64 *times /* [2] or NULL */);
#define UTIME_NOW ((1L << 30) - 1L)
#define UTIME_OMIT ((1L << 30) - 2L)

/* ---- helpers for simple in-memory file systems (fs/libfs.c) ---- */

struct dentry *simple_lookup(struct inode *dir, struct dentry *dentry, unsigned int flags);
int dcache_readdir(struct file *file, struct dir_context *ctx);
bool simple_empty(struct dentry *dentry);
int simple_link(struct dentry *old, struct inode *dir, struct dentry *dentry);
int simple_unlink(struct inode *dir, struct dentry *dentry);
int simple_rmdir(struct inode *dir, struct dentry *dentry);
int simple_rename(struct inode *old_dir, struct dentry *old, struct inode *new_dir,
		  struct dentry *new, unsigned int flags);
int simple_statfs(struct dentry *dentry, struct kstatfs *buf);
int noop_fsync(struct file *f, loff_t start, loff_t end, int datasync);
/* llseek of directories whose f_pos is an entry count (SEEK_SET, SEEK_CUR) */
loff_t dcache_dir_lseek(struct file *file, loff_t offset, int whence);
extern const struct file_operations simple_dir_operations;
extern const struct inode_operations simple_symlink_inode_operations;

/* ---- writeback and sync (fs/fs-writeback.c, fs/sync.c) ----
 * Inodes whose pages or metadata are newer than the disk are on one dirty
 * list (a single writeback domain for all devices).  The flusher thread
 * writes back inodes dirty for longer than dirty_expire (boot option,
 * milliseconds, default 5000) and, when dirty pages pass the background
 * limit (dirty_ratio/2 % of RAM), the oldest until they are below it;
 * writers sleep above dirty_ratio (default 20) % of RAM.  The flusher also
 * calls ->sync_fs(sb, 0) every dirty_expire so metadata kept by the file
 * system reaches the disk by itself.  Writeback never takes i_rwsem: a
 * file system's writepage must not need it. */
void __mark_inode_dirty(struct inode *inode, int flags);
static inline void mark_inode_dirty(struct inode *inode)
{
	__mark_inode_dirty(inode, I_DIRTY_INODE);
}
static inline void mark_inode_dirty_sync(struct inode *inode)
{
	__mark_inode_dirty(inode, I_DIRTY_SYNC);
}
/* Writes inode's dirty pages and (s_op->write_inode) the inode itself;
 * with sync, waits for the pages' I/O and asks write_inode to wait. */
int write_inode_now(struct inode *inode, int sync);
/* Writes the inode if it is dirty (I_DIRTY_INODE; with datasync only
 * I_DIRTY_DATASYNC counts), waiting. */
int sync_inode_metadata(struct inode *inode, int datasync);
/* Everything of sb: its inodes' pages and metadata, then ->sync_fs(sb, 1). */
int sync_filesystem(struct super_block *sb);
void ksys_sync(void);
/* fsync for file systems without their own: the range's pages, the inode
 * (per datasync), then ->sync_fs(sb, 1) (which flushes the disk cache). */
int generic_file_fsync(struct file *file, loff_t start, loff_t end, int datasync);
void wakeup_flusher_threads(void);

/* ---- block device nodes (fs/block_dev.c) ----
 * /dev/vda, /dev/vdb... (major BLOCK_MAJOR, minor 16 * n for the nth
 * disk): opening one reads and writes the whole disk through the page
 * cache of its block-device inode (one per disk, never freed), so reads
 * are cached and read ahead, writes are written back like file data.
 * fsync writes back the device's dirty pages and flushes its cache. */
#define BLOCK_MAJOR 254
struct block_device;
extern const struct file_operations def_blk_fops;
/* The disk behind path (a block-device node), or, when there is no such
 * node, the disk named "vda" or "/dev/vda".  ERR_PTR(-ENOTBLK, -ENXIO...). */
struct block_device *lookup_bdev(const char *path);
/* The page cache of the whole disk, or NULL when out of memory. */
struct address_space *bdev_mapping(struct block_device *bdev);
/* Writes back the disk's cached dirty pages, waits, flushes its cache. */
int sync_blockdev(struct block_device *bdev);

/* ---- devices (fs/char_dev.c, fs/devtmpfs.c) ---- */

/* Files of char device major go to fops (its ->open sees the minor). */
int register_chrdev(unsigned int major, const char *name, const struct file_operations *fops);
extern const struct file_operations def_chr_fops;
/* Asks for /dev/name (a char device node); made when /dev exists. */
int devtmpfs_create_node(const char *name, umode_t mode, dev_t dev);

/* ---- pipes (fs/pipe.c) and poll (fs/select.c) ---- */

extern const struct file_operations pipefifo_fops;
/* Makes a pipe: res[0] reads, res[1] writes (flags: O_NONBLOCK, O_CLOEXEC). */
int create_pipe_files(struct file **res, int flags);

struct poll_table_entry {
	struct wait_queue_head *wq;
	struct wait_queue_entry wait;
};
struct poll_table_page;
struct poll_table_struct {
	bool enabled; /* false: ->poll callers only want the mask */
	int error;
	int nr_entries;
	struct poll_table_page *pages; /* fs/select.c */
};
typedef struct poll_table_struct poll_table;
/* Registers the caller on wq so that a wake_up() there ends the poll. */
void poll_wait(struct file *f, struct wait_queue_head *wq, poll_table *pt);
unsigned int vfs_poll(struct file *f, poll_table *pt);

/* ---- start-up ---- */

/* Mounts the root ramfs, unpacks the initramfs, makes /dev (fs_initcall). */
int vfs_init(void);
int populate_rootfs(void);
int unpack_cpio(const void *buf, size_t len);
/* Unpacks below prefix ("" for /); -EINVAL on a malformed archive. */
int unpack_cpio_at(const void *buf, size_t len, const char *prefix);
/* root= (fs/do_mounts.c): once the disk became "/", where an init program
 * missing there is looked for in the initramfs ("/initrd" + path, in
 * buf); NULL without root=. */
const char *init_fallback_path(const char *path, char *buf, size_t size);

#endif
