/*
 * test_direct_io.c - self-tests of O_DIRECT (fs/direct_io.c), ktest=dio.
 *
 * They need a writable disk (vda; tests/vm/dio-ktest.sh attaches one) and
 * pass with a note when there is none.  Until ext2 is wired up, the file
 * is a ramfs file whose address_space_operations are swapped for a tiny
 * block-backed set (readpage/writepage/write_begin through a fixed
 * block map on vda, from device block TBASE on), so that the buffered
 * paths and O_DIRECT meet on a real device.  The test thread runs on a
 * hand-made mm so that O_DIRECT pins real user pages.
 *
 *   dio_basic           write/read round trips, coherence both ways with
 *                       buffered I/O, holes read as zeros, a partial write
 *                       into a new block, extending writes, -EINVAL;
 *   dio_same_mapping    O_DIRECT read into / write from a MAP_SHARED
 *                       mapping of the same file (other range and the same
 *                       range): correct data, no error, no hang;
 *   dio_other_mapping   O_DIRECT read of A into a mapping of B and write
 *                       from it back to A;
 *   dio_mmap_coherence  a store through mmap (no msync) is seen by O_DIRECT
 *                       read; an O_DIRECT write is seen through mmap;
 *   dio_stale_page      no stale page after an O_DIRECT write whose own
 *                       gup faults the target range back in (fails under
 *                       naive=nodio-lock, by design);
 *   dio_ab_ba           two O_DIRECTs, each into a mapping of the other's
 *                       file, 400 times: all finish (deadlocks under
 *                       naive=order, by design: the detector reports it);
 *   dio_ring3           three writers, each from a mapping of the next
 *                       one's file (scenario 4): all finish, bytes check;
 *   dio_parallel_writers  O_DIRECT writers of one file overlap in time.
 */
#include "internal.h"
#include <drivers/blkdev.h>
#include <fs/direct_io.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>
#include <mm/mm.h>
#include <mm/page.h>
#include <mm/slab.h>

#define TBASE 4096 /* device block (4 KiB) of the first test block: 16 MiB in */
#define TBLOCKS 64 /* blocks per file */
#define TFILES 8

static struct block_device *tbdev;
static u8 talloc[TFILES * TBLOCKS];

static int t_get_block(struct inode *inode, u64 iblock, bool create, u32 *phys, bool *new)
{
	unsigned int slot = (inode->i_ino % TFILES) * TBLOCKS + iblock;

	*new = false;
	if (iblock >= TBLOCKS)
		return -EFBIG;
	if (!talloc[slot]) {
		if (!create) {
			*phys = 0;
			return 0;
		}
		talloc[slot] = 1;
		*new = true;
	}
	*phys = TBASE + slot;
	return 0;
}

static int t_page_io(struct page *page, bool write)
{
	struct inode *inode = page->mapping->host;
	struct bio *bio;
	u32 phys;
	bool new;
	int err = t_get_block(inode, page->index, write, &phys, &new);

	if (err)
		return err;
	if (!phys) {
		memset(page_address(page), 0, PAGE_SIZE);
		return 0;
	}
	bio = bio_alloc(tbdev, 1, write ? REQ_OP_WRITE : REQ_OP_READ);
	if (!bio)
		return -ENOMEM;
	bio->bi_sector = (u64)phys << (PAGE_SHIFT - SECTOR_SHIFT);
	bio_add_page(bio, page, PAGE_SIZE, 0);
	err = submit_bio_wait(bio);
	bio_put(bio);
	return err;
}

static int t_readpage(struct file *file, struct page *page)
{
	int err = t_page_io(page, false);

	if (!err)
		SetPageUptodate(page);
	else
		SetPageError(page);
	unlock_page(page);
	return 0;
}

static int t_writepage(struct page *page, struct writeback_control *wbc)
{
	int err = t_page_io(page, true);

	if (err)
		SetPageError(page);
	unlock_page(page);
	return err;
}

static int t_write_begin(struct file *file, struct address_space *mapping, loff_t pos,
			 unsigned int len, struct page **pagep)
{
	struct page *page = find_or_create_page(mapping, pos >> PAGE_SHIFT);

	if (!page)
		return -ENOMEM;
	if (!PageUptodate(page) && len != PAGE_SIZE && t_page_io(page, false)) {
		unlock_page(page);
		put_page(page);
		return -EIO;
	}
	*pagep = page;
	return 0;
}

