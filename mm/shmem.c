/*
 * shmem.c - MAP_SHARED|MAP_ANONYMOUS memory: a reference-counted array of
 * pages that every VMA made from the mapping (by fork, split or mremap)
 * shares, so a page faulted in after fork is still seen by both sides.
 *
 * Contract: shmem_zero_setup(vma) gives a new shared anonymous VMA its
 * object (sized to the VMA; vm_pgoff 0) and vm_ops.  The fault op returns
 * the page at vmf->pgoff (zero-filled on first use), referenced; beyond
 * the object's size it is SIGBUS (after mremap grew the VMA).  Pages stay
 * in the object until the last VMA goes (close drops a reference).
 * Locks: obj->lock (spinlock) guards the page slots; the pages are
 * allocated outside it and a racing loser frees its copy.
 */
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/slab.h>
#include "internal.h"

#define SLOTS_PER_CHUNK 512

struct shmem_object {
	atomic_t refs;
	spinlock_t lock;
	unsigned long nr_pages;
	unsigned long nr_chunks;
	struct page **chunks[]; /* chunk i holds pages [i*512, i*512+512) */
};

static void shmem_get(struct shmem_object *o) { atomic_inc(&o->refs); }

static void shmem_put(struct shmem_object *o)
{
	if (!atomic_dec_and_test(&o->refs))
		return;
	for (unsigned long c = 0; c < o->nr_chunks; c++) {
		if (!o->chunks[c])
			continue;
		for (int i = 0; i < SLOTS_PER_CHUNK; i++)
			if (o->chunks[c][i])
				put_page(o->chunks[c][i]);
		kfree(o->chunks[c]);
	}
	kfree(o);
}

static int shmem_fault(struct vm_fault *vmf)
{
	struct shmem_object *o = vmf->vma->vm_private_data;
	unsigned long idx = vmf->pgoff, c = idx / SLOTS_PER_CHUNK, i = idx % SLOTS_PER_CHUNK;
	struct page **chunk = NULL, *pg = NULL, *fresh;
	bool need_chunk;

	if (idx >= o->nr_pages)
		return VM_FAULT_SIGBUS;
	spin_lock(&o->lock);
	need_chunk = !o->chunks[c]; /* a chunk, once there, stays */
	if (!need_chunk && (pg = o->chunks[c][i]))
		get_page(pg);
	spin_unlock(&o->lock);
	if (pg)
		goto out;
	/* Allocate outside the lock; whoever installs first wins. */
	if (need_chunk && !(chunk = kcalloc(SLOTS_PER_CHUNK, sizeof(*chunk), 0)))
		return VM_FAULT_OOM;
	fresh = alloc_page(__GFP_ZERO);
	if (!fresh) {
		kfree(chunk);
		return VM_FAULT_OOM;
	}
	spin_lock(&o->lock);
	if (!o->chunks[c]) {
		o->chunks[c] = chunk;
		chunk = NULL;
	}
	pg = o->chunks[c][i];
	if (!pg) {
		pg = o->chunks[c][i] = fresh; /* the object's reference */
		fresh = NULL;
	}
	get_page(pg);
	spin_unlock(&o->lock);
	kfree(chunk);
	if (fresh)
		put_page(fresh);
out:
	vmf->page = pg;
	return 0;
}

static void shmem_open(struct vm_area_struct *vma) { shmem_get(vma->vm_private_data); }
static void shmem_close(struct vm_area_struct *vma) { shmem_put(vma->vm_private_data); }

static const struct vm_operations_struct shmem_vm_ops = {
	.fault = shmem_fault,
	.open = shmem_open,
	.close = shmem_close,
};

int shmem_zero_setup(struct vm_area_struct *vma)
{
	unsigned long nr = (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
	unsigned long chunks = DIV_ROUND_UP(nr, SLOTS_PER_CHUNK);
	struct shmem_object *o = kzalloc(sizeof(*o) + chunks * sizeof(o->chunks[0]), 0);

	if (!o)
		return -ENOMEM;
	atomic_set(&o->refs, 1);
	spin_lock_init(&o->lock);
	o->nr_pages = nr;
	o->nr_chunks = chunks;
	vma->vm_pgoff = 0;
	vma->vm_private_data = o;
	vma->vm_ops = &shmem_vm_ops;
	return 0;
}
