/*
 * test_vfs.c - self-tests of path lookup, the dcache, ramfs namespace
 * operations, mounts, the fd table and the initramfs unpacker (ktest=fs).
 *
 * They run in kernel threads (no fd table of their own unless a test makes
 * one), on the root ramfs under /tmp/kt_*, through the same VFS entry
 * points the system calls use with kernel-space names.  Each test removes
 * what it made; the tree tests also check that the free page count comes
 * back (no leaked inodes, dentries or pages).
 */
#include "internal.h"
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <mm/page.h>
#include <mm/slab.h>

static int put_file(const char *path, const char *data)
{
	struct file *f = filp_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	s64 pos = 0;
	ssize_t n;

	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	n = kernel_write(f, data, strlen(data), &pos);
	fput(f);
	return n == (ssize_t)strlen(data) ? 0 : -EIO;
}

/* Reads path into buf (NUL-terminated); returns the length or -errno. */
static int slurp(const char *path, char *buf, size_t size)
{
	struct file *f = filp_open(path, O_RDONLY, 0);
	s64 pos = 0;
	ssize_t n;

	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	n = kernel_read(f, buf, size - 1, &pos);
	fput(f);
	if (n >= 0)
		buf[n] = 0;
	return (int)n;
}

static int lookup_err(const char *path, unsigned int flags)
{
	struct path p;
	int err = kern_path(path, flags, &p);

	if (!err)
		path_put(&p);
	return err;
}

static umode_t lookup_mode(const char *path, unsigned int flags)
{
	struct path p;
	umode_t m;

	if (kern_path(path, flags, &p))
		return 0;
	m = p.dentry->d_inode->i_mode;
	path_put(&p);
	return m;
}

static void ensure_tmp(void) { do_mkdirat(AT_FDCWD, "/tmp", 01777); }

