/*
 * test_filemap.c - self-tests of the page cache (ktest=fs): the radix tree,
 * buffered reads and writes across page boundaries, holes, truncation,
 * writers on every CPU, the fault path used by mmap, and page locks.
 * Files live on the root ramfs under /tmp; each test removes its file and
 * the tree/truncate tests check that pages come back.
 */
#include "internal.h"
#include <kernel/atomic.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <mm/mm.h>
#include <mm/page.h>
#include <mm/slab.h>

KTEST(fs_page_tree)
{
	struct page_tree tr = { 0 };
	static const pgoff_t idx[] = { 0, 1, 63, 64, 4095, 4096, 262143, 1UL << 30, 5, 70000 };
	void *items[16];
	pgoff_t next;
	unsigned int n;

	for (unsigned int i = 0; i < ARRAY_SIZE(idx); i++)
		KT_ASSERT(t, page_tree_insert(&tr, idx[i], (void *)(idx[i] * 8 + 8)) == 0,
			  "insert");
	KT_ASSERT(t, page_tree_insert(&tr, 64, (void *)1) == -EEXIST, "duplicate");
	for (unsigned int i = 0; i < ARRAY_SIZE(idx); i++)
		KT_ASSERT(t, page_tree_lookup(&tr, idx[i]) == (void *)(idx[i] * 8 + 8),
			  "lookup %lu", (unsigned long)idx[i]);
	KT_ASSERT(t, !page_tree_lookup(&tr, 2) && !page_tree_lookup(&tr, 1UL << 40), "absent");
	n = page_tree_gang_lookup(&tr, items, 60, 16, &next);
	KT_ASSERT(t, n == 7 && items[0] == (void *)(63 * 8 + 8) && next == (1UL << 30) + 1,
		  "gang lookup in order: %u", n);
	n = page_tree_gang_lookup(&tr, items, 0, 3, &next);
	KT_ASSERT(t, n == 3 && next == 6, "gang lookup stops at max (next %lu)",
		  (unsigned long)next);
	/* random inserts and deletes against a shadow array */
	static u8 shadow[2048];
	memset(shadow, 0, sizeof(shadow));
	for (int r = 0; r < 20000; r++) {
		pgoff_t i = ktest_rand() % 2048;
		if (shadow[i]) {
			KT_ASSERT(t, page_tree_delete(&tr, i + 100000) == (void *)(i + 1),
				  "delete");
			shadow[i] = 0;
		} else {
			KT_ASSERT(t, page_tree_insert(&tr, i + 100000, (void *)(i + 1)) == 0,
				  "ins");
			shadow[i] = 1;
		}
	}
	for (pgoff_t i = 0; i < 2048; i++)
		KT_ASSERT(t,
			  page_tree_lookup(&tr, i + 100000) == (shadow[i] ? (void *)(i + 1) : NULL),
			  "shadow %lu", (unsigned long)i);
	for (pgoff_t i = 0; i < 2048; i++)
		if (shadow[i])
			page_tree_delete(&tr, i + 100000);
	for (unsigned int i = 0; i < ARRAY_SIZE(idx); i++)
		KT_ASSERT(t, page_tree_delete(&tr, idx[i]) == (void *)(idx[i] * 8 + 8), "delete");
	KT_ASSERT(t, tr.height == 0 && tr.root == NULL, "empty tree frees its nodes");
}

static u8 pattern(loff_t pos) { return (u8)(pos * 7 + (pos >> 12) * 13 + 1); }

#define END (8191 + 4098) /* the end of the last write below */

