/*
 * vfs_stubs.c - the kernel-facing half of the host VFS shim (vfs_host.c is
 * the libc-facing half): stubs for what host tests never reach, and
 * start-up.
 *
 *   stubs      pipes, char and block device files, unmap_mapping_range (no
 *              page tables on the host: nothing is ever mapped), the kernel
 *              command line (every option has its default), signals (none
 *              pending), procfs output
 *   threads    kthread_run() starts a pthread (so the writeback flusher and
 *              kswapd really run beside the tests); schedule_timeout()
 *              sleeps until woken or the deadline passes (polling)
 *   start-up   shim_vfs_boot(): the page pool, the core initcalls (the
 *              linker script tests/unit/shim/initcalls.ld collects them),
 *              ramfs registered and mounted as "/"
 */
#include <pthread.h>

#include <drivers/blkdev.h>
#include <fs/fs.h>
#include <fs/proc_fs.h>
#include <kernel/bootinfo.h>
#include <kernel/init.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/time.h>
#include <fs/direct_io.h>
#include <mm/mm.h>
#include "shim.h"
#include "vfs_host.h"

void unmap_mapping_range(struct address_space *mapping, u64 start, u64 len, bool even_cows) {}
void free_pipe_info(struct pipe_inode_info *p) { panic("vfs_host: pipes are not built"); }
/* O_DIRECT needs gup and real user memory: not on the host. */
ssize_t blockdev_direct_IO(struct kiocb *iocb, struct iov_iter *iter, struct block_device *bdev,
			   dio_get_block_t get_block)
{
	return -EINVAL;
}
const struct file_operations pipefifo_fops;
const struct file_operations def_chr_fops;
const struct file_operations def_blk_fops;
long cmdline_get_int(const char *key, long def) { return def; }
bool in_atomic_context(void) { return false; }
/* No signals on the host; procfs (mounts_show, filesystems_show) is not built. */
bool signal_pending(struct task_struct *t) { return false; }
void proc_printf(struct proc_buf *m, const char *fmt, ...) { m->overflow = true; }

/* fs/block_dev.c is not built: disks are found by name only. */
struct block_device *lookup_bdev(const char *path)
{
	struct block_device *bdev = blkdev_get_by_name(path);
	return bdev ? bdev : ERR_PTR(-ENXIO);
}

void blkdev_flush_all(void)
{
	struct block_device *bdev;

	for (int n = 0; (bdev = blkdev_get_nth(n)) != NULL; n++)
		if (bdev->bd_nr_sectors)
			blkdev_issue_flush(bdev);
}

u64 schedule_timeout(u64 ns)
{
	u64 now = ktime_get_ns(), deadline = now + ns;

	while (READ_ONCE(current->state) != TASK_RUNNING) {
		now = ktime_get_ns();
		if (now >= deadline) {
			set_current_state(TASK_RUNNING);
			break;
		}
		nsleep(MIN(deadline - now, 1000000ULL));
	}
	now = ktime_get_ns();
	return now >= deadline ? 0 : deadline - now;
}

struct kthread_start {
	int (*fn)(void *);
	void *arg;
	const char *name;
	struct task_struct *task;
	pthread_mutex_t m;
	pthread_cond_t c;
};

static void *kthread_main(void *p)
{
	struct kthread_start *ks = p;
	int (*fn)(void *) = ks->fn;
	void *arg = ks->arg;

	shim_set_comm(ks->name);
	pthread_mutex_lock(&ks->m);
	ks->task = current;
	pthread_cond_signal(&ks->c);
	pthread_mutex_unlock(&ks->m);
	fn(arg);
	return NULL;
}

struct task_struct *kthread_run(int (*fn)(void *), void *arg, const char *name)
{
	struct kthread_start ks = {
		fn, arg, name, NULL, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER
	};
	pthread_t t;

	if (pthread_create(&t, NULL, kthread_main, &ks))
		return NULL;
	pthread_detach(t);
	pthread_mutex_lock(&ks.m);
	while (!ks.task)
		pthread_cond_wait(&ks.c, &ks.m);
	pthread_mutex_unlock(&ks.m);
	return ks.task;
}

extern const struct initcall __shim_initcall1_start[], __shim_initcall1_end[];
int init_ramfs_fs(void);
int mnt_init(void);

void shim_vfs_boot(void)
{
	static bool booted;

	if (booted)
		return;
	booted = true;
	shim_pages_init();
	for (const struct initcall *c = __shim_initcall1_start; c < __shim_initcall1_end; c++)
		if (c->fn() < 0)
			panic("vfs_host: initcall %s failed", c->name);
	if (init_ramfs_fs() || mnt_init())
		panic("vfs_host: cannot mount the root ramfs");
}