static ssize_t t_direct_IO(struct kiocb *iocb, struct iov_iter *iter)
{
	return blockdev_direct_IO(iocb, iter, tbdev, t_get_block);
}

static const struct address_space_operations t_aops = {
	.readpage = t_readpage,
	.writepage = t_writepage,
	.write_begin = t_write_begin,
	.write_end = simple_write_end,
	.direct_IO = t_direct_IO,
};

static struct file *t_open(const char *path)
{
	struct file *f;
	struct inode *inode;

	do_mkdirat(AT_FDCWD, "/tmp", 01777);
	f = filp_open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (IS_ERR(f))
		return NULL;
	inode = file_inode(f);
	memset(&talloc[(inode->i_ino % TFILES) * TBLOCKS], 0, TBLOCKS);
	f->f_mapping->a_ops = &t_aops;
	return f;
}

static void t_close(struct file *f, const char *path)
{
	/* drop the pages while the test a_ops are still in place */
	truncate_inode_pages(f->f_mapping, 0);
	fput(f);
	do_unlinkat(AT_FDCWD, path);
}

static ssize_t dio(struct file *f, bool write, unsigned long uaddr, size_t len, loff_t pos)
{
	struct kiocb k = { f, pos, IOCB_DIRECT };
	struct iov_iter it;

	iov_iter_ubuf(&it, write ? WRITE : READ, (void *)uaddr, len);
	return write ? f->f_op->write_iter(&k, &it) : f->f_op->read_iter(&k, &it);
}

static u8 pat(int seed, loff_t pos) { return (u8)(seed * 31 + pos * 7 + (pos >> 9) + 1); }

static void fill(u8 *buf, int seed, loff_t pos, size_t len)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = pat(seed, pos + (loff_t)i);
}

/* Index of the first byte of buf that is not pat(seed, pos...), or -1. */
static long check(const u8 *buf, int seed, loff_t pos, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != pat(seed, pos + (loff_t)i))
			return (long)i;
	return -1;
}

static long umap(struct mm_struct *mm, struct file *f, size_t len, unsigned long flags)
{
	long r;

	down_write(&mm->mmap_lock);
	r = do_mmap(mm, 0, len, PROT_READ | PROT_WRITE, flags, f, 0);
	up_write(&mm->mmap_lock);
	return r;
}

struct dio_env {
	struct mm_struct *mm;
	u8 *kbuf; /* 8 pages */
	long ubuf; /* 8 anonymous user pages */
};

static bool env_init(struct ktest *t, struct dio_env *e)
{
	tbdev = blkdev_get_nth(0);
	if (!tbdev || tbdev->bd_read_only ||
	    tbdev->bd_nr_sectors < (u64)(TBASE + TFILES * TBLOCKS) * 8) {
		printk(KERN_INFO "ktest %s: no writable disk of 20 MiB, skipped\n", t->name);
		tbdev = NULL;
		return false;
	}
	e->mm = mm_alloc();
	e->kbuf = kmalloc(8 * PAGE_SIZE, 0);
	if (!e->mm || !e->kbuf)
		return false;
	e->ubuf = umap(e->mm, NULL, 8 * PAGE_SIZE, MAP_PRIVATE | MAP_ANONYMOUS);
	kthread_use_mm(e->mm);
	return e->ubuf > 0;
}

static void env_exit(struct dio_env *e)
{
	if (current->mm)
		kthread_unuse_mm(current->mm);
	if (e->mm)
		mmput(e->mm);
	kfree(e->kbuf);
}

static bool cached(struct file *f, pgoff_t i)
{
	struct page *p = find_get_page(f->f_mapping, i);

	if (p)
		put_page(p);
	return p != NULL;
}

