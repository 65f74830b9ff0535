/*
 * devtmpfs.c - a tiny /dev: drivers ask for their device nodes with
 * devtmpfs_create_node() (at boot, before the root file system exists);
 * devtmpfs_populate() makes /dev in the root ramfs and every node asked
 * for so far, and later requests make their node at once.  Existing nodes
 * (an initramfs that brings its own /dev) are left alone.
 * node_lock guards the request list.
 */
#include "internal.h"
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/spinlock.h>

#define MAX_NODES 32

static struct devnode {
	char name[32];
	umode_t mode;
	dev_t dev;
} nodes[MAX_NODES];
static int nr_nodes;
static bool dev_ready;
static DEFINE_SPINLOCK(node_lock);

static int make_node(const struct devnode *n)
{
	char path[40];
	int err;

	snprintf(path, sizeof(path), "/dev/%s", n->name);
	err = do_mknodat(AT_FDCWD, path, n->mode, n->dev);
	return err == -EEXIST ? 0 : err;
}

int devtmpfs_create_node(const char *name, umode_t mode, dev_t dev)
{
	struct devnode n;
	bool now;

	if (strlen(name) >= sizeof(n.name))
		return -ENAMETOOLONG;
	strlcpy(n.name, name, sizeof(n.name));
	n.mode = mode;
	n.dev = dev;
	spin_lock(&node_lock);
	now = dev_ready;
	if (!now) {
		if (nr_nodes == MAX_NODES) {
			spin_unlock(&node_lock);
			return -ENOSPC;
		}
		nodes[nr_nodes++] = n;
	}
	spin_unlock(&node_lock);
	return now ? make_node(&n) : 0;
}

int devtmpfs_populate(void)
{
	int err = do_mkdirat(AT_FDCWD, "/dev", 0755), n;

	if (err && err != -EEXIST)
		return err;
	spin_lock(&node_lock);
	dev_ready = true;
	n = nr_nodes;
	spin_unlock(&node_lock);
	for (int i = 0; i < n; i++) {
		err = make_node(&nodes[i]);
		if (err)
			printk(KERN_WARNING "devtmpfs: /dev/%s: error %d\n", nodes[i].name, err);
	}
	return 0;
}
