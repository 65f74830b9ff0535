/*
 * ktest_mm_user.c - self-tests of user address spaces (ktest=mm_user).
 *
 * Each test builds mms by hand (mm_alloc, do_mmap), runs on them from
 * kernel threads (kthread_use_mm) and touches them only through uaccess,
 * as system calls would: demand-zero pages, munmap/mprotect splitting,
 * PROT_NONE, MADV_DONTNEED, -EFAULT for bad pointers, fork's COW (frames
 * shared before a write and different after; reuse when the last sharer
 * is gone), MAP_SHARED anonymous memory across fork, stack growth, brk,
 * mremap, get_user_pages breaking COW, and TLB shootdown between two CPUs.
 * Every test checks that the free-page count returns to where it began.
 *
 * The bodies return an error string (NULL: passed) so that they can undo
 * kthread_use_mm and drop their mms before the test asserts.
 */
#include <fs/fs.h>
#include <kernel/atomic.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>
#include <mm/mm.h>
#include <mm/page.h>
#include <mm/slab.h>

#define CHECK(cond)                                                               \
	do {                                                                      \
		if (!(cond)) {                                                    \
			err = #cond;                                              \
			printk(KERN_ERR "mm_user: line %d: %s\n", __LINE__, err); \
			goto out;                                                 \
		}                                                                 \
	} while (0)

static long map(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned long prot,
		unsigned long flags)
{
	long r;

	down_write(&mm->mmap_lock);
	r = do_mmap(mm, addr, len, prot, flags, NULL, 0);
	up_write(&mm->mmap_lock);
	return r;
}

static int unmap(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	int r;

	down_write(&mm->mmap_lock);
	r = do_munmap(mm, addr, len);
	up_write(&mm->mmap_lock);
	return r;
}

static u64 rd(unsigned long addr, int *err)
{
	u64 v = 0;

	*err = get_user_u64(&v, (void *)addr);
	return v;
}

static unsigned long pfn_of(struct mm_struct *mm, unsigned long addr, bool *w)
{
	unsigned long pfn = 0;

	return mm_follow_pfn(mm, addr, &pfn, w) ? 0 : pfn;
}

/* Switches the calling kernel thread from one mm to another. */
static void use(struct mm_struct *mm)
{
	if (current->mm)
		kthread_unuse_mm(current->mm);
	if (mm)
		kthread_use_mm(mm);
}

#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW (PROT_READ | PROT_WRITE)

/* Runs body twice, the second time counting free pages (the first one
 * warms up kmalloc, which keeps a slab per size class). */
static void run_checked(struct ktest *t, const char *(*body)(void))
{
	unsigned long free0;
	const char *err = body();

	KT_ASSERT(t, !err, "%s", err);
	free0 = nr_free_pages();
	err = body();
	KT_ASSERT(t, !err, "%s", err);
	KT_ASSERT(t, nr_free_pages() == free0, "leaked %ld pages", (long)(free0 - nr_free_pages()));
}

