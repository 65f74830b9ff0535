/*
 * entry.S - interrupt and exception entry stubs.
 *
 * One stub per vector pushes a dummy error code when the CPU pushes none,
 * then the vector number, and jumps to the common path, which saves all
 * general registers as a struct pt_regs and calls trap_entry(regs).  If the
 * CPU came from user mode (CS RPL 3) we swapgs on entry and exit so that
 * kernel code always finds its struct cpu at GS.
 */
#include <x86/ptregs_asm.inc>
#include <x86/traps.h>

	.macro STUB
	.align 16
1:
	.if (vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushq $0
	.endif
	pushq $vec
	jmp trap_common
	.pushsection .rodata
	.quad 1b
	.popsection
	.endm

	.pushsection .rodata
	.align 8
	.globl trap_stub_table
trap_stub_table:
	.popsection

	.section .text.entry, "ax"
	.set vec, 0
	.rept 256
	STUB
	.set vec, vec + 1
	.endr

trap_common:
	/* frame: vector at 0(%rsp), error 8, rip 16, cs 24 */
	testb $3, 24(%rsp)
	jz 1f
	swapgs
	/* Clear AC that user mode may have set: with SMAP it would let
	 * kernel code touch user memory outside the uaccess helpers. */
	pushfq
	andq $~0x40000, (%rsp)
	popfq
1:	PUSH_REGS
	cld
	movq %rsp, %rdi
	call trap_entry
	.globl ret_from_trap
ret_from_trap:
	POP_REGS
	testb $3, 24(%rsp)
	jz 2f
	cli
	swapgs
2:	addq $16, %rsp
	iretq

	.section .note.GNU-stack, "", @progbits
