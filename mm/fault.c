/*
 * fault.c - resolving page faults: handle_mm_fault(), shared by the CPU's
 * faults (fault_hook.c) and get_user_pages (gup.c).
 *
 * handle_mm_fault(vma, addr, flags), mmap_lock held for reading:
 *   - no entry, anonymous VMA: a zeroed page (demand-zero), writable if the
 *     VMA is;
 *   - no entry, VMA with vm_ops: ->fault gives the page; a private write
 *     copies it at once, a shared write goes through ->page_mkwrite; a read
 *     maps it read-only (private, or shared with page_mkwrite) so the first
 *     write faults again;
 *   - write to a present read-only entry: shared VMA -> page_mkwrite and
 *     make it writable; private -> reuse the page when it is anonymous and
 *     we hold its only reference, else copy it (COW), flush the old entry
 *     from every CPU, then drop the old page.
 * A page-cache page (->fault set vmf->cache) is installed under its page
 * lock, and only if it is still in that cache (see do_file_fault).  A read
 * fault then maps the cached neighbours too (fault_around): no I/O, page
 * locks only by trylock, read-only entries.
 * Pages are allocated and ->fault/->page_mkwrite run without
 * page_table_lock; the entry is installed under it only if it did not
 * change meanwhile (another thread may have won the race: then we free
 * ours and return 0, and the CPU retries).
 * expand_stack() grows a VM_GROWSDOWN VMA (mmap_lock held for writing).
 */
#include <fs/fs.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <x86/asm.h>
#include "internal.h"

/* Same page and same present/write state (A and D may have changed). */
static bool same_pte(u64 a, u64 b)
{
	const u64 m = PTE_ADDR_MASK | PTE_P | PTE_W | PTE_PROTNONE;
	return (a & m) == (b & m);
}

/* Installs pg (one reference passed in) at addr unless something is there. */
static int install_page(struct vm_area_struct *vma, unsigned long addr, struct page *pg, u64 bits)
{
	struct mm_struct *mm = vma->vm_mm;
	u64 *pte;

	spin_lock(&mm->page_table_lock);
	pte = pte_lookup(mm, addr, true, NULL);
	if (!pte || pte_page_mapped(*pte)) {
		spin_unlock(&mm->page_table_lock);
		put_page(pg);
		return pte ? 0 : VM_FAULT_OOM;
	}
	*pte = page_to_phys(pg) | bits;
	atomic_inc(&pg->_mapcount);
	mm->total_pages++;
	spin_unlock(&mm->page_table_lock);
	return 0;
}

static int do_anonymous_page(struct vm_area_struct *vma, unsigned long addr, unsigned int flags)
{
	struct page *pg = alloc_page(__GFP_ZERO);
	u64 bits = vm_pte_bits(vma->vm_flags) | PTE_A;

	if (!pg)
		return VM_FAULT_OOM;
	SetPageAnon(pg);
	if (vma->vm_flags & VM_WRITE)
		bits |= PTE_W | (flags & FAULT_FLAG_WRITE ? PTE_D : 0);
	return install_page(vma, addr, pg, bits);
}

static struct page *copy_page_anon(struct page *src)
{
	struct page *np = alloc_page(0);

	if (np) {
		memcpy(page_address(np), page_address(src), PAGE_SIZE);
		SetPageAnon(np);
	}
	return np;
}

#define FAULT_AROUND_PAGES 16

/*
 * After a read fault on a page of `cache`: maps the other pages of the
 * aligned FAULT_AROUND_PAGES window around addr (inside the VMA, below EOF)
 * that are cached, uptodate and not locked, read-only, each installed under
 * its page lock only if it is still in the cache (the rule of the fault
 * itself).  A write to one of them faults and goes through page_mkwrite or
 * COW as usual.  No I/O, nothing added to the cache (so no ADD state
 * needed), no sleeping: a page whose lock is taken is skipped.  Not under
 * madvise(MADV_RANDOM), which also stops the read-around (as FreeBSD's
 * prefault does; Linux maps around even then).
 */