static const char *basic_body(void)
{
	const char *err = NULL;
	struct mm_struct *mm = mm_alloc();
	char *buf = kmalloc(PAGE_SIZE, 0), name[16];
	unsigned long a, pfn;
	int e;
	long r;

	if (!mm || !buf)
		return "out of memory";
	r = map(mm, 0, 16 * PAGE_SIZE, RW, ANON);
	CHECK(r > 0 && (r & ~PAGE_MASK) == 0);
	a = r;
	CHECK(mm->map_count == 1);
	use(mm);
	/* demand zero, one page per touch */
	CHECK(rd(a + 3 * PAGE_SIZE + 8, &e) == 0 && e == 0);
	CHECK(mm->total_pages == 1);
	for (int i = 0; i < 16; i++) {
		memset(buf, 'a' + i, PAGE_SIZE);
		CHECK(copy_to_user((void *)(a + i * PAGE_SIZE), buf, PAGE_SIZE) == 0);
	}
	CHECK(mm->total_pages == 16);
	CHECK(copy_from_user(buf, (void *)(a + 5 * PAGE_SIZE), PAGE_SIZE) == 0);
	CHECK(buf[0] == 'f' && buf[PAGE_SIZE - 1] == 'f');
	/* bad pointers: -EFAULT, never a crash */
	CHECK(copy_to_user((void *)0x1000, buf, 8) == -EFAULT);
	CHECK(copy_from_user(buf, (void *)(a + 16 * PAGE_SIZE), 8) == -EFAULT);
	CHECK(copy_to_user((void *)(a + 16 * PAGE_SIZE - 8), buf, 16) == -EFAULT);
	CHECK(copy_from_user(buf, (void *)buf, 8) == -EFAULT); /* a kernel address */
	CHECK(copy_from_user(buf, (void *)0x0000800000000000UL, 8) == -EFAULT);
	CHECK(clear_user((void *)(a - PAGE_SIZE), 8) == -EFAULT);
	CHECK(put_user_u32(1, (void *)(USER_SPACE_END - 2)) == -EFAULT);
	rd(0x10000000, &e);
	CHECK(e == -EFAULT);
	/* strings */
	CHECK(copy_to_user((void *)(a + 16 * PAGE_SIZE - 4), "abc", 4) == 0);
	CHECK(strncpy_from_user(name, (char *)(a + 16 * PAGE_SIZE - 4), sizeof(name)) == 3);
	CHECK(strcmp(name, "abc") == 0);
	CHECK(copy_to_user((void *)(a + 16 * PAGE_SIZE - 4), "abcd", 4) == 0);
	CHECK(strncpy_from_user(name, (char *)(a + 16 * PAGE_SIZE - 4), sizeof(name)) == -EFAULT);
	CHECK(strncpy_from_user(name, (char *)(a + 8), 4) == -ENAMETOOLONG);
	CHECK(clear_user((void *)(a + 15 * PAGE_SIZE), PAGE_SIZE) == 0);
	CHECK(rd(a + 16 * PAGE_SIZE - 8, &e) == 0 && e == 0);
	/* munmap of a middle page splits the VMA */
	CHECK(do_munmap(mm, a + 4 * PAGE_SIZE + 1, PAGE_SIZE) == -EINVAL);
	CHECK(unmap(mm, a + 4 * PAGE_SIZE, PAGE_SIZE) == 0);
	CHECK(mm->map_count == 2 && mm->total_pages == 15);
	rd(a + 4 * PAGE_SIZE, &e);
	CHECK(e == -EFAULT);
	CHECK((rd(a + 3 * PAGE_SIZE, &e) & 0xff) == 'd' && e == 0);
	CHECK((rd(a + 5 * PAGE_SIZE, &e) & 0xff) == 'f' && e == 0);
	/* mprotect: read-only page, then back (the VMAs merge again) */
	CHECK(do_mprotect(mm, a, PAGE_SIZE, PROT_READ) == 0);
	CHECK(mm->map_count == 3);
	CHECK(put_user_u32(7, (void *)a) == -EFAULT);
	CHECK((rd(a, &e) & 0xff) == 'a' && e == 0);
	CHECK(do_mprotect(mm, a, PAGE_SIZE, RW) == 0);
	CHECK(mm->map_count == 2);
	CHECK(put_user_u32(7, (void *)a) == 0);
	CHECK(do_mprotect(mm, a + 2 * PAGE_SIZE, 4 * PAGE_SIZE, PROT_READ) == -ENOMEM); /* hole */
	CHECK(do_mprotect(mm, a + 1, PAGE_SIZE, PROT_READ) == -EINVAL);
	/* PROT_NONE keeps the data */
	pfn = pfn_of(mm, a + 6 * PAGE_SIZE, NULL);
	CHECK(do_mprotect(mm, a + 6 * PAGE_SIZE, PAGE_SIZE, PROT_NONE) == 0);
	rd(a + 6 * PAGE_SIZE, &e);
	CHECK(e == -EFAULT);
	CHECK(do_mprotect(mm, a + 6 * PAGE_SIZE, PAGE_SIZE, RW) == 0);
	CHECK((rd(a + 6 * PAGE_SIZE, &e) & 0xff) == 'g' && e == 0);
	CHECK(pfn && pfn_of(mm, a + 6 * PAGE_SIZE, NULL) == pfn);
	/* MADV_DONTNEED: private anonymous memory reads back as zero */
	CHECK(do_madvise(mm, a + PAGE_SIZE, PAGE_SIZE, MADV_DONTNEED) == 0);
	CHECK(rd(a + PAGE_SIZE, &e) == 0 && e == 0);
	CHECK((rd(a + 2 * PAGE_SIZE, &e) & 0xff) == 'c');
	CHECK(do_madvise(mm, a, 8 * PAGE_SIZE, MADV_NORMAL) == -ENOMEM); /* the hole */
	CHECK(do_madvise(mm, a, PAGE_SIZE, 77) == -EINVAL);
	/* MAP_FIXED over the hole and part of both sides */
	r = map(mm, a + 3 * PAGE_SIZE, 3 * PAGE_SIZE, PROT_READ, ANON | MAP_FIXED);
	CHECK(r == (long)(a + 3 * PAGE_SIZE));
	CHECK(rd(a + 5 * PAGE_SIZE, &e) == 0 && e == 0);
	CHECK(map(mm, a, PAGE_SIZE, RW, ANON | MAP_FIXED_NOREPLACE) == -EEXIST);
	CHECK(map(mm, 0, 0, RW, ANON) == -EINVAL);
	CHECK(map(mm, 0, PAGE_SIZE, RW, MAP_ANONYMOUS) == -EINVAL);
	CHECK(map(mm, a + 1, PAGE_SIZE, RW, ANON | MAP_FIXED) == -EINVAL);
	/* a hint that is free is taken */
	r = map(mm, 0x200000000UL, PAGE_SIZE, RW, ANON);
	CHECK(r == 0x200000000L);
out:
	use(NULL);
	mmput(mm);
	kfree(buf);
	return err;
}