KTEST(fs_filemap_rw)
{
	struct file *f;
	u8 *buf = kmalloc(3 * PAGE_SIZE, 0);
	unsigned long free0;
	s64 pos;
	ssize_t n;

	KT_ASSERT(t, buf, "alloc");
	do_mkdirat(AT_FDCWD, "/tmp", 01777);
	free0 = nr_free_pages();
	f = filp_open("/tmp/kt_rw", O_RDWR | O_CREAT | O_TRUNC, 0600);
	KT_ASSERT(t, !IS_ERR(f), "create");
	/* writes of odd sizes at odd offsets, crossing page boundaries */
	static const struct {
		loff_t off;
		size_t len;
	} w[] = {
		{ 0, 100 }, { 4090, 12 }, { 4096 * 2 - 1, 4098 }, { 100, 3990 }, { 12287, 1 },
	};
	for (unsigned int i = 0; i < ARRAY_SIZE(w); i++) {
		for (size_t j = 0; j < w[i].len; j++)
			buf[j] = pattern(w[i].off + (loff_t)j);
		pos = w[i].off;
		n = kernel_write(f, buf, w[i].len, &pos);
		KT_ASSERT(t, n == (ssize_t)w[i].len && pos == w[i].off + (loff_t)w[i].len,
			  "write %u", i);
	}
	KT_ASSERT(t, i_size_read(file_inode(f)) == END, "size %lld",
		  (long long)i_size_read(file_inode(f)));
	/* bytes 4102..8190 were never written: a hole inside a page reads 0 */
	for (loff_t off = 0; off < END; off += 1000) {
		size_t len = MIN((size_t)3000, (size_t)(END - off));
		pos = off;
		n = kernel_read(f, buf, len, &pos);
		KT_ASSERT(t, n == (ssize_t)len, "read at %lld: %ld", (long long)off, n);
		for (size_t j = 0; j < len; j++) {
			loff_t p = off + (loff_t)j;
			u8 want = (p >= 4102 && p < 8191) ? 0 : pattern(p);
			KT_ASSERT(t, buf[j] == want, "byte %lld is %u, want %u", (long long)p,
				  buf[j], want);
		}
	}
	pos = END;
	KT_ASSERT(t, kernel_read(f, buf, 10, &pos) == 0, "EOF reads 0");
	/* a far write leaves a hole of whole pages that reads as zeros */
	pos = 40 * 4096 + 5;
	KT_ASSERT(t, kernel_write(f, "Z", 1, &pos) == 1, "far write");
	pos = 20 * 4096;
	KT_ASSERT(t, kernel_read(f, buf, 4096, &pos) == 4096, "hole read");
	for (int j = 0; j < 4096; j++)
		KT_ASSERT(t, buf[j] == 0, "hole byte %d", j);
	/* truncate into the middle of a page, then grow: the tail is zero */
	KT_ASSERT(t, do_truncate(f->f_path.dentry, 4096 + 10, 0, f) == 0, "shrink");
	KT_ASSERT(t, f->f_mapping->nrpages <= 2, "pages beyond EOF dropped: %lu",
		  f->f_mapping->nrpages);
	KT_ASSERT(t, do_truncate(f->f_path.dentry, 3 * 4096, 0, f) == 0, "grow");
	pos = 4096;
	KT_ASSERT(t, kernel_read(f, buf, 4096, &pos) == 4096, "read after grow");
	for (int j = 0; j < 6; j++) /* 4096..4101 were written, 4102.. a hole */
		KT_ASSERT(t, buf[j] == pattern(4096 + j), "kept byte %d", j);
	for (int j = 6; j < 4096; j++)
		KT_ASSERT(t, buf[j] == 0, "truncated byte %d reads %u", j, buf[j]);
	fput(f);
	KT_ASSERT(t, do_unlinkat(AT_FDCWD, "/tmp/kt_rw") == 0, "unlink");
	kfree(buf);
	KT_ASSERT(t, nr_free_pages() + 8 >= free0, "pages leaked: %lu -> %lu", free0,
		  nr_free_pages());
}

/* ---- every CPU writes its own stripes of one file, then checks all ---- */

struct stripes {
	struct file *f;
	int id, nthreads;
	atomic_t errors;
};

#define STRIPE 1000 /* not page aligned on purpose */
#define ROUNDS 64

static int stripe_writer(void *arg)
{
	struct stripes *s = arg;
	u8 buf[STRIPE];

	for (int r = 0; r < ROUNDS; r++) {
		loff_t off = (loff_t)(r * s->nthreads + s->id) * STRIPE;
		s64 pos = off;
		for (int j = 0; j < STRIPE; j++)
			buf[j] = pattern(off + j);
		if (kernel_write(s->f, buf, STRIPE, &pos) != STRIPE)
			atomic_inc(&s->errors);
	}
	return 0;
}

KTEST(fs_filemap_parallel_writers)
{
	enum { N = 4 };
	struct stripes s[N];
	struct task_struct *th[N];
	struct file *f;
	u8 buf[STRIPE];

	do_mkdirat(AT_FDCWD, "/tmp", 01777);
	f = filp_open("/tmp/kt_par", O_RDWR | O_CREAT | O_TRUNC, 0600);
	KT_ASSERT(t, !IS_ERR(f), "create");
	for (int i = 0; i < N; i++) {
		s[i].f = f;
		s[i].id = i;
		s[i].nthreads = N;
		atomic_set(&s[i].errors, 0);
		th[i] = kthread_run(stripe_writer, &s[i], "kt_stripe");
		KT_ASSERT(t, th[i], "thread");
	}
	for (int i = 0; i < N; i++)
		kthread_join(th[i]);
	for (int i = 0; i < N; i++)
		KT_ASSERT(t, atomic_read(&s[i].errors) == 0, "write errors");
	KT_ASSERT(t, i_size_read(file_inode(f)) == (loff_t)N * ROUNDS * STRIPE, "size");
	for (loff_t off = 0; off < (loff_t)N * ROUNDS * STRIPE; off += STRIPE) {
		s64 pos = off;
		KT_ASSERT(t, kernel_read(f, buf, STRIPE, &pos) == STRIPE, "read");
		for (int j = 0; j < STRIPE; j++)
			KT_ASSERT(t, buf[j] == pattern(off + j), "byte %lld", (long long)(off + j));
	}
	fput(f);
	KT_ASSERT(t, do_unlinkat(AT_FDCWD, "/tmp/kt_par") == 0, "unlink");
}

