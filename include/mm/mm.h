/*
 * mm.h - address spaces of user processes (mm/).
 *
 * An mm_struct is one user address space: its page tables and a sorted
 * list of VMAs (vm_area_struct), each a range with the same protection and
 * backing (anonymous memory, or a file at an offset).  Pages come in on
 * demand: handle_mm_fault() is the one entry point for the CPU's page
 * faults and for get_user_pages(), so both follow the same rules.
 *
 * Locking (outermost first):
 *   mm->mmap_lock (rwsem): read to fault or walk VMAs, write to change them;
 *   mapping->i_mmap_lock (spinlock, file VMAs on the file's i_mmap list);
 *   mm->page_table_lock (spinlock): guards the page-table entries;
 *   a page's lock / refcount below that.
 * Never copy to or from user memory while holding mmap_lock for writing
 * (the fault would wait for it).
 *
 * Pages and references: every page-table entry that maps a page holds one
 * reference (_refcount) and counts in _mapcount.  Anonymous COW: fork()
 * shares private anonymous pages read-only (refcount > 1); a write fault
 * copies when the page is shared, or takes it over when the faulting mm
 * holds the only reference (refcount == 1: not shared, not pinned).  Pages
 * pinned by get_user_pages are copied at fork, never shared.  MAP_PRIVATE
 * file pages are always copied on write.  MAP_SHARED anonymous memory lives
 * in a small shared object (mm/shmem.c) so fork's children see it.
 * TLB: an mm records the CPUs that have it loaded (cpu_mask); changing or
 * removing a present entry flushes it on those CPUs (flush_tlb_mm_range)
 * before the old page can be freed.
 */
#ifndef MM_MM_H
#define MM_MM_H

#include <kernel/atomic.h>
#include <kernel/list.h>
#include <kernel/rwsem.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>

struct file;
struct page;
struct vm_area_struct;
struct address_space;

/* The user part of an address space: [0, TASK_SIZE).  The last page below
 * 2^47 is never mapped (SYSRET to a non-canonical RIP). */
#define TASK_SIZE 0x00007ffffffff000UL
#define MMAP_MIN_ADDR 0x10000UL /* mmap never maps below 64 KiB */
#define DEFAULT_MMAP_BASE 0x00007f0000000000UL /* top of the mmap area */
#define STACK_GROWTH_LIMIT (8UL << 20) /* a VM_GROWSDOWN VMA grows to this size */
#define MAX_MAP_COUNT 65530

/* vm_flags (Linux values) */
#define VM_READ 0x1
#define VM_WRITE 0x2
#define VM_EXEC 0x4
#define VM_SHARED 0x8
#define VM_MAYREAD 0x10
#define VM_MAYWRITE 0x20
#define VM_MAYEXEC 0x40
#define VM_MAYSHARE 0x80
#define VM_GROWSDOWN 0x100
#define VM_SEQ_READ 0x8000 /* madvise(MADV_SEQUENTIAL): readahead hint */
#define VM_RAND_READ 0x10000 /* madvise(MADV_RANDOM) */
#define VM_DONTCOPY 0x20000 /* madvise(MADV_DONTFORK): not inherited by fork */
#define VM_WIPEONFORK 0x2000000 /* madvise(MADV_WIPEONFORK): child gets zeroes */
#define VM_STACK VM_GROWSDOWN

/* mmap/mprotect/madvise/msync/mremap arguments (Linux x86_64 ABI) */
#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define PROT_SEM 0x8
#define PROT_GROWSDOWN 0x01000000
#define PROT_GROWSUP 0x02000000
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE 0x0f
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_32BIT 0x40
#define MAP_GROWSDOWN 0x0100
#define MAP_DENYWRITE 0x0800
#define MAP_EXECUTABLE 0x1000
#define MAP_LOCKED 0x2000
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_NONBLOCK 0x10000
#define MAP_STACK 0x20000
#define MAP_HUGETLB 0x40000
#define MAP_SYNC 0x80000
#define MAP_FIXED_NOREPLACE 0x100000
#define MADV_NORMAL 0
#define MADV_RANDOM 1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_REMOVE 9
#define MADV_DONTFORK 10
#define MADV_DOFORK 11
#define MADV_WIPEONFORK 18
#define MADV_KEEPONFORK 19
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#define MADV_COLLAPSE 25 /* highest accepted */
#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MREMAP_DONTUNMAP 4

/* handle_mm_fault() flags */
#define FAULT_FLAG_WRITE 0x1
#define FAULT_FLAG_USER 0x2
#define FAULT_FLAG_INSTRUCTION 0x4
#define FAULT_FLAG_GUP 0x8 /* from get_user_pages, not the CPU */