KTEST(mm_user_basic) { run_checked(t, basic_body); }

static const char *cow_body(void)
{
	const char *err = NULL;
	struct mm_struct *a = mm_alloc(), *b = NULL;
	unsigned long p, s, pa, pb;
	bool wa, wb;
	int e;

	if (!a)
		return "out of memory";
	p = map(a, 0, 4 * PAGE_SIZE, RW, ANON);
	s = map(a, 0, 2 * PAGE_SIZE, RW, MAP_SHARED | MAP_ANONYMOUS);
	CHECK((long)p > 0 && (long)s > 0);
	use(a);
	for (int i = 0; i < 4; i++)
		CHECK(put_user_u64(0xA0 + i, (void *)(p + i * PAGE_SIZE)) == 0);
	CHECK(put_user_u64(0x5A, (void *)s) == 0); /* shared page 1 stays untouched */
	b = dup_mm(a);
	CHECK(b != NULL);
	CHECK(b->map_count == a->map_count && b->total_pages == a->total_pages);
	/* private pages: one frame, read-only in both */
	pa = pfn_of(a, p, &wa);
	pb = pfn_of(b, p, &wb);
	CHECK(pa && pa == pb && !wa && !wb);
	CHECK(page_count(pfn_to_page(pa)) == 2);
	CHECK(atomic_read(&pfn_to_page(pa)->_mapcount) == 2);
	/* the child writes: it gets its own copy, the parent keeps its data */
	use(b);
	CHECK(put_user_u64(0xB0, (void *)p) == 0);
	CHECK(rd(p, &e) == 0xB0);
	CHECK(pfn_of(b, p, &wb) != pa && wb);
	CHECK(pfn_of(a, p, NULL) == pa);
	use(a);
	CHECK(rd(p, &e) == 0xA0 && e == 0);
	/* the parent writes its page, now shared with nobody: no copy */
	CHECK(page_count(pfn_to_page(pa)) == 1);
	CHECK(put_user_u64(0xA9, (void *)p) == 0);
	CHECK(pfn_of(a, p, &wa) == pa && wa);
	/* shared anonymous memory stays shared, even pages first touched after fork */
	CHECK(pfn_of(a, s, NULL) == pfn_of(b, s, NULL));
	use(b);
	CHECK(rd(s, &e) == 0x5A);
	CHECK(put_user_u64(0x77, (void *)s) == 0);
	CHECK(put_user_u64(0x78, (void *)(s + PAGE_SIZE)) == 0);
	use(a);
	CHECK(rd(s, &e) == 0x77 && rd(s + PAGE_SIZE, &e) == 0x78);
	/* page 1: when the child is gone the parent takes the frame back */
	pa = pfn_of(a, p + PAGE_SIZE, NULL);
	use(NULL);
	mmput(b);
	b = NULL;
	use(a);
	CHECK(put_user_u64(0xAA, (void *)(p + PAGE_SIZE)) == 0);
	CHECK(pfn_of(a, p + PAGE_SIZE, &wa) == pa && wa);
	CHECK(rd(p + 2 * PAGE_SIZE, &e) == 0xA2);
out:
	use(NULL);
	if (b)
		mmput(b);
	mmput(a);
	return err;
}

