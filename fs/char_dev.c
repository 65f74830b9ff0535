/*
 * char_dev.c - character devices: a table from major number to the
 * driver's file_operations.  Opening a char-device inode goes through
 * def_chr_fops, whose open swaps in the driver's operations and calls the
 * driver's ->open (which sees the minor in inode->i_rdev).
 * chrdev_lock guards the table; drivers register at boot (core_initcall).
 */
#include "internal.h"
#include <kernel/spinlock.h>

#define MAX_CHRDEV 256

static struct {
	const char *name;
	const struct file_operations *fops;
} chrdevs[MAX_CHRDEV];
static DEFINE_SPINLOCK(chrdev_lock);

int register_chrdev(unsigned int major, const char *name, const struct file_operations *fops)
{
	int err = 0;

	if (major == 0 || major >= MAX_CHRDEV)
		return -EINVAL;
	spin_lock(&chrdev_lock);
	if (chrdevs[major].fops) {
		err = -EBUSY;
	} else {
		chrdevs[major].name = name;
		chrdevs[major].fops = fops;
	}
	spin_unlock(&chrdev_lock);
	return err;
}

int chrdev_open(struct inode *inode, struct file *filp)
{
	const struct file_operations *fops;
	unsigned int major = MAJOR(inode->i_rdev);

	spin_lock(&chrdev_lock);
	fops = major < MAX_CHRDEV ? chrdevs[major].fops : NULL;
	spin_unlock(&chrdev_lock);
	if (!fops)
		return -ENXIO;
	filp->f_op = fops;
	return fops->open ? fops->open(inode, filp) : 0;
}

const struct file_operations def_chr_fops = {
	.open = chrdev_open,
};
