/*
 * pagecache_lock.c - pagecache_add_lock, one two-state lock per
 * address_space (DESIGN.md section 2), and the fault side of
 * faults_disabled_mapping.
 *
 * Interface (<fs/pagemap.h>):
 *   pagecache_add_get/put     ADD (0): buffered read and write, faults,
 *                             page_mkwrite, readahead - anything that may
 *                             put pages into the mapping;
 *   pagecache_block_get/put   BLOCK (1): O_DIRECT, truncate, hole punch -
 *                             anything that must keep pages out;
 *   *_tryget                  the same without sleeping;
 *   pagecache_fault_lock()    ADD for the fault path, honouring
 *                             current->faults_disabled_mapping.
 * Holders of one state share the lock; the states exclude each other; the
 * lock is fair (kernel/locking/two_state_lock.c).
 *
 * Lock rules: i_rwsem -> pagecache_add_lock -> page lock.  Never wait for
 * it while holding a page lock.  Locks of two mappings nest in
 * mapping_lock_before() order (device, then inode number), the later one
 * with lockdep subclass 1.  A fault never sleeps for it with mmap_lock
 * held: it tries, and on failure releases mmap_lock, waits, and returns
 * VM_FAULT_RETRY so its caller (the CPU fault hook, gup) faults again.
 *
 * The fault side of faults_disabled_mapping (set by O_DIRECT while it
 * holds BLOCK of that mapping and pins its user buffer with gup):
 *   - same mapping: VM_FAULT_NOPAGE (gup: -EDEADLK); O_DIRECT completes
 *     that chunk by buffered I/O;
 *   - another mapping: trylock ADD; on failure, release mmap_lock and
 *       * the other comes later in order: wait for it keeping our BLOCK,
 *         then VM_FAULT_RETRY (gup faults again);
 *       * it comes earlier: drop our BLOCK, wait for theirs, re-take ours,
 *         set FDM_DROPPED in faults_disabled_mapping, VM_FAULT_RETRY; gup
 *         sees the bit and stops with -EAGAIN, O_DIRECT invalidates again.
 *     The earlier-ordered holder never gives way, so someone progresses.
 * naive=fdm skips the whole check (the fault waits for the ADD state of
 * the mapping whose BLOCK its own task holds: self-deadlock); naive=order
 * sleeps for another mapping's ADD with mmap_lock held, in any order
 * (AB-BA between two O_DIRECTs).
 */
#include <fs/fs.h>
#include <kernel/sched.h>
#include <mm/mm.h>

bool pagecache_naive_fdm, pagecache_naive_order, pagecache_naive_nodio_lock;

static struct lock_class_key pagecache_add_lock_key;

void pagecache_lock_init(struct address_space *mapping)
{
	__two_state_lock_init(&mapping->add_lock, "pagecache_add_lock", &pagecache_add_lock_key);
}

void pagecache_add_get(struct address_space *mapping)
{
	two_state_lock(&mapping->add_lock, PAGECACHE_ADD);
}

void pagecache_add_put(struct address_space *mapping)
{
	two_state_unlock(&mapping->add_lock, PAGECACHE_ADD);
}

bool pagecache_add_tryget(struct address_space *mapping)
{
	return two_state_trylock(&mapping->add_lock, PAGECACHE_ADD);
}

void pagecache_block_get(struct address_space *mapping)
{
	two_state_lock(&mapping->add_lock, PAGECACHE_BLOCK);
}

void pagecache_block_put(struct address_space *mapping)
{
	two_state_unlock(&mapping->add_lock, PAGECACHE_BLOCK);
}

bool pagecache_block_tryget(struct address_space *mapping)
{
	return two_state_trylock(&mapping->add_lock, PAGECACHE_BLOCK);
}

bool mapping_lock_before(const struct address_space *a, const struct address_space *b)
{
	const struct inode *x = a->host, *y = b->host;
	u64 dx, dy;

	if (!x || !y)
		return (unsigned long)a < (unsigned long)b;
	dx = x->i_sb ? x->i_sb->s_dev : 0;
	dy = y->i_sb ? y->i_sb->s_dev : 0;
	if (dx != dy)
		return dx < dy;
	if (x->i_ino != y->i_ino)
		return x->i_ino < y->i_ino;
	return (unsigned long)a < (unsigned long)b;
}

/* Sleeps until state of l can be had once (takes and releases it). */
static void wait_for_state(struct two_state_lock *l, int state, int subclass)
{
	two_state_lock_nested(l, state, subclass);
	two_state_unlock(l, state);
}

int pagecache_fault_lock(struct vm_fault *vmf, struct address_space *mapping)
{
	struct address_space *fdm = current->faults_disabled_mapping, *mine;
	struct mm_struct *mm = vmf->vma->vm_mm;

	bool check = fdm && !pagecache_naive_fdm;

	if (check && fdm_mapping(fdm) == mapping)
		return VM_FAULT_NOPAGE; /* O_DIRECT falls back to buffered I/O */
	if (pagecache_add_tryget(mapping))
		return 0;
	if (!check) {
		/* A plain fault: never sleep with mmap_lock held. */
		up_read(&mm->mmap_lock);
		wait_for_state(&mapping->add_lock, PAGECACHE_ADD, 0);
		return VM_FAULT_RETRY;
	}
	mine = fdm_mapping(fdm);
	if (pagecache_naive_order) {
		/* the broken rule: wait in whatever order userspace chose */
		two_state_lock(&mapping->add_lock, PAGECACHE_ADD);
		return 0;
	}
	up_read(&mm->mmap_lock);
	if (mapping_lock_before(mine, mapping)) {
		wait_for_state(&mapping->add_lock, PAGECACHE_ADD, 1);
	} else {
		pagecache_block_put(mine);
		wait_for_state(&mapping->add_lock, PAGECACHE_ADD, 0);
		pagecache_block_get(mine);
		current->faults_disabled_mapping =
			(struct address_space *)((unsigned long)mine | FDM_DROPPED);
	}
	return VM_FAULT_RETRY;
}
