/*
 * dcache.c - the dentry cache: names in directories, their tree, a hash for
 * lookups, and the LRU of unused dentries.
 *
 * Rules:
 *   - Every field that shapes the tree (d_parent, d_name, d_child, d_subdirs,
 *     d_hash, d_inode, d_count, d_mounted, d_lru, d_flags) changes only under
 *     dcache_lock (a spinlock; innermost of the VFS locks).
 *   - A dentry holds one reference on its parent (except the root, whose
 *     parent is itself) and one i_count on its inode.
 *   - Hashed (findable by d_lookup) dentries whose count drops to 0 stay
 *     cached on the LRU; pruning frees the oldest when there are more than
 *     DCACHE_LRU_MAX.  Unhashed ones are freed at once.
 *   - In-memory file systems keep their tree by pinning: a pinned dentry
 *     holds a reference on itself (d_pin/d_unpin), so it is never unused.
 *   - Children are kept in d_subdirs in the order of their d_off cookie
 *     (assigned from the parent's d_next_off when a dentry joins it), so
 *     readdir of an in-memory directory can resume at a cookie.
 * Freeing a dentry calls iput(), which may sleep: dput() must be called
 * where sleeping is allowed, never under a spinlock.
 */
#include <fs/fs.h>
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/slab.h>

#define D_HASH_BITS 10
#define DCACHE_LRU_MAX 8192

DEFINE_SPINLOCK(dcache_lock);
static struct list_head dentry_hashtable[1 << D_HASH_BITS];
static LIST_HEAD(dentry_lru);
static unsigned long nr_unused;

static int dcache_init(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(dentry_hashtable); i++)
		INIT_LIST_HEAD(&dentry_hashtable[i]);
	return 0;
}
core_initcall(dcache_init);

u32 full_name_hash(const char *name, u32 len)
{
	u32 h = 2166136261u; /* FNV-1a */

	for (u32 i = 0; i < len; i++)
		h = (h ^ (u8)name[i]) * 16777619u;
	return h;
}

static struct list_head *d_hash_head(const struct dentry *parent, u32 hash)
{
	unsigned long h = ((unsigned long)parent / 64 + hash) * 0x9E3779B97F4A7C15UL;
	return &dentry_hashtable[h >> (64 - D_HASH_BITS)];
}

/* Sets d_name to a copy of name (caller holds dcache_lock or owns d). */
static int set_name(struct dentry *d, const struct qstr *name)
{
	char *buf = d->d_iname;

	if (name->len >= DNAME_INLINE_LEN) {
		buf = kmalloc(name->len + 1, 0);
		if (!buf)
			return -ENOMEM;
	}
	memcpy(buf, name->name, name->len);
	buf[name->len] = 0;
	d->d_name.name = buf;
	d->d_name.len = name->len;
	d->d_name.hash = full_name_hash(name->name, name->len);
	return 0;
}

static void free_name(struct dentry *d)
{
	if (d->d_name.name != d->d_iname)
		kfree(d->d_name.name);
}

static struct dentry *__d_alloc(struct super_block *sb, const struct qstr *name)
{
	struct dentry *d = kzalloc(sizeof(*d), 0);

	if (!d)
		return NULL;
	if (set_name(d, name)) {
		kfree(d);
		return NULL;
	}
	d->d_count = 1;
	d->d_sb = sb;
	d->d_parent = d;
	d->d_next_off = 2;
	INIT_LIST_HEAD(&d->d_hash);
	INIT_LIST_HEAD(&d->d_child);
	INIT_LIST_HEAD(&d->d_subdirs);
	INIT_LIST_HEAD(&d->d_lru);
	return d;
}

/* Caller holds dcache_lock: d joins parent's children at the end. */
static void add_child(struct dentry *parent, struct dentry *d)
{
	d->d_parent = parent;
	d->d_off = parent->d_next_off++;
	list_add_tail(&d->d_child, &parent->d_subdirs);
}

struct dentry *d_alloc(struct dentry *parent, const struct qstr *name)
{
	struct dentry *d = __d_alloc(parent->d_sb, name);

	if (!d)
		return NULL;
	spin_lock(&dcache_lock);
	parent->d_count++; /* the child's reference on its parent */
	add_child(parent, d);
	spin_unlock(&dcache_lock);
	return d;
}

