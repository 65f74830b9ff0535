/*
 * test_pagecache_lock.c - self-tests of pagecache_add_lock and the fault
 * side of faults_disabled_mapping (ktest=pagecache), on ramfs files in /tmp.
 *
 *   pagecache_block_keeps_reads_out  a BLOCK holder keeps a buffered read
 *                                    of a hole from adding its page until
 *                                    it lets go;
 *   pagecache_block_keeps_faults_out the same for a gup-driven fault;
 *   pagecache_add_shared             ADD holders share (a reader gets in
 *                                    while another task holds ADD), BLOCK
 *                                    waits for them;
 *   pagecache_fdm_same_mapping       gup into a mapping of the file whose
 *                                    BLOCK we hold fails with -EDEADLK at
 *                                    once (no self-deadlock);
 *   pagecache_fdm_later / _earlier   another mapping, contended: a later
 *                                    one is waited for keeping our BLOCK; an
 *                                    earlier one makes us drop BLOCK, wait,
 *                                    re-take it and report -EAGAIN with the
 *                                    "dropped" bit set.
 * Faults come from a kernel thread running on a hand-made mm (as
 * mm/ktest_mm_user.c does) with the file mapped MAP_SHARED.
 */
#include "internal.h"
#include <kernel/atomic.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <mm/mm.h>
#include <mm/page.h>

#define HOLE_PAGE 3 /* files are written at page 8: pages 0..7 are holes */

static struct file *make_file(const char *path)
{
	struct file *f;
	s64 pos = 8 * PAGE_SIZE;

	do_mkdirat(AT_FDCWD, "/tmp", 01777);
	f = filp_open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (IS_ERR(f))
		return NULL;
	if (kernel_write(f, "end", 3, &pos) != 3) {
		fput(f);
		return NULL;
	}
	return f;
}

static void drop_file(struct file *f, const char *path)
{
	fput(f);
	do_unlinkat(AT_FDCWD, path);
}

static bool cached(struct file *f, pgoff_t index)
{
	struct page *p = find_get_page(f->f_mapping, index);

	if (p)
		put_page(p);
	return p != NULL;
}

/* ---- a helper thread that reads or faults one page ---- */

struct job {
	struct file *f;
	struct mm_struct *mm; /* NULL: buffered read; else gup on addr */
	unsigned long addr;
	struct address_space *fdm_block; /* hold BLOCK of this and set fdm */
	long result;
	unsigned long fdm_after;
	volatile int done;
};

static int job_thread(void *arg)
{
	struct job *j = arg;

	if (j->fdm_block) {
		pagecache_block_get(j->fdm_block);
		current->faults_disabled_mapping = j->fdm_block;
	}
	if (j->mm) {
		struct page *pg = NULL;

		kthread_use_mm(j->mm);
		j->result = get_user_pages(j->mm, j->addr, 1, 0, &pg);
		if (j->result == 1)
			unpin_user_pages(&pg, 1, false);
		kthread_unuse_mm(j->mm);
	} else {
		char c = 0;
		s64 pos = HOLE_PAGE * PAGE_SIZE;

		j->result = kernel_read(j->f, &c, 1, &pos);
	}
	if (j->fdm_block) {
		j->fdm_after = (unsigned long)current->faults_disabled_mapping;
		current->faults_disabled_mapping = NULL;
		pagecache_block_put(j->fdm_block);
	}
	j->done = 1;
	return 0;
}

static long map_file(struct mm_struct *mm, struct file *f)
{
	long r;

	down_write(&mm->mmap_lock);
	r = do_mmap(mm, 0, 9 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);
	up_write(&mm->mmap_lock);
	return r;
}

KTEST(pagecache_block_keeps_reads_out)
{
	struct job j = { 0 };
	struct task_struct *th;
	struct file *f = make_file("/tmp/kt_pcl_r");

	KT_ASSERT(t, f, "create");
	j.f = f;
	pagecache_block_get(f->f_mapping);
	th = kthread_run(job_thread, &j, "kt_pcl_read");
	msleep(50);
	KT_ASSERT(t, !j.done && !cached(f, HOLE_PAGE), "a read added a page under BLOCK");
	pagecache_block_put(f->f_mapping);
	kthread_join(th);
	KT_ASSERT(t, j.done && j.result == 1 && cached(f, HOLE_PAGE), "read after release: %ld",
		  j.result);
	drop_file(f, "/tmp/kt_pcl_r");
}

KTEST(pagecache_block_keeps_faults_out)
{
	struct job j = { 0 };
	struct task_struct *th;
	struct file *f = make_file("/tmp/kt_pcl_f");
	struct mm_struct *mm = mm_alloc();
	long addr;

	KT_ASSERT(t, f && mm, "setup");
	addr = map_file(mm, f);
	KT_ASSERT(t, addr > 0, "mmap %ld", addr);
	j.f = f;
	j.mm = mm;
	j.addr = addr + HOLE_PAGE * PAGE_SIZE;
	pagecache_block_get(f->f_mapping);
	th = kthread_run(job_thread, &j, "kt_pcl_fault");
	msleep(50);
	KT_ASSERT(t, !j.done && !cached(f, HOLE_PAGE), "a fault added a page under BLOCK");
	/* the waiting fault does not hold mmap_lock: mapping changes go on */
	KT_ASSERT(t, down_write_trylock(&mm->mmap_lock), "fault sleeps with mmap_lock held");
	up_write(&mm->mmap_lock);
	pagecache_block_put(f->f_mapping);
	kthread_join(th);
	KT_ASSERT(t, j.result == 1 && cached(f, HOLE_PAGE), "fault after release: %ld", j.result);
	mmput(mm);
	drop_file(f, "/tmp/kt_pcl_f");
}

