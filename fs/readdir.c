/*
 * readdir.c - reading directories: iterate_dir() and getdents64(2).
 *
 * iterate_dir() calls f_op->iterate_shared with the directory's i_rwsem held
 * shared and the file position locked; the file system emits entries through
 * the dir_context actor and advances ctx->pos, which becomes f_pos (a cookie
 * the file system understands: 0 ".", 1 "..", then its own values).
 * getdents64 lays entries out as struct linux_dirent64 (d_ino, d_off,
 * d_reclen, d_type, name, NUL, 8-byte aligned); d_off is the position after
 * the entry.  An entry that does not fit stops the walk; if none fit the
 * call fails with -EINVAL.
 */
#include "internal.h"
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

int iterate_dir(struct file *file, struct dir_context *ctx)
{
	struct inode *inode = file_inode(file);
	int err;

	if (!file->f_op->iterate_shared)
		return -ENOTDIR;
	inode_lock_shared(inode);
	err = IS_DEADDIR(inode) ? -ENOENT : file->f_op->iterate_shared(file, ctx);
	file->f_pos = ctx->pos;
	inode_unlock_shared(inode);
	return err;
}

struct getdents_ctx {
	struct dir_context ctx;
	char *ubuf;
	size_t left;
	size_t used;
	int error;
};

struct dirent64_head {
	u64 d_ino;
	s64 d_off;
	u16 d_reclen;
	u8 d_type;
} __packed;

static bool filldir64(struct dir_context *ctx, const char *name, int namelen, loff_t off, u64 ino,
		      unsigned int d_type)
{
	struct getdents_ctx *g = container_of(ctx, struct getdents_ctx, ctx);
	size_t reclen = ALIGN_UP(sizeof(struct dirent64_head) + namelen + 1, 8);
	struct dirent64_head h;
	char zeros[8] = { 0 };
	char *p = g->ubuf + g->used;

	if (reclen > g->left) {
		g->error = -EINVAL; /* reported only when nothing fitted */
		return false;
	}
	h.d_ino = ino;
	h.d_off = off + 1; /* where the next call resumes (see dcache_readdir) */
	h.d_reclen = (u16)reclen;
	h.d_type = (u8)d_type;
	if (copy_to_user(p, &h, sizeof(h)) || copy_to_user(p + sizeof(h), name, namelen) ||
	    copy_to_user(p + sizeof(h) + namelen, zeros, reclen - sizeof(h) - namelen)) {
		g->error = -EFAULT;
		return false;
	}
	g->used += reclen;
	g->left -= reclen;
	return true;
}

SYSCALL_DEFINE(__NR_getdents64, getdents64)
{
	struct getdents_ctx g = { .ctx.actor = filldir64 };
	struct file *f = fget((int)a0);
	size_t count = (size_t)(unsigned int)a2;
	int err;

	if (!f)
		return -EBADF;
	if (!access_ok((unsigned long)a1, count)) {
		fput(f);
		return -EFAULT;
	}
	g.ubuf = (char *)a1;
	g.left = count;
	mutex_lock(&f->f_pos_lock);
	g.ctx.pos = f->f_pos;
	err = iterate_dir(f, &g.ctx);
	mutex_unlock(&f->f_pos_lock);
	fput(f);
	if (g.used)
		return g.used;
	return err ? err : g.error;
}