struct dentry *d_alloc_root(struct inode *root_inode)
{
	static const struct qstr slash = QSTR_INIT("/", 1);
	struct dentry *d = __d_alloc(root_inode->i_sb, &slash);

	if (d)
		d_instantiate(d, root_inode);
	return d;
}

struct dentry *d_make_root(struct inode *root_inode)
{
	struct dentry *d;

	if (!root_inode)
		return NULL;
	d = d_alloc_root(root_inode);
	if (!d)
		iput(root_inode);
	return d;
}

void d_instantiate(struct dentry *dentry, struct inode *inode)
{
	spin_lock(&dcache_lock);
	BUG_ON(dentry->d_inode);
	dentry->d_inode = inode;
	spin_unlock(&dcache_lock);
}

static void __d_rehash(struct dentry *d)
{
	list_add(&d->d_hash, d_hash_head(d->d_parent, d->d_name.hash));
}

void d_add(struct dentry *dentry, struct inode *inode)
{
	spin_lock(&dcache_lock);
	BUG_ON(dentry->d_inode);
	dentry->d_inode = inode;
	if (list_empty(&dentry->d_hash))
		__d_rehash(dentry);
	spin_unlock(&dcache_lock);
}

/* Caller holds dcache_lock. */
static struct dentry *__dget(struct dentry *d)
{
	if (d->d_count++ == 0 && !list_empty(&d->d_lru)) {
		list_del(&d->d_lru);
		nr_unused--;
	}
	return d;
}

struct dentry *d_lookup(struct dentry *parent, const struct qstr *name)
{
	u32 hash = full_name_hash(name->name, name->len);
	struct dentry *d, *found = NULL;

	spin_lock(&dcache_lock);
	list_for_each_entry(d, d_hash_head(parent, hash), d_hash) {
		if (d->d_parent == parent && d->d_name.hash == hash && d->d_name.len == name->len &&
		    !memcmp(d->d_name.name, name->name, name->len)) {
			found = __dget(d);
			break;
		}
	}
	spin_unlock(&dcache_lock);
	return found;
}

struct dentry *dget(struct dentry *dentry)
{
	if (dentry) {
		spin_lock(&dcache_lock);
		__dget(dentry);
		spin_unlock(&dcache_lock);
	}
	return dentry;
}

struct dentry *dget_parent(struct dentry *dentry)
{
	struct dentry *p;

	spin_lock(&dcache_lock);
	p = __dget(dentry->d_parent);
	spin_unlock(&dcache_lock);
	return p;
}

bool d_unhashed(struct dentry *dentry) { return list_empty(&dentry->d_hash); }

static void __d_drop(struct dentry *d)
{
	if (!list_empty(&d->d_hash))
		list_del(&d->d_hash);
}

void d_drop(struct dentry *dentry)
{
	spin_lock(&dcache_lock);
	__d_drop(dentry);
	spin_unlock(&dcache_lock);
}

/* Caller holds dcache_lock; d is unused and leaves the tree.  Returns its
 * parent (whose reference the caller must drop) or NULL for a root. */
static struct dentry *__d_kill(struct dentry *d, struct inode **inodep)
{
	struct dentry *parent = d->d_parent;

	__d_drop(d);
	if (!list_empty(&d->d_lru)) {
		list_del(&d->d_lru);
		nr_unused--;
	}
	list_del(&d->d_child);
	*inodep = d->d_inode;
	d->d_inode = NULL;
	return parent == d ? NULL : parent;
}

static void d_free(struct dentry *d, struct inode *inode)
{
	if (inode)
		iput(inode);
	free_name(d);
	kfree(d);
}

void dput(struct dentry *dentry)
{
	bool prune = false;

	while (dentry) {
		struct dentry *parent;
		struct inode *inode;

		spin_lock(&dcache_lock);
		BUG_ON(dentry->d_count <= 0);
		if (--dentry->d_count > 0) {
			spin_unlock(&dcache_lock);
			break;
		}
		if (!d_unhashed(dentry) && !IS_ROOT(dentry) &&
		    !(dentry->d_flags & DCACHE_DONTCACHE)) {
			list_add_tail(&dentry->d_lru, &dentry_lru);
			prune = ++nr_unused > DCACHE_LRU_MAX;
			spin_unlock(&dcache_lock);
			break;
		}
		parent = __d_kill(dentry, &inode);
		spin_unlock(&dcache_lock);
		d_free(dentry, inode);
		dentry = parent;
	}
	if (prune)
		prune_dcache(DCACHE_LRU_MAX / 2);
}

