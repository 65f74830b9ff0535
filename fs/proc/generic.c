/*
 * generic.c - the machinery shared by all procfs files: the snapshot
 * buffer of generated files (open builds it, read and lseek serve it,
 * release frees it), writes refused with -EIO, symlinks whose body is
 * computed, and directories served from tables of entries.
 *
 * Locks: none of its own.  The snapshot belongs to one open file (reads
 * are serialised by the VFS's f_pos_lock when they share a position; pread
 * only reads the buffer, which never changes after open).  Show functions
 * run in process context with no lock held and take what they need.
 */
#include "internal.h"
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/page.h>
#include <mm/slab.h>

#define PROC_BUF_MAX (4UL << 20) /* a text larger than this: -ENOMEM */

/* ---- formatting into a snapshot ---- */

void proc_write_bytes(struct proc_buf *m, const void *p, size_t n)
{
	if (m->overflow || m->len + n > m->size) {
		m->overflow = true;
		return;
	}
	memcpy(m->buf + m->len, p, n);
	m->len += n;
}

void proc_puts(struct proc_buf *m, const char *s) { proc_write_bytes(m, s, strlen(s)); }

void proc_putc(struct proc_buf *m, char c) { proc_write_bytes(m, &c, 1); }

void proc_printf(struct proc_buf *m, const char *fmt, ...)
{
	size_t room = m->size - m->len;
	va_list ap;
	int n;

	if (m->overflow)
		return;
	va_start(ap, fmt);
	/* The buffer has one byte beyond m->size for vsnprintf's NUL. */
	n = vsnprintf(m->buf + m->len, room + 1, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n > room) {
		m->overflow = true;
		return;
	}
	m->len += (size_t)n;
}

/* ---- generated files ---- */

static int proc_file_open(struct inode *inode, struct file *file)
{
	struct proc_inode *pi = PROC_I(inode);
	struct proc_buf *m = kzalloc(sizeof(*m), 0);
	size_t size = PAGE_SIZE;
	int err;

	if (!m)
		return -ENOMEM;
	for (;;) {
		/* one byte more than m->size: vsnprintf's NUL at the very end */
		m->buf = kmalloc(size + 1, 0);
		if (!m->buf) {
			kfree(m);
			return -ENOMEM;
		}
		m->size = size;
		m->len = 0;
		m->overflow = false;
		err = pi->pe->show(m, pi);
		if (err || !m->overflow)
			break;
		kfree(m->buf);
		m->buf = NULL;
		size *= 2;
		if (size > PROC_BUF_MAX) {
			err = -ENOMEM;
			break;
		}
	}
	if (err) {
		kfree(m->buf);
		kfree(m);
		return err;
	}
	file->private_data = m;
	return 0;
}

static int proc_file_release(struct inode *inode, struct file *file)
{
	struct proc_buf *m = file->private_data;

	if (m) {
		kfree(m->buf);
		kfree(m);
	}
	return 0;
}

static ssize_t proc_file_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct proc_buf *m = iocb->ki_filp->private_data;
	size_t n, done;

	if (iocb->ki_pos < 0)
		return -EINVAL;
	if ((u64)iocb->ki_pos >= m->len)
		return 0;
	n = m->len - (size_t)iocb->ki_pos;
	if (n > iov_iter_count(to))
		n = iov_iter_count(to);
	done = copy_to_iter(m->buf + iocb->ki_pos, n, to);
	if (!done && n)
		return -EFAULT;
	iocb->ki_pos += (loff_t)done;
	return (ssize_t)done;
}

static ssize_t proc_file_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	return -EIO; /* nothing in this procfs is writable (as Linux without ->proc_write) */
}

static loff_t proc_file_llseek(struct file *file, loff_t offset, int whence)
{
	struct proc_buf *m = file->private_data;

	return generic_file_llseek_size(file, offset, whence, OFFSET_MAX, (loff_t)m->len);
}

static const struct file_operations proc_file_operations = {
	.llseek = proc_file_llseek,
	.read_iter = proc_file_read_iter,
	.write_iter = proc_file_write_iter,
	.open = proc_file_open,
	.release = proc_file_release,
};

static int proc_setattr(struct dentry *dentry, struct iattr *attr) { return -EPERM; }

