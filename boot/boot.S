/*
 * boot.S - multiboot2 header and the 32-bit -> 64-bit entry of the boot CPU.
 *
 * GRUB enters _start in 32-bit protected mode, paging off, with
 * eax = multiboot2 magic and ebx = physical address of the boot information.
 * We build throw-away page tables that map the first 4 GiB twice (identity,
 * and at PAGE_OFFSET for the direct map) plus the kernel image at -2 GiB,
 * enable long mode and jump to the higher-half kernel.  mm/ replaces these
 * tables with the real ones (mapping all RAM) early in start_kernel().
 *
 * Everything in .boot.* is linked at its physical address; the rest of the
 * kernel is linked in the higher half.
 */
#include <x86/layout.h>

#define MB2_MAGIC 0xE85250D6
#define MB2_ARCH_I386 0

	.section .multiboot, "a"
	.align 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* information request: command line, modules, memory map, ACPI */
	.align 8
	.short 1, 0
	.long 8 + 4 * 6
	.long 1, 3, 6, 14, 15, 4
	.align 8
	/* console flags: we have no EGA text support, serial only */
	.short 4, 0
	.long 12
	.long 0
	.align 8
	.short 0, 0
	.long 8
mb2_header_end:

	.section .boot.text, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	movl %eax, boot_mb_magic
	movl %ebx, boot_mb_info
	movl $boot_stack_top, %esp

	/* Long mode supported? (CPUID 0x80000001 EDX bit 29) */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc no_long_mode

	/* Clear the boot page tables (6 pages, contiguous). */
	movl $boot_pml4, %edi
	xorl %eax, %eax
	movl $(6 * 4096 / 4), %ecx
	rep stosl

	/* PML4[0] and PML4[256] -> boot_pdpt_low (identity + direct map) */
	movl $boot_pdpt_low, %eax
	orl $0x3, %eax
	movl %eax, boot_pml4
	movl %eax, boot_pml4 + 256 * 8
	/* PML4[511] -> boot_pdpt_high, whose entry 510 maps -2 GiB -> 0 */
	movl $boot_pdpt_high, %eax
	orl $0x3, %eax
	movl %eax, boot_pml4 + 511 * 8
	movl $boot_pd, %eax
	orl $0x3, %eax
	movl %eax, boot_pdpt_high + 510 * 8

	/* boot_pdpt_low[0..3] -> boot_pd + 0..3 pages (4 GiB) */
	movl $boot_pd, %eax
	orl $0x3, %eax
	movl $boot_pdpt_low, %edi
	movl $4, %ecx
1:	movl %eax, (%edi)
	addl $4096, %eax
	addl $8, %edi
	loop 1b

	/* 2048 2 MiB entries: PRESENT | WRITE | PS */
	movl $boot_pd, %edi
	xorl %eax, %eax
	xorl %edx, %edx
	movl $2048, %ecx
2:	movl %eax, %ebx
	orl $0x83, %ebx
	movl %ebx, (%edi)
	movl %edx, 4(%edi)
	addl $0x200000, %eax
	adcl $0, %edx
	addl $8, %edi
	loop 2b

	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl %cr4, %eax
	orl $(1 << 5), %eax		/* PAE */
	movl %eax, %cr4
	movl $0xC0000080, %ecx		/* EFER */
	rdmsr
	orl $((1 << 8) | (1 << 11)), %eax	/* LME | NXE */
	wrmsr
	movl %cr0, %eax
	orl $((1 << 31) | (1 << 16) | 1), %eax	/* PG | WP | PE */
	movl %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $0x08, $long_mode_low

no_long_mode:
	/* Say so on COM1 and halt. */
	movl $no_lm_msg, %esi
3:	lodsb
	testb %al, %al
	jz 4f
	movw $0x3f8, %dx
	outb %al, %dx
	jmp 3b
4:	hlt
	jmp 4b

	.code64
long_mode_low:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $higher_half, %rax
	jmp *%rax

	.section .boot.data, "aw"
	.align 16
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
	.short boot_gdt_end - boot_gdt - 1
	.long boot_gdt
	.globl boot_mb_magic, boot_mb_info
boot_mb_magic:
	.long 0
boot_mb_info:
	.long 0
no_lm_msg:
	.asciz "boot: this CPU has no long mode; a 64-bit CPU is required\r\n"

	.section .boot.bss, "aw", @nobits
	.align 4096
	.globl boot_pml4
boot_pml4:
	.skip 4096
boot_pdpt_low:
	.skip 4096
boot_pdpt_high:
	.skip 4096
boot_pd:
	.skip 4 * 4096
	.align 16
boot_stack:
	.skip 4096
boot_stack_top:

	.text
	.code64
higher_half:
	movabsq $bsp_stack_top, %rsp
	xorq %rbp, %rbp
	movl boot_mb_magic, %edi
	movl boot_mb_info, %esi
	call start_kernel
5:	cli
	hlt
	jmp 5b

	.bss
	.align 4096
	.globl bsp_stack, bsp_stack_top
bsp_stack:
	.skip KSTACK_SIZE
bsp_stack_top:

	.section .note.GNU-stack, "", @progbits