KTEST(fs_path_lookup)
{
	char buf[128];
	struct path p, start;
	struct file *f;

	ensure_tmp();
	KT_ASSERT(t, do_mkdirat(AT_FDCWD, "/tmp/kt_lookup", 0755) == 0, "mkdir");
	KT_ASSERT(t, do_mkdirat(AT_FDCWD, "/tmp/kt_lookup/a", 0755) == 0, "mkdir a");
	KT_ASSERT(t, do_mkdirat(AT_FDCWD, "/tmp/kt_lookup/a/b", 0755) == 0, "mkdir a/b");
	KT_ASSERT(t, put_file("/tmp/kt_lookup/a/b/f", "hello") == 0, "create f");
	/* ".", "..", repeated slashes */
	KT_ASSERT(t, slurp("/tmp/kt_lookup/a/./b/../b//f", buf, sizeof(buf)) == 5, "dots");
	KT_ASSERT(t, !strcmp(buf, "hello"), "content %s", buf);
	KT_ASSERT(t, lookup_err("/../../tmp/kt_lookup/a", 0) == 0, ".. at / stays at /");
	/* errors */
	KT_ASSERT(t, lookup_err("/tmp/kt_lookup/a/nope", 0) == -ENOENT, "ENOENT");
	KT_ASSERT(t, lookup_err("/tmp/kt_lookup/a/b/f/x", 0) == -ENOTDIR, "ENOTDIR");
	KT_ASSERT(t, lookup_err("/tmp/kt_lookup/a/b/f/", 0) == -ENOTDIR, "trailing slash");
	KT_ASSERT(t, lookup_err("", 0) == -ENOENT, "empty name");
	/* relative to a start directory (what dirfd does) */
	KT_ASSERT(t, kern_path("/tmp/kt_lookup/a", LOOKUP_DIRECTORY, &start) == 0, "start");
	KT_ASSERT(t, vfs_path_lookup(&start, "b/f", 0, &p) == 0, "relative");
	KT_ASSERT(t, S_ISREG(p.dentry->d_inode->i_mode), "relative is the file");
	path_put(&p);
	KT_ASSERT(t, vfs_path_lookup(&start, "", LOOKUP_EMPTY, &p) == 0 && p.dentry == start.dentry,
		  "empty path with LOOKUP_EMPTY is the start");
	path_put(&p);
	path_put(&start);
	/* symlinks: relative, absolute, to a directory, chains, loops */
	KT_ASSERT(t, do_symlinkat("b/f", AT_FDCWD, "/tmp/kt_lookup/a/rel") == 0, "symlink rel");
	KT_ASSERT(t, do_symlinkat("/tmp/kt_lookup/a/b", AT_FDCWD, "/tmp/kt_lookup/abs") == 0,
		  "abs");
	KT_ASSERT(t, do_symlinkat("rel", AT_FDCWD, "/tmp/kt_lookup/a/chain") == 0, "chain");
	KT_ASSERT(t, do_symlinkat("loop2", AT_FDCWD, "/tmp/kt_lookup/loop1") == 0, "loop1");
	KT_ASSERT(t, do_symlinkat("loop1", AT_FDCWD, "/tmp/kt_lookup/loop2") == 0, "loop2");
	KT_ASSERT(t, do_symlinkat("nowhere", AT_FDCWD, "/tmp/kt_lookup/dangling") == 0, "dangling");
	KT_ASSERT(t, slurp("/tmp/kt_lookup/a/rel", buf, sizeof(buf)) == 5, "follow rel");
	KT_ASSERT(t, slurp("/tmp/kt_lookup/a/chain", buf, sizeof(buf)) == 5, "follow chain");
	KT_ASSERT(t, slurp("/tmp/kt_lookup/abs/f", buf, sizeof(buf)) == 5, "through abs link");
	KT_ASSERT(t, S_ISLNK(lookup_mode("/tmp/kt_lookup/a/rel", 0)), "no follow: the link");
	KT_ASSERT(t, S_ISREG(lookup_mode("/tmp/kt_lookup/a/rel", LOOKUP_FOLLOW)), "follow");
	KT_ASSERT(t, S_ISDIR(lookup_mode("/tmp/kt_lookup/abs/", 0)), "slash follows");
	KT_ASSERT(t, lookup_err("/tmp/kt_lookup/loop1", LOOKUP_FOLLOW) == -ELOOP, "ELOOP");
	KT_ASSERT(t, lookup_err("/tmp/kt_lookup/loop1/x", 0) == -ELOOP, "ELOOP mid-path");
	KT_ASSERT(t, lookup_err("/tmp/kt_lookup/dangling", LOOKUP_FOLLOW) == -ENOENT, "dangling");
	f = filp_open("/tmp/kt_lookup/a/rel", O_RDONLY | O_NOFOLLOW, 0);
	KT_ASSERT(t, PTR_ERR(f) == -ELOOP, "O_NOFOLLOW on a link: %ld", PTR_ERR(f));
	/* O_CREAT through a dangling link creates its target */
	KT_ASSERT(t, put_file("/tmp/kt_lookup/dangling", "made") == 0, "create via link");
	KT_ASSERT(t, slurp("/tmp/kt_lookup/nowhere", buf, sizeof(buf)) == 4, "target made");
	f = filp_open("/tmp/kt_lookup/nowhere", O_RDONLY | O_CREAT | O_EXCL, 0644);
	KT_ASSERT(t, PTR_ERR(f) == -EEXIST, "O_EXCL");
	f = filp_open("/tmp/kt_lookup/a", O_WRONLY, 0);
	KT_ASSERT(t, PTR_ERR(f) == -EISDIR, "directory for writing");
	f = filp_open("/tmp/kt_lookup/a/b/f", O_RDONLY | O_DIRECTORY, 0);
	KT_ASSERT(t, PTR_ERR(f) == -ENOTDIR, "O_DIRECTORY");
	/* clean up */
	const char *files[] = { "/tmp/kt_lookup/a/b/f",	   "/tmp/kt_lookup/a/rel",
				"/tmp/kt_lookup/abs",	   "/tmp/kt_lookup/a/chain",
				"/tmp/kt_lookup/loop1",	   "/tmp/kt_lookup/loop2",
				"/tmp/kt_lookup/dangling", "/tmp/kt_lookup/nowhere" };
	for (unsigned int i = 0; i < ARRAY_SIZE(files); i++)
		KT_ASSERT(t, do_unlinkat(AT_FDCWD, files[i]) == 0, "unlink %s", files[i]);
	KT_ASSERT(t, do_rmdir(AT_FDCWD, "/tmp/kt_lookup/a/b") == 0, "rmdir b");
	KT_ASSERT(t, do_rmdir(AT_FDCWD, "/tmp/kt_lookup/a") == 0, "rmdir a");
	KT_ASSERT(t, do_rmdir(AT_FDCWD, "/tmp/kt_lookup") == 0, "rmdir");
}

