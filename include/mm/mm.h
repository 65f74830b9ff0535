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
 *   mm->page_table_lock (spinlock): guards the page-table entries;
 *   a page's lock / refcount below that.
 * Anonymous COW: fork() shares anonymous pages read-only (refcount > 1); a
 * write fault copies when the page is shared, or takes it over when the
 * faulting mm holds the last reference.
 * TLB: an mm records the CPUs it ran on (cpu_mask); changing or removing a
 * present entry flushes it on those CPUs (flush_tlb_mm_range).
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

/* vm_flags */
#define VM_READ 0x1
#define VM_WRITE 0x2
#define VM_EXEC 0x4
#define VM_SHARED 0x8
#define VM_MAYREAD 0x10
#define VM_MAYWRITE 0x20
#define VM_MAYEXEC 0x40
#define VM_GROWSDOWN 0x100
#define VM_STACK VM_GROWSDOWN

/* handle_mm_fault() flags */
#define FAULT_FLAG_WRITE 0x1
#define FAULT_FLAG_USER 0x2
#define FAULT_FLAG_INSTRUCTION 0x4
#define FAULT_FLAG_GUP 0x8 /* from get_user_pages, not the CPU */

/* handle_mm_fault() results (a bit set, 0 = resolved) */
#define VM_FAULT_OOM 0x1
#define VM_FAULT_SIGBUS 0x2
#define VM_FAULT_SIGSEGV 0x4
#define VM_FAULT_RETRY 0x8   /* mmap_lock was dropped: look the VMA up again */
#define VM_FAULT_NOPAGE 0x10 /* faults_disabled_mapping: same mapping, give up */
#define VM_FAULT_ERROR (VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV)

struct vm_fault {
	struct vm_area_struct *vma;
	unsigned long address; /* page aligned */
	unsigned int flags;
	u64 pgoff;
	struct page *page; /* out: the page to map (referenced) */
};

struct vm_operations_struct {
	/* Finds or reads the page for vmf->pgoff; returns 0 or VM_FAULT_*. */
	int (*fault)(struct vm_fault *vmf);
	/* A shared mapping's page is about to become writable. */
	int (*page_mkwrite)(struct vm_fault *vmf);
	void (*open)(struct vm_area_struct *vma);
	void (*close)(struct vm_area_struct *vma);
};

struct vm_area_struct {
	unsigned long vm_start, vm_end; /* [start, end), page aligned */
	unsigned long vm_flags;
	u64 vm_pgoff; /* file offset in pages (file mappings) */
	struct file *vm_file;
	const struct vm_operations_struct *vm_ops;
	struct mm_struct *vm_mm;
	struct list_head vm_list;   /* in mm->mmap, sorted by address */
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

struct mm_struct *mm_alloc(void);
/* fork: copy every VMA; private pages become shared copy-on-write. */
struct mm_struct *dup_mm(struct mm_struct *old);
void mmput(struct mm_struct *mm);
static inline void mmget(struct mm_struct *mm) { atomic_inc(&mm->mm_users); }
/* Loads mm's page tables on this CPU (NULL: kernel only). */
void switch_mm(struct mm_struct *prev, struct mm_struct *next);

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
/* Maps a range; addr 0 (without MAP_FIXED) picks a free one.  Returns the
 * address or a negative errno.  Caller holds mmap_lock for writing. */
long do_mmap(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned long prot,
	     unsigned long flags, struct file *file, u64 pgoff);
int do_munmap(struct mm_struct *mm, unsigned long addr, unsigned long len);

int handle_mm_fault(struct vm_area_struct *vma, unsigned long addr, unsigned int flags);

/* get_user_pages: pins the pages behind [start, start + nr*PAGE_SIZE),
 * faulting them in as the CPU would (FOLL_WRITE breaks COW).  Returns the
 * number pinned or a negative errno.  unpin_user_pages() releases them,
 * marking them dirty when dirty is true. */
#define FOLL_WRITE 0x1
long get_user_pages(struct mm_struct *mm, unsigned long start, unsigned long nr_pages,
		    unsigned int gup_flags, struct page **pages);
void unpin_user_pages(struct page **pages, unsigned long nr, bool dirty);

/* Flushes [start, end) of mm from every CPU that may cache it. */
void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start, unsigned long end);

#endif