/* ---- the mmap fault path: the page cache page itself ---- */

KTEST(fs_filemap_fault)
{
	struct vm_area_struct vma = { 0 };
	struct vm_fault vmf = { 0 };
	struct page *cached;
	s64 pos = 4096 + 3;
	struct file *f;

	do_mkdirat(AT_FDCWD, "/tmp", 01777);
	f = filp_open("/tmp/kt_fault", O_RDWR | O_CREAT | O_TRUNC, 0600);
	KT_ASSERT(t, !IS_ERR(f), "create");
	KT_ASSERT(t, kernel_write(f, "abc", 3, &pos) == 3, "write");
	KT_ASSERT(t, f->f_op->mmap(f, &vma) == 0 && vma.vm_ops && vma.vm_ops->fault, "mmap op");
	vma.vm_file = f;
	vmf.vma = &vma;
	vmf.pgoff = 1;
	KT_ASSERT(t, vma.vm_ops->fault(&vmf) == 0 && vmf.page, "fault");
	cached = find_get_page(f->f_mapping, 1);
	KT_ASSERT(t, cached == vmf.page, "the fault maps the page-cache page");
	KT_ASSERT(t, PageUptodate(vmf.page) && !PageLocked(vmf.page), "uptodate and unlocked");
	KT_ASSERT(t, !memcmp((char *)page_address(vmf.page) + 3, "abc", 3), "contents");
	/* a store through the mapping is seen by read() */
	memcpy((char *)page_address(vmf.page) + 3, "XYZ", 3);
	KT_ASSERT(t, vma.vm_ops->page_mkwrite(&vmf) == 0 && PageDirty(vmf.page), "mkwrite");
	char buf[4] = { 0 };
	pos = 4096 + 3;
	KT_ASSERT(t, kernel_read(f, buf, 3, &pos) == 3 && !memcmp(buf, "XYZ", 3), "coherent");
	put_page(cached);
	put_page(vmf.page);
	/* page 0 is a hole inside the file: a zero page; page 2 is past EOF */
	vmf.pgoff = 0;
	vmf.page = NULL;
	KT_ASSERT(t, vma.vm_ops->fault(&vmf) == 0 && vmf.page, "hole fault");
	KT_ASSERT(t, ((char *)page_address(vmf.page))[100] == 0, "hole is zero");
	put_page(vmf.page);
	vmf.pgoff = 2;
	KT_ASSERT(t, vma.vm_ops->fault(&vmf) == VM_FAULT_SIGBUS, "beyond EOF: SIGBUS");
	fput(f);
	KT_ASSERT(t, do_unlinkat(AT_FDCWD, "/tmp/kt_fault") == 0, "unlink");
}

/* ---- page locks: exclusion between threads ---- */

struct locker {
	struct page *page;
	volatile int inside;
	atomic_t errors;
};

static int lock_thread(void *arg)
{
	struct locker *l = arg;

	for (int i = 0; i < 2000; i++) {
		lock_page(l->page);
		if (l->inside++)
			atomic_inc(&l->errors);
		if ((i & 31) == 0)
			yield();
		l->inside--;
		unlock_page(l->page);
	}
	return 0;
}

KTEST(fs_page_lock)
{
	struct locker l = { .page = alloc_page(0) };
	struct task_struct *th[4];

	KT_ASSERT(t, l.page, "page");
	atomic_set(&l.errors, 0);
	for (int i = 0; i < 4; i++)
		th[i] = kthread_run(lock_thread, &l, "kt_pglock");
	for (int i = 0; i < 4; i++)
		kthread_join(th[i]);
	KT_ASSERT(t, atomic_read(&l.errors) == 0, "two holders of a page lock");
	KT_ASSERT(t, trylock_page(l.page) && !trylock_page(l.page), "trylock");
	unlock_page(l.page);
	put_page(l.page);
}
