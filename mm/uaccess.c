/*
 * uaccess.c - copy_from_user and friends (<kernel/uaccess.h>) on top of
 * the fault-safe primitives of kernel/x86/uaccess.S, and turning on SMEP
 * and SMAP.
 *
 * Contract: a range is checked against USER_SPACE_END first (access_ok);
 * then any fault the page-fault hook cannot resolve ends the copy with
 * -EFAULT (the exception table), never a crash.  They may sleep (faults
 * take mmap_lock): never call them holding a spinlock or mmap_lock for
 * writing.  In atomic context a fault fails at once with -EFAULT.
 * SMEP (CR4 bit 20) stops the kernel from executing user pages, SMAP
 * (CR4 bit 21) from touching them outside stac/clac; smap_enabled is set
 * once the boot CPU turned SMAP on and tells uaccess.S to use stac/clac.
 */
#include <kernel/errno.h>
#include <kernel/uaccess.h>
#include <mm/mm.h>
#include <x86/asm.h>

#define CR4_SMEP (1UL << 20)
#define CR4_SMAP (1UL << 21)

bool smap_enabled;

size_t __copy_user(void *dst, const void *src, size_t n);
size_t __clear_user(void *dst, size_t n);
long __strncpy_from_user(char *dst, const char *src, size_t n);
int __get_user_4(void *val, const void *uaddr);
int __get_user_8(void *val, const void *uaddr);
int __put_user_4(u64 val, void *uaddr);
int __put_user_8(u64 val, void *uaddr);

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	if (!access_ok((unsigned long)usrc, n))
		return -EFAULT;
	return __copy_user(dst, usrc, n) ? -EFAULT : 0;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	if (!access_ok((unsigned long)udst, n))
		return -EFAULT;
	return __copy_user(udst, src, n) ? -EFAULT : 0;
}

int clear_user(void *udst, size_t n)
{
	if (!access_ok((unsigned long)udst, n))
		return -EFAULT;
	return __clear_user(udst, n) ? -EFAULT : 0;
}

long strncpy_from_user(char *dst, const char *usrc, size_t n)
{
	unsigned long a = (unsigned long)usrc;
	size_t max;
	long r;

	if (a >= USER_SPACE_END)
		return -EFAULT;
	if (!n)
		return -ENAMETOOLONG;
	max = MIN(n, USER_SPACE_END - a);
	r = __strncpy_from_user(dst, usrc, max);
	if (r < 0)
		return r;
	if ((size_t)r == max) /* no NUL: too long, or the string runs off user space */
		return max < n ? -EFAULT : -ENAMETOOLONG;
	return r;
}

int get_user_u32(u32 *v, const void *uaddr)
{
	if (!access_ok((unsigned long)uaddr, sizeof(*v)))
		return -EFAULT;
	return __get_user_4(v, uaddr);
}

int get_user_u64(u64 *v, const void *uaddr)
{
	if (!access_ok((unsigned long)uaddr, sizeof(*v)))
		return -EFAULT;
	return __get_user_8(v, uaddr);
}

int put_user_u32(u32 v, void *uaddr)
{
	if (!access_ok((unsigned long)uaddr, sizeof(v)))
		return -EFAULT;
	return __put_user_4(v, uaddr);
}

int put_user_u64(u64 v, void *uaddr)
{
	if (!access_ok((unsigned long)uaddr, sizeof(v)))
		return -EFAULT;
	return __put_user_8(v, uaddr);
}

void cpu_enable_smep_smap(void)
{
	u32 a, b, c, d;
	u64 cr4;

	cpuid(0, 0, &a, &b, &c, &d);
	if (a < 7)
		return;
	cpuid(7, 0, &a, &b, &c, &d);
	cr4 = read_cr4();
	if (b & (1U << 7))
		cr4 |= CR4_SMEP;
	if (b & (1U << 20)) {
		cr4 |= CR4_SMAP;
		__atomic_store_n(&smap_enabled, true, __ATOMIC_SEQ_CST);
	}
	write_cr4(cr4);
}