KTEST(fs_dcache)
{
	struct path p1, p2, root;
	char buf[128], *s;

	ensure_tmp();
	KT_ASSERT(t, do_mkdirat(AT_FDCWD, "/tmp/kt_dc", 0755) == 0, "mkdir");
	KT_ASSERT(t, put_file("/tmp/kt_dc/x", "1") == 0, "create");
	/* one name, one dentry */
	KT_ASSERT(t,
		  kern_path("/tmp/kt_dc/x", 0, &p1) == 0 && kern_path("/tmp/kt_dc/x", 0, &p2) == 0,
		  "lookups");
	KT_ASSERT(t, p1.dentry == p2.dentry, "the dcache gives the same dentry");
	path_put(&p2);
	/* d_path and renames */
	get_root_path(&root);
	s = d_path(&p1, &root, buf, sizeof(buf));
	KT_ASSERT(t, !IS_ERR(s) && !strcmp(s, "/tmp/kt_dc/x"), "d_path %s", IS_ERR(s) ? "?" : s);
	KT_ASSERT(t, do_renameat2(AT_FDCWD, "/tmp/kt_dc/x", AT_FDCWD, "/tmp/kt_dc/y", 0) == 0,
		  "mv");
	s = d_path(&p1, &root, buf, sizeof(buf));
	KT_ASSERT(t, !IS_ERR(s) && !strcmp(s, "/tmp/kt_dc/y"), "d_path after rename %s", s);
	KT_ASSERT(t, lookup_err("/tmp/kt_dc/x", 0) == -ENOENT, "old name gone");
	/* unlink while held: the dentry is unhashed, the file lives on */
	KT_ASSERT(t, do_unlinkat(AT_FDCWD, "/tmp/kt_dc/y") == 0, "unlink");
	KT_ASSERT(t, d_unhashed(p1.dentry) && p1.dentry->d_inode, "held dentry unhashed, positive");
	KT_ASSERT(t, p1.dentry->d_inode->i_nlink == 0, "no links left");
	s = d_path(&p1, &root, buf, sizeof(buf));
	KT_ASSERT(t, !IS_ERR(s) && !strcmp(s, "/tmp/kt_dc/y (deleted)"), "deleted path %s", s);
	KT_ASSERT(t, lookup_err("/tmp/kt_dc/y", 0) == -ENOENT, "name gone");
	path_put(&p1);
	/* hard links count */
	KT_ASSERT(t, put_file("/tmp/kt_dc/h1", "hh") == 0, "h1");
	KT_ASSERT(t, do_linkat(AT_FDCWD, "/tmp/kt_dc/h1", AT_FDCWD, "/tmp/kt_dc/h2", 0) == 0,
		  "link");
	KT_ASSERT(t, kern_path("/tmp/kt_dc/h2", 0, &p1) == 0, "lookup h2");
	KT_ASSERT(t, p1.dentry->d_inode->i_nlink == 2, "nlink %u", p1.dentry->d_inode->i_nlink);
	KT_ASSERT(t, do_linkat(AT_FDCWD, "/tmp/kt_dc", AT_FDCWD, "/tmp/kt_dc/d2", 0) == -EPERM,
		  "no links to directories");
	KT_ASSERT(t, do_unlinkat(AT_FDCWD, "/tmp/kt_dc/h1") == 0, "unlink h1");
	KT_ASSERT(t, p1.dentry->d_inode->i_nlink == 1, "nlink after unlink");
	path_put(&p1);
	KT_ASSERT(t, do_unlinkat(AT_FDCWD, "/tmp/kt_dc/h2") == 0, "unlink h2");
	path_put(&root);
	KT_ASSERT(t, do_rmdir(AT_FDCWD, "/tmp/kt_dc") == 0, "rmdir");
}

struct names {
	struct dir_context ctx;
	int count;
	bool dot, dotdot;
	char seen[16][16];
};

static bool collect(struct dir_context *ctx, const char *name, int len, loff_t off, u64 ino,
		    unsigned int type)
{
	struct names *n = container_of(ctx, struct names, ctx);

	if (len == 1 && name[0] == '.')
		n->dot = true;
	else if (len == 2 && name[0] == '.' && name[1] == '.')
		n->dotdot = true;
	else if (n->count < 16 && len < 16) {
		memcpy(n->seen[n->count], name, len);
		n->seen[n->count][len] = 0;
	}
	n->count++;
	return true;
}

