/*
 * initramfs.c - unpacks the initramfs (a "newc" cpio archive that GRUB
 * loads as a multiboot2 module) into the root ramfs at boot.
 *
 * Format (SVR4 "newc", magic 070701, or 070702 with checksums which are not
 * checked): a 110-byte ASCII header of thirteen 8-digit hex fields (ino,
 * mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor,
 * rdevminor, namesize, check), the NUL-terminated name padded to 4 bytes,
 * the data padded to 4 bytes; "TRAILER!!!" ends the archive.  A hard link
 * group shares ino and nlink > 1; the data comes with the last member.
 *
 * Regular files, directories, symlinks and device/FIFO nodes are made with
 * their modes, owners and mtimes.  A malformed archive (bad magic or hex, a
 * name or data running past the end, no trailer) stops the unpacking with a
 * message and -EINVAL; what was unpacked before stays.  A single entry that
 * cannot be made (say its directory is missing) is reported and skipped.
 * Runs in the boot thread before any process exists.
 */
#include "internal.h"
#include <kernel/bootinfo.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/slab.h>
#include <x86/layout.h>

#define HDR_LEN 110
#define MAX_LINKS 64

struct cpio_entry {
	u32 ino, mode, uid, gid, nlink, mtime, filesize, dev_major, dev_minor, rdev_major,
		rdev_minor, namesize;
	const char *name;
	const char *data;
};

struct link_rec {
	u32 ino, dev_major, dev_minor;
	char *path;
};

struct unpacker {
	const char *prefix;
	struct link_rec links[MAX_LINKS];
	int nr_links;
	int files, errors;
};

static bool parse_hex(const char *s, u32 *v)
{
	u32 r = 0;

	for (int i = 0; i < 8; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 :
					       -1;
		if (d < 0)
			return false;
		r = r << 4 | (u32)d;
	}
	*v = r;
	return true;
}

static int set_attrs(const char *path, const struct cpio_entry *e, bool follow)
{
	struct timespec64 t[2] = { { e->mtime, 0 }, { e->mtime, 0 } };
	struct path p;
	int err = kern_path(path, follow ? LOOKUP_FOLLOW : 0, &p);

	if (err)
		return err;
	if (!S_ISLNK(e->mode))
		err = chmod_common(&p, e->mode & S_IALLUGO);
	if (!err) {
		struct iattr a = { .ia_valid = ATTR_UID | ATTR_GID,
				   .ia_uid = e->uid,
				   .ia_gid = e->gid };
		inode_lock(p.dentry->d_inode);
		err = notify_change(p.dentry, &a);
		inode_unlock(p.dentry->d_inode);
	}
	if (!err)
		err = utimes_common(&p, t);
	path_put(&p);
	return err;
}

static int write_file(const char *path, const struct cpio_entry *e)
{
	struct file *f = filp_open(path, O_WRONLY | O_CREAT | O_TRUNC, e->mode & S_IALLUGO);
	s64 pos = 0;
	ssize_t n = 0;

	if (IS_ERR(f))
		return PTR_ERR(f);
	if (e->filesize)
		n = kernel_write(f, e->data, e->filesize, &pos);
	fput(f);
	if (n < 0)
		return (int)n;
	return n == (ssize_t)e->filesize ? 0 : -EIO;
}

/* Hard links: the first member creates the file, later ones link to it. */
static int do_hardlink(struct unpacker *u, const char *path, const struct cpio_entry *e,
		       bool *linked)
{
	*linked = false;
	for (int i = 0; i < u->nr_links; i++) {
		struct link_rec *l = &u->links[i];
		if (l->ino == e->ino && l->dev_major == e->dev_major &&
		    l->dev_minor == e->dev_minor) {
			*linked = true;
			return do_linkat(AT_FDCWD, l->path, AT_FDCWD, path, 0);
		}
	}
	if (u->nr_links < MAX_LINKS) {
		struct link_rec *l = &u->links[u->nr_links];
		size_t n = strlen(path) + 1;
		l->path = kmalloc(n, 0);
		if (l->path) {
			memcpy(l->path, path, n);
			l->ino = e->ino;
			l->dev_major = e->dev_major;
			l->dev_minor = e->dev_minor;
			u->nr_links++;
		}
	}
	return 0;
}

static int make_entry(struct unpacker *u, const char *path, const struct cpio_entry *e)
{
	umode_t type = e->mode & S_IFMT;
	int err = 0;

	if (type != S_IFDIR)
		do_unlinkat(AT_FDCWD, path); /* an entry replaces what was there */
	switch (type) {
	case S_IFDIR:
		err = do_mkdirat(AT_FDCWD, path, e->mode & S_IALLUGO);
		if (err == -EEXIST)
			err = 0;
		break;
	case S_IFREG: {
		bool linked = false;
		if (e->nlink > 1)
			err = do_hardlink(u, path, e, &linked);
		if (!err && (!linked || e->filesize))
			err = write_file(path, e);
		break;
	}
	case S_IFLNK: {
		char *target = kmalloc(e->filesize + 1, 0);
		if (!target)
			return -ENOMEM;
		memcpy(target, e->data, e->filesize);
		target[e->filesize] = 0;
		err = do_symlinkat(target, AT_FDCWD, path);
		kfree(target);
		break;
	}
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		err = do_mknodat(AT_FDCWD, path, e->mode,
				 MKDEV(e->rdev_major & 0xfff, e->rdev_minor & MINORMASK));
		break;
	default:
		return -EINVAL;
	}
	if (!err)
		err = set_attrs(path, e, type != S_IFLNK);
	return err;
}