KTEST(mm_user_cow) { run_checked(t, cow_body); }

static const char *misc_body(void)
{
	const char *err = NULL;
	struct mm_struct *mm = mm_alloc(), *child = NULL;
	unsigned long st, top, brk0, r, pfn;
	struct page *pg[2];
	int e;

	if (!mm)
		return "out of memory";
	/* a growing stack */
	top = 0x7ff000000000UL;
	st = map(mm, top - 4 * PAGE_SIZE, 4 * PAGE_SIZE, RW, ANON | MAP_FIXED | MAP_GROWSDOWN);
	CHECK(st == top - 4 * PAGE_SIZE);
	use(mm);
	CHECK(put_user_u64(1, (void *)(st - 10 * PAGE_SIZE)) == 0);
	CHECK(find_vma(mm, st)->vm_start == st - 10 * PAGE_SIZE);
	CHECK(put_user_u64(1, (void *)(top - STACK_GROWTH_LIMIT - PAGE_SIZE)) == -EFAULT);
	/* brk */
	mm->start_brk = mm->brk = 0x600000 + 123;
	brk0 = mm->brk;
	CHECK(do_brk(mm, 0) == brk0);
	CHECK(do_brk(mm, brk0 + 3 * PAGE_SIZE) == brk0 + 3 * PAGE_SIZE);
	CHECK(put_user_u64(9, (void *)(brk0 + 2 * PAGE_SIZE)) == 0);
	CHECK(do_brk(mm, brk0 + 5 * PAGE_SIZE) == brk0 + 5 * PAGE_SIZE);
	CHECK(mm->map_count == 2); /* the two brk steps merged */
	CHECK(do_brk(mm, brk0 + PAGE_SIZE) == brk0 + PAGE_SIZE);
	rd(brk0 + 2 * PAGE_SIZE, &e);
	CHECK(e == -EFAULT);
	/* mremap: grow in place, then move */
	r = map(mm, 0x300000000UL, 2 * PAGE_SIZE, RW, ANON | MAP_FIXED);
	CHECK(put_user_u64(0x1234, (void *)(r + PAGE_SIZE)) == 0);
	CHECK(do_mremap(mm, r, 2 * PAGE_SIZE, 4 * PAGE_SIZE, 0, 0) == (long)r);
	CHECK(map(mm, r + 4 * PAGE_SIZE, PAGE_SIZE, RW, ANON | MAP_FIXED) > 0);
	CHECK(do_mremap(mm, r, 4 * PAGE_SIZE, 8 * PAGE_SIZE, 0, 0) == -ENOMEM);
	pfn = pfn_of(mm, r + PAGE_SIZE, NULL);
	st = do_mremap(mm, r, 4 * PAGE_SIZE, 8 * PAGE_SIZE, MREMAP_MAYMOVE, 0);
	CHECK((long)st > 0 && st != r);
	CHECK(rd(st + PAGE_SIZE, &e) == 0x1234 && pfn_of(mm, st + PAGE_SIZE, NULL) == pfn);
	rd(r, &e);
	CHECK(e == -EFAULT);
	/* gup: a write pin breaks COW in this mm only; fork copies pinned pages */
	child = dup_mm(mm);
	CHECK(child);
	CHECK(pfn_of(child, st + PAGE_SIZE, NULL) == pfn);
	CHECK(get_user_pages(mm, st + PAGE_SIZE, 1, FOLL_WRITE, pg) == 1);
	CHECK(page_to_pfn(pg[0]) != pfn && page_to_pfn(pg[0]) == pfn_of(mm, st + PAGE_SIZE, NULL));
	CHECK(pfn_of(child, st + PAGE_SIZE, NULL) == pfn);
	CHECK(atomic_read(&pg[0]->pincount) == 1);
	CHECK(get_user_pages(mm, r, 1, 0, pg + 1) == -EFAULT);
	mmput(child);
	child = dup_mm(mm);
	CHECK(child);
	CHECK(pfn_of(child, st + PAGE_SIZE, NULL) != page_to_pfn(pg[0]));
	unpin_user_pages(pg, 1, true);
	CHECK(get_user_pages(mm, st, 2, 0, pg) == 2);
	unpin_user_pages(pg, 2, false);
out:
	use(NULL);
	if (child)
		mmput(child);
	mmput(mm);
	return err;
}

