/*
 * process.c - the per-thread CPU state the scheduler switches: the kernel
 * stack for interrupts from user mode (TSS rsp0), the user FS base (TLS)
 * and the FPU/SSE registers of user tasks (FXSAVE).  Kernel code never
 * touches the FPU (it is built with -mno-sse), so only user tasks need it.
 */
#include <kernel/sched.h>
#include <x86/asm.h>
#include <x86/layout.h>
#include <x86/traps.h>

void (*switch_mm_hook)(struct task_struct *prev, struct task_struct *next);

void arch_context_switch(struct task_struct *prev, struct task_struct *next)
{
	if (prev->fpu_state)
		__asm__ volatile("fxsave64 (%0)" ::"r"(prev->fpu_state) : "memory");
	if (prev->mm)
		prev->fs_base = rdmsr(MSR_FS_BASE);
	tss_set_rsp0((unsigned long)next->stack + KSTACK_SIZE);
	if (switch_mm_hook && prev->mm != next->mm)
		switch_mm_hook(prev, next);
	if (next->mm)
		wrmsr(MSR_FS_BASE, next->fs_base);
	if (next->fpu_state)
		__asm__ volatile("fxrstor64 (%0)" ::"r"(next->fpu_state) : "memory");
}
