/*
 * page_tree.c - the radix tree behind an address_space: page index -> item.
 *
 * Each node has 64 slots (6 bits of the index per level); a tree of height
 * h covers indices below 64^h and grows by adding levels on top when a
 * larger index comes in.  Items live only in the bottom level.  An emptied
 * node is freed and a root with only slot 0 used collapses, so the tree
 * stays as small as its contents.
 *
 * Not thread-safe: the owner's lock guards it (mapping->tree_lock).  Node
 * allocation uses kmalloc, which never sleeps, so it is safe under that
 * spinlock.
 */
#include <fs/pagemap.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/slab.h>

struct pt_node {
	void *slots[PAGE_TREE_SLOTS];
};

#define SLOT_MASK (PAGE_TREE_SLOTS - 1)
#define MAX_HEIGHT ((64 + PAGE_TREE_SHIFT - 1) / PAGE_TREE_SHIFT)

static unsigned int slot_of(pgoff_t index, unsigned int level)
{
	return (index >> (level * PAGE_TREE_SHIFT)) & SLOT_MASK;
}

/* Largest index a tree of this height can hold. */
static pgoff_t max_index(unsigned int height)
{
	if (height >= MAX_HEIGHT)
		return ~(pgoff_t)0;
	return ((pgoff_t)1 << (height * PAGE_TREE_SHIFT)) - 1;
}

static bool node_empty(const struct pt_node *n)
{
	for (unsigned int i = 0; i < PAGE_TREE_SLOTS; i++)
		if (n->slots[i])
			return false;
	return true;
}

void *page_tree_lookup(const struct page_tree *t, pgoff_t index)
{
	const struct pt_node *n = t->root;

	if (!t->height || index > max_index(t->height))
		return NULL;
	for (unsigned int level = t->height - 1;; level--) {
		void *p = n->slots[slot_of(index, level)];
		if (!level || !p)
			return p;
		n = p;
	}
}

int page_tree_insert(struct page_tree *t, pgoff_t index, void *item)
{
	struct pt_node *n;

	if (!t->height) {
		if (!(t->root = kzalloc(sizeof(struct pt_node), 0)))
			return -ENOMEM;
		t->height = 1;
	}
	while (index > max_index(t->height)) {
		struct pt_node *top = kzalloc(sizeof(*top), 0);
		if (!top)
			return -ENOMEM;
		top->slots[0] = t->root;
		t->root = top;
		t->height++;
	}
	n = t->root;
	for (unsigned int level = t->height - 1; level > 0; level--) {
		void **slot = &n->slots[slot_of(index, level)];
		if (!*slot && !(*slot = kzalloc(sizeof(struct pt_node), 0)))
			return -ENOMEM; /* empty nodes left behind are harmless */
		n = *slot;
	}
	if (n->slots[slot_of(index, 0)])
		return -EEXIST;
	n->slots[slot_of(index, 0)] = item;
	return 0;
}

static void shrink_root(struct page_tree *t)
{
	while (t->height > 1) {
		struct pt_node *r = t->root;
		bool only0 = true;
		for (unsigned int i = 1; i < PAGE_TREE_SLOTS; i++)
			if (r->slots[i])
				only0 = false;
		if (!only0)
			break;
		if (!r->slots[0]) { /* nothing left at all */
			kfree(r);
			t->root = NULL;
			t->height = 0;
			return;
		}
		t->root = r->slots[0];
		t->height--;
		kfree(r);
	}
	if (t->height == 1 && node_empty(t->root)) {
		kfree(t->root);
		t->root = NULL;
		t->height = 0;
	}
}

void *page_tree_delete(struct page_tree *t, pgoff_t index)
{
	struct pt_node *path[MAX_HEIGHT];
	struct pt_node *n = t->root;
	void *item;
	int level;

	if (!t->height || index > max_index(t->height))
		return NULL;
	for (level = t->height - 1; level > 0; level--) {
		path[level] = n;
		n = n->slots[slot_of(index, level)];
		if (!n)
			return NULL;
	}
	item = n->slots[slot_of(index, 0)];
	if (!item)
		return NULL;
	n->slots[slot_of(index, 0)] = NULL;
	/* Free nodes that became empty, bottom up (the root stays for now). */
	for (level = 1; level < (int)t->height && node_empty(n); level++) {
		path[level]->slots[slot_of(index, level)] = NULL;
		kfree(n);
		n = path[level];
	}
	shrink_root(t);
	return item;
}

/* Collects items under n (at level) with index >= first. */
static unsigned int gang(const struct pt_node *n, unsigned int level, pgoff_t base, void **items,
			 pgoff_t first, unsigned int max, pgoff_t *next)
{
	unsigned int got = 0;
	unsigned int shift = level * PAGE_TREE_SHIFT;
	unsigned int i = 0;

	if (first > base)
		i = (first - base) >> shift;
	for (; i < PAGE_TREE_SLOTS && got < max; i++) {
		pgoff_t idx = base + ((pgoff_t)i << shift);
		if (!n->slots[i])
			continue;
		if (!level) {
			items[got++] = n->slots[i];
			*next = idx + 1;
		} else {
			got += gang(n->slots[i], level - 1, idx, items + got, first, max - got,
				    next);
		}
	}
	return got;
}

unsigned int page_tree_gang_lookup(const struct page_tree *t, void **items, pgoff_t first,
				   unsigned int max, pgoff_t *next)
{
	*next = first;
	if (!t->height || first > max_index(t->height) || !max)
		return 0;
	return gang(t->root, t->height - 1, 0, items, first, max, next);
}
