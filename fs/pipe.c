/*
 * pipe.c - pipes: pipe(2), pipe2(2), and FIFOs (mknod S_IFIFO).
 *
 * A pipe is a 64 KiB ring buffer on an inode of the internal "pipefs",
 * shared by a read file and a write file.  Semantics (Linux/POSIX):
 *   - read returns what is there (at least one byte), blocks while the pipe
 *     is empty and has writers, returns 0 (EOF) once all writers closed;
 *   - write blocks while there is no room; a write of at most PIPE_BUF
 *     bytes is atomic (waits until it fits whole), a larger one may be
 *     split; with no readers it fails with -EPIPE and sends SIGPIPE;
 *   - O_NONBLOCK: -EAGAIN instead of blocking (a partial write returns its
 *     count);
 *   - sleeps are interruptible: a pending signal ends them with the bytes
 *     moved so far, or -ERESTARTSYS.
 * Lifetime: the pipe_inode_info hangs off its inode (i_pipe) and is freed
 * when the inode is evicted (fs/inode.c), never by a release, which may
 * race with the other end's.
 * Locks: pipe->mutex guards the buffer and the reader/writer counts; user
 * copies happen under it (they may fault; nothing else needs the pipe
 * then).  Sleeping is done without the mutex on rd_wait/wr_wait, with the
 * condition rechecked under it.  poll reads the counters without the lock
 * (a stale answer is corrected by the wake-up that follows every change).
 */
#include "internal.h"
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <mm/slab.h>

#define PIPE_SIZE 65536U
#define PIPEFS_MAGIC 0x50495045
#define FIONREAD 0x541B
#define SIGPIPE 13

struct pipe_inode_info {
	struct mutex mutex;
	struct wait_queue_head rd_wait, wr_wait;
	char *buf;
	unsigned int head, tail; /* free-running: used = head - tail */
	int readers, writers;
	int r_counter, w_counter; /* FIFO opens, to wait for the other side */
};

static struct vfsmount *pipe_mnt;

static unsigned int pipe_used(const struct pipe_inode_info *p)
{
	return READ_ONCE(p->head) - READ_ONCE(p->tail);
}

static struct pipe_inode_info *alloc_pipe_info(void)
{
	struct pipe_inode_info *p = kzalloc(sizeof(*p), 0);

	if (!p)
		return NULL;
	p->buf = kmalloc(PIPE_SIZE, 0);
	if (!p->buf) {
		kfree(p);
		return NULL;
	}
	mutex_init(&p->mutex);
	init_waitqueue_head(&p->rd_wait);
	init_waitqueue_head(&p->wr_wait);
	return p;
}

void free_pipe_info(struct pipe_inode_info *p)
{
	kfree(p->buf);
	kfree(p);
}

/* Sleeps on wq until cond (checked without the mutex) or a signal.  The
 * caller dropped the mutex; returns -ERESTARTSYS on a signal. */
#define pipe_wait(wq, cond)                                               \
	({                                                                \
		DEFINE_WAIT(__w);                                         \
		int __r = 0;                                              \
		for (;;) {                                                \
			prepare_to_wait(&(wq), &__w, TASK_INTERRUPTIBLE); \
			if (cond)                                         \
				break;                                    \
			if (signal_pending(current)) {                    \
				__r = -ERESTARTSYS;                       \
				break;                                    \
			}                                                 \
			schedule();                                       \
		}                                                         \
		finish_wait(&(wq), &__w);                                 \
		__r;                                                      \
	})

static ssize_t pipe_read(struct kiocb *iocb, struct iov_iter *to)
{
	struct pipe_inode_info *p = iocb->ki_filp->private_data;
	size_t want = iov_iter_count(to), done = 0;
	int err = 0;

	mutex_lock(&p->mutex);
	for (;;) {
		unsigned int used = p->head - p->tail;
		if (used) {
			while (used && done < want) {
				unsigned int off = p->tail % PIPE_SIZE;
				size_t n = MIN(MIN(used, PIPE_SIZE - off), want - done);
				size_t c = copy_to_iter(p->buf + off, n, to);
				p->tail += c;
				used -= c;
				done += c;
				if (c < n) {
					if (!done)
						err = -EFAULT;
					break;
				}
			}
			break;
		}
		if (!p->writers)
			break; /* EOF */
		if (iocb->ki_flags & IOCB_NOWAIT) {
			err = -EAGAIN;
			break;
		}
		mutex_unlock(&p->mutex);
		err = pipe_wait(p->rd_wait, pipe_used(p) || !READ_ONCE(p->writers));
		mutex_lock(&p->mutex);
		if (err)
			break;
	}
	mutex_unlock(&p->mutex);
	if (done)
		wake_up_all(&p->wr_wait);
	return done ? (ssize_t)done : err;
}

