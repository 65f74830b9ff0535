/*
 * namei.c - path lookup: from a name to a (mount, dentry) pair.
 *
 * A walk starts at the process root ("/..."), the cwd (AT_FDCWD) or an open
 * directory (dirfd), and takes one component at a time:
 *   "."   stays; ".."  goes up, never above the process root, and from the
 *         root of a mount to its mountpoint first;
 *   name  looked up in the dcache (d_lookup), else under the directory's
 *         i_rwsem through i_op->lookup; then mounts on the result are
 *         crossed (follow_mount).
 * A symlink met before the last component, or as the last one when
 * LOOKUP_FOLLOW is set (or the name ends in '/'), is replaced by a walk of
 * its body from the directory that holds it (or from the root if the body
 * is absolute).  At most MAX_NESTED_LINKS symlinks nest and MAXSYMLINKS are
 * followed in one lookup: beyond that -ELOOP.
 *
 * References: the walk holds a reference on its current path (and on the
 * root it started from) and moves it along; the result is referenced for
 * the caller (path_put).  Locks: only the one directory's i_rwsem during a
 * slow lookup, nothing else across components.
 *
 * Permissions: every caller is root for now (uid 0), so searching and
 * reading always succeed; execute needs an x bit (inode_permission).
 */
#include "internal.h"
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>
#include <mm/slab.h>

struct nameidata {
	struct path path; /* where the walk is */
	struct path root; /* "/" for this walk */
	struct qstr last; /* LOOKUP_PARENT: the final component */
	int last_type;
	bool trailing_slash;
	int depth; /* symlinks nested now */
	int total_links; /* symlinks followed so far */
};

char *getname_flags(const char *uname, bool allow_empty)
{
	char *name = kmalloc(PATH_MAX, 0);
	long n;

	if (!name)
		return ERR_PTR(-ENOMEM);
	n = strncpy_from_user(name, uname, PATH_MAX);
	if (n < 0) {
		kfree(name);
		return ERR_PTR(n);
	}
	if (n == 0 && !allow_empty) {
		kfree(name);
		return ERR_PTR(-ENOENT);
	}
	return name;
}

char *getname(const char *uname) { return getname_flags(uname, false); }
void putname(char *name) { kfree(name); }

int inode_permission(struct inode *inode, int mask)
{
	if ((mask & MAY_WRITE) && IS_RDONLY(inode) &&
	    (S_ISREG(inode->i_mode) || S_ISDIR(inode->i_mode) || S_ISLNK(inode->i_mode)))
		return -EROFS;
	/* root: read and write always; execute needs some x bit (not dirs) */
	if ((mask & MAY_EXEC) && !S_ISDIR(inode->i_mode) && !(inode->i_mode & S_IXUGO))
		return -EACCES;
	return 0;
}

/* Sets up root and the starting point; name is not empty or LOOKUP_EMPTY. */
static int path_init(struct nameidata *nd, int dfd, const char *name, unsigned int flags)
{
	struct fs_struct *fs = current_fs();

	memset(nd, 0, sizeof(*nd));
	get_fs_root(fs, &nd->root);
	if (*name == '/') {
		nd->path = nd->root;
		path_get(&nd->path);
	} else if (dfd == AT_FDCWD) {
		get_fs_pwd(fs, &nd->path);
	} else {
		struct file *f = fget(dfd);
		if (!f) {
			path_put(&nd->root);
			return -EBADF;
		}
		if (*name && !d_is_dir(f->f_path.dentry)) {
			fput(f);
			path_put(&nd->root);
			return -ENOTDIR;
		}
		nd->path = f->f_path;
		path_get(&nd->path);
		fput(f);
	}
	return 0;
}

static void terminate_walk(struct nameidata *nd)
{
	path_put(&nd->path);
	path_put(&nd->root);
}

struct dentry *lookup_hash_locked(const struct qstr *name, struct dentry *base, unsigned int flags)
{
	struct inode *dir = base->d_inode;
	struct dentry *d, *old;

	d = d_lookup(base, name);
	if (d)
		return d;
	if (IS_DEADDIR(dir))
		return ERR_PTR(-ENOENT);
	if (!dir->i_op || !dir->i_op->lookup)
		return ERR_PTR(-ENOTDIR);
	d = d_alloc(base, name);
	if (!d)
		return ERR_PTR(-ENOMEM);
	old = dir->i_op->lookup(dir, d, flags);
	if (old) {
		dput(d); /* unhashed: freed */
		return old;
	}
	return d;
}

struct dentry *lookup_one_len(const char *name, struct dentry *base, int len)
{
	struct qstr q = QSTR_INIT(name, (u32)len);

