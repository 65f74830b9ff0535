/*
 * genhd.c - the registry of block devices.
 *
 * Drivers register a struct block_device once it is ready for I/O; it is
 * never removed, so a pointer from blkdev_get_by_name() stays valid.  The
 * list is guarded by bdev_lock (a spinlock: lookups may come from any
 * thread, registration happens from driver probes).
 */
#include <drivers/blkdev.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>

static DEFINE_SPINLOCK(bdev_lock);
static LIST_HEAD(bdev_list);

void blkdev_format_name(char *buf, size_t size, const char *prefix, int index)
{
	char suffix[8];
	int n = 0;

	/* a..z, then aa..zz, like Linux's disk names */
	if (index >= 26)
		suffix[n++] = (char)('a' + index / 26 - 1);
	suffix[n++] = (char)('a' + index % 26);
	suffix[n] = 0;
	snprintf(buf, size, "%s%s", prefix, suffix);
}

int blkdev_register(struct block_device *bdev)
{
	struct block_device *b;

	spin_lock(&bdev_lock);
	list_for_each_entry(b, &bdev_list, bd_list) {
		if (strcmp(b->bd_name, bdev->bd_name) == 0) {
			spin_unlock(&bdev_lock);
			return -EEXIST;
		}
	}
	list_add_tail(&bdev->bd_list, &bdev_list);
	spin_unlock(&bdev_lock);
	printk(KERN_INFO "blk %s: %llu sectors (%llu MiB)%s%s, queue depth %u\n", bdev->bd_name,
	       (unsigned long long)bdev->bd_nr_sectors,
	       (unsigned long long)(bdev->bd_nr_sectors >> 11),
	       bdev->bd_read_only ? ", read-only" : "", bdev->bd_write_cache ? ", write cache" : "",
	       bdev->bd_queue_depth);
	return 0;
}

struct block_device *blkdev_get_by_name(const char *name)
{
	struct block_device *b, *found = NULL;

	if (name && strncmp(name, "/dev/", 5) == 0)
		name += 5;
	spin_lock(&bdev_lock);
	list_for_each_entry(b, &bdev_list, bd_list) {
		if (name && strcmp(b->bd_name, name) == 0) {
			found = b;
			break;
		}
	}
	spin_unlock(&bdev_lock);
	return found;
}

struct block_device *blkdev_get_nth(int n)
{
	struct block_device *b, *found = NULL;

	spin_lock(&bdev_lock);
	list_for_each_entry(b, &bdev_list, bd_list) {
		if (n-- == 0) {
			found = b;
			break;
		}
	}
	spin_unlock(&bdev_lock);
	return found;
}
