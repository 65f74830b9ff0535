/*
 * blkdev_file.c - block devices over host files for host tests: a driver
 * for the real block layer (drivers/block/bio.c checks every bio and
 * drivers/block/genhd.c keeps the registry), completing each bio at once
 * with pread/pwrite on the segments' pages (page_address() works on the
 * host through vfs_host.c).  See vfs_host.h.
 *
 * Locks: devs_lock guards the table and each device's fd; I/O runs under
 * it too (pread/pwrite are quick, and a device is only re-pointed while
 * unmounted).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <drivers/blkdev.h>
#include <mm/page.h>
#include "vfs_host.h"

#define MAX_DEVS 16

struct file_bdev {
	struct block_device bdev;
	int fd;
	bool fail;
};

static struct file_bdev devs[MAX_DEVS];
static int nr_devs;
static pthread_mutex_t devs_lock = PTHREAD_MUTEX_INITIALIZER;

static void file_submit_bio(struct bio *bio)
{
	struct file_bdev *d = bio->bi_bdev->bd_private;
	off_t pos = (off_t)bio->bi_sector << SECTOR_SHIFT;
	int status = 0;

	pthread_mutex_lock(&devs_lock);
	if (d->fd < 0 || d->fail) {
		status = -EIO;
	} else if (bio->bi_op == REQ_OP_FLUSH) {
		if (fdatasync(d->fd))
			status = -EIO;
	} else {
		for (unsigned int i = 0; i < bio->bi_vcnt && !status; i++) {
			struct bio_vec *bv = &bio->bi_io_vec[i];
			char *buf = (char *)page_address(bv->bv_page) + bv->bv_offset;
			ssize_t n = bio->bi_op == REQ_OP_WRITE ?
					    pwrite(d->fd, buf, bv->bv_len, pos) :
					    pread(d->fd, buf, bv->bv_len, pos);
			if (n != (ssize_t)bv->bv_len)
				status = -EIO;
			pos += bv->bv_len;
		}
	}
	pthread_mutex_unlock(&devs_lock);
	bio_endio(bio, status);
}

static const struct block_device_operations file_bdev_ops = {
	.submit_bio = file_submit_bio,
};

static struct file_bdev *find_dev(const char *name)
{
	for (int i = 0; i < nr_devs; i++)
		if (!strcmp(devs[i].bdev.bd_name, name))
			return &devs[i];
	return NULL;
}

int shim_blkdev_attach(const char *name, const char *path, bool read_only)
{
	struct file_bdev *d;
	struct stat st;
	int fd = open(path, read_only ? O_RDONLY : O_RDWR);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		close(fd);
		return -errno;
	}
	pthread_mutex_lock(&devs_lock);
	d = find_dev(name);
	if (!d && nr_devs < MAX_DEVS) {
		d = &devs[nr_devs++];
		snprintf(d->bdev.bd_name, sizeof(d->bdev.bd_name), "%s", name);
		d->bdev.bd_logical_block_size = SECTOR_SIZE;
		d->bdev.bd_max_segments = 128;
		d->bdev.bd_queue_depth = 1;
		d->bdev.bd_write_cache = true;
		d->bdev.bd_ops = &file_bdev_ops;
		d->bdev.bd_private = d;
		d->bdev.bd_read_only = read_only;
		d->bdev.bd_nr_sectors = (u64)st.st_size >> SECTOR_SHIFT;
		d->fd = -1;
		pthread_mutex_unlock(&devs_lock);
		if (blkdev_register(&d->bdev)) {
			close(fd);
			return -EEXIST;
		}
		pthread_mutex_lock(&devs_lock);
	}
	if (!d) {
		pthread_mutex_unlock(&devs_lock);
		close(fd);
		return -ENOSPC;
	}
	if (d->fd >= 0)
		close(d->fd);
	d->fd = fd;
	d->fail = false;
	d->bdev.bd_read_only = read_only;
	d->bdev.bd_nr_sectors = (u64)st.st_size >> SECTOR_SHIFT;
	pthread_mutex_unlock(&devs_lock);
	return 0;
}

void shim_blkdev_detach(const char *name)
{
	pthread_mutex_lock(&devs_lock);
	struct file_bdev *d = find_dev(name);
	if (d && d->fd >= 0) {
		close(d->fd);
		d->fd = -1;
		d->bdev.bd_nr_sectors = 0;
	}
	pthread_mutex_unlock(&devs_lock);
}

void shim_blkdev_fail(const char *name, bool fail)
{
	pthread_mutex_lock(&devs_lock);
	struct file_bdev *d = find_dev(name);
	if (d)
		d->fail = fail;
	pthread_mutex_unlock(&devs_lock);
}