static int count_entries(const char *dir, struct names *n)
{
	struct file *f = filp_open(dir, O_RDONLY | O_DIRECTORY, 0);
	int err;

	memset(n, 0, sizeof(*n));
	n->ctx.actor = collect;
	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	err = iterate_dir(f, &n->ctx);
	fput(f);
	return err ? err : n->count;
}

KTEST(fs_ramfs_tree)
{
	unsigned long free0;
	struct names n;
	char path[64];

	ensure_tmp();
	prune_dcache(0);
	free0 = nr_free_pages();
	for (int round = 0; round < 2; round++) {
		KT_ASSERT(t, do_mkdirat(AT_FDCWD, "/tmp/kt_tree", 0755) == 0, "mkdir");
		KT_ASSERT(t, do_mkdirat(AT_FDCWD, "/tmp/kt_tree/d1", 0755) == 0, "mkdir d1");
		KT_ASSERT(t, do_mkdirat(AT_FDCWD, "/tmp/kt_tree/d2", 0755) == 0, "mkdir d2");
		for (int i = 0; i < 10; i++) {
			snprintf(path, sizeof(path), "/tmp/kt_tree/d1/f%d", i);
			KT_ASSERT(t, put_file(path, "some data") == 0, "create %s", path);
		}
		KT_ASSERT(t, count_entries("/tmp/kt_tree/d1", &n) == 12 && n.dot && n.dotdot,
			  "readdir sees 10 files, . and .. (%d)", n.count);
		/* move half across directories, one over an existing name */
		for (int i = 0; i < 5; i++) {
			char to[64];
			snprintf(path, sizeof(path), "/tmp/kt_tree/d1/f%d", i);
			snprintf(to, sizeof(to), "/tmp/kt_tree/d2/g%d", i);
			KT_ASSERT(t, do_renameat2(AT_FDCWD, path, AT_FDCWD, to, 0) == 0, "mv %s",
				  path);
		}
		KT_ASSERT(t,
			  do_renameat2(AT_FDCWD, "/tmp/kt_tree/d1/f5", AT_FDCWD,
				       "/tmp/kt_tree/d2/g0", 0) == 0,
			  "replace");
		KT_ASSERT(t,
			  do_renameat2(AT_FDCWD, "/tmp/kt_tree/d1/f6", AT_FDCWD,
				       "/tmp/kt_tree/d2/g1", 1 /* RENAME_NOREPLACE */) == -EEXIST,
			  "noreplace");
		KT_ASSERT(t, count_entries("/tmp/kt_tree/d1", &n) == 6, "d1 has 4 + 2 (%d)",
			  n.count);
		KT_ASSERT(t, count_entries("/tmp/kt_tree/d2", &n) == 7, "d2 has 5 + 2 (%d)",
			  n.count);
		/* directory renames: into itself, over a non-empty one, over an empty one */
		KT_ASSERT(t,
			  do_renameat2(AT_FDCWD, "/tmp/kt_tree/d1", AT_FDCWD, "/tmp/kt_tree/d1/sub",
				       0) == -EINVAL,
			  "dir into itself");
		KT_ASSERT(t,
			  do_renameat2(AT_FDCWD, "/tmp/kt_tree/d1", AT_FDCWD, "/tmp/kt_tree/d2",
				       0) == -ENOTEMPTY,
			  "over a non-empty dir");
		KT_ASSERT(t, do_mkdirat(AT_FDCWD, "/tmp/kt_tree/empty", 0755) == 0, "mkdir empty");
		KT_ASSERT(t,
			  do_renameat2(AT_FDCWD, "/tmp/kt_tree/d1", AT_FDCWD, "/tmp/kt_tree/empty",
				       0) == 0,
			  "over an empty dir");
		KT_ASSERT(t,
			  do_renameat2(AT_FDCWD, "/tmp/kt_tree/d2/g2", AT_FDCWD,
				       "/tmp/kt_tree/empty", 0) == -EISDIR,
			  "file over dir");
		KT_ASSERT(t,
			  do_renameat2(AT_FDCWD, "/tmp/kt_tree/d2/g2", AT_FDCWD, "/tmp/kt_tree/d2",
				       0) == -ENOTEMPTY,
			  "over its own parent");
		KT_ASSERT(t, do_rmdir(AT_FDCWD, "/tmp/kt_tree/empty") == -ENOTEMPTY,
			  "rmdir non-empty");
		KT_ASSERT(t, do_unlinkat(AT_FDCWD, "/tmp/kt_tree/empty") == -EISDIR, "unlink dir");
		KT_ASSERT(t, do_rmdir(AT_FDCWD, "/tmp/kt_tree/d2/g2") == -ENOTDIR, "rmdir file");
		KT_ASSERT(t, do_rmdir(AT_FDCWD, "/tmp/kt_tree/.") == -EINVAL, "rmdir .");
		/* remove everything */
		for (int i = 6; i < 10; i++) {
			snprintf(path, sizeof(path), "/tmp/kt_tree/empty/f%d", i);
			KT_ASSERT(t, do_unlinkat(AT_FDCWD, path) == 0, "rm %s", path);
		}
		for (int i = 0; i < 5; i++) {
			snprintf(path, sizeof(path), "/tmp/kt_tree/d2/g%d", i);
			KT_ASSERT(t, do_unlinkat(AT_FDCWD, path) == 0, "rm %s", path);
		}
		KT_ASSERT(t, do_rmdir(AT_FDCWD, "/tmp/kt_tree/empty") == 0, "rmdir empty");
		KT_ASSERT(t, do_rmdir(AT_FDCWD, "/tmp/kt_tree/d2") == 0, "rmdir d2");
		KT_ASSERT(t, do_mkdirat(AT_FDCWD, "/tmp/kt_tree/d2/x", 0755) == -ENOENT,
			  "mkdir in gone");
		KT_ASSERT(t, do_rmdir(AT_FDCWD, "/tmp/kt_tree") == 0, "rmdir");
	}
	prune_dcache(0);
	KT_ASSERT(t, nr_free_pages() + 16 >= free0, "leak: %lu pages before, %lu after", free0,
		  nr_free_pages());
}