static ssize_t pipe_write(struct kiocb *iocb, struct iov_iter *from)
{
	struct pipe_inode_info *p = iocb->ki_filp->private_data;
	size_t total = iov_iter_count(from), done = 0;
	bool atomic = total <= PIPE_BUF;
	int err = 0;

	mutex_lock(&p->mutex);
	for (;;) {
		unsigned int room;
		if (!p->readers) {
			send_sig(SIGPIPE, current);
			err = -EPIPE;
			break;
		}
		room = PIPE_SIZE - (p->head - p->tail);
		if (room && (!atomic || room >= total - done)) {
			bool fault = false;
			while (room && done < total) {
				unsigned int off = p->head % PIPE_SIZE;
				size_t n = MIN(MIN(room, PIPE_SIZE - off), total - done);
				size_t c = copy_from_iter(p->buf + off, n, from);
				p->head += c;
				room -= c;
				done += c;
				if (c < n) {
					fault = true;
					break;
				}
			}
			wake_up_all(&p->rd_wait);
			if (fault) {
				if (!done)
					err = -EFAULT;
				break;
			}
			if (done == total)
				break;
		}
		if (iocb->ki_flags & IOCB_NOWAIT) {
			if (!done)
				err = -EAGAIN;
			break;
		}
		mutex_unlock(&p->mutex);
		err = pipe_wait(p->wr_wait,
				!READ_ONCE(p->readers) ||
					PIPE_SIZE - pipe_used(p) >= (atomic ? total - done : 1));
		mutex_lock(&p->mutex);
		if (err)
			break;
	}
	mutex_unlock(&p->mutex);
	if (done) {
		struct inode *inode = file_inode(iocb->ki_filp);
		inode->i_mtime = inode->i_ctime = current_time();
	}
	return done ? (ssize_t)done : err;
}

static unsigned int pipe_poll(struct file *f, poll_table *pt)
{
	struct pipe_inode_info *p = f->private_data;
	unsigned int mask = 0, used;

	poll_wait(f, &p->rd_wait, pt);
	poll_wait(f, &p->wr_wait, pt);
	used = pipe_used(p);
	if (f->f_mode & FMODE_READ) {
		if (used)
			mask |= POLLIN | POLLRDNORM;
		if (!READ_ONCE(p->writers) && READ_ONCE(p->w_counter))
			mask |= POLLHUP;
	}
	if (f->f_mode & FMODE_WRITE) {
		if (PIPE_SIZE - used >= PIPE_BUF)
			mask |= POLLOUT | POLLWRNORM;
		if (!READ_ONCE(p->readers))
			mask |= POLLERR;
	}
	return mask;
}

static long pipe_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct pipe_inode_info *p = f->private_data;

	if (cmd != FIONREAD)
		return -ENOTTY;
	return put_user_u32(pipe_used(p), (void *)arg) ? -EFAULT : 0;
}

static int pipe_release(struct inode *inode, struct file *f)
{
	struct pipe_inode_info *p = f->private_data;

	/* p lives as long as the inode (freed at eviction), which outlasts
	 * every file of the pipe: the other end may be releasing right now. */
	mutex_lock(&p->mutex);
	if (f->f_mode & FMODE_READ)
		p->readers--;
	if (f->f_mode & FMODE_WRITE)
		p->writers--;
	mutex_unlock(&p->mutex);
	wake_up_all(&p->rd_wait);
	wake_up_all(&p->wr_wait);
	return 0;
}

/* ---- FIFOs: open waits for the other side (unless O_NONBLOCK) ---- */

static int fifo_open(struct inode *inode, struct file *f)
{
	struct pipe_inode_info *p;
	int err = 0, seen = 0;
	int *partner = NULL; /* the other side's open counter, to wait on */

	inode_lock(inode);
	p = inode->i_pipe;
	if (!p) {
		p = alloc_pipe_info();
		if (!p) {
			inode_unlock(inode);
			return -ENOMEM;
		}
		inode->i_pipe = p;
	}
	mutex_lock(&p->mutex);
	f->private_data = p;
	switch (f->f_mode & (FMODE_READ | FMODE_WRITE)) {
	case FMODE_READ:
		p->readers++;
		p->r_counter++;
		if (!p->writers)
			partner = &p->w_counter;
		break;
	case FMODE_WRITE:
		if ((f->f_flags & O_NONBLOCK) && !p->readers) {
			err = -ENXIO;
			break;
		}
		p->writers++;
		p->w_counter++;
		if (!p->readers)
			partner = &p->r_counter;
		break;
	default:
		p->readers++;
		p->writers++;
		p->r_counter++;
		p->w_counter++;
		break;
	}
	if (partner)
		seen = *partner;
	mutex_unlock(&p->mutex);
	inode_unlock(inode);
	wake_up_all(&p->rd_wait);
	wake_up_all(&p->wr_wait);
	if (err)
		return err;
	/* A reader without writers waits until a writer opens (and maybe
	 * already closed: hence the counter, not the count), and vice versa. */
	if (partner && !(f->f_flags & O_NONBLOCK)) {
		struct wait_queue_head *wq = partner == &p->w_counter ? &p->rd_wait : &p->wr_wait;
		err = pipe_wait(*wq, READ_ONCE(*partner) != seen);
		if (err) {
			pipe_release(inode, f);
			return err;
		}
	}
	f->f_mode &= ~(FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE);
	return 0;
}

