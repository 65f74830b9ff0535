/*
 * ptregs_asm.h - assembler macros that save and restore the general
 * registers in struct pt_regs order (include/x86/traps.h), shared by the
 * interrupt entry (kernel/x86/entry.S) and the system-call entry
 * (kernel/x86/syscall_entry.S) so both build one frame format.
 * PUSH_REGS expects vector and error code already on the stack.
 */
#ifndef X86_PTREGS_ASM_H
#define X86_PTREGS_ASM_H
#ifdef __ASSEMBLER__

	.macro PUSH_REGS
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	.endm

	.macro POP_REGS
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	.endm

#endif
#endif