static const char *basic_body(struct dio_env *e)
{
	struct file *f = t_open("/tmp/kt_dio");
	u8 *k = e->kbuf;
	unsigned long u = e->ubuf;
	s64 pos;
	long bad;

	if (!f)
		return "create";
	/* O_DIRECT write of 3 pages, then buffered read from the disk */
	fill(k, 1, 0, 3 * PAGE_SIZE);
	if (copy_to_user((void *)u, k, 3 * PAGE_SIZE))
		return "copy_to_user";
	if (dio(f, true, u, 3 * PAGE_SIZE, 0) != 3 * PAGE_SIZE)
		return "dio write";
	if (i_size_read(file_inode(f)) != 3 * PAGE_SIZE)
		return "extending write sets i_size";
	if (cached(f, 0) || cached(f, 1) || cached(f, 2))
		return "pages cached after O_DIRECT write";
	pos = 0;
	memset(k, 0, 3 * PAGE_SIZE);
	if (kernel_read(f, k, 3 * PAGE_SIZE, &pos) != 3 * PAGE_SIZE ||
	    check(k, 1, 0, 3 * PAGE_SIZE) >= 0)
		return "buffered read after O_DIRECT write";
	/* buffered write (dirty in the cache), then O_DIRECT read sees it */
	fill(k, 2, PAGE_SIZE + 512, 512);
	pos = PAGE_SIZE + 512;
	if (kernel_write(f, k, 512, &pos) != 512)
		return "buffered write";
	if (dio(f, false, u, 3 * PAGE_SIZE, 0) != 3 * PAGE_SIZE)
		return "dio read";
	if (copy_from_user(k, (void *)u, 3 * PAGE_SIZE))
		return "copy_from_user";
	if (check(k, 1, 0, PAGE_SIZE + 512) >= 0 ||
	    check(k + PAGE_SIZE + 512, 2, PAGE_SIZE + 512, 512) >= 0 ||
	    check(k + PAGE_SIZE + 1024, 1, PAGE_SIZE + 1024, 2 * PAGE_SIZE - 1024) >= 0)
		return "O_DIRECT read missed a buffered write";
	/* an O_DIRECT write replaces a cached page: a later read sees it */
	fill(k, 3, PAGE_SIZE, PAGE_SIZE);
	if (copy_to_user((void *)u, k, PAGE_SIZE) ||
	    dio(f, true, u, PAGE_SIZE, PAGE_SIZE) != PAGE_SIZE)
		return "dio overwrite";
	pos = PAGE_SIZE;
	if (kernel_read(f, k, PAGE_SIZE, &pos) != PAGE_SIZE ||
	    check(k, 3, PAGE_SIZE, PAGE_SIZE) >= 0)
		return "stale page after O_DIRECT write";
	/* a far write leaves a hole that O_DIRECT reads as zeros */
	if (dio(f, true, u, PAGE_SIZE, 8 * PAGE_SIZE) != PAGE_SIZE ||
	    i_size_read(file_inode(f)) != 9 * PAGE_SIZE)
		return "far write";
	memset(k, 0x55, 4 * PAGE_SIZE);
	if (copy_to_user((void *)u, k, 4 * PAGE_SIZE) ||
	    dio(f, false, u, 4 * PAGE_SIZE, 4 * PAGE_SIZE) != 4 * PAGE_SIZE ||
	    copy_from_user(k, (void *)u, 4 * PAGE_SIZE))
		return "hole read";
	for (unsigned long i = 0; i < 4 * PAGE_SIZE; i++)
		if (k[i])
			return "a hole did not read as zeros";
	/* 512 bytes into a new block: the rest of it reads as zeros */
	fill(k, 4, 10 * PAGE_SIZE + 1024, 512);
	if (copy_to_user((void *)u, k, 512) || dio(f, true, u, 512, 10 * PAGE_SIZE + 1024) != 512)
		return "partial write";
	pos = 10 * PAGE_SIZE;
	if (kernel_read(f, k, PAGE_SIZE, &pos) != 1024 + 512)
		return "read to EOF after a partial write";
	for (int i = 0; i < 1024; i++)
		if (k[i])
			return "a new block was not zeroed";
	if ((bad = check(k + 1024, 4, 10 * PAGE_SIZE + 1024, 512)) >= 0)
		return "partial write data";
	/* a read across EOF reports the bytes up to EOF */
	if (dio(f, false, u, PAGE_SIZE, 10 * PAGE_SIZE) != 1024 + 512)
		return "short read at EOF";
	/* alignment */
	if (dio(f, false, u, 512, 100) != -EINVAL || dio(f, false, u + 8, 512, 0) != -EINVAL ||
	    dio(f, true, u, 100, 0) != -EINVAL)
		return "misaligned O_DIRECT was not -EINVAL";
	t_close(f, "/tmp/kt_dio");
	return NULL;
}