const struct file_operations pipefifo_fops = {
	.open = fifo_open,
	.read_iter = pipe_read,
	.write_iter = pipe_write,
	.poll = pipe_poll,
	.unlocked_ioctl = pipe_ioctl,
	.release = pipe_release,
};

/* Anonymous pipes: the files are made here, not opened by name. */
static const struct file_operations pipe_fops = {
	.read_iter = pipe_read,
	.write_iter = pipe_write,
	.poll = pipe_poll,
	.unlocked_ioctl = pipe_ioctl,
	.release = pipe_release,
};

/* ---- pipefs and pipe(2) ---- */

static const struct super_operations pipefs_ops = { 0 };

static struct dentry *pipefs_mount(struct file_system_type *type, int flags, const char *dev,
				   void *data)
{
	struct super_block *sb = sget_anon(type, &pipefs_ops);
	struct inode *root;

	if (!sb)
		return ERR_PTR(-ENOMEM);
	sb->s_magic = PIPEFS_MAGIC;
	root = new_inode(sb);
	if (root)
		root->i_mode = S_IFDIR | 0700;
	sb->s_root = d_make_root(root);
	if (!sb->s_root)
		return ERR_PTR(-ENOMEM);
	return dget(sb->s_root);
}

static struct file_system_type pipefs_type = {
	.name = "pipefs",
	.mount = pipefs_mount,
};

int pipefs_init(void)
{
	int err = register_filesystem(&pipefs_type);

	if (err)
		return err;
	pipe_mnt = kern_mount(&pipefs_type);
	if (IS_ERR(pipe_mnt)) {
		err = PTR_ERR(pipe_mnt);
		pipe_mnt = NULL;
	}
	return err;
}

int create_pipe_files(struct file **res, int flags)
{
	struct inode *inode;
	struct pipe_inode_info *p;
	struct file *r, *w;
	char name[32];

	if (!pipe_mnt)
		return -ENFILE;
	inode = new_inode(pipe_mnt->mnt_sb);
	if (!inode)
		return -ENFILE;
	p = alloc_pipe_info();
	if (!p) {
		iput(inode);
		return -ENFILE;
	}
	inode->i_mode = S_IFIFO | 0600;
	inode->i_pipe = p;
	p->readers = p->writers = 1;
	p->r_counter = p->w_counter = 1;
	snprintf(name, sizeof(name), "pipe:[%lu]", inode->i_ino);
	w = alloc_file_pseudo(inode, pipe_mnt, name, O_WRONLY | (flags & O_NONBLOCK), &pipe_fops);
	if (IS_ERR(w)) {
		iput(inode); /* frees p with the inode */
		return PTR_ERR(w);
	}
	w->private_data = p;
	ihold(inode);
	r = alloc_file_pseudo(inode, pipe_mnt, name, O_RDONLY | (flags & O_NONBLOCK), &pipe_fops);
	if (IS_ERR(r)) {
		iput(inode);
		fput(w); /* the last reference: p goes with the inode */
		return PTR_ERR(r);
	}
	r->private_data = p;
	res[0] = r;
	res[1] = w;
	return 0;
}

static long do_pipe2(int *ufds, int flags)
{
	struct file *files[2];
	int fd[2], err;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	err = create_pipe_files(files, flags);
	if (err)
		return err;
	fd[0] = fd_install_min(current->files, files[0], 0, flags & O_CLOEXEC);
	if (fd[0] < 0) {
		fput(files[0]);
		fput(files[1]);
		return fd[0];
	}
	fd[1] = fd_install_min(current->files, files[1], 0, flags & O_CLOEXEC);
	if (fd[1] < 0) {
		close_fd(fd[0]);
		fput(files[1]);
		return fd[1];
	}
	if (copy_to_user(ufds, fd, sizeof(fd))) {
		close_fd(fd[0]);
		close_fd(fd[1]);
		return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE(__NR_pipe, pipe) { return do_pipe2((int *)a0, 0); }
SYSCALL_DEFINE(__NR_pipe2, pipe2) { return do_pipe2((int *)a0, (int)a1); }
