/*
 * fcntl.c - fcntl(2) and ioctl(2).
 *
 * fcntl: F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL (only
 * O_APPEND, O_NONBLOCK, O_DIRECT and O_NOATIME change), record locks
 * accepted and never conflicting (one machine, no lock manager yet),
 * F_GETPIPE_SZ/F_SETPIPE_SZ answer the fixed pipe size.
 * ioctl: FIOCLEX, FIONCLEX, FIONBIO here, FIONREAD for regular files; the
 * rest goes to f_op->unlocked_ioctl (terminals, pipes) or is -ENOTTY.
 * f_flags changes happen under f->f_pos_lock so two F_SETFLs do not lose
 * each other's bits.
 */
#include "internal.h"
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#define F_SETOWN 8
#define F_GETOWN 9
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38
#define F_DUPFD_CLOEXEC 1030
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#define FD_CLOEXEC 1
#define F_UNLCK 2
#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME)

#define FIONBIO 0x5421
#define FIONCLEX 0x5450
#define FIOCLEX 0x5451
#define FIONREAD 0x541B

static long set_fl(struct file *f, unsigned int arg)
{
	if ((arg & O_DIRECT) && !S_ISREG(file_inode(f)->i_mode))
		return -EINVAL;
	mutex_lock(&f->f_pos_lock);
	f->f_flags = (f->f_flags & ~SETFL_MASK) | (arg & SETFL_MASK);
	mutex_unlock(&f->f_pos_lock);
	return 0;
}

SYSCALL_DEFINE(__NR_fcntl, fcntl)
{
	int fd = (int)a0;
	unsigned int cmd = (unsigned int)a1;
	unsigned long arg = (unsigned long)a2;
	struct file *f = fget(fd);
	long r;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg >= NR_OPEN_DEFAULT) {
			r = -EINVAL;
			break;
		}
		get_file(f);
		r = fd_install_min(current->files, f, (int)arg, cmd == F_DUPFD_CLOEXEC);
		if (r < 0)
			fput(f);
		break;
	case F_GETFD:
		r = get_close_on_exec(fd);
		if (r > 0)
			r = FD_CLOEXEC;
		break;
	case F_SETFD:
		r = set_close_on_exec(fd, arg & FD_CLOEXEC);
		break;
	case F_GETFL:
		r = f->f_flags;
		break;
	case F_SETFL:
		r = set_fl(f, (unsigned int)arg);
		break;
	case F_GETLK:
	case F_OFD_GETLK: {
		/* struct flock starts with short l_type: nobody holds a lock */
		u32 v;
		r = get_user_u32(&v, (void *)arg);
		if (!r)
			r = put_user_u32((v & 0xffff0000U) | F_UNLCK, (void *)arg) ? -EFAULT : 0;
		break;
	}
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		r = 0;
		break;
	case F_SETOWN:
	case F_GETOWN:
		r = 0;
		break;
	case F_GETPIPE_SZ:
	case F_SETPIPE_SZ:
		r = S_ISFIFO(file_inode(f)->i_mode) ? 65536 : -EBADF;
		break;
	default:
		r = -EINVAL;
		break;
	}
	fput(f);
	return r;
}

SYSCALL_DEFINE(__NR_ioctl, ioctl)
{
	int fd = (int)a0;
	unsigned int cmd = (unsigned int)a1;
	unsigned long arg = (unsigned long)a2;
	struct file *f = fget(fd);
	long r;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case FIOCLEX:
	case FIONCLEX:
		r = set_close_on_exec(fd, cmd == FIOCLEX);
		break;
	case FIONBIO: {
		u32 on;
		r = get_user_u32(&on, (void *)arg) ?
			    -EFAULT :
			    set_fl(f, on ? (f->f_flags | O_NONBLOCK) : (f->f_flags & ~O_NONBLOCK));
		break;
	}
	default:
		if (f->f_mode & FMODE_PATH) {
			r = -EBADF;
		} else if (f->f_op->unlocked_ioctl) {
			r = f->f_op->unlocked_ioctl(f, cmd, arg);
		} else if (cmd == FIONREAD && S_ISREG(file_inode(f)->i_mode)) {
			loff_t left = i_size_read(file_inode(f)) - f->f_pos;
			r = put_user_u32(left > 0 ? (u32)MIN(left, (loff_t)0x7fffffff) : 0,
					 (void *)arg) ?
				    -EFAULT :
				    0;
		} else {
			r = -ENOTTY;
		}
		break;
	}
	fput(f);
	return r;
}

/* flock(2): advisory whole-file locks never conflict here (one node, no
 * lock manager yet): accepted on any open file. */
SYSCALL_DEFINE(__NR_flock, flock)
{
	struct file *f = fget((int)a0);

	if (!f)
		return -EBADF;
	fput(f);
	return 0;
}