	if (!len || len > NAME_MAX)
		return ERR_PTR(len ? -ENAMETOOLONG : -EACCES);
	for (int i = 0; i < len; i++)
		if (name[i] == '/' || !name[i])
			return ERR_PTR(-EACCES);
	return lookup_hash_locked(&q, base, 0);
}

static struct dentry *lookup_component(struct dentry *dir, const struct qstr *name)
{
	struct dentry *d = d_lookup(dir, name);

	if (d)
		return d;
	inode_lock(dir->d_inode);
	d = lookup_hash_locked(name, dir, 0);
	inode_unlock(dir->d_inode);
	return d;
}

static void follow_dotdot(struct nameidata *nd)
{
	for (;;) {
		struct dentry *parent;

		if (path_equal(&nd->path, &nd->root))
			break;
		if (nd->path.dentry != nd->path.mnt->mnt_root) {
			parent = dget_parent(nd->path.dentry);
			dput(nd->path.dentry);
			nd->path.dentry = parent;
			break;
		}
		if (!follow_up(&nd->path))
			break; /* the top of the mount tree */
	}
	follow_mount(&nd->path);
}

char *vfs_get_link(struct dentry *dentry)
{
	struct inode *inode = dentry->d_inode;
	char *body;

	if (inode->i_link) {
		size_t n = strlen(inode->i_link);
		body = kmalloc(n + 1, 0);
		if (!body)
			return ERR_PTR(-ENOMEM);
		memcpy(body, inode->i_link, n + 1);
		return body;
	}
	if (!inode->i_op || !inode->i_op->get_link)
		return ERR_PTR(-EINVAL);
	return inode->i_op->get_link(dentry, inode);
}

static int walk(struct nameidata *nd, const char *name, unsigned int flags);

/* link is a symlink found in nd->path: walk its body in place of it. */
static int follow_link(struct nameidata *nd, struct path *link, unsigned int flags)
{
	char *body;
	int err;

	if (++nd->total_links > MAXSYMLINKS || nd->depth >= MAX_NESTED_LINKS)
		return -ELOOP;
	body = vfs_get_link(link->dentry);
	if (IS_ERR(body))
		return PTR_ERR(body);
	if (!*body) {
		kfree(body);
		return -ENOENT;
	}
	nd->depth++;
	err = walk(nd, body, flags);
	nd->depth--;
	kfree(body);
	return err;
}

/* One component; final says whether flags' final rules apply. */
static int step(struct nameidata *nd, const char *name, u32 len, bool final, unsigned int flags)
{
	struct qstr q = QSTR_INIT(name, len);
	struct path next;
	struct dentry *d;
	bool follow, want_dir;

	if (!d_is_dir(nd->path.dentry))
		return -ENOTDIR;
	if (len == 1 && name[0] == '.')
		return 0;
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		follow_dotdot(nd);
		return 0;
	}
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	d = lookup_component(nd->path.dentry, &q);
	if (IS_ERR(d))
		return PTR_ERR(d);
	if (!d->d_inode) {
		dput(d);
		return -ENOENT;
	}
	next.mnt = mntget(nd->path.mnt);
	next.dentry = d;
	follow_mount(&next);
	follow = !final || (flags & LOOKUP_FOLLOW);
	want_dir = !final || (flags & LOOKUP_DIRECTORY);
	if (d_is_symlink(next.dentry) && follow) {
		int err = follow_link(nd, &next, final ? flags : LOOKUP_FOLLOW | LOOKUP_DIRECTORY);
		path_put(&next);
		return err;
	}
	path_put(&nd->path);
	nd->path = next;
	if (want_dir && !d_is_dir(nd->path.dentry))
		return -ENOTDIR;
	return 0;
}

/* Walks name from nd->path (or the root if absolute).  With LOOKUP_PARENT
 * the final component is not walked but left in nd->last. */
static int walk(struct nameidata *nd, const char *name, unsigned int flags)
{
	if (*name == '/') {
		path_put(&nd->path);
		nd->path = nd->root;
		path_get(&nd->path);
		while (*name == '/')
			name++;
	}
	if (!*name) { /* "/" or the empty name (LOOKUP_EMPTY) */
		nd->last_type = LAST_ROOT;
		nd->last.name = name;
		nd->last.len = 0;
		return 0;
	}
	for (;;) {
		const char *p = name;
		u32 len;
		bool final;
		int err;

		while (*p && *p != '/')
			p++;
		len = p - name;
		while (*p == '/')
			p++;
		final = !*p;
		if (final) {
			bool slash = name[len] == '/';
			if (flags & LOOKUP_PARENT) {
				nd->last.name = name;
				nd->last.len = len;
				nd->trailing_slash = slash;
				nd->last_type = LAST_NORM;
				if (len == 1 && name[0] == '.')
					nd->last_type = LAST_DOT;
				else if (len == 2 && name[0] == '.' && name[1] == '.')
					nd->last_type = LAST_DOTDOT;
				if (len > NAME_MAX)
					return -ENAMETOOLONG;
				if (!d_is_dir(nd->path.dentry))
					return -ENOTDIR;
				return 0;
			}
			if (slash)
				flags |= LOOKUP_FOLLOW | LOOKUP_DIRECTORY;
			return step(nd, name, len, true, flags);
		}
		err = step(nd, name, len, false, flags);
		if (err)
			return err;
		name = p;
	}
}