static const struct inode_operations proc_file_inode_operations = {
	.setattr = proc_setattr,
};

/* ---- symlinks ---- */

static char *proc_get_link(struct dentry *dentry, struct inode *inode)
{
	struct proc_inode *pi = PROC_I(inode);

	return pi->pe->get_link(pi);
}

static const struct inode_operations proc_link_inode_operations = {
	.get_link = proc_get_link,
	.setattr = proc_setattr,
};

char *proc_path_string(const struct path *p)
{
	char *buf = kmalloc(PATH_MAX, 0), *s, *out;
	struct path root;

	if (!buf)
		return ERR_PTR(-ENOMEM);
	get_fs_root(current_fs(), &root);
	s = d_path(p, &root, buf, PATH_MAX);
	path_put(&root);
	if (IS_ERR(s)) {
		kfree(buf);
		return s;
	}
	out = kmalloc(strlen(s) + 1, 0);
	if (out)
		memcpy(out, s, strlen(s) + 1);
	kfree(buf);
	return out ? out : ERR_PTR(-ENOMEM);
}

/* ---- inodes and dentries ---- */

struct inode *proc_make_inode(struct super_block *sb, const struct proc_entry *pe, int pid, int fd,
			      unsigned long ino)
{
	struct inode *inode = new_inode(sb);
	struct proc_inode *pi;

	if (!inode)
		return NULL;
	pi = PROC_I(inode);
	pi->pe = pe;
	pi->pid = pid;
	pi->fd = fd;
	inode->i_ino = ino;
	inode->i_mode = pe->mode;
	inode->i_uid = inode->i_gid = 0;
	inode->i_atime = inode->i_mtime = inode->i_ctime = current_time();
	switch (pe->mode & S_IFMT) {
	case S_IFDIR:
		inode->i_op = pe->iop;
		inode->i_fop = pe->fop;
		set_nlink(inode, 2);
		break;
	case S_IFLNK:
		inode->i_op = &proc_link_inode_operations;
		set_nlink(inode, 1);
		break;
	default:
		inode->i_op = &proc_file_inode_operations;
		inode->i_fop = &proc_file_operations;
		set_nlink(inode, 1);
		break;
	}
	return inode;
}

void proc_d_add(struct dentry *dentry, struct inode *inode)
{
	dentry->d_flags |= DCACHE_DONTCACHE; /* still unhashed: ours alone */
	d_add(dentry, inode);
}

struct dentry *proc_lookup_table(struct inode *dir, struct dentry *dentry,
				 const struct proc_entry *table, int n, int pid,
				 unsigned long ino_base)
{
	for (int i = 0; i < n; i++) {
		const char *name = table[i].name;
		if (strlen(name) != dentry->d_name.len ||
		    memcmp(name, dentry->d_name.name, dentry->d_name.len))
			continue;
		struct inode *inode = proc_make_inode(dir->i_sb, &table[i], pid, 0,
						      ino_base + (unsigned long)i + 1);
		if (!inode)
			return ERR_PTR(-ENOMEM);
		proc_d_add(dentry, inode);
		return NULL;
	}
	proc_d_add(dentry, NULL);
	return NULL;
}

bool proc_readdir_table(struct file *file, struct dir_context *ctx, const struct proc_entry *table,
			int n, unsigned long ino_base)
{
	struct dentry *dir = file->f_path.dentry;

	if (ctx->pos == 0) {
		if (!dir_emit(ctx, ".", 1, dir->d_inode->i_ino, DT_DIR))
			return false;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		struct dentry *parent = dget_parent(dir);
		bool ok = dir_emit(ctx, "..", 2, parent->d_inode->i_ino, DT_DIR);
		dput(parent);
		if (!ok)
			return false;
		ctx->pos = 2;
	}
	while (ctx->pos >= 2 && ctx->pos < 2 + n) {
		const struct proc_entry *e = &table[ctx->pos - 2];
		if (!dir_emit(ctx, e->name, (int)strlen(e->name),
			      ino_base + (unsigned long)(ctx->pos - 2) + 1,
			      fs_umode_to_dtype(e->mode)))
			return false;
		ctx->pos++;
	}
	return true;
}