KTEST(fs_mount_tmpfs)
{
	struct file *f;
	struct path p;
	char buf[32];

	ensure_tmp();
	KT_ASSERT(t, do_mkdirat(AT_FDCWD, "/tmp/kt_mnt", 0755) == 0, "mkdir");
	KT_ASSERT(t, put_file("/tmp/kt_mnt/under", "hidden") == 0, "file under the mount");
	KT_ASSERT(t, do_mount("none", "/tmp/kt_mnt", "nosuchfs", 0, NULL) == -ENODEV, "ENODEV");
	KT_ASSERT(t, do_mount("none", "/tmp/kt_mnt", "tmpfs", 0, NULL) == 0, "mount");
	KT_ASSERT(t, lookup_err("/tmp/kt_mnt/under", 0) == -ENOENT, "covered");
	KT_ASSERT(t, put_file("/tmp/kt_mnt/inside", "in") == 0, "create inside");
	KT_ASSERT(t, kern_path("/tmp/kt_mnt/..", 0, &p) == 0, "..");
	KT_ASSERT(t, p.dentry->d_name.len == 3 && !memcmp(p.dentry->d_name.name, "tmp", 3),
		  ".. from a mount root is the mountpoint's parent");
	path_put(&p);
	KT_ASSERT(t, do_linkat(AT_FDCWD, "/tmp/kt_mnt/inside", AT_FDCWD, "/tmp/kt_x", 0) == -EXDEV,
		  "EXDEV");
	f = filp_open("/tmp/kt_mnt/inside", O_RDONLY, 0);
	KT_ASSERT(t, !IS_ERR(f), "open inside");
	KT_ASSERT(t, kern_path("/tmp/kt_mnt", 0, &p) == 0, "mount root");
	KT_ASSERT(t, do_umount_path(&p, 0) == -EBUSY, "busy while a file is open");
	fput(f);
	KT_ASSERT(t, do_rmdir(AT_FDCWD, "/tmp/kt_mnt") == -EBUSY, "rmdir of a mountpoint");
	KT_ASSERT(t, do_umount_path(&p, 0) == 0, "umount");
	path_put(&p);
	KT_ASSERT(t, slurp("/tmp/kt_mnt/under", buf, sizeof(buf)) == 6, "uncovered again");
	KT_ASSERT(t, lookup_err("/tmp/kt_mnt/inside", 0) == -ENOENT, "tmpfs contents gone");
	KT_ASSERT(t, do_unlinkat(AT_FDCWD, "/tmp/kt_mnt/under") == 0, "rm");
	KT_ASSERT(t, do_rmdir(AT_FDCWD, "/tmp/kt_mnt") == 0, "rmdir");
}

