/*
 * mm_syscalls.c - the memory system calls of the Linux x86_64 ABI: brk,
 * mmap, munmap, mprotect, madvise, mremap, msync, and mlock & co. (accepted:
 * pages are never swapped out here).
 *
 * Contract: thin wrappers that check the arguments Linux checks here and
 * take mmap_lock around the mm/ functions that expect it held; errno
 * values follow Linux (see each function in mmap.c, mprotect.c,
 * mremap.c).  A file mapping gets its file from fget() and lets the VMA
 * hold its own reference.  A task without an mm gets -EINVAL (-ENOMEM for
 * mmap).
 */
#include <fs/fs.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include "internal.h"

SYSCALL_DEFINE(__NR_brk, brk)
{
	struct mm_struct *mm = current->mm;

	return mm ? (long)do_brk(mm, (unsigned long)a0) : -ENOMEM;
}

SYSCALL_DEFINE(__NR_mmap, mmap)
{
	struct mm_struct *mm = current->mm;
	unsigned long len = a1, flags = a3, off = a5;
	struct file *file = NULL;
	long r;

	if (!mm)
		return -ENOMEM;
	if (off & ~PAGE_MASK)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		file = fget((int)a4);
		if (!file)
			return -EBADF;
	}
	down_write(&mm->mmap_lock);
	r = do_mmap(mm, a0, len, a2, flags, file, off >> PAGE_SHIFT);
	up_write(&mm->mmap_lock);
	if (file)
		fput(file);
	if (r >= 0 && (flags & (MAP_POPULATE | MAP_LOCKED)) && !(flags & MAP_NONBLOCK))
		mm_populate(mm, r, len);
	return r;
}

SYSCALL_DEFINE(__NR_munmap, munmap)
{
	struct mm_struct *mm = current->mm;
	int r;

	if (!mm)
		return -EINVAL;
	down_write(&mm->mmap_lock);
	r = do_munmap(mm, a0, a1);
	up_write(&mm->mmap_lock);
	return r;
}

SYSCALL_DEFINE(__NR_mprotect, mprotect)
{
	return current->mm ? do_mprotect(current->mm, a0, a1, a2) : -EINVAL;
}

SYSCALL_DEFINE(__NR_madvise, madvise)
{
	return current->mm ? do_madvise(current->mm, a0, a1, (int)a2) : -EINVAL;
}

SYSCALL_DEFINE(__NR_mremap, mremap)
{
	return current->mm ? do_mremap(current->mm, a0, a1, a2, a3, a4) : -EINVAL;
}

/* Checks that [start, start + len) is all mapped: 0, -EINVAL or -ENOMEM.
 * With fsync, also writes back the files of its shared file mappings. */
static int check_range(unsigned long start, unsigned long len, bool fsync)
{
	struct mm_struct *mm = current->mm;
	unsigned long end = start + PAGE_ALIGN(len), addr = start;
	struct vm_area_struct *v;
	int err = 0;

	if (!mm || (start & ~PAGE_MASK))
		return -EINVAL;
	if (end < start || (len && end == start))
		return -ENOMEM;
	down_read(&mm->mmap_lock);
	while (addr < end) {
		struct file *f = NULL;

		v = find_vma(mm, addr);
		if (!v || v->vm_start > addr) {
			err = -ENOMEM;
			break;
		}
		addr = v->vm_end;
		if (!fsync || !v->vm_file || !(v->vm_flags & VM_SHARED))
			continue;
		f = v->vm_file;
		get_file(f);
		up_read(&mm->mmap_lock); /* never write back under mmap_lock */
		err = vfs_fsync(f, 0);
		fput(f);
		down_read(&mm->mmap_lock);
		if (err)
			break;
	}
	up_read(&mm->mmap_lock);
	return err;
}

SYSCALL_DEFINE(__NR_msync, msync)
{
	unsigned long flags = a2;

	if (flags & ~(unsigned long)(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return -EINVAL;
	if ((flags & MS_ASYNC) && (flags & MS_SYNC))
		return -EINVAL;
	return check_range(a0, a1, flags & MS_SYNC);
}

/* Pages never leave memory here, so locking them is only a range check. */
SYSCALL_DEFINE(__NR_mlock, mlock)
{
	return check_range(a0 & PAGE_MASK, a1 + (a0 & ~PAGE_MASK), false);
}
SYSCALL_DEFINE(__NR_munlock, munlock)
{
	return check_range(a0 & PAGE_MASK, a1 + (a0 & ~PAGE_MASK), false);
}
SYSCALL_DEFINE(__NR_mlockall, mlockall) { return a0 && !(a0 & ~7L) ? 0 : -EINVAL; }
SYSCALL_DEFINE(__NR_munlockall, munlockall) { return 0; }
