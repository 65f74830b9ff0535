/*
 * mem.c - the memory character devices (major 1): /dev/null (reads end at
 * once, writes vanish), /dev/zero (reads zeros), /dev/full (writes fail
 * with -ENOSPC) and /dev/urandom and /dev/random (a xorshift generator
 * seeded from the clock: NOT cryptographic, for programs that want some
 * random bytes).  No state is shared but the generator's, updated with an
 * atomic exchange.
 */
#include <fs/fs.h>
#include <kernel/atomic.h>
#include <kernel/init.h>
#include <kernel/time.h>

#define MEM_MAJOR 1

static ssize_t null_read(struct kiocb *iocb, struct iov_iter *to) { return 0; }

static ssize_t null_write(struct kiocb *iocb, struct iov_iter *from)
{
	size_t n = iov_iter_count(from);

	iov_iter_advance(from, n);
	return (ssize_t)n;
}

static ssize_t zero_read(struct kiocb *iocb, struct iov_iter *to)
{
	size_t want = iov_iter_count(to), n = iov_iter_zero(want, to);

	return n ? (ssize_t)n : (want ? -EFAULT : 0);
}

static ssize_t full_write(struct kiocb *iocb, struct iov_iter *from) { return -ENOSPC; }

static u64 rng_state;

static u64 rng_next(void)
{
	u64 x = __atomic_load_n(&rng_state, __ATOMIC_RELAXED), n;

	do {
		n = x ? x : ktime_get_ns() | 1;
		n ^= n << 13;
		n ^= n >> 7;
		n ^= n << 17;
	} while (!__atomic_compare_exchange_n(&rng_state, &x, n, false, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return n * 0x2545F4914F6CDD1DULL;
}

static ssize_t random_read(struct kiocb *iocb, struct iov_iter *to)
{
	size_t done = 0;

	while (iov_iter_count(to)) {
		u64 r = rng_next();
		size_t n = copy_to_iter(&r, MIN(sizeof(r), iov_iter_count(to)), to);
		if (!n)
			return done ? (ssize_t)done : -EFAULT;
		done += n;
	}
	return (ssize_t)done;
}

static loff_t mem_lseek(struct file *f, loff_t off, int whence)
{
	f->f_pos = 0;
	return 0;
}

static const struct file_operations null_fops = {
	.llseek = mem_lseek,
	.read_iter = null_read,
	.write_iter = null_write,
};
static const struct file_operations zero_fops = {
	.llseek = mem_lseek,
	.read_iter = zero_read,
	.write_iter = null_write,
};
static const struct file_operations full_fops = {
	.llseek = mem_lseek,
	.read_iter = zero_read,
	.write_iter = full_write,
};
static const struct file_operations random_fops = {
	.llseek = mem_lseek,
	.read_iter = random_read,
	.write_iter = null_write,
};

static int mem_open(struct inode *inode, struct file *f)
{
	switch (MINOR(inode->i_rdev)) {
	case 3:
		f->f_op = &null_fops;
		break;
	case 5:
		f->f_op = &zero_fops;
		break;
	case 7:
		f->f_op = &full_fops;
		break;
	case 8:
	case 9:
		f->f_op = &random_fops;
		break;
	default:
		return -ENXIO;
	}
	return 0;
}

static const struct file_operations mem_fops = {
	.open = mem_open,
};

static int mem_init(void)
{
	int err = register_chrdev(MEM_MAJOR, "mem", &mem_fops);

	if (err)
		return err;
	devtmpfs_create_node("null", S_IFCHR | 0666, MKDEV(MEM_MAJOR, 3));
	devtmpfs_create_node("zero", S_IFCHR | 0666, MKDEV(MEM_MAJOR, 5));
	devtmpfs_create_node("full", S_IFCHR | 0666, MKDEV(MEM_MAJOR, 7));
	devtmpfs_create_node("random", S_IFCHR | 0666, MKDEV(MEM_MAJOR, 8));
	devtmpfs_create_node("urandom", S_IFCHR | 0666, MKDEV(MEM_MAJOR, 9));
	return 0;
}
core_initcall(mem_init);
