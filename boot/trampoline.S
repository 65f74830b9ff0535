/*
 * trampoline.S - where an application processor starts: 16-bit real mode
 * -> 32-bit protected mode -> 64-bit long mode -> the kernel's C code.
 *
 * This is only a template, kept in .rodata: kernel/x86/smp.c copies
 * trampoline_start..trampoline_end to physical TRAMPOLINE_PHYS (a page
 * below 1 MiB) and sends a SIPI for that page, so the AP begins at
 * CS:IP = TRAMPOLINE_PHYS/16:0.  Absolute addresses are therefore written
 * as TRAMPOLINE_PHYS + (label - trampoline_start).  Before each SIPI the
 * boot CPU fills trampoline_data: the physical address (< 4 GiB) of a
 * temporary PML4 that identity-maps the first 2 MiB (this page) next to
 * the kernel half, the AP's stack top, the C entry point and its argument.
 * The C entry switches to the real kernel page tables.  One AP at a time.
 */
#include <kernel/smp.h>

#define TR(x) (TRAMPOLINE_PHYS + (x) - trampoline_start)

	.section .rodata, "a"
	.balign 16
	.globl trampoline_start, trampoline_end, trampoline_data

	.code16
trampoline_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	lgdtl tr_gdtr - trampoline_start	/* DS-relative */
	movl %cr0, %eax
	orl $1, %eax				/* PE */
	movl %eax, %cr0
	ljmpl $0x08, $TR(tr_protected)

	.code32
tr_protected:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movl %cr4, %eax
	orl $(1 << 5), %eax			/* PAE */
	movl %eax, %cr4
	movl TR(tr_cr3), %eax
	movl %eax, %cr3
	movl $0xC0000080, %ecx			/* EFER */
	rdmsr
	orl $((1 << 8) | (1 << 11)), %eax	/* LME | NXE (kernel PTEs use NX) */
	wrmsr
	/* PG | WP | NE | ET | MP | PE; clears CD and NW left set by INIT */
	movl $0x80010033, %eax
	movl %eax, %cr0
	ljmpl $0x18, $TR(tr_long)

	.code64
tr_long:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movq tr_stack(%rip), %rsp
	movq tr_arg(%rip), %rdi
	movq tr_entry(%rip), %rax
	xorl %ebp, %ebp
	pushq $0			/* no return address: ends backtraces */
	jmp *%rax

	.balign 8
tr_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
	.quad 0x00af9a000000ffff	/* 0x18: 64-bit code */
tr_gdtr:
	.word tr_gdtr - tr_gdt - 1
	.long TR(tr_gdt)

	.balign 8
trampoline_data:			/* struct trampoline_data in smp.c */
tr_cr3:	.long 0, 0
tr_stack: .quad 0
tr_entry: .quad 0
tr_arg:	.quad 0
trampoline_end:

	.section .note.GNU-stack, "", @progbits
