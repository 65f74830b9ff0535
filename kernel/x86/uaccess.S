/*
 * uaccess.S - the only instructions that touch user memory.
 *
 * Each user access is listed in __ex_table (instruction, fixup): when the
 * page-fault hook cannot resolve a fault there (bad address, protection),
 * trap code resumes at the fixup, which reports the failure to the C
 * wrappers in mm/uaccess.c.  The wrappers check the range (access_ok);
 * these routines do no checking.  With SMAP on (smap_enabled), user pages
 * are reachable only between stac and clac here; a fault handler that
 * sleeps runs with AC clear and iret restores it.
 *
 *   size_t __copy_user(void *dst, const void *src, size_t n)
 *	bytes NOT copied (0: all); either side may be the user one
 *   size_t __clear_user(void *dst, size_t n)        bytes not cleared
 *   long __strncpy_from_user(char *dst, const char *src, size_t n)
 *	length when a NUL was copied within n bytes, n when none, -EFAULT
 *   int __get_user_4/8(void *val, const void *uaddr)     0 or -EFAULT
 *   int __put_user_4/8(u64 val, void *uaddr)             0 or -EFAULT
 */

#define EFAULT 14

	.macro EXTABLE insn, fixup
	.pushsection __ex_table, "a"
	.balign 8
	.quad \insn, \fixup
	.popsection
	.endm

	.macro ASM_STAC
	testb $1, smap_enabled(%rip)
	jz .Lnostac\@
	stac
.Lnostac\@:
	.endm

	.macro ASM_CLAC
	testb $1, smap_enabled(%rip)
	jz .Lnoclac\@
	clac
.Lnoclac\@:
	.endm

	.text

	.globl __copy_user
__copy_user:
	ASM_STAC
	movq %rdx, %rcx
1:	rep movsb
2:	ASM_CLAC
	movq %rcx, %rax
	ret
	EXTABLE 1b, 2b

	.globl __clear_user
__clear_user:
	ASM_STAC
	movq %rsi, %rcx
	xorl %eax, %eax
3:	rep stosb
4:	ASM_CLAC
	movq %rcx, %rax
	ret
	EXTABLE 3b, 4b

	.globl __strncpy_from_user
__strncpy_from_user:
	ASM_STAC
	xorl %eax, %eax
5:	cmpq %rdx, %rax
	je 7f
6:	movb (%rsi,%rax), %cl
	movb %cl, (%rdi,%rax)
	testb %cl, %cl
	jz 7f
	incq %rax
	jmp 5b
7:	ASM_CLAC
	ret
8:	ASM_CLAC
	movq $-EFAULT, %rax
	ret
	EXTABLE 6b, 8b

	.globl __get_user_4
__get_user_4:
	ASM_STAC
11:	movl (%rsi), %eax
	ASM_CLAC
	movl %eax, (%rdi)
	xorl %eax, %eax
	ret
	EXTABLE 11b, .Lfault

	.globl __get_user_8
__get_user_8:
	ASM_STAC
12:	movq (%rsi), %rax
	ASM_CLAC
	movq %rax, (%rdi)
	xorl %eax, %eax
	ret
	EXTABLE 12b, .Lfault

	.globl __put_user_4
__put_user_4:
	ASM_STAC
13:	movl %edi, (%rsi)
	ASM_CLAC
	xorl %eax, %eax
	ret
	EXTABLE 13b, .Lfault

	.globl __put_user_8
__put_user_8:
	ASM_STAC
14:	movq %rdi, (%rsi)
	ASM_CLAC
	xorl %eax, %eax
	ret
	EXTABLE 14b, .Lfault

.Lfault:
	ASM_CLAC
	movl $-EFAULT, %eax
	ret

	.section .note.GNU-stack, "", @progbits