KTEST(mm_user_misc) { run_checked(t, misc_body); }

/* ---- TLB shootdown: a reader on one CPU, the unmapper on another ---- */

struct tlb_test {
	struct mm_struct *mm;
	unsigned long addr;
	atomic_t stage;
	int result; /* 0 ok, 1 stale read after munmap, 2 stale write after mprotect */
};

static void wait_stage(struct tlb_test *tt, int s)
{
	while (atomic_read(&tt->stage) < s)
		__asm__ volatile("pause" ::: "memory");
}

static int tlb_reader(void *arg)
{
	struct tlb_test *tt = arg;
	int e;

	kthread_use_mm(tt->mm);
	rd(tt->addr, &e); /* TLB now holds the page */
	put_user_u64(5, (void *)(tt->addr + PAGE_SIZE)); /* and a writable entry */
	atomic_set(&tt->stage, 1);
	wait_stage(tt, 2); /* spinning: no switch, no CR3 reload */
	rd(tt->addr, &e);
	if (e != -EFAULT)
		tt->result = 1;
	if (put_user_u64(6, (void *)(tt->addr + PAGE_SIZE)) != -EFAULT)
		tt->result = 2;
	kthread_unuse_mm(tt->mm);
	atomic_set(&tt->stage, 3);
	return 0;
}

static int tlb_unmapper(void *arg)
{
	struct tlb_test *tt = arg;

	kthread_use_mm(tt->mm);
	wait_stage(tt, 1);
	unmap(tt->mm, tt->addr, PAGE_SIZE);
	do_mprotect(tt->mm, tt->addr + PAGE_SIZE, PAGE_SIZE, PROT_READ);
	atomic_set(&tt->stage, 2);
	kthread_unuse_mm(tt->mm);
	return 0;
}