static void fault_around(struct vm_area_struct *vma, unsigned long addr,
			 struct address_space *cache)
{
	unsigned long span = FAULT_AROUND_PAGES * PAGE_SIZE;
	unsigned long start = MAX(ALIGN_DOWN(addr, span), vma->vm_start);
	unsigned long end = MIN(ALIGN_DOWN(addr, span) + span, vma->vm_end);
	u64 bits = vm_pte_bits(vma->vm_flags) | PTE_A; /* never PTE_W */
	loff_t size = i_size_read(cache->host);
	u64 eof = (u64)((size + PAGE_SIZE - 1) >> PAGE_SHIFT);

	if ((bits & PTE_PROTNONE) || (vma->vm_flags & VM_RAND_READ))
		return; /* MADV_RANDOM: no read-around, no fault-around */
	for (unsigned long a = start; a < end; a += PAGE_SIZE) {
		u64 idx = vma_pgoff_of(vma, a);
		struct page *pg;

		if (a == addr)
			continue;
		if (idx >= eof)
			break;
		pg = find_get_page(cache, idx);
		if (!pg)
			continue;
		if (PageUptodate(pg) && trylock_page(pg)) {
			if (pg->mapping == cache && PageUptodate(pg)) {
				get_page(pg); /* the entry's reference */
				install_page(vma, a, pg, bits);
			}
			unlock_page(pg);
		}
		put_page(pg);
	}
}

static int do_file_fault(struct vm_area_struct *vma, unsigned long addr, unsigned int flags)
{
	struct vm_fault vmf = { vma, addr, flags, vma_pgoff_of(vma, addr), NULL };
	bool write = flags & FAULT_FLAG_WRITE, shared = vma->vm_flags & VM_SHARED;
	u64 bits = vm_pte_bits(vma->vm_flags) | PTE_A;
	struct page *pg;
	int ret;

	ret = vma->vm_ops->fault(&vmf);
	if (ret)
		return ret; /* VM_FAULT_RETRY: mmap_lock is gone already */
	pg = vmf.page;
	if (write && !shared) {
		struct page *np = copy_page_anon(pg);
		put_page(pg);
		if (!np)
			return VM_FAULT_OOM;
		pg = np;
		bits |= PTE_W | PTE_D;
	} else if (shared && write) {
		if (vma->vm_ops->page_mkwrite && (ret = vma->vm_ops->page_mkwrite(&vmf))) {
			put_page(pg);
			return ret;
		}
		bits |= PTE_W | PTE_D;
	} else if (shared && (vma->vm_flags & VM_WRITE) && !vma->vm_ops->page_mkwrite) {
		bits |= PTE_W;
	}
	if (!vmf.cache || (write && !shared))
		return install_page(vma, addr, pg, bits);
	/*
	 * A page-cache page: map it under its page lock.  A page that left the
	 * cache since ->fault found it (O_DIRECT's invalidation, truncate, hole
	 * punch: they delete under the page lock and unmap what is mapped) is
	 * not mapped; the access faults again.  A writable entry comes with
	 * PG_dirty set under the same lock, so write-back (which write-protects
	 * and cleans under the page lock) cannot clean the page between
	 * page_mkwrite and the install and leave a writable entry on a clean
	 * page, whose later stores nobody would write.
	 */
	lock_page(pg);
	if (pg->mapping != vmf.cache) {
		unlock_page(pg);
		put_page(pg);
		return 0;
	}
	get_page(pg);
	ret = install_page(vma, addr, pg, bits);
	if (bits & PTE_W)
		set_page_dirty(pg);
	unlock_page(pg);
	put_page(pg);
	if (!ret && !write)
		fault_around(vma, addr, vmf.cache);
	return ret;
}

/* Write to a present read-only entry e at *pte; page_table_lock held on
 * entry, released on return. */
