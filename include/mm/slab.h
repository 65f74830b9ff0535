/*
 * slab.h - kmalloc/kfree (mm/slab.c).
 *
 * Size classes 16..2048 bytes are carved from single pages (slabs); larger
 * requests get whole pages from the buddy allocator.  Safe from any
 * context (IRQ-safe per-class locks); never sleeps.
 * Debug: kfree of a pointer that is not an allocation, or a double free,
 * panics; a freed object is poisoned and checked when reused.
 */
#ifndef MM_SLAB_H
#define MM_SLAB_H

#include <kernel/types.h>

void *kmalloc(size_t size, unsigned int gfp);
void *kzalloc(size_t size, unsigned int gfp);
void *kcalloc(size_t n, size_t size, unsigned int gfp);
void kfree(const void *p);
/* Usable size of an allocation. */
size_t ksize(const void *p);
void kmalloc_init(void);

#endif