void prune_dcache(unsigned long keep)
{
	for (;;) {
		struct dentry *d, *parent;
		struct inode *inode;

		spin_lock(&dcache_lock);
		if (nr_unused <= keep || list_empty(&dentry_lru)) {
			spin_unlock(&dcache_lock);
			return;
		}
		d = list_first_entry(&dentry_lru, struct dentry, d_lru);
		parent = __d_kill(d, &inode);
		spin_unlock(&dcache_lock);
		d_free(d, inode);
		dput(parent);
	}
}

unsigned long dcache_nr_unused(void) { return READ_ONCE(nr_unused); }

void shrink_dcache_parent(struct dentry *dentry)
{
	for (;;) {
		struct dentry *d, *victim = NULL;
		struct inode *inode;

		spin_lock(&dcache_lock);
		list_for_each_entry(d, &dentry->d_subdirs, d_child) {
			if (d->d_count == 0) {
				victim = d;
				break;
			}
		}
		if (!victim) {
			spin_unlock(&dcache_lock);
			return;
		}
		__d_kill(victim, &inode);
		spin_unlock(&dcache_lock);
		d_free(victim, inode);
		dput(dentry); /* the victim's reference on us */
	}
}

void d_delete(struct dentry *dentry)
{
	struct inode *inode = NULL;

	spin_lock(&dcache_lock);
	if (dentry->d_count == 1) {
		inode = dentry->d_inode;
		dentry->d_inode = NULL; /* a negative dentry stays cached */
	} else {
		__d_drop(dentry);
	}
	spin_unlock(&dcache_lock);
	if (inode)
		iput(inode);
}

void d_move(struct dentry *dentry, struct dentry *target)
{
	struct dentry *old_parent;
	struct qstr name;
	char *copy = NULL;

	/* Allocate the new name's storage before taking the lock. */
	if (target->d_name.len >= DNAME_INLINE_LEN) {
		copy = kmalloc(target->d_name.len + 1, 0);
		BUG_ON(!copy); /* TODO: renames of long names under memory pressure */
	}
	spin_lock(&dcache_lock);
	__d_drop(dentry);
	__d_drop(target);
	free_name(dentry);
	name = target->d_name;
	if (!copy)
		copy = dentry->d_iname;
	memcpy(copy, name.name, name.len);
	copy[name.len] = 0;
	dentry->d_name.name = copy;
	dentry->d_name.len = name.len;
	dentry->d_name.hash = name.hash;
	old_parent = dentry->d_parent;
	list_del(&dentry->d_child);
	if (old_parent != target->d_parent) {
		__dget(target->d_parent); /* the reference moves to the new parent */
	}
	add_child(target->d_parent, dentry);
	__d_rehash(dentry);
	spin_unlock(&dcache_lock);
	if (old_parent != dentry->d_parent)
		dput(old_parent);
}

bool is_subdir(struct dentry *child, struct dentry *ancestor)
{
	bool r = false;

	spin_lock(&dcache_lock);
	for (struct dentry *d = child;; d = d->d_parent) {
		if (d == ancestor) {
			r = true;
			break;
		}
		if (IS_ROOT(d))
			break;
	}
	spin_unlock(&dcache_lock);
	return r;
}

void d_pin(struct dentry *dentry)
{
	spin_lock(&dcache_lock);
	dentry->d_flags |= DCACHE_PINNED;
	__dget(dentry);
	spin_unlock(&dcache_lock);
}

void d_unpin(struct dentry *dentry)
{
	spin_lock(&dcache_lock);
	BUG_ON(!(dentry->d_flags & DCACHE_PINNED));
	dentry->d_flags &= ~DCACHE_PINNED;
	spin_unlock(&dcache_lock);
	dput(dentry);
}

/* Prepends "/name" (len bytes) to the buffer ending at *end. */
static bool prepend(char **p, char *start, const char *s, u32 len)
{
	if (*p - start < (long)len + 1)
		return false;
	*p -= len;
	memcpy(*p, s, len);
	*--*p = '/';
	return true;
}