KTEST(mm_user_tlb_shootdown)
{
	unsigned long free0 = 0;
	struct tlb_test tt = { 0 };
	struct task_struct *r, *u;

	if (nr_cpus_online < 2) {
		printk(KERN_INFO "mm_user_tlb_shootdown: one CPU, skipped\n");
		return;
	}
	for (int round = 0; round < 20; round++) {
		tt.mm = mm_alloc();
		KT_ASSERT(t, tt.mm, "mm_alloc");
		tt.addr = map(tt.mm, 0, 2 * PAGE_SIZE, RW, ANON);
		atomic_set(&tt.stage, 0);
		r = kthread_run_on(tlb_reader, &tt, "tlb_reader", round % nr_cpus_online);
		u = kthread_run_on(tlb_unmapper, &tt, "tlb_unmap", (round + 1) % nr_cpus_online);
		kthread_join(r);
		kthread_join(u);
		mmput(tt.mm);
		KT_ASSERT(t, tt.result == 0, "round %d: stale TLB entry used (%d)", round,
			  tt.result);
		if (round == 0) /* after the first threads: kmalloc caches are warm */
			free0 = nr_free_pages();
	}
	KT_ASSERT(t, nr_free_pages() == free0, "leaked %ld pages", (long)(free0 - nr_free_pages()));
}

/* ---- file mappings, with a fake file whose pages live in an array ---- */

#define FAKE_PAGES 4

static struct page *fake_pages[FAKE_PAGES];
static atomic_t fake_faults, fake_mkwrites, fake_opens;

static int fake_fault(struct vm_fault *vmf)
{
	atomic_inc(&fake_faults);
	if (vmf->pgoff >= FAKE_PAGES)
		return VM_FAULT_SIGBUS; /* beyond the end of the file */
	get_page(fake_pages[vmf->pgoff]);
	vmf->page = fake_pages[vmf->pgoff];
	return 0;
}

static int fake_page_mkwrite(struct vm_fault *vmf)
{
	atomic_inc(&fake_mkwrites);
	SetPageDirty(vmf->page);
	return 0;
}

static void fake_open(struct vm_area_struct *vma) { atomic_inc(&fake_opens); }
static void fake_close(struct vm_area_struct *vma) { atomic_dec(&fake_opens); }

static const struct vm_operations_struct fake_vm_ops = {
	.fault = fake_fault,
	.page_mkwrite = fake_page_mkwrite,
	.open = fake_open,
	.close = fake_close,
};

static int fake_mmap(struct file *f, struct vm_area_struct *vma)
{
	vma->vm_ops = &fake_vm_ops;
	atomic_inc(&fake_opens);
	return 0;
}

static const struct file_operations fake_fops = { .mmap = fake_mmap };

static long fmap(struct mm_struct *mm, struct file *f, unsigned long len, unsigned long prot,
		 unsigned long flags, u64 pgoff)
{
	long r;

	down_write(&mm->mmap_lock);
	r = do_mmap(mm, 0, len, prot, flags, f, pgoff);
	up_write(&mm->mmap_lock);
	return r;
}

