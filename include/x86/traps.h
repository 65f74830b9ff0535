/*
 * traps.h - the register frame saved on every interrupt, exception and
 * system call, and the x86 descriptor-table setup (kernel/x86/).
 */
#ifndef X86_TRAPS_H
#define X86_TRAPS_H

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_DS 0x1b
#define USER_CS 0x23
#define TSS_SEL 0x28

#ifndef __ASSEMBLER__
#include <kernel/types.h>

struct pt_regs {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error_code;
	u64 rip, cs, rflags, rsp, ss;
};

static inline bool user_mode(const struct pt_regs *r) { return (r->cs & 3) == 3; }

void gdt_init_cpu(int cpu);
void idt_init(void);
void idt_load(void);
void show_regs(const struct pt_regs *r);
/* Sets the stack the CPU switches to on an interrupt from user mode. */
void tss_set_rsp0(unsigned long rsp0);

/* Exception fixup: a faulting kernel instruction at insn resumes at fixup. */
struct exception_table_entry {
	unsigned long insn, fixup;
};
bool fixup_exception(struct pt_regs *regs);

/* Handler for a user-mode fault, installed by the process code. Returns
 * normally after arranging a signal. */
extern void (*user_exception_hook)(struct pt_regs *regs, int vector);
/* Page-fault handler from mm; returns 0 when the fault was resolved. */
extern int (*page_fault_hook)(struct pt_regs *regs, unsigned long addr, u64 err);
#endif

#endif