KTEST(fs_fd_table)
{
	struct files_struct *saved = current->files, *files = files_alloc(), *copy;
	struct file *f;
	int fd;

	KT_ASSERT(t, files, "files_alloc");
	current->files = files;
	ensure_tmp();
	KT_ASSERT(t, put_file("/tmp/kt_fd", "0123456789") == 0, "create");
	f = filp_open("/tmp/kt_fd", O_RDONLY, 0);
	KT_ASSERT(t, !IS_ERR(f), "open");
	fd = fd_install_min(files, f, 0, false);
	KT_ASSERT(t, fd == 0, "lowest fd first: %d", fd);
	get_file(f);
	KT_ASSERT(t, fd_install_min(files, f, 0, true) == 1, "next fd");
	get_file(f);
	KT_ASSERT(t, do_dup2(files, f, 700, 0) == 700, "dup2 grows the table");
	KT_ASSERT(t, fget(700) == f, "fget");
	fput(f);
	KT_ASSERT(t, get_close_on_exec(1) == 1 && get_close_on_exec(0) == 0, "cloexec bits");
	/* fork: a copy shares the open files (and so their offsets) */
	copy = dup_files(files);
	KT_ASSERT(t, copy && copy->fd[700] == f, "dup_files");
	KT_ASSERT(t, copy->fd[0] == files->fd[0] && atomic_long_read(&f->f_count) == 6,
		  "fork shares each struct file (and so its offset)");
	do_close_on_exec(copy);
	KT_ASSERT(t, !copy->fd[1] && copy->fd[0], "exec closes only cloexec fds");
	put_files(copy);
	KT_ASSERT(t, close_fd(0) == 0 && close_fd(0) == -EBADF, "close");
	KT_ASSERT(t, fd_install_min(files, (get_file(f), f), 0, false) == 0, "reuses fd 0");
	current->files = saved;
	put_files(files);
	KT_ASSERT(t, do_unlinkat(AT_FDCWD, "/tmp/kt_fd") == 0, "rm");
}

/* ---- initramfs ---- */

static size_t cpio_add(char *buf, size_t off, const char *name, u32 mode, const char *data, u32 ino,
		       u32 nlink)
{
	size_t nl = strlen(name) + 1, dl = data ? strlen(data) : 0;

	off += snprintf(buf + off, 111,
			"070701%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x%08x%08zx%08x", ino, mode,
			0, 0, nlink, 1000000, dl, 0, 0, 0, 0, nl, 0);
	memcpy(buf + off, name, nl);
	off = ALIGN_UP(off + nl, 4);
	memcpy(buf + off, data, dl);
	return ALIGN_UP(off + dl, 4);
}