static const char *fields[] = { "ino",	     "mode",	 "uid",	     "gid",	 "nlink",
				"mtime",     "filesize", "devmajor", "devminor", "rdevmajor",
				"rdevminor", "namesize", "check" };

int unpack_cpio_at(const void *buf, size_t len, const char *prefix)
{
	struct unpacker u = { .prefix = prefix };
	const char *base = buf;
	size_t off = 0;
	char *path = kmalloc(PATH_MAX, 0);
	int err = -EINVAL;

	if (!path)
		return -ENOMEM;
	for (;;) {
		struct cpio_entry e;
		u32 v[13], check;
		const char *h = base + off, *name;
		size_t data_off, next;

		if (len < HDR_LEN || off > len - HDR_LEN) {
			printk(KERN_ERR "initramfs: truncated archive: no trailer (offset %zu)\n",
			       off);
			break;
		}
		if (memcmp(h, "070701", 6) && memcmp(h, "070702", 6)) {
			printk(KERN_ERR
			       "initramfs: bad magic at offset %zu (not a newc cpio archive)\n",
			       off);
			break;
		}
		bool ok = true;
		for (int i = 0; i < 13 && ok; i++) {
			if (!parse_hex(h + 6 + 8 * i, &v[i])) {
				printk(KERN_ERR "initramfs: bad %s field at offset %zu\n",
				       fields[i], off);
				ok = false;
			}
		}
		if (!ok)
			break;
		e.ino = v[0], e.mode = v[1], e.uid = v[2], e.gid = v[3], e.nlink = v[4];
		e.mtime = v[5], e.filesize = v[6], e.dev_major = v[7], e.dev_minor = v[8];
		e.rdev_major = v[9], e.rdev_minor = v[10], e.namesize = v[11];
		check = v[12];
		(void)check;
		if (e.namesize == 0 || e.namesize > PATH_MAX || e.namesize > len - off - HDR_LEN) {
			printk(KERN_ERR "initramfs: bad name size %u at offset %zu\n", e.namesize,
			       off);
			break;
		}
		name = h + HDR_LEN;
		if (name[e.namesize - 1] != 0 || strlen(name) != e.namesize - 1) {
			printk(KERN_ERR "initramfs: name not terminated at offset %zu\n", off);
			break;
		}
		data_off = ALIGN_UP(off + HDR_LEN + e.namesize, 4);
		if (data_off > len || e.filesize > len - data_off) {
			printk(KERN_ERR "initramfs: %s: data runs past the end of the archive\n",
			       name);
			break;
		}
		e.name = name;
		e.data = base + data_off;
		next = ALIGN_UP(data_off + e.filesize, 4);
		if (!strcmp(name, "TRAILER!!!")) {
			err = 0;
			break;
		}
		while (name[0] == '.' && name[1] == '/')
			name += 2;
		while (name[0] == '/')
			name++;
		if (name[0] && strcmp(name, ".") != 0) {
			int r;
			if (snprintf(path, PATH_MAX, "%s/%s", prefix, name) >= PATH_MAX) {
				r = -ENAMETOOLONG;
			} else {
				r = make_entry(&u, path, &e);
			}
			if (r) {
				printk(KERN_WARNING "initramfs: %s: error %d (skipped)\n", name, r);
				u.errors++;
			} else {
				u.files++;
			}
		}
		off = next;
		if (off >= len) {
			printk(KERN_ERR "initramfs: truncated archive: no trailer\n");
			break;
		}
	}
	for (int i = 0; i < u.nr_links; i++)
		kfree(u.links[i].path);
	kfree(path);
	if (!err)
		printk(KERN_INFO "initramfs: unpacked %d entries%s\n", u.files,
		       u.errors ? " (some skipped)" : "");
	return err;
}

int unpack_cpio(const void *buf, size_t len) { return unpack_cpio_at(buf, len, ""); }

int populate_rootfs(void)
{
	const struct boot_module *m = NULL;

	for (int i = 0; i < boot_info.nr_modules; i++) {
		if (!strcmp(boot_info.modules[i].name, "initramfs") || !m)
			m = &boot_info.modules[i];
	}
	if (!m) {
		printk(KERN_INFO "initramfs: none loaded\n");
		return 0;
	}
	if (m->end <= m->start)
		return 0;
	return unpack_cpio(__va(m->start), m->end - m->start);
}