static const char *same_body(struct dio_env *e)
{
	struct file *f = t_open("/tmp/kt_dio_same");
	u8 *k = e->kbuf;
	unsigned long u = e->ubuf, fb0;
	long m;
	s64 pos;

	if (!f)
		return "create";
	fill(k, 5, 0, 4 * PAGE_SIZE);
	if (copy_to_user((void *)u, k, 4 * PAGE_SIZE) ||
	    dio(f, true, u, 4 * PAGE_SIZE, 0) != 4 * PAGE_SIZE)
		return "setup write";
	m = umap(e->mm, f, 4 * PAGE_SIZE, MAP_SHARED);
	if (m <= 0)
		return "mmap";
	/* read file pages 2-3 into the mapping of pages 0-1 of the same file */
	fb0 = dio_nr_fallback;
	if (dio(f, false, m, 2 * PAGE_SIZE, 2 * PAGE_SIZE) != 2 * PAGE_SIZE)
		return "O_DIRECT read into a mapping of the same file";
	printk(KERN_INFO "ktest dio_same_mapping: %lu chunks by buffered fallback\n",
	       dio_nr_fallback - fb0);
	if (!pagecache_naive_nodio_lock && dio_nr_fallback == fb0)
		return "no buffered fallback for a buffer in the same file";
	pos = 0;
	if (kernel_read(f, k, 2 * PAGE_SIZE, &pos) != 2 * PAGE_SIZE ||
	    check(k, 5, 2 * PAGE_SIZE, 2 * PAGE_SIZE) >= 0)
		return "data after read into own mapping";
	/* the same range onto itself: read, then write */
	if (dio(f, false, m + 3 * PAGE_SIZE, PAGE_SIZE, 3 * PAGE_SIZE) != PAGE_SIZE)
		return "O_DIRECT read of a page into its own mapping";
	if (dio(f, true, m + 3 * PAGE_SIZE, PAGE_SIZE, 3 * PAGE_SIZE) != PAGE_SIZE)
		return "O_DIRECT write of a mapped page onto itself";
	/* write mapped page 0 (now file bytes 2p..3p) to page 3 */
	if (dio(f, true, m, PAGE_SIZE, 3 * PAGE_SIZE) != PAGE_SIZE)
		return "O_DIRECT write from own mapping";
	if (dio(f, false, u, 4 * PAGE_SIZE, 0) != 4 * PAGE_SIZE ||
	    copy_from_user(k, (void *)u, 4 * PAGE_SIZE))
		return "read back";
	if (check(k, 5, 2 * PAGE_SIZE, 2 * PAGE_SIZE) >= 0 ||
	    check(k + 2 * PAGE_SIZE, 5, 2 * PAGE_SIZE, PAGE_SIZE) >= 0 ||
	    check(k + 3 * PAGE_SIZE, 5, 2 * PAGE_SIZE, PAGE_SIZE) >= 0)
		return "data after O_DIRECT through own mapping";
	down_write(&e->mm->mmap_lock);
	do_munmap(e->mm, m, 4 * PAGE_SIZE);
	up_write(&e->mm->mmap_lock);
	t_close(f, "/tmp/kt_dio_same");
	return NULL;
}