KTEST(pagecache_add_shared)
{
	struct job j = { 0 };
	struct task_struct *th;
	struct file *f = make_file("/tmp/kt_pcl_s");

	KT_ASSERT(t, f, "create");
	j.f = f;
	pagecache_add_get(f->f_mapping);
	th = kthread_run(job_thread, &j, "kt_pcl_share");
	for (int i = 0; i < 100 && !j.done; i++)
		msleep(5);
	KT_ASSERT(t, j.done && j.result == 1 && cached(f, HOLE_PAGE),
		  "a reader waited for another ADD holder");
	KT_ASSERT(t, !pagecache_block_tryget(f->f_mapping), "BLOCK got in past ADD");
	pagecache_add_put(f->f_mapping);
	KT_ASSERT(t, pagecache_block_tryget(f->f_mapping), "BLOCK after ADD left");
	pagecache_block_put(f->f_mapping);
	kthread_join(th);
	drop_file(f, "/tmp/kt_pcl_s");
}

KTEST(pagecache_fdm_same_mapping)
{
	struct job j = { 0 };
	struct task_struct *th;
	struct file *f = make_file("/tmp/kt_pcl_same");
	struct mm_struct *mm = mm_alloc();
	long addr;

	KT_ASSERT(t, f && mm, "setup");
	addr = map_file(mm, f);
	KT_ASSERT(t, addr > 0, "mmap");
	j.mm = mm;
	j.addr = addr + HOLE_PAGE * PAGE_SIZE;
	j.fdm_block = f->f_mapping;
	th = kthread_run(job_thread, &j, "kt_pcl_same");
	for (int i = 0; i < 200 && !j.done; i++)
		msleep(5);
	KT_ASSERT(t, j.done, "self-deadlock: gup under our own BLOCK never returned");
	kthread_join(th);
	KT_ASSERT(t, j.result == -EDEADLK && !cached(f, HOLE_PAGE), "gup: %ld", j.result);
	/* the end page exists already and is mapped by nothing: same answer */
	mmput(mm);
	drop_file(f, "/tmp/kt_pcl_same");
}

/* Our task holds BLOCK of a and faults on a mapping of b while another
 * holds BLOCK of b.  Returns the job after b was released. */
static void fdm_cross(struct ktest *t, bool b_later)
{
	struct file *f1 = make_file("/tmp/kt_pcl_x1"), *f2 = make_file("/tmp/kt_pcl_x2");
	struct address_space *a, *b;
	struct mm_struct *mm = mm_alloc();
	struct task_struct *th;
	struct job j = { 0 };
	bool saw_a_free = false;
	int state;
	long addr;

	KT_ASSERT(t, f1 && f2 && mm, "setup");
	/* pick a and b so that b is later (or earlier) in lock order */
	a = f1->f_mapping;
	b = f2->f_mapping;
	if (mapping_lock_before(a, b) != b_later) {
		struct address_space *x = a;
		a = b;
		b = x;
	}
	addr = map_file(mm, b == f1->f_mapping ? f1 : f2);
	KT_ASSERT(t, addr > 0, "mmap");
	j.mm = mm;
	j.addr = addr + HOLE_PAGE * PAGE_SIZE;
	j.fdm_block = a;
	pagecache_block_get(b);
	th = kthread_run(job_thread, &j, "kt_pcl_cross");
	for (int i = 0; i < 20; i++) {
		msleep(5);
		if (two_state_lock_holders(&a->add_lock, &state, NULL, 0) == 0)
			saw_a_free = true;
	}
	KT_ASSERT(t, !j.done, "gup got a page of b while b was blocked");
	if (b_later) {
		/* it waits for b keeping a's BLOCK */
		KT_ASSERT(t,
			  !saw_a_free &&
				  two_state_lock_holders(&a->add_lock, &state, NULL, 0) == 1 &&
				  state == PAGECACHE_BLOCK,
			  "the earlier lock gave way");
	} else {
		/* it gave a up: an ADD of a can get in now */
		KT_ASSERT(t, saw_a_free && pagecache_add_tryget(a), "a still blocked");
		pagecache_add_put(a);
	}
	pagecache_block_put(b);
	kthread_join(th);
	if (b_later)
		KT_ASSERT(t, j.result == 1 && !(j.fdm_after & FDM_DROPPED),
			  "later: gup %ld fdm %lx", j.result, j.fdm_after);
	else
		KT_ASSERT(t,
			  j.result == -EAGAIN && (j.fdm_after & FDM_DROPPED) &&
				  fdm_mapping((void *)j.fdm_after) == a,
			  "earlier: gup %ld fdm %lx", j.result, j.fdm_after);
	mmput(mm);
	drop_file(f1, "/tmp/kt_pcl_x1");
	drop_file(f2, "/tmp/kt_pcl_x2");
}

KTEST(pagecache_fdm_later) { fdm_cross(t, true); }

KTEST(pagecache_fdm_earlier) { fdm_cross(t, false); }
