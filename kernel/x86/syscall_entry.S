/*
 * syscall_entry.S - the SYSCALL instruction's entry point and the ways back
 * to user mode.
 *
 * entry_SYSCALL_64: the CPU arrives here from ring 3 with interrupts off
 * (SFMASK clears IF, DF, TF, AC), rip in rcx, rflags in r11, the user's rsp
 * and GS base still loaded.  We swapgs, park the user rsp in the CPU's
 * scratch slot (gs:8), switch to the current task's kernel stack (gs:16),
 * and push a struct pt_regs exactly as an interrupt from user mode would
 * leave it (vector SYSCALL_VECTOR, error_code = the original rax), so all
 * code sees one frame format at the top of the kernel stack.
 * do_syscall_64() dispatches, handles signals and rescheduling, and says
 * whether sysretq may be used; otherwise (a frame changed by execve,
 * sigreturn or signal delivery, a non-canonical or too-high rip, TF/RF set)
 * we leave through ret_from_trap's iretq.  sysretq with a non-canonical rcx
 * faults in ring 0 on Intel CPUs, hence the check in C.
 *
 * ret_to_user(regs): a new user task (fork child, init after execve)
 * starts here on its own kernel stack, with regs at its top.
 */
#include <kernel/smp.h>
#include <x86/ptregs_asm.inc>
#include <x86/traps.h>

#define SYSCALL_VECTOR 0x100

	.text
	.globl entry_SYSCALL_64
	.align 16
entry_SYSCALL_64:
	swapgs
	movq %rsp, %gs:CPU_OFF_USER_RSP
	movq %gs:CPU_OFF_KSTACK, %rsp
	pushq $USER_DS			/* ss */
	pushq %gs:CPU_OFF_USER_RSP	/* rsp */
	pushq %r11			/* rflags */
	pushq $USER_CS			/* cs */
	pushq %rcx			/* rip */
	pushq %rax			/* error_code: the original rax */
	pushq $SYSCALL_VECTOR		/* vector */
	PUSH_REGS
	xorl %ebp, %ebp			/* ends backtraces here */
	movq %rsp, %rdi
	call do_syscall_64		/* returns with interrupts off */
	testb %al, %al
	jz 1f
	/* sysret: rcx == rip and r11 == rflags were checked by the C code */
	POP_REGS
	addq $16, %rsp			/* vector, error_code: now at rip */
	swapgs
	movq 24(%rsp), %rsp		/* the user rsp */
	sysretq
1:	jmp ret_from_trap

	.globl ret_to_user
ret_to_user:
	movq %rdi, %rsp
	xorl %ebp, %ebp
	call exit_to_user_mode		/* rdi = regs; returns with IF=0 */
	jmp ret_from_trap

	.section .note.GNU-stack, "", @progbits