static const char *other_body(struct dio_env *e)
{
	struct file *a = t_open("/tmp/kt_dio_a"), *b = t_open("/tmp/kt_dio_b");
	u8 *k = e->kbuf;
	unsigned long u = e->ubuf;
	long m;
	s64 pos;

	if (!a || !b)
		return "create";
	fill(k, 6, 0, 2 * PAGE_SIZE);
	if (copy_to_user((void *)u, k, 2 * PAGE_SIZE) ||
	    dio(a, true, u, 2 * PAGE_SIZE, 0) != 2 * PAGE_SIZE)
		return "setup a";
	memset(k, 0, 2 * PAGE_SIZE);
	pos = 0;
	if (kernel_write(b, k, 2 * PAGE_SIZE, &pos) != 2 * PAGE_SIZE)
		return "setup b";
	m = umap(e->mm, b, 2 * PAGE_SIZE, MAP_SHARED);
	if (m <= 0)
		return "mmap b";
	if (dio(a, false, m, 2 * PAGE_SIZE, 0) != 2 * PAGE_SIZE)
		return "O_DIRECT read of a into a mapping of b";
	pos = 0;
	if (kernel_read(b, k, 2 * PAGE_SIZE, &pos) != 2 * PAGE_SIZE ||
	    check(k, 6, 0, 2 * PAGE_SIZE) >= 0)
		return "b does not hold a's data";
	if (dio(a, true, m, 2 * PAGE_SIZE, 2 * PAGE_SIZE) != 2 * PAGE_SIZE)
		return "O_DIRECT write to a from a mapping of b";
	pos = 2 * PAGE_SIZE;
	if (kernel_read(a, k, 2 * PAGE_SIZE, &pos) != 2 * PAGE_SIZE ||
	    check(k, 6, 0, 2 * PAGE_SIZE) >= 0)
		return "a's second half";
	down_write(&e->mm->mmap_lock);
	do_munmap(e->mm, m, 2 * PAGE_SIZE);
	up_write(&e->mm->mmap_lock);
	t_close(a, "/tmp/kt_dio_a");
	t_close(b, "/tmp/kt_dio_b");
	return NULL;
}

/*
 * Coherence with mmap (scenario 7, the mmap parts): a store through a
 * MAP_SHARED mapping (no msync) is seen by a later O_DIRECT read, and an
 * O_DIRECT write is seen by a later load through the mapping (the write
 * unmapped the old page from every process).
 */
static const char *mmap_body(struct dio_env *e)
{
	struct file *f = t_open("/tmp/kt_dio_mmap");
	u8 *k = e->kbuf;
	unsigned long u = e->ubuf;
	long m;

	if (!f)
		return "create";
	fill(k, 11, 0, 2 * PAGE_SIZE);
	if (copy_to_user((void *)u, k, 2 * PAGE_SIZE) ||
	    dio(f, true, u, 2 * PAGE_SIZE, 0) != 2 * PAGE_SIZE)
		return "setup write";
	m = umap(e->mm, f, 2 * PAGE_SIZE, MAP_SHARED);
	if (m <= 0)
		return "mmap";
	/* load through the mapping, then store through it */
	if (copy_from_user(k, (void *)m, PAGE_SIZE) || check(k, 11, 0, PAGE_SIZE) >= 0)
		return "load through the mapping";
	fill(k, 12, 100 * 8, 512);
	if (copy_to_user((void *)(m + 100 * 8), k, 512))
		return "store through the mapping";
	if (dio(f, false, u, PAGE_SIZE, 0) != PAGE_SIZE || copy_from_user(k, (void *)u, PAGE_SIZE))
		return "dio read";
	if (check(k, 11, 0, 800) >= 0 || check(k + 800, 12, 800, 512) >= 0 ||
	    check(k + 1312, 11, 1312, PAGE_SIZE - 1312) >= 0)
		return "O_DIRECT read missed a store through mmap";
	/* O_DIRECT write of page 1, then a load through the old mapping */
	fill(k, 13, PAGE_SIZE, PAGE_SIZE);
	if (copy_from_user(k + PAGE_SIZE, (void *)(m + PAGE_SIZE), 8)) /* map page 1 first */
		return "load page 1";
	if (copy_to_user((void *)u, k, PAGE_SIZE) ||
	    dio(f, true, u, PAGE_SIZE, PAGE_SIZE) != PAGE_SIZE)
		return "dio write";
	if (copy_from_user(k + PAGE_SIZE, (void *)(m + PAGE_SIZE), PAGE_SIZE) ||
	    check(k + PAGE_SIZE, 13, PAGE_SIZE, PAGE_SIZE) >= 0)
		return "the mapping shows stale data after an O_DIRECT write";
	down_write(&e->mm->mmap_lock);
	do_munmap(e->mm, m, 2 * PAGE_SIZE);
	up_write(&e->mm->mmap_lock);
	t_close(f, "/tmp/kt_dio_mmap");
	return NULL;
}

