/*
 * xattr.c - the extended-attribute system calls: setxattr, getxattr,
 * listxattr and removexattr, each on a path, on a path without following
 * a final symlink (l...), and on an open file (f...).
 *
 * No file system here stores extended attributes (ext2 is built without
 * them, as Linux's ext2 is without CONFIG_EXT2_FS_XATTR).  The calls still
 * behave as Linux's do on such a file system, so programs that probe for
 * xattrs get the answer they expect: the file is looked up first (ENOENT,
 * EBADF, ELOOP, ...), the name and arguments are checked (ERANGE for an
 * empty or over-long name, EINVAL for unknown flags, E2BIG for a value
 * over 64 KiB, EFAULT for a bad pointer), and then get, set and remove
 * give EOPNOTSUPP while list gives an empty list (0 bytes).
 *
 * Locks: none; the looked-up path or file holds a reference while it is
 * checked.
 */
#include "internal.h"
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#define XATTR_NAME_MAX 255
#define XATTR_SIZE_MAX 65536
#define XATTR_CREATE 0x1
#define XATTR_REPLACE 0x2

/* How the call names its file: a path (following a final symlink or not)
 * or a file descriptor. */
enum xattr_target { BY_PATH, BY_LPATH, BY_FD };

/* Resolves the target and drops it again: only its existence matters. */
static int xattr_target_check(enum xattr_target how, long arg)
{
	if (how == BY_FD) {
		struct file *f = fget((int)arg);
		if (!f)
			return -EBADF;
		fput(f);
		return 0;
	}
	struct path path;
	int err = user_path_at(AT_FDCWD, (const char *)arg, how == BY_PATH ? LOOKUP_FOLLOW : 0,
			       &path);
	if (!err)
		path_put(&path);
	return err;
}

static int xattr_name_check(const char *uname)
{
	char name[XATTR_NAME_MAX + 1];
	long n = strncpy_from_user(name, uname, sizeof(name));

	if (n < 0)
		return (int)n;
	if (n == 0 || n == (long)sizeof(name))
		return -ERANGE;
	return 0;
}

static long do_setxattr(enum xattr_target how, long target, long uname, long uvalue, size_t size,
			int flags)
{
	int err;

	if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
		return -EINVAL;
	err = xattr_name_check((const char *)uname);
	if (err)
		return err;
	if (size > XATTR_SIZE_MAX)
		return -E2BIG;
	if (size && !access_ok((unsigned long)uvalue, size))
		return -EFAULT;
	err = xattr_target_check(how, target);
	return err ? err : -EOPNOTSUPP;
}

/* getxattr and removexattr: a name on an existing file, then EOPNOTSUPP. */
static long do_named_xattr(enum xattr_target how, long target, long uname)
{
	int err = xattr_name_check((const char *)uname);

	if (err)
		return err;
	err = xattr_target_check(how, target);
	return err ? err : -EOPNOTSUPP;
}

static long do_listxattr(enum xattr_target how, long target)
{
	int err = xattr_target_check(how, target);

	return err ? err : 0; /* no attributes: an empty list */
}

SYSCALL_DEFINE(__NR_setxattr, setxattr) { return do_setxattr(BY_PATH, a0, a1, a2, a3, (int)a4); }
SYSCALL_DEFINE(__NR_lsetxattr, lsetxattr) { return do_setxattr(BY_LPATH, a0, a1, a2, a3, (int)a4); }
SYSCALL_DEFINE(__NR_fsetxattr, fsetxattr) { return do_setxattr(BY_FD, a0, a1, a2, a3, (int)a4); }
SYSCALL_DEFINE(__NR_getxattr, getxattr) { return do_named_xattr(BY_PATH, a0, a1); }
SYSCALL_DEFINE(__NR_lgetxattr, lgetxattr) { return do_named_xattr(BY_LPATH, a0, a1); }
SYSCALL_DEFINE(__NR_fgetxattr, fgetxattr) { return do_named_xattr(BY_FD, a0, a1); }
SYSCALL_DEFINE(__NR_listxattr, listxattr) { return do_listxattr(BY_PATH, a0); }
SYSCALL_DEFINE(__NR_llistxattr, llistxattr) { return do_listxattr(BY_LPATH, a0); }
SYSCALL_DEFINE(__NR_flistxattr, flistxattr) { return do_listxattr(BY_FD, a0); }
SYSCALL_DEFINE(__NR_removexattr, removexattr) { return do_named_xattr(BY_PATH, a0, a1); }
SYSCALL_DEFINE(__NR_lremovexattr, lremovexattr) { return do_named_xattr(BY_LPATH, a0, a1); }
SYSCALL_DEFINE(__NR_fremovexattr, fremovexattr) { return do_named_xattr(BY_FD, a0, a1); }