static int path_lookupat(int dfd, const struct path *start, const char *name, unsigned int flags,
			 struct nameidata *nd)
{
	int err;

	if (!*name && !(flags & LOOKUP_EMPTY))
		return -ENOENT;
	if (start) {
		memset(nd, 0, sizeof(*nd));
		get_fs_root(current_fs(), &nd->root);
		nd->path = *start;
		path_get(&nd->path);
	} else {
		err = path_init(nd, dfd, name, flags);
		if (err)
			return err;
	}
	err = walk(nd, name, flags);
	if (!err && (flags & LOOKUP_DIRECTORY) && !d_is_dir(nd->path.dentry))
		err = -ENOTDIR;
	if (err)
		terminate_walk(nd);
	return err;
}

int filename_lookup(int dfd, const char *name, unsigned int flags, struct path *path)
{
	struct nameidata nd;
	int err = path_lookupat(dfd, NULL, name, flags & ~LOOKUP_PARENT, &nd);

	if (err)
		return err;
	*path = nd.path;
	path_put(&nd.root);
	return 0;
}

int kern_path(const char *name, unsigned int flags, struct path *path)
{
	return filename_lookup(AT_FDCWD, name, flags, path);
}

int vfs_path_lookup(const struct path *start, const char *name, unsigned int flags,
		    struct path *path)
{
	struct nameidata nd;
	int err = path_lookupat(AT_FDCWD, start, name, flags & ~LOOKUP_PARENT, &nd);

	if (err)
		return err;
	*path = nd.path;
	path_put(&nd.root);
	return 0;
}

int user_path_at(int dfd, const char *uname, unsigned int flags, struct path *path)
{
	char *name = getname_flags(uname, flags & LOOKUP_EMPTY);
	int err;

	if (IS_ERR(name))
		return PTR_ERR(name);
	err = filename_lookup(dfd, name, flags, path);
	putname(name);
	return err;
}

int filename_parentat(int dfd, const char *name, unsigned int flags, struct path *parent,
		      struct qstr *last, int *type, bool *slash)
{
	struct nameidata nd;
	int err = path_lookupat(dfd, NULL, name, flags | LOOKUP_PARENT, &nd);

	if (err)
		return err;
	*parent = nd.path;
	*last = nd.last;
	*type = nd.last_type;
	if (slash)
		*slash = nd.trailing_slash;
	path_put(&nd.root);
	return 0;
}

struct dentry *kern_path_create(int dfd, const char *name, struct path *path,
				unsigned int lookup_flags)
{
	struct qstr last;
	struct dentry *d;
	bool slash;
	int type, err;

	err = filename_parentat(dfd, name, 0, path, &last, &type, &slash);
	if (err)
		return ERR_PTR(err);
	if (type != LAST_NORM) {
		path_put(path);
		return ERR_PTR(-EEXIST);
	}
	err = mnt_want_write(path->mnt);
	if (err) {
		path_put(path);
		return ERR_PTR(err);
	}
	inode_lock_nested(path->dentry->d_inode, I_MUTEX_PARENT);
	d = lookup_hash_locked(&last, path->dentry, LOOKUP_CREATE | LOOKUP_EXCL);
	if (IS_ERR(d))
		goto fail;
	if (d->d_inode) {
		dput(d);
		d = ERR_PTR(-EEXIST);
		goto fail;
	}
	/* "name/" may only create a directory */
	if (slash && !(lookup_flags & LOOKUP_DIRECTORY)) {
		dput(d);
		d = ERR_PTR(-ENOENT);
		goto fail;
	}
	return d;
fail:
	inode_unlock(path->dentry->d_inode);
	path_put(path);
	return d;
}

void done_path_create(struct path *path, struct dentry *dentry)
{
	dput(dentry);
	inode_unlock(path->dentry->d_inode);
	path_put(path);
}

/* ---- open ---- */

/* The last component of an O_CREAT open, in nd->path: finds or creates it.
 * On success *result is referenced; a symlink to follow returns 1 with
 * *result the link. */
