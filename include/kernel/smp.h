/*
 * smp.h - per-CPU data and cross-CPU calls.
 *
 * Each CPU's GS base points at its struct cpu (kernel mode).  The first
 * fields have fixed offsets because assembly (syscall entry, context switch)
 * uses them.  Fields are touched only by their own CPU with interrupts or
 * preemption disabled, unless a comment says otherwise.
 */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#define MAX_CPUS 16
/* Physical page where the AP start-up code (boot/trampoline.S) is copied. */
#define TRAMPOLINE_PHYS 0x8000

#define CPU_OFF_SELF 0
#define CPU_OFF_USER_RSP 8
#define CPU_OFF_KSTACK 16
#define CPU_OFF_CURRENT 24
#define CPU_OFF_PREEMPT 32
#define CPU_OFF_ID 36

#ifndef __ASSEMBLER__
#include <kernel/compiler.h>
#include <kernel/types.h>

struct task_struct;
struct runqueue;

struct cpu {
	struct cpu *self; /* 0: for this_cpu() */
	unsigned long user_rsp; /* 8: syscall entry scratch */
	unsigned long kstack_top; /* 16: kernel stack of current task */
	struct task_struct *curr; /* 24: the running task (see current) */
	int preempt_count; /* 32 */
	int id; /* 36: logical CPU number 0.. */
	u32 apic_id;
	bool online;
	bool need_resched;
	int irq_depth;
	u64 gdt[8];
	u8 tss[104] __aligned(16);
	void *rq; /* the scheduler's per-CPU run queue */
	struct task_struct *idle;
	u64 ticks;
	u64 irq_count;
	u64 ipi_count;
};

extern struct cpu cpus[MAX_CPUS];
extern int nr_cpus_online;
extern int nr_cpus_possible;

static inline struct cpu *this_cpu(void)
{
	struct cpu *c;
	__asm__ volatile("movq %%gs:0, %0" : "=r"(c));
	return c;
}
static inline int smp_processor_id(void)
{
	int id;
	__asm__ volatile("movl %%gs:36, %0" : "=r"(id));
	return id;
}

/* IPI vectors. */
#define VEC_TIMER 0xF0
#define VEC_RESCHED 0xF1
#define VEC_CALL_FUNC 0xF2
#define VEC_PANIC_STOP 0xF3
#define VEC_SPURIOUS 0xFF

/* Keeps the trampoline page (TRAMPOLINE_PHYS) out of the page allocator;
 * called before page_alloc_init(). */
void smp_reserve_trampoline(void);
/* Starts every CPU the MADT lists, one at a time; a CPU that does not
 * answer is reported and skipped.  Boot CPU, interrupts enabled. */
void smp_boot_cpus(void);
void smp_send_reschedule(int cpu);
/* Stops every other CPU (IPI, then NMI after ~100 ms); for panic(): safe
 * with interrupts off, takes no lock, never waits forever. */
void smp_send_stop(void);
/* Runs fn(arg) on every other online CPU and waits until all ran it.
 * Must be called with interrupts enabled. */
void smp_call_function(void (*fn)(void *), void *arg);
#endif

#endif
