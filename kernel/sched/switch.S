/*
 * switch.S - the stack switch at the heart of the scheduler.
 *
 * __switch_to(prev, next) saves the callee-saved registers on prev's
 * kernel stack, stores the stack pointer in prev->ksp (offset 0), loads
 * next->ksp and pops next's registers.  It returns prev (in rax) in the
 * context of next, so the new task can finish the switch.  A new kernel
 * thread's stack is built to "return" into ret_from_kthread.
 */
	.text
	.globl __switch_to
__switch_to:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq (%rsi), %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	movq %rdi, %rax
	ret

	.globl ret_from_kthread
ret_from_kthread:
	movq %rax, %rdi
	call schedule_tail
	xorq %rbp, %rbp
	call kthread_main
	ud2

	.section .note.GNU-stack, "", @progbits
