/*
 * uaccess.h - moving data between kernel and user space safely.
 *
 * Every access to a user address goes through these.  They check that the
 * range lies below USER_SPACE_END and use the exception-fixup table: a
 * fault that the page-fault handler cannot resolve (unmapped, protection)
 * makes the function return -EFAULT instead of crashing the kernel.  With
 * SMAP on, user memory is reachable only between stac/clac inside them.
 * They may sleep (page faults).
 */
#ifndef KERNEL_UACCESS_H
#define KERNEL_UACCESS_H

#include <kernel/types.h>

#define USER_SPACE_END 0x0000800000000000UL

static inline bool access_ok(unsigned long addr, size_t size)
{
	return addr <= USER_SPACE_END && size <= USER_SPACE_END - addr;
}

/* Return 0 on success or -EFAULT. */
int copy_from_user(void *dst, const void *usrc, size_t n);
int copy_to_user(void *udst, const void *src, size_t n);
int clear_user(void *udst, size_t n);
/* Copies a NUL-terminated string of at most n-1 characters: returns its
 * length, -EFAULT, or -ENAMETOOLONG if no NUL within n bytes. */
long strncpy_from_user(char *dst, const char *usrc, size_t n);
int get_user_u32(u32 *v, const void *uaddr);
int get_user_u64(u64 *v, const void *uaddr);
int put_user_u32(u32 v, void *uaddr);
int put_user_u64(u64 v, void *uaddr);

#endif