/*
 * Stale page (naive=nodio-lock shows it): an O_DIRECT write of file pages
 * 3-4 from a buffer whose first page is anonymous (new data for page 3)
 * and whose second page maps file page 3 itself.  Without BLOCK, gup
 * faults page 3 back into the cache (old data) after the invalidation and
 * before the write; a later read() then returns the old data.
 */
static const char *stale_body(struct dio_env *e)
{
	struct file *f = t_open("/tmp/kt_dio_stale");
	u8 *k = e->kbuf;
	unsigned long u = e->ubuf;
	long m, a;
	s64 pos;

	if (!f)
		return "create";
	fill(k, 7, 0, 5 * PAGE_SIZE);
	if (copy_to_user((void *)u, k, 5 * PAGE_SIZE) ||
	    dio(f, true, u, 5 * PAGE_SIZE, 0) != 5 * PAGE_SIZE)
		return "setup write";
	m = umap(e->mm, f, 4 * PAGE_SIZE, MAP_SHARED);
	if (m <= 0)
		return "mmap";
	down_write(&e->mm->mmap_lock);
	a = do_mmap(e->mm, m + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
	up_write(&e->mm->mmap_lock);
	if (a != m + 2 * (long)PAGE_SIZE)
		return "anonymous page in the middle";
	fill(k, 8, 3 * PAGE_SIZE, PAGE_SIZE);
	if (copy_to_user((void *)a, k, PAGE_SIZE))
		return "new data";
	if (dio(f, true, a, 2 * PAGE_SIZE, 3 * PAGE_SIZE) != 2 * PAGE_SIZE)
		return "O_DIRECT write";
	pos = 3 * PAGE_SIZE;
	if (kernel_read(f, k, PAGE_SIZE, &pos) != PAGE_SIZE)
		return "read";
	if (check(k, 8, 3 * PAGE_SIZE, PAGE_SIZE) >= 0) {
		printk(KERN_ERR
		       "ktest dio_stale_page: read() after O_DIRECT write returns stale data\n");
		return "stale page after O_DIRECT write";
	}
	down_write(&e->mm->mmap_lock);
	do_munmap(e->mm, m, 4 * PAGE_SIZE);
	up_write(&e->mm->mmap_lock);
	t_close(f, "/tmp/kt_dio_stale");
	return NULL;
}

/*
 * AB-BA (naive=order shows it): one thread O_DIRECT-reads file A into a
 * mapping of B while another O_DIRECT-reads B into a mapping of A, over
 * and over, the mappings' entries zapped each time so that gup faults.
 * Each holds its own file's BLOCK and faults on the other's file.
 */
struct abba {
	struct file *src, *dst;
	struct mm_struct *mm;
	unsigned long map;
	int rounds;
	long err;
};

static int abba_thread(void *arg)
{
	struct abba *x = arg;

	kthread_use_mm(x->mm);
	for (int i = 0; i < x->rounds && !x->err; i++) {
		do_madvise(x->mm, x->map, 4 * PAGE_SIZE, MADV_DONTNEED);
		if (dio(x->src, false, x->map, 4 * PAGE_SIZE, 0) != 4 * PAGE_SIZE)
			x->err = i + 1;
	}
	kthread_unuse_mm(x->mm);
	return 0;
}

static const char *abba_body(struct dio_env *e)
{
	struct file *a = t_open("/tmp/kt_dio_ab1"), *b = t_open("/tmp/kt_dio_ab2");
	struct abba x[2] = { { a, b, e->mm, 0, 400, 0 }, { b, a, e->mm, 0, 400, 0 } };
	struct task_struct *th[2];
	unsigned long r0 = dio_nr_retry;
	u8 *k = e->kbuf;
	s64 pos;

	if (!a || !b)
		return "create";
	memset(k, 0x5a, 4 * PAGE_SIZE);
	pos = 0;
	if (kernel_write(a, k, 4 * PAGE_SIZE, &pos) != 4 * PAGE_SIZE)
		return "setup a";
	pos = 0;
	if (kernel_write(b, k, 4 * PAGE_SIZE, &pos) != 4 * PAGE_SIZE)
		return "setup b";
	x[0].map = umap(e->mm, b, 4 * PAGE_SIZE, MAP_SHARED);
	x[1].map = umap(e->mm, a, 4 * PAGE_SIZE, MAP_SHARED);
	if ((long)x[0].map <= 0 || (long)x[1].map <= 0)
		return "mmap";
	for (int i = 0; i < 2; i++)
		th[i] = kthread_run(abba_thread, &x[i], "kt_dio_abba");
	for (int i = 0; i < 2; i++)
		kthread_join(th[i]);
	printk(KERN_INFO
	       "ktest dio_ab_ba: 2 x %d O_DIRECT reads done, %lu retries after dropped locks\n",
	       x[0].rounds, dio_nr_retry - r0);
	if (x[0].err || x[1].err)
		return "an O_DIRECT read failed";
	pos = 0;
	if (kernel_read(a, k, 4 * PAGE_SIZE, &pos) != 4 * PAGE_SIZE)
		return "read a";
	for (unsigned long i = 0; i < 4 * PAGE_SIZE; i++)
		if (k[i] != 0x5a)
			return "data changed";
	down_write(&e->mm->mmap_lock);
	do_munmap(e->mm, x[0].map, 4 * PAGE_SIZE);
	do_munmap(e->mm, x[1].map, 4 * PAGE_SIZE);
	up_write(&e->mm->mmap_lock);
	t_close(a, "/tmp/kt_dio_ab1");
	t_close(b, "/tmp/kt_dio_ab2");
	return NULL;
}

/*
 * A ring of three (scenario 4 of issue 6): thread i O_DIRECT-writes file i
 * from a MAP_SHARED mapping of file i+1, 300 times, entries zapped each
 * time.  Every file holds the same bytes, so every byte must still check.
 */
struct ring {
	struct file *dst, *src;
	struct mm_struct *mm;
	unsigned long map;
	long err;
};

static int ring_thread(void *arg)
{
	struct ring *x = arg;

	kthread_use_mm(x->mm);
	for (int i = 0; i < 300 && !x->err; i++) {
		do_madvise(x->mm, x->map, 4 * PAGE_SIZE, MADV_DONTNEED);
		if (dio(x->dst, true, x->map, 4 * PAGE_SIZE, 0) != 4 * PAGE_SIZE)
			x->err = i + 1;
	}
	kthread_unuse_mm(x->mm);
	return 0;
}

static const char *ring_body(struct dio_env *e)
{
	static const char *const names[3] = { "/tmp/kt_dio_r0", "/tmp/kt_dio_r1",
					      "/tmp/kt_dio_r2" };
	struct file *f[3];
	struct ring x[3];
	struct task_struct *th[3];
	unsigned long r0 = dio_nr_retry;
	u8 *k = e->kbuf;
	s64 pos;

	fill(k, 9, 0, 4 * PAGE_SIZE);
	for (int i = 0; i < 3; i++) {
		f[i] = t_open(names[i]);
		if (!f[i])
			return "create";
		pos = 0;
		if (kernel_write(f[i], k, 4 * PAGE_SIZE, &pos) != 4 * PAGE_SIZE)
			return "setup";
	}
	if (file_inode(f[0])->i_ino % TFILES == file_inode(f[1])->i_ino % TFILES ||
	    file_inode(f[1])->i_ino % TFILES == file_inode(f[2])->i_ino % TFILES ||
	    file_inode(f[0])->i_ino % TFILES == file_inode(f[2])->i_ino % TFILES)
		return "test block slots collide";
	for (int i = 0; i < 3; i++) {
		x[i] = (struct ring){ f[i], f[(i + 1) % 3], e->mm, 0, 0 };
		x[i].map = umap(e->mm, x[i].src, 4 * PAGE_SIZE, MAP_SHARED);
		if ((long)x[i].map <= 0)
			return "mmap";
	}
	for (int i = 0; i < 3; i++)
		th[i] = kthread_run(ring_thread, &x[i], "kt_dio_ring");
	for (int i = 0; i < 3; i++)
		kthread_join(th[i]);
	printk(KERN_INFO
	       "ktest dio_ring3: 3 x 300 O_DIRECT writes done, %lu retries after dropped locks\n",
	       dio_nr_retry - r0);
	for (int i = 0; i < 3; i++) {
		if (x[i].err)
			return "an O_DIRECT write failed";
		pos = 0;
		if (kernel_read(f[i], k, 4 * PAGE_SIZE, &pos) != 4 * PAGE_SIZE ||
		    check(k, 9, 0, 4 * PAGE_SIZE) >= 0)
			return "a byte changed";
	}
	down_write(&e->mm->mmap_lock);
	for (int i = 0; i < 3; i++)
		do_munmap(e->mm, x[i].map, 4 * PAGE_SIZE);
	up_write(&e->mm->mmap_lock);
	for (int i = 0; i < 3; i++)
		t_close(f[i], names[i]);
	return NULL;
}

/*
 * Parallel writers (scenario 5, first half): four threads O_DIRECT-write
 * their own quarter of one file, 100 times each; O_DIRECTs of one file must
 * overlap in time (both hold BLOCK) and the data must check.
 */
struct pw {
	struct mm_struct *mm;
	struct file *f;
	unsigned long buf;
	int id;
	long err;
};

static int pw_thread(void *arg)
{
	struct pw *x = arg;

	for (int i = 0; i < 100 && !x->err; i++)
		if (dio(x->f, true, x->buf, 4 * PAGE_SIZE, (loff_t)x->id * 4 * PAGE_SIZE) !=
		    4 * PAGE_SIZE)
			x->err = i + 1;
	return 0;
}

static int pw_use_mm(void *arg)
{
	struct pw *x = arg;

	kthread_use_mm(x->mm);
	pw_thread(x);
	kthread_unuse_mm(x->mm);
	return 0;
}

static const char *parallel_body(struct dio_env *e)
{
	struct file *f = t_open("/tmp/kt_dio_par");
	struct pw x[4];
	struct task_struct *th[4];
	u8 *k = e->kbuf;
	s64 pos;

	if (!f)
		return "create";
	fill(k, 10, 0, 4 * PAGE_SIZE);
	if (copy_to_user((void *)e->ubuf, k, 4 * PAGE_SIZE))
		return "copy";
	__atomic_store_n(&dio_max_in_flight, 0, __ATOMIC_RELAXED);
	for (int i = 0; i < 4; i++) {
		x[i] = (struct pw){ e->mm, f, e->ubuf, i, 0 };
		th[i] = kthread_run(pw_use_mm, &x[i], "kt_dio_par");
	}
	for (int i = 0; i < 4; i++)
		kthread_join(th[i]);
	printk(KERN_INFO
	       "ktest dio_parallel_writers: up to %lu O_DIRECT writes of one file at once\n",
	       dio_max_in_flight);
	for (int i = 0; i < 4; i++)
		if (x[i].err)
			return "an O_DIRECT write failed";
	if (nr_cpus_online > 1 && dio_max_in_flight < 2)
		return "O_DIRECT writers of one file never overlapped";
	for (int i = 0; i < 4; i++) {
		pos = (loff_t)i * 4 * PAGE_SIZE;
		if (kernel_read(f, k, 4 * PAGE_SIZE, &pos) != 4 * PAGE_SIZE ||
		    check(k, 10, 0, 4 * PAGE_SIZE) >= 0)
			return "data";
	}
	t_close(f, "/tmp/kt_dio_par");
	return NULL;
}

static void run(struct ktest *t, const char *(*body)(struct dio_env *e))
{
	struct dio_env e = { 0 };
	const char *err = NULL;

	if (env_init(t, &e))
		err = body(&e);
	else if (tbdev && !e.ubuf)
		err = "setup";
	env_exit(&e);
	KT_ASSERT(t, !err, "%s", err);
}

KTEST(dio_basic) { run(t, basic_body); }
KTEST(dio_same_mapping) { run(t, same_body); }
KTEST(dio_other_mapping) { run(t, other_body); }
KTEST(dio_stale_page) { run(t, stale_body); }
KTEST(dio_mmap_coherence) { run(t, mmap_body); }
KTEST(dio_ab_ba) { run(t, abba_body); }
KTEST(dio_ring3) { run(t, ring_body); }
KTEST(dio_parallel_writers) { run(t, parallel_body); }