static const char *file_body(void)
{
	static struct address_space mapping;
	static struct file file;
	const char *err = NULL;
	struct mm_struct *mm = mm_alloc(), *child = NULL;
	unsigned long pv, sh, big, pfn;
	long count0;
	bool w;
	int e;

	if (!mm)
		return "out of memory";
	spin_lock_init(&mapping.i_mmap_lock);
	INIT_LIST_HEAD(&mapping.i_mmap);
	file.f_op = &fake_fops;
	file.f_mapping = &mapping;
	file.f_mode = FMODE_READ | FMODE_WRITE;
	atomic_long_set(&file.f_count, 1000);
	count0 = atomic_long_read(&file.f_count);
	atomic_set(&fake_opens, 0);
	atomic_set(&fake_mkwrites, 0);
	for (int i = 0; i < FAKE_PAGES; i++) {
		fake_pages[i] = alloc_page(0);
		if (!fake_pages[i])
			return "out of memory";
		memset(page_address(fake_pages[i]), 'F' + i, PAGE_SIZE);
	}
	pv = fmap(mm, &file, 3 * PAGE_SIZE, RW, MAP_PRIVATE, 1);
	sh = fmap(mm, &file, 2 * PAGE_SIZE, RW, MAP_SHARED, 0);
	big = fmap(mm, &file, 6 * PAGE_SIZE, PROT_READ, MAP_SHARED, 0);
	CHECK((long)pv > 0 && (long)sh > 0 && (long)big > 0);
	CHECK(atomic_read(&fake_opens) == 3);
	use(mm);
	/* private: a read maps the file page read-only, a write copies it */
	CHECK((rd(pv, &e) & 0xff) == 'G' && e == 0);
	CHECK(pfn_of(mm, pv, &w) == page_to_pfn(fake_pages[1]) && !w);
	CHECK(put_user_u32(0x71, (void *)pv) == 0);
	pfn = pfn_of(mm, pv, &w);
	CHECK(pfn != page_to_pfn(fake_pages[1]) && w);
	CHECK(*(char *)page_address(fake_pages[1]) == 'G');
	CHECK(put_user_u32(0x72, (void *)(pv + PAGE_SIZE)) == 0); /* write fault on a new page */
	CHECK(*(char *)page_address(fake_pages[2]) == 'H');
	/* shared: a read maps read-only, the first write calls page_mkwrite */
	CHECK((rd(sh + PAGE_SIZE, &e) & 0xff) == 'G');
	CHECK(pfn_of(mm, sh + PAGE_SIZE, &w) == page_to_pfn(fake_pages[1]) && !w);
	CHECK(put_user_u32(0x73, (void *)(sh + PAGE_SIZE)) == 0);
	CHECK(atomic_read(&fake_mkwrites) == 1 && PageDirty(fake_pages[1]));
	CHECK(*(u32 *)page_address(fake_pages[1]) == 0x73);
	CHECK(pfn_of(mm, sh + PAGE_SIZE, &w) == page_to_pfn(fake_pages[1]) && w);
	CHECK(put_user_u32(0x74, (void *)sh) == 0); /* write fault on a new page */
	CHECK(atomic_read(&fake_mkwrites) == 2 && *(u32 *)page_address(fake_pages[0]) == 0x74);
	/* the private COW copy kept its own data */
	CHECK(rd(pv, &e) == 0x4747474700000071ULL);
	/* past the end of the file: SIGBUS, -EFAULT here */
	CHECK((rd(big + 3 * PAGE_SIZE, &e) & 0xff) == 'I' && e == 0);
	rd(big + 4 * PAGE_SIZE, &e);
	CHECK(e == -EFAULT);
	CHECK(put_user_u32(1, (void *)big) == -EFAULT); /* PROT_READ */
	/* fork shares file pages, copies the VMAs (open) */
	child = dup_mm(mm);
	CHECK(child && atomic_read(&fake_opens) == 6);
	CHECK(pfn_of(child, sh + PAGE_SIZE, NULL) == page_to_pfn(fake_pages[1]));
	CHECK(page_count(fake_pages[1]) == 3); /* ours and sh in both mms */
	/* truncate-like unmapping: file pages go, private copies stay */
	unmap_mapping_range(&mapping, PAGE_SIZE, PAGE_SIZE, false);
	CHECK(pfn_of(mm, sh + PAGE_SIZE, NULL) == 0 && pfn_of(child, sh + PAGE_SIZE, NULL) == 0);
	CHECK(pfn_of(mm, sh, NULL) == page_to_pfn(fake_pages[0]));
	CHECK(pfn_of(mm, pv, NULL) == pfn);
	CHECK(page_count(fake_pages[1]) == 1);
	unmap_mapping_range(&mapping, 0, 0, true);
	CHECK(pfn_of(mm, pv, NULL) == 0 && pfn_of(mm, sh, NULL) == 0);
	CHECK(rd(pv, &e) == 0x4747474700000073ULL); /* the file page again (written through sh) */
	/* open modes */
	file.f_mode = FMODE_READ;
	CHECK(fmap(mm, &file, PAGE_SIZE, RW, MAP_SHARED, 0) == -EACCES);
	sh = fmap(mm, &file, PAGE_SIZE, PROT_READ, MAP_SHARED, 0);
	CHECK((long)sh > 0);
	CHECK(do_mprotect(mm, sh, PAGE_SIZE, RW) == -EACCES);
	CHECK(fmap(mm, &file, PAGE_SIZE, RW, MAP_PRIVATE, 0) > 0);
	file.f_mode = FMODE_WRITE;
	CHECK(fmap(mm, &file, PAGE_SIZE, PROT_READ, MAP_PRIVATE, 0) == -EACCES);
out:
	use(NULL);
	if (child)
		mmput(child);
	mmput(mm);
	if (!err && atomic_read(&fake_opens) != 0)
		err = "vm_ops open/close unbalanced";
	if (!err && atomic_long_read(&file.f_count) != count0)
		err = "file references unbalanced";
	for (int i = 0; i < FAKE_PAGES; i++) {
		if (!err && page_count(fake_pages[i]) != 1)
			err = "a file page is still referenced";
		put_page(fake_pages[i]);
	}
	return err;
}

