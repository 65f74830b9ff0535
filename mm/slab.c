/*
 * slab.c - kmalloc: size-class allocator on top of the buddy allocator.
 *
 * Each size class (16, 32, ... 2048 bytes) owns a list of slab pages with
 * free objects.  A slab page's struct page records its class (private),
 * its free list (mapping field reused as a pointer) and how many objects are
 * in use (index).  A free object holds the next-free pointer and a magic
 * word, the rest is poisoned; allocation checks the poison.
 *
 * Locking: one IRQ-safe spinlock per size class guards its slabs and their
 * free lists.  Large allocations take no lock of ours.
 */
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <mm/page.h>
#include <mm/slab.h>

#define NR_CLASSES 8
#define MIN_SHIFT 4
#define FREE_MAGIC 0xf4eeb10c5eedULL
#define OBJ_POISON 0x5a

struct free_obj {
	struct free_obj *next;
	u64 magic; /* FREE_MAGIC ^ address: marks a free object */
};

struct size_class {
	spinlock_t lock;
	size_t size;
	struct list_head partial; /* slabs with at least one free object */
	unsigned long nr_slabs;
};

static struct size_class classes[NR_CLASSES];

void kmalloc_init(void)
{
	for (int i = 0; i < NR_CLASSES; i++) {
		spin_lock_init(&classes[i].lock);
		classes[i].size = 1UL << (i + MIN_SHIFT);
		INIT_LIST_HEAD(&classes[i].partial);
	}
}

static int size_to_class(size_t size)
{
	for (int i = 0; i < NR_CLASSES; i++)
		if (size <= (1UL << (i + MIN_SHIFT)))
			return i;
	return -1;
}

static inline struct free_obj **slab_freelist(struct page *pg)
{
	return (struct free_obj **)&pg->mapping;
}

static void poison_obj(struct free_obj *o, size_t size)
{
	memset((char *)o + sizeof(*o), OBJ_POISON, size - sizeof(*o));
}

static void check_obj(struct free_obj *o, size_t size)
{
	const u8 *b = (const u8 *)o;

	for (size_t i = sizeof(*o); i < size; i++)
		if (b[i] != OBJ_POISON)
			panic("kmalloc: object %p (size %zu) written at offset %zu after free", o,
			      size, i);
}

static struct page *new_slab(int cls)
{
	struct page *pg = alloc_page(0);
	size_t size = classes[cls].size;
	char *base;
	struct free_obj *head = NULL;

	if (!pg)
		return NULL;
	SetPageSlab(pg);
	pg->private = cls;
	pg->index = 0;
	base = page_address(pg);
	for (size_t off = PAGE_SIZE; off >= size; off -= size) { /* last object first */
		struct free_obj *o = (struct free_obj *)(base + off - size);
		o->next = head;
		o->magic = FREE_MAGIC ^ (u64)o;
		poison_obj(o, size);
		head = o;
	}
	*slab_freelist(pg) = head;
	return pg;
}

void *kmalloc(size_t size, unsigned int gfp)
{
	int cls = size_to_class(size ? size : 1);
	struct size_class *sc;
	struct page *pg;
	struct free_obj *o;
	unsigned long flags;

	if (cls < 0) {
		unsigned int order = 0;
		while ((PAGE_SIZE << order) < size)
			order++;
		pg = alloc_pages(gfp, order);
		if (!pg)
			return NULL;
		SetPageHead(pg);
		return page_address(pg);
	}
	sc = &classes[cls];
	flags = spin_lock_irqsave(&sc->lock);
	if (list_empty(&sc->partial)) {
		pg = new_slab(cls);
		if (!pg) {
			spin_unlock_irqrestore(&sc->lock, flags);
			return NULL;
		}
		list_add(&pg->lru, &sc->partial);
		sc->nr_slabs++;
	}
	pg = list_first_entry(&sc->partial, struct page, lru);
	o = *slab_freelist(pg);
	if (o->magic != (FREE_MAGIC ^ (u64)o))
		panic("kmalloc: free list of slab %p corrupted at %p", page_address(pg), o);
	check_obj(o, sc->size);
	*slab_freelist(pg) = o->next;
	pg->index++;
	if (!*slab_freelist(pg))
		list_del(&pg->lru);
	spin_unlock_irqrestore(&sc->lock, flags);
	o->magic = 0;
	o->next = NULL;
	if (gfp & __GFP_ZERO)
		memset(o, 0, sc->size);
	return o;
}

void *kzalloc(size_t size, unsigned int gfp) { return kmalloc(size, gfp | __GFP_ZERO); }

void *kcalloc(size_t n, size_t size, unsigned int gfp)
{
	if (size && n > (size_t)-1 / size)
		return NULL;
	return kzalloc(n * size, gfp);
}

size_t ksize(const void *p)
{
	struct page *pg = virt_to_page(p);

	if (PageSlab(pg))
		return classes[pg->private].size;
	return PAGE_SIZE << pg->order;
}

void kfree(const void *p)
{
	struct page *pg;
	struct size_class *sc;
	struct free_obj *o = (struct free_obj *)p;
	unsigned long flags;

	if (!p)
		return;
	if ((unsigned long)p < PAGE_OFFSET || __pa(p) >= ((phys_addr_t)max_pfn << PAGE_SHIFT))
		panic("kfree: %p is not a kmalloc address", p);
	pg = virt_to_page(p);
	if (PageHead(pg)) {
		if ((unsigned long)p & (PAGE_SIZE - 1))
			panic("kfree: %p is inside a large allocation", p);
		ClearPageHead(pg);
		__free_pages(pg, pg->order);
		return;
	}
	if (!PageSlab(pg))
		panic("kfree: %p is not a kmalloc address (double free of a large block?)", p);
	sc = &classes[pg->private];
	if (((unsigned long)p & (PAGE_SIZE - 1)) % sc->size)
		panic("kfree: %p is not the start of an object", p);
	flags = spin_lock_irqsave(&sc->lock);
	if (o->magic == (FREE_MAGIC ^ (u64)o)) {
		/* Probably free already: make sure by walking the free list. */
		for (struct free_obj *f = *slab_freelist(pg); f; f = f->next)
			if (f == o)
				panic("kfree: double free of %p (size %zu)", p, sc->size);
	}
	o->magic = FREE_MAGIC ^ (u64)o;
	poison_obj(o, sc->size);
	if (!*slab_freelist(pg))
		list_add(&pg->lru, &sc->partial);
	o->next = *slab_freelist(pg);
	*slab_freelist(pg) = o;
	pg->index--;
	if (pg->index == 0 && sc->nr_slabs > 1) { /* slab empty: give the page back */
		list_del(&pg->lru);
		sc->nr_slabs--;
		ClearPageSlab(pg);
		pg->mapping = NULL;
		spin_unlock_irqrestore(&sc->lock, flags);
		__free_pages(pg, 0);
		return;
	}
	spin_unlock_irqrestore(&sc->lock, flags);
}