KTEST(fs_initramfs_unpack)
{
	char *ar = kzalloc(4096, 0), buf[32];
	size_t len = 0, good;
	struct path p;

	KT_ASSERT(t, ar, "alloc");
	ensure_tmp();
	KT_ASSERT(t, do_mkdirat(AT_FDCWD, "/tmp/kt_cpio", 0755) == 0, "mkdir");
	len = cpio_add(ar, len, ".", S_IFDIR | 0755, NULL, 1, 2);
	len = cpio_add(ar, len, "dir", S_IFDIR | 0700, NULL, 2, 2);
	len = cpio_add(ar, len, "dir/file", S_IFREG | 0640, "contents", 3, 1);
	len = cpio_add(ar, len, "dir/link", S_IFLNK | 0777, "file", 4, 1);
	len = cpio_add(ar, len, "h1", S_IFREG | 0600, NULL, 5, 2);
	len = cpio_add(ar, len, "h2", S_IFREG | 0600, "linked", 5, 2);
	good = cpio_add(ar, len, "TRAILER!!!", 0, NULL, 0, 1);
	KT_ASSERT(t, unpack_cpio_at(ar, good, "/tmp/kt_cpio") == 0, "unpack");
	KT_ASSERT(t,
		  slurp("/tmp/kt_cpio/dir/link", buf, sizeof(buf)) == 8 && !strcmp(buf, "contents"),
		  "file through the symlink");
	KT_ASSERT(t, slurp("/tmp/kt_cpio/h1", buf, sizeof(buf)) == 6, "hard link has the data");
	KT_ASSERT(t, kern_path("/tmp/kt_cpio/dir/file", 0, &p) == 0, "lookup");
	KT_ASSERT(t, p.dentry->d_inode->i_mode == (S_IFREG | 0640), "mode %o",
		  p.dentry->d_inode->i_mode);
	KT_ASSERT(t, p.dentry->d_inode->i_mtime.tv_sec == 1000000, "mtime");
	path_put(&p);
	KT_ASSERT(t, lookup_mode("/tmp/kt_cpio/dir", 0) == (S_IFDIR | 0700), "dir mode");
	KT_ASSERT(t, kern_path("/tmp/kt_cpio/h2", 0, &p) == 0 && p.dentry->d_inode->i_nlink == 2,
		  "hard link count");
	path_put(&p);
	/* malformed archives: refused with -EINVAL, no panic */
	KT_ASSERT(t, unpack_cpio_at(ar, len, "/tmp/kt_cpio") == -EINVAL, "no trailer");
	KT_ASSERT(t, unpack_cpio_at(ar, 50, "/tmp/kt_cpio") == -EINVAL, "truncated header");
	ar[0] = 'x';
	KT_ASSERT(t, unpack_cpio_at(ar, good, "/tmp/kt_cpio") == -EINVAL, "bad magic");
	ar[0] = '0';
	ar[20] = 'z';
	KT_ASSERT(t, unpack_cpio_at(ar, good, "/tmp/kt_cpio") == -EINVAL, "bad hex");
	ar[20] = '0';
	memcpy(ar + 6 + 8 * 11, "7fffffff", 8); /* namesize */
	KT_ASSERT(t, unpack_cpio_at(ar, good, "/tmp/kt_cpio") == -EINVAL, "huge name size");
	kfree(ar);
	const char *rm[] = { "/tmp/kt_cpio/dir/file", "/tmp/kt_cpio/dir/link", "/tmp/kt_cpio/h1",
			     "/tmp/kt_cpio/h2" };
	for (unsigned int i = 0; i < ARRAY_SIZE(rm); i++)
		KT_ASSERT(t, do_unlinkat(AT_FDCWD, rm[i]) == 0, "rm %s", rm[i]);
	KT_ASSERT(t, do_rmdir(AT_FDCWD, "/tmp/kt_cpio/dir") == 0, "rmdir dir");
	KT_ASSERT(t, do_rmdir(AT_FDCWD, "/tmp/kt_cpio") == 0, "rmdir");
}

/* ---- the inode cache (iget_locked), as disk file systems will use it ---- */

static struct file_system_type kt_icache_type = { .name = "kt_icache" };
static const struct super_operations kt_icache_ops;

struct iget_waiter {
	struct super_block *sb;
	struct inode *got;
	bool was_new;
};

static int iget_thread(void *arg)
{
	struct iget_waiter *w = arg;

	w->got = iget_locked(w->sb, 42); /* sleeps while the first caller has I_NEW */
	w->was_new = w->got && (w->got->i_state & I_NEW);
	return 0;
}

KTEST(fs_inode_cache)
{
	struct super_block *sb = sget_anon(&kt_icache_type, &kt_icache_ops);
	struct iget_waiter w = { 0 };
	struct task_struct *th;
	struct inode *a, *b;

	KT_ASSERT(t, sb, "superblock");
	w.sb = sb;
	a = iget_locked(sb, 42);
	KT_ASSERT(t, a && (a->i_state & I_NEW) && a->i_ino == 42, "a new inode");
	th = kthread_run(iget_thread, &w, "kt_iget");
	msleep(30);
	KT_ASSERT(t, !w.got, "a second iget waits while the inode is I_NEW");
	a->i_mode = S_IFREG | 0644;
	unlock_new_inode(a);
	kthread_join(th);
	KT_ASSERT(t, w.got == a && !w.was_new, "then it gets the same inode, ready");
	iput(w.got);
	iput(a);
	b = iget_locked(sb, 42);
	KT_ASSERT(t, b == a && !(b->i_state & I_NEW), "an unused inode stays cached");
	iput(b);
	prune_icache(sb);
	b = iget_locked(sb, 42);
	KT_ASSERT(t, b && (b->i_state & I_NEW), "pruned: the next iget reads it anew");
	iget_failed(b);
	KT_ASSERT(t, evict_inodes(sb) == 0, "no inode left");
	generic_shutdown_super(sb);
}