char *d_path(const struct path *p, const struct path *root, char *buf, int buflen)
{
	struct vfsmount *mnt = p->mnt;
	struct dentry *d = p->dentry;
	char *end = buf + buflen, *s = end;
	bool ok = true, deleted;

	if (buflen < 2)
		return ERR_PTR(-ENAMETOOLONG);
	*--s = 0;
	spin_lock(&dcache_lock);
	deleted = d_unhashed(d) && !IS_ROOT(d);
	while (ok && !(d == root->dentry && mnt == root->mnt)) {
		if (d == mnt->mnt_root || IS_ROOT(d)) {
			if (mnt->mnt_parent == mnt)
				break; /* the top of the tree (outside root: stop) */
			d = mnt->mnt_mountpoint;
			mnt = mnt->mnt_parent;
			continue;
		}
		ok = prepend(&s, buf, d->d_name.name, d->d_name.len);
		d = d->d_parent;
	}
	spin_unlock(&dcache_lock);
	if (!ok)
		return ERR_PTR(-ENAMETOOLONG);
	if (*s == 0) {
		if (s == buf)
			return ERR_PTR(-ENAMETOOLONG);
		*--s = '/';
	}
	if (deleted) {
		static const char del[] = " (deleted)";
		size_t n = strlen(s);
		if (s - buf < (long)sizeof(del) - 1)
			return ERR_PTR(-ENAMETOOLONG);
		memmove(s - (sizeof(del) - 1), s, n);
		s -= sizeof(del) - 1;
		memcpy(s + n, del, sizeof(del) - 1);
	}
	return s;
}

void shrink_dcache_sb(struct super_block *sb)
{
	for (;;) {
		struct dentry *d, *victim = NULL, *parent;
		struct inode *inode;

		spin_lock(&dcache_lock);
		list_for_each_entry(d, &dentry_lru, d_lru) {
			if (d->d_sb == sb) {
				victim = d;
				break;
			}
		}
		if (!victim) {
			spin_unlock(&dcache_lock);
			return;
		}
		parent = __d_kill(victim, &inode);
		spin_unlock(&dcache_lock);
		d_free(victim, inode);
		dput(parent);
	}
}

void d_genocide(struct dentry *root)
{
	struct dentry *this = root, *d, *n;
	struct list_head *next;
	LIST_HEAD(doomed);

	/* Pre-order walk; children go to the head of doomed after their
	 * parents, so dropping from the head releases children first. */
	spin_lock(&dcache_lock);
repeat:
	next = this->d_subdirs.next;
resume:
	while (next != &this->d_subdirs) {
		struct dentry *child = list_entry(next, struct dentry, d_child);
		next = next->next;
		__d_drop(child);
		if (child->d_flags & DCACHE_PINNED) {
			child->d_flags &= ~DCACHE_PINNED;
			list_add(&child->d_lru, &doomed); /* pinned: never on the LRU */
		}
		if (!list_empty(&child->d_subdirs)) {
			this = child;
			goto repeat;
		}
	}
	if (this != root) {
		next = this->d_child.next;
		this = this->d_parent;
		goto resume;
	}
	spin_unlock(&dcache_lock);
	list_for_each_entry_safe(d, n, &doomed, d_lru) {
		spin_lock(&dcache_lock);
		list_del(&d->d_lru);
		spin_unlock(&dcache_lock);
		dput(d);
	}
}

struct dentry *d_next_child(struct dentry *parent, struct dentry *prev, loff_t pos, char *name,
			    u32 *len)
{
	struct dentry *found = NULL;
	struct list_head *p;

	spin_lock(&dcache_lock);
	p = prev ? prev->d_child.next : parent->d_subdirs.next;
	for (; p != &parent->d_subdirs; p = p->next) {
		struct dentry *d = list_entry(p, struct dentry, d_child);
		if (d->d_off >= pos && d->d_inode && !d_unhashed(d)) {
			found = __dget(d);
			if (name) {
				memcpy(name, d->d_name.name, d->d_name.len + 1);
				*len = d->d_name.len;
			}
			break;
		}
	}
	spin_unlock(&dcache_lock);
	return found;
}

struct dentry *d_ancestor(struct dentry *ancestor, struct dentry *d)
{
	struct dentry *found = NULL;

	spin_lock(&dcache_lock);
	for (; !IS_ROOT(d); d = d->d_parent) {
		if (d->d_parent == ancestor) {
			found = d;
			break;
		}
	}
	spin_unlock(&dcache_lock);
	return found;
}