static int do_wp_page(struct vm_area_struct *vma, unsigned long addr, u64 *pte, u64 e,
		      unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *old = pte_to_page(e), *np;
	int ret;

	if (vma->vm_flags & VM_SHARED) {
		if (vma->vm_ops && vma->vm_ops->page_mkwrite) {
			struct vm_fault vmf = { vma, addr, flags, vma_pgoff_of(vma, addr), old };
			get_page(old);
			spin_unlock(&mm->page_table_lock);
			ret = vma->vm_ops->page_mkwrite(&vmf);
			if (ret) {
				put_page(old);
				return ret;
			}
			spin_lock(&mm->page_table_lock);
			pte = pte_lookup(mm, addr, false, NULL);
			if (pte && same_pte(*pte, e))
				*pte = e | PTE_W | PTE_D | PTE_A;
			spin_unlock(&mm->page_table_lock);
			put_page(old);
			return 0;
		}
		*pte = e | PTE_W | PTE_D | PTE_A;
		spin_unlock(&mm->page_table_lock);
		return 0;
	}
	if (PageAnon(old) && page_count(old) == 1) {
		/* ours alone (no other mm, no pin): take it over */
		*pte = e | PTE_W | PTE_D | PTE_A;
		spin_unlock(&mm->page_table_lock);
		return 0;
	}
	get_page(old);
	spin_unlock(&mm->page_table_lock);
	np = copy_page_anon(old);
	if (!np) {
		put_page(old);
		return VM_FAULT_OOM;
	}
	spin_lock(&mm->page_table_lock);
	pte = pte_lookup(mm, addr, false, NULL);
	if (!pte || !same_pte(*pte, e)) {
		spin_unlock(&mm->page_table_lock);
		put_page(np);
		put_page(old);
		return 0;
	}
	*pte = page_to_phys(np) | (e & ~PTE_ADDR_MASK) | PTE_W | PTE_D | PTE_A;
	atomic_inc(&np->_mapcount);
	atomic_dec(&old->_mapcount);
	spin_unlock(&mm->page_table_lock);
	/* no CPU may keep reading the old page through a stale entry */
	flush_tlb_mm_range(mm, addr, addr + PAGE_SIZE);
	put_page(old); /* the entry's reference */
	put_page(old); /* ours */
	return 0;
}

int handle_mm_fault(struct vm_area_struct *vma, unsigned long addr, unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	u64 *pte, e;

	addr &= PAGE_MASK;
	if (addr < vma->vm_start || addr >= vma->vm_end || !vma_accessible(vma))
		return VM_FAULT_SIGSEGV;
	if ((flags & FAULT_FLAG_WRITE) && !(vma->vm_flags & VM_WRITE))
		return VM_FAULT_SIGSEGV;
	if ((flags & FAULT_FLAG_INSTRUCTION) && !(vma->vm_flags & VM_EXEC))
		return VM_FAULT_SIGSEGV;
	spin_lock(&mm->page_table_lock);
	pte = pte_lookup(mm, addr, true, NULL);
	if (!pte) {
		spin_unlock(&mm->page_table_lock);
		return VM_FAULT_OOM;
	}
	e = *pte;
	if (!pte_page_mapped(e)) {
		spin_unlock(&mm->page_table_lock);
		return vma_is_anonymous(vma) ? do_anonymous_page(vma, addr, flags) :
					       do_file_fault(vma, addr, flags);
	}
	if (!(e & PTE_P)) /* a PROT_NONE entry left in an accessible VMA */
		*pte = e = (e & PTE_ADDR_MASK) | vm_pte_bits(vma->vm_flags);
	if ((flags & FAULT_FLAG_WRITE) && !(e & PTE_W))
		return do_wp_page(vma, addr, pte, e, flags);
	/* Already fine: another thread resolved it, or our TLB was stale. */
	*pte = e | PTE_A | (flags & FAULT_FLAG_WRITE ? PTE_D : 0);
	spin_unlock(&mm->page_table_lock);
	if (this_cpu_loaded_mm() == mm)
		invlpg(addr);
	return 0;
}

int expand_stack(struct vm_area_struct *vma, unsigned long addr)
{
	struct vm_area_struct *prev = vma_prev(vma->vm_mm, vma);
	unsigned long start = addr & PAGE_MASK;

	if (!(vma->vm_flags & VM_GROWSDOWN) || start >= vma->vm_start)
		return -EFAULT;
	if (vma->vm_end - start > STACK_GROWTH_LIMIT || start < MMAP_MIN_ADDR)
		return -ENOMEM;
	if (prev && prev->vm_end + PAGE_SIZE > start)
		return -ENOMEM; /* keep a guard page */
	if (vma->vm_file)
		vma->vm_pgoff -= (vma->vm_start - start) >> PAGE_SHIFT;
	vma->vm_start = start;
	return 0;
}