static int open_create_last(struct nameidata *nd, int flags, int mode, struct path *result,
			    bool *created)
{
	struct inode *dir = nd->path.dentry->d_inode;
	struct dentry *d;
	int err = 0;

	if (nd->last_type != LAST_NORM || nd->trailing_slash)
		return -EISDIR;
	inode_lock_nested(dir, I_MUTEX_PARENT);
	d = lookup_hash_locked(&nd->last, nd->path.dentry,
			       LOOKUP_CREATE | ((flags & O_EXCL) ? LOOKUP_EXCL : 0));
	if (IS_ERR(d)) {
		inode_unlock(dir);
		return PTR_ERR(d);
	}
	if (!d->d_inode) {
		err = mnt_want_write(nd->path.mnt);
		if (!err)
			err = vfs_create(dir, d, (mode & S_IALLUGO & ~current_umask()) | S_IFREG,
					 flags & O_EXCL);
		inode_unlock(dir);
		if (err) {
			dput(d);
			return err;
		}
		*created = true;
		result->mnt = mntget(nd->path.mnt);
		result->dentry = d;
		return 0;
	}
	inode_unlock(dir);
	if (flags & O_EXCL) {
		dput(d);
		return -EEXIST;
	}
	result->mnt = mntget(nd->path.mnt);
	result->dentry = d;
	follow_mount(result);
	if (d_is_symlink(result->dentry)) {
		if (flags & O_NOFOLLOW) {
			path_put(result);
			return -ELOOP;
		}
		return 1;
	}
	if (d_is_dir(result->dentry)) {
		path_put(result);
		return -EISDIR;
	}
	return 0;
}

/* O_CREAT: walk to the parent, then create or open the last component,
 * following symlinks at the end (their targets may be created). */
static int path_openat_create(struct nameidata *nd, const char *name, int flags, int mode,
			      struct path *result, bool *created)
{
	char *body = NULL;
	int err;

	for (;;) {
		err = walk(nd, name, LOOKUP_PARENT);
		if (!err && nd->last_type == LAST_ROOT && !*nd->last.name)
			err = -EISDIR;
		if (!err)
			err = open_create_last(nd, flags, mode, result, created);
		kfree(body);
		body = NULL;
		if (err <= 0)
			return err;
		/* a symlink: its body is walked from the directory holding it */
		err = 0;
		if (++nd->total_links > MAXSYMLINKS)
			err = -ELOOP;
		else
			body = vfs_get_link(result->dentry);
		path_put(result);
		if (err)
			return err;
		if (IS_ERR(body))
			return PTR_ERR(body);
		name = body;
	}
}

struct file *do_filp_open(int dfd, const char *name, int flags, int mode)
{
	struct nameidata nd;
	struct path path;
	struct file *f;
	bool created = false;
	int err;

	if (!*name)
		return ERR_PTR(-ENOENT);
	err = path_init(&nd, dfd, name, 0);
	if (err)
		return ERR_PTR(err);
	if (flags & O_CREAT) {
		err = path_openat_create(&nd, name, flags, mode, &path, &created);
	} else {
		unsigned int lf = (flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
		if (flags & O_DIRECTORY)
			lf |= LOOKUP_DIRECTORY;
		err = walk(&nd, name, lf);
		if (!err) {
			path = nd.path;
			path_get(&path);
			if (d_is_symlink(path.dentry) && !(flags & O_PATH))
				err = -ELOOP; /* O_NOFOLLOW */
			if (err)
				path_put(&path);
		}
	}
	terminate_walk(&nd);
	if (err)
		return ERR_PTR(err);
	f = alloc_empty_file(flags);
	if (IS_ERR(f)) {
		path_put(&path);
		return f;
	}
	err = vfs_open(&path, f);
	path_put(&path);
	if (err) {
		__fput_free(f);
		return ERR_PTR(err);
	}
	if ((flags & O_TRUNC) && !created && (f->f_mode & FMODE_WRITE) &&
	    S_ISREG(file_inode(f)->i_mode)) {
		err = do_truncate(f->f_path.dentry, 0, 0, f);
		if (err) {
			fput(f);
			return ERR_PTR(err);
		}
	}
	return f;
}

struct file *filp_open(const char *path, int flags, int mode)
{
	return do_filp_open(AT_FDCWD, path, flags, mode);
}

struct file *file_open_root(const struct path *root, const char *name, int flags, int mode)
{
	struct path p;
	struct file *f;
	int err;

	if (flags & O_CREAT)
		return ERR_PTR(-EINVAL);
	err = vfs_path_lookup(root, name, (flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &p);
	if (err)
		return ERR_PTR(err);
	f = alloc_empty_file(flags);
	if (IS_ERR(f)) {
		path_put(&p);
		return f;
	}
	err = vfs_open(&p, f);
	path_put(&p);
	if (err) {
		__fput_free(f);
		return ERR_PTR(err);
	}
	return f;
}