/* handle_mm_fault() results (a bit set, 0 = resolved) */
#define VM_FAULT_OOM 0x1
#define VM_FAULT_SIGBUS 0x2
#define VM_FAULT_SIGSEGV 0x4
#define VM_FAULT_RETRY 0x8 /* mmap_lock was dropped: look the VMA up again */
#define VM_FAULT_NOPAGE 0x10 /* faults_disabled_mapping: same mapping, give up */
#define VM_FAULT_ERROR (VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV)

struct vm_fault {
	struct vm_area_struct *vma;
	unsigned long address; /* page aligned */
	unsigned int flags;
	u64 pgoff;
	struct page *page; /* out: the page to map (referenced) */
	/* out, optional: the page came from this page cache; the fault maps
	 * it (under its page lock) only if it is still there */
	struct address_space *cache;
};

/*
 * A file's (or shared anonymous memory's) mapping operations, set by
 * file->f_op->mmap (called with mmap_lock held for writing).
 *   fault: runs with mmap_lock held for reading and no spinlock; returns
 *     0 with vmf->page uptodate, referenced and unlocked, or VM_FAULT_*.
 *     Returning VM_FAULT_RETRY means it released mmap_lock (read) first
 *     (it may then sleep, e.g. for a page lock); the caller looks up again.
 *   page_mkwrite: a MAP_SHARED page is about to become writable (vmf->page
 *     referenced); marks it dirty; 0 or VM_FAULT_*.  Same locking as fault.
 *   open/close: a VMA was created as a copy (fork, split) / is going away.
 * mm keeps file VMAs on vm_file->f_mapping->i_mmap itself.
 */
struct vm_operations_struct {
	int (*fault)(struct vm_fault *vmf);
	int (*page_mkwrite)(struct vm_fault *vmf);
	void (*open)(struct vm_area_struct *vma);
	void (*close)(struct vm_area_struct *vma);
};

struct vm_area_struct {
	unsigned long vm_start, vm_end; /* [start, end), page aligned */
	unsigned long vm_flags;
	u64 vm_pgoff; /* file offset in pages (file mappings) */
	struct file *vm_file; /* referenced */
	const struct vm_operations_struct *vm_ops;
	void *vm_private_data; /* the vm_ops' own (shared anonymous memory) */
	struct mm_struct *vm_mm;
	struct list_head vm_list; /* in mm->mmap, sorted by address */
	struct list_head i_mmap_node; /* in the file's address_space (rmap) */
};

struct mm_struct {
	u64 *pgd; /* PML4, kernel half shared */
	struct list_head mmap;
	int map_count;
	struct rw_semaphore mmap_lock;
	spinlock_t page_table_lock;
	atomic_t mm_users;
	unsigned long cpu_mask; /* CPUs that may hold TLB entries of this mm */
	unsigned long start_code, end_code, start_data, end_data;
	unsigned long start_brk, brk, start_stack, mmap_base;
	unsigned long arg_start, arg_end, env_start, env_end;
	unsigned long total_pages; /* resident pages */
};

/*
 * Lifecycle.  mm_alloc: empty, mm_users 1, mmap_base DEFAULT_MMAP_BASE.
 * mmput drops a user; the last one frees every page, table and VMA.  A
 * task gives up its mm by setting task->mm = NULL and switch_mm(mm, NULL)
 * (or kthread_unuse_mm) BEFORE its final mmput: an mm must not be loaded
 * on any CPU when it is freed (mmput unloads it from the calling CPU).
 */
struct mm_struct *mm_alloc(void);
/* fork: copy every VMA; private pages become shared copy-on-write.  Takes
 * old->mmap_lock for writing.  NULL when out of memory. */
struct mm_struct *dup_mm(struct mm_struct *old);
void mmput(struct mm_struct *mm);
static inline void mmget(struct mm_struct *mm) { atomic_inc(&mm->mm_users); }
/* Loads mm's page tables on this CPU (NULL: kernel only).  Interrupts or
 * preemption off (the scheduler calls it through switch_mm_hook). */
void switch_mm(struct mm_struct *prev, struct mm_struct *next);
/* Makes a kernel thread (or exec) run on mm: sets current->mm and loads it.
 * The caller keeps its own reference; unuse sets current->mm to NULL. */
void kthread_use_mm(struct mm_struct *mm);
void kthread_unuse_mm(struct mm_struct *mm);
/* Installs switch_mm_hook and page_fault_hook and turns on SMEP/SMAP on
 * every online CPU (a core_initcall; calling it again is harmless). */
int mm_user_init(void);
/* Sets CR4.SMEP and CR4.SMAP on this CPU when CPUID (leaf 7, EBX bits 7
 * and 20) offers them.  Every CPU, before it runs user code. */
void cpu_enable_smep_smap(void);
extern bool smap_enabled;

/* VMAs (caller holds mmap_lock; read is enough for lookups). */
/* The first VMA with vm_end > addr (it may start above addr), or NULL. */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
/* A VMA overlapping [start, end), or NULL. */
struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, unsigned long start,
					     unsigned long end);