KTEST(mm_user_file) { run_checked(t, file_body); }

/* ---- stress: racing faults, COW breaks, fork, zap and mprotect ---- */

#define STRESS_PAGES 64
#define STRESS_ITERS 1500

struct stress {
	struct mm_struct *mm;
	unsigned long base;
	atomic_t errors;
	atomic_t running;
};

static int stress_thread(void *arg)
{
	struct stress *s = arg;
	int id = (int)(atomic_inc_return(&s->running) - 1), e;

	kthread_use_mm(s->mm);
	for (int i = 0; i < STRESS_ITERS; i++) {
		unsigned long pg = ktest_rand() % STRESS_PAGES;
		unsigned long slot = s->base + pg * PAGE_SIZE + id * 8;
		u64 v = ((u64)i << 8) | (u64)id, got;

		if (put_user_u64(v, (void *)slot) == 0) {
			got = rd(slot, &e);
			/* zeroed by a racing MADV_DONTNEED, or unreadable while PROT_NONE */
			if (got != v && got != 0 && e == 0)
				atomic_inc(&s->errors);
		}
		if (id != 0)
			continue;
		if (i % 50 == 0) {
			struct mm_struct *child = dup_mm(s->mm);
			if (child)
				mmput(child);
		}
		if (i % 37 == 0)
			do_madvise(s->mm, s->base + pg * PAGE_SIZE, PAGE_SIZE, MADV_DONTNEED);
		if (i % 101 == 0) {
			do_mprotect(s->mm, s->base + pg * PAGE_SIZE, PAGE_SIZE, PROT_NONE);
			do_mprotect(s->mm, s->base + pg * PAGE_SIZE, PAGE_SIZE, RW);
		}
	}
	kthread_unuse_mm(s->mm);
	return 0;
}

static const char *stress_body(void)
{
	struct stress s = { 0 };
	struct task_struct *th[4];
	int n = MIN(nr_cpus_online, 4);

	s.mm = mm_alloc();
	if (!s.mm)
		return "out of memory";
	s.base = map(s.mm, 0, STRESS_PAGES * PAGE_SIZE, RW, ANON);
	for (int i = 0; i < n; i++)
		th[i] = kthread_run_on(stress_thread, &s, "mm_stress", i);
	for (int i = 0; i < n; i++)
		kthread_join(th[i]);
	mmput(s.mm);
	return atomic_read(&s.errors) ? "a slot read back a value it never held" : NULL;
}

KTEST(mm_user_stress) { run_checked(t, stress_body); }
