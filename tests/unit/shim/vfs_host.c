/*
 * vfs_host.c - host versions of the services the VFS and the file systems
 * need beyond the locking shim (shim.c), so that fs/ (VFS, page cache,
 * ramfs, ext2) and the block layer's bio code run unmodified in a host
 * process.  Built only for those tests, with tests/unit/shim/vfs first on
 * the include path (its x86/layout.h maps "physical memory" here).
 *
 *   pages      mem_map[] over one host mapping (shim_ram) of SHIM_PAGES
 *              frames, a free list under a mutex; free frames are poisoned
 *              for ASan, so a use after put_page() is caught
 *   kmalloc    malloc/calloc/free
 *   user copy  user pointers are host pointers (kernel callers only)
 *   time       ktime_get_real_ns() from CLOCK_REALTIME
 * The rest (stubs, start-up) is in vfs_stubs.c, which needs <fs/fs.h>:
 * that header's dev_t clashes with libc's, which this file needs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <sanitizer/asan_interface.h>

#include <kernel/printk.h>
#include <mm/page.h>
#include <mm/slab.h>
#include "vfs_host.h"

#define SHIM_PAGES (64UL * 1024) /* 256 MiB of address space, touched on use */

char *shim_ram;
struct page *mem_map;
unsigned long max_pfn;
static unsigned long *free_list, nr_free;
static pthread_mutex_t page_lock = PTHREAD_MUTEX_INITIALIZER;

void shim_pages_init(void)
{
	shim_ram = mmap(NULL, SHIM_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (shim_ram == MAP_FAILED) {
		perror("vfs_host: mmap");
		abort();
	}
	mem_map = calloc(SHIM_PAGES, sizeof(struct page));
	free_list = malloc(SHIM_PAGES * sizeof(*free_list));
	if (!mem_map || !free_list)
		abort();
	max_pfn = SHIM_PAGES;
	/* Frame 0 stays unused: a NULL-ish physical address is a bug. */
	for (unsigned long pfn = SHIM_PAGES - 1; pfn >= 1; pfn--)
		free_list[nr_free++] = pfn;
	ASAN_POISON_MEMORY_REGION(shim_ram, SHIM_PAGES * PAGE_SIZE);
}

struct page *alloc_pages(unsigned int gfp, unsigned int order)
{
	struct page *p;
	unsigned long pfn;

	if (order) {
		printk(KERN_ERR "vfs_host: alloc_pages order %u not supported\n", order);
		return NULL;
	}
	pthread_mutex_lock(&page_lock);
	if (!nr_free) {
		pthread_mutex_unlock(&page_lock);
		return NULL;
	}
	pfn = free_list[--nr_free];
	pthread_mutex_unlock(&page_lock);
	p = &mem_map[pfn];
	memset(p, 0, sizeof(*p));
	atomic_set(&p->_refcount, 1);
	ASAN_UNPOISON_MEMORY_REGION(page_address(p), PAGE_SIZE);
	memset(page_address(p), (gfp & __GFP_ZERO) ? 0 : PAGE_POISON, PAGE_SIZE);
	return p;
}

void __free_pages(struct page *p, unsigned int order)
{
	if (p->mapping || PageLocked(p) || PageDirty(p) || PageWriteback(p))
		panic("vfs_host: freeing a page still in use (flags %#lx)", p->flags);
	p->flags = 0;
	ASAN_POISON_MEMORY_REGION(page_address(p), PAGE_SIZE);
	pthread_mutex_lock(&page_lock);
	free_list[nr_free++] = page_to_pfn(p);
	pthread_mutex_unlock(&page_lock);
}

void put_page(struct page *p)
{
	int c = atomic_sub_return(1, &p->_refcount);

	if (c < 0)
		panic("vfs_host: put_page of a free page");
	if (c == 0)
		__free_pages(p, 0);
}

void *get_zeroed_page(void)
{
	struct page *p = alloc_page(__GFP_ZERO);
	return p ? page_address(p) : NULL;
}

void free_page_va(void *va) { put_page(virt_to_page(va)); }

unsigned long nr_free_pages(void)
{
	pthread_mutex_lock(&page_lock);
	unsigned long n = nr_free;
	pthread_mutex_unlock(&page_lock);
	return n;
}

unsigned long nr_total_pages(void) { return SHIM_PAGES - 1; }

unsigned long shim_pages_in_use(void) { return nr_total_pages() - nr_free_pages(); }

/* ---- kmalloc ---- */

void *kmalloc(size_t size, unsigned int gfp)
{
	return (gfp & __GFP_ZERO) ? calloc(1, size ? size : 1) : malloc(size ? size : 1);
}
void *kzalloc(size_t size, unsigned int gfp) { return calloc(1, size ? size : 1); }
void *kcalloc(size_t n, size_t size, unsigned int gfp)
{
	return calloc(n ? n : 1, size ? size : 1);
}
void kfree(const void *p) { free((void *)p); }
size_t ksize(const void *p) { return malloc_usable_size((void *)p); }

/* ---- user copies: kernel callers pass host pointers ---- */

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	memcpy(dst, usrc, n);
	return 0;
}
int copy_to_user(void *udst, const void *src, size_t n)
{
	memcpy(udst, src, n);
	return 0;
}
int clear_user(void *udst, size_t n)
{
	memset(udst, 0, n);
	return 0;
}
long strncpy_from_user(char *dst, const char *usrc, size_t n)
{
	size_t len = strnlen(usrc, n);

	if (len == n)
		return -ENAMETOOLONG;
	memcpy(dst, usrc, len + 1);
	return (long)len;
}
int get_user_u32(u32 *v, const void *uaddr)
{
	memcpy(v, uaddr, sizeof(*v));
	return 0;
}
int get_user_u64(u64 *v, const void *uaddr)
{
	memcpy(v, uaddr, sizeof(*v));
	return 0;
}
int put_user_u32(u32 v, void *uaddr)
{
	memcpy(uaddr, &v, sizeof(v));
	return 0;
}
int put_user_u64(u64 v, void *uaddr)
{
	memcpy(uaddr, &v, sizeof(v));
	return 0;
}

/* glibc before 2.38 has no strlcpy; the kernel's string.h declares it. */
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = 0;
	}
	return len;
}

u64 ktime_get_real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}