/* Maps a range; addr 0 (without MAP_FIXED) picks a free one, another addr
 * is a hint.  prot PROT_*, flags MAP_*; file (referenced by the VMA on
 * success) at page offset pgoff, or NULL for anonymous memory.  Returns
 * the address or a negative errno.  Caller holds mmap_lock for writing.
 * MAP_POPULATE is the caller's to do (mm_populate, after unlocking). */
long do_mmap(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned long prot,
	     unsigned long flags, struct file *file, u64 pgoff);
/* Unmaps [addr, addr + len) (page aligned addr), splitting VMAs at the
 * edges.  0, -EINVAL, or -ENOMEM (the split would pass MAX_MAP_COUNT).
 * Caller holds mmap_lock for writing. */
int do_munmap(struct mm_struct *mm, unsigned long addr, unsigned long len);
/* mprotect(2) and madvise(2) on mm; take mmap_lock themselves. */
int do_mprotect(struct mm_struct *mm, unsigned long start, unsigned long len, unsigned long prot);
int do_madvise(struct mm_struct *mm, unsigned long start, unsigned long len, int advice);
long do_mremap(struct mm_struct *mm, unsigned long addr, unsigned long old_len,
	       unsigned long new_len, unsigned long flags, unsigned long new_addr);
/* brk(2): returns the new break, or the old one when it cannot move. */
unsigned long do_brk(struct mm_struct *mm, unsigned long brk);
/* Faults in [start, start + len) as reads/writes per the VMAs' protection;
 * takes mmap_lock for reading.  0 or -ENOMEM/-EFAULT. */
int mm_populate(struct mm_struct *mm, unsigned long start, unsigned long len);

/* Caller holds mmap_lock for reading (see vm_operations_struct for RETRY:
 * then it no longer holds it). */
int handle_mm_fault(struct vm_area_struct *vma, unsigned long addr, unsigned int flags);

/* How the process code reports an unresolved user page fault.  Before the
 * fault hook returns non-zero for a user-mode fault (the trap code then
 * calls user_exception_hook(regs, 14)), it records signo (SIGSEGV 11 or
 * SIGBUS 7), code (SEGV_MAPERR 1, SEGV_ACCERR 2, BUS_ADRERR 2) and the
 * faulting address for the current task; mm_fault_info() returns and
 * forgets that record (false: none, then use SIGSEGV at CR2). */
struct mm_fault_info {
	int signo;
	int code;
	unsigned long addr;
};
bool mm_fault_info(struct mm_fault_info *info);

/* get_user_pages: pins the pages behind [start, start + nr*PAGE_SIZE) of
 * mm (any mm, not only current's), faulting them in as the CPU would
 * (FOLL_WRITE breaks COW, FAULT_FLAG_GUP tells the fault path).  Takes
 * mm->mmap_lock for reading itself (the caller must not hold it).  Returns
 * the number pinned (fewer than asked when a later page fails) or, when
 * the first page fails, -EFAULT (no VMA, no permission, SIGSEGV/SIGBUS),
 * -ENOMEM, -EDEADLK (VM_FAULT_NOPAGE: faults_disabled_mapping is the
 * faulting file's mapping), or -EAGAIN (a fault dropped the caller's
 * O_DIRECT locks and set FDM_DROPPED in faults_disabled_mapping).
 * Each page gets a reference and a pin (pincount, PG_pinned);
 * unpin_user_pages() releases them, marking them dirty when dirty is true. */
#define FOLL_WRITE 0x1
long get_user_pages(struct mm_struct *mm, unsigned long start, unsigned long nr_pages,
		    unsigned int gup_flags, struct page **pages);
void unpin_user_pages(struct page **pages, unsigned long nr, bool dirty);

/* Flushes [start, end) of mm from every CPU that may cache it.  Call it
 * with interrupts enabled (it may send IPIs); spinlocks may be held. */
void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start, unsigned long end);

/* Removes the page-table entries of [start, end) inside vma (pages stay in
 * their file or shared object).  Caller holds mmap_lock or the i_mmap_lock
 * of vma's file. */
void zap_vma_range(struct vm_area_struct *vma, unsigned long start, unsigned long end);
/* Unmaps file pages [start, start + len) (bytes) of mapping from every
 * VMA mapping them (truncate, O_DIRECT invalidation); even_cows also
 * drops private COW copies.  Takes mapping->i_mmap_lock. */
void unmap_mapping_range(struct address_space *mapping, u64 start, u64 len, bool even_cows);

/* For tests: the frame mapped at addr of mm (0 or -EFAULT), and whether
 * that entry is writable. */
int mm_follow_pfn(struct mm_struct *mm, unsigned long addr, unsigned long *pfn, bool *writable);

#endif
