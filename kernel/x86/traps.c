/*
 * traps.c - the IDT and the C side of every interrupt and exception.
 *
 * trap_entry() is called by entry.S with the saved registers.  Exceptions
 * from user mode go to the process code (signals); a page fault goes to mm
 * first.  A kernel-mode exception is first looked up in the exception
 * fixup table (copy_from_user and friends); anything else is a kernel bug
 * and panics with a full report.  Device and IPI vectors go to their
 * registered handlers, then the local APIC gets its EOI, then we may
 * switch tasks if the interrupted context was preemptible.
 */
#include <kernel/irq.h>
#include <kernel/preempt.h>
#include <kernel/proc.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/string.h>
#include <x86/apic.h>
#include <x86/asm.h>
#include <x86/traps.h>

struct idt_entry {
	u16 off_lo;
	u16 sel;
	u8 ist;
	u8 type;
	u16 off_mid;
	u32 off_hi;
	u32 zero;
} __packed;

static struct idt_entry idt[256] __aligned(16);
extern const u64 trap_stub_table[256];

void (*user_exception_hook)(struct pt_regs *regs, int vector);
int (*page_fault_hook)(struct pt_regs *regs, unsigned long addr, u64 err);

static const char *const exception_names[32] = {
	"divide error",
	"debug",
	"NMI",
	"breakpoint",
	"overflow",
	"bound range",
	"invalid opcode",
	"device not available",
	"double fault",
	"coprocessor overrun",
	"invalid TSS",
	"segment not present",
	"stack fault",
	"general protection",
	"page fault",
	"reserved",
	"x87 FP error",
	"alignment check",
	"machine check",
	"SIMD FP error",
	"virtualization",
	"control protection",
	"reserved",
	"reserved",
	"reserved",
	"reserved",
	"reserved",
	"reserved",
	"hypervisor injection",
	"VMM communication",
	"security",
	"reserved",
};

static void set_gate(int vec, u64 handler, int ist, int dpl)
{
	idt[vec].off_lo = handler & 0xffff;
	idt[vec].sel = KERNEL_CS;
	idt[vec].ist = ist;
	idt[vec].type = 0x8e | (dpl << 5); /* present, interrupt gate */
	idt[vec].off_mid = (handler >> 16) & 0xffff;
	idt[vec].off_hi = handler >> 32;
	idt[vec].zero = 0;
}

void idt_load(void)
{
	struct {
		u16 limit;
		u64 base;
	} __packed idtr = { sizeof(idt) - 1, (u64)idt };

	__asm__ volatile("lidt %0" ::"m"(idtr));
}

void idt_init(void)
{
	for (int v = 0; v < 256; v++)
		set_gate(v, trap_stub_table[v], 0, 0);
	set_gate(8, trap_stub_table[8], 1, 0); /* double fault: IST1 */
	set_gate(2, trap_stub_table[2], 2, 0); /* NMI: IST2 */
	set_gate(18, trap_stub_table[18], 3, 0); /* machine check: IST3 */
	set_gate(3, trap_stub_table[3], 0, 3); /* int3 allowed from user */
	idt_load();
}

void show_regs(const struct pt_regs *r)
{
	printk(KERN_EMERG "RIP: %04llx:%016llx RFLAGS: %08llx\n", (unsigned long long)r->cs,
	       (unsigned long long)r->rip, (unsigned long long)r->rflags);
	printk(KERN_EMERG "RSP: %04llx:%016llx\n", (unsigned long long)r->ss,
	       (unsigned long long)r->rsp);
	printk(KERN_EMERG "RAX: %016llx RBX: %016llx RCX: %016llx\n", (unsigned long long)r->rax,
	       (unsigned long long)r->rbx, (unsigned long long)r->rcx);
	printk(KERN_EMERG "RDX: %016llx RSI: %016llx RDI: %016llx\n", (unsigned long long)r->rdx,
	       (unsigned long long)r->rsi, (unsigned long long)r->rdi);
	printk(KERN_EMERG "RBP: %016llx R08: %016llx R09: %016llx\n", (unsigned long long)r->rbp,
	       (unsigned long long)r->r8, (unsigned long long)r->r9);
	printk(KERN_EMERG "R10: %016llx R11: %016llx R12: %016llx\n", (unsigned long long)r->r10,
	       (unsigned long long)r->r11, (unsigned long long)r->r12);
	printk(KERN_EMERG "R13: %016llx R14: %016llx R15: %016llx\n", (unsigned long long)r->r13,
	       (unsigned long long)r->r14, (unsigned long long)r->r15);
	printk(KERN_EMERG "CR2: %016llx CR3: %016llx CR4: %016llx\n",
	       (unsigned long long)read_cr2(), (unsigned long long)read_cr3(),
	       (unsigned long long)read_cr4());
}

extern const struct exception_table_entry __ex_table_start[], __ex_table_end[];

bool fixup_exception(struct pt_regs *regs)
{
	for (const struct exception_table_entry *e = __ex_table_start; e < __ex_table_end; e++) {
		if (e->insn == regs->rip) {
			regs->rip = e->fixup;
			return true;
		}
	}
	return false;
}

static void handle_exception(struct pt_regs *regs, unsigned long cr2)
{
	int vec = (int)regs->vector;

	if (vec == 14) {
		if (page_fault_hook && page_fault_hook(regs, cr2, regs->error_code) == 0)
			return;
	}
	if (user_mode(regs) && user_exception_hook) {
		user_exception_hook(regs, vec);
		return;
	}
	if (!user_mode(regs) && fixup_exception(regs))
		return;
	if (vec == 14)
		panic_regs(
			regs, "unhandled page fault at address %#lx (%s %s, %s mode), error %#llx",
			cr2, regs->error_code & 1 ? "protection violation" : "page not present",
			regs->error_code & 2  ? "on write" :
			regs->error_code & 16 ? "on instruction fetch" :
						"on read",
			user_mode(regs) ? "user" : "kernel", (unsigned long long)regs->error_code);
	panic_regs(regs, "exception %d (%s), error code %#llx", vec, exception_names[vec],
		   (unsigned long long)regs->error_code);
}

struct irq_slot {
	irq_handler_t handler;
	void *arg;
	const char *name;
	u64 count;
};
static struct irq_slot irq_table[256];
static DEFINE_SPINLOCK(irq_table_lock);

int irq_alloc_vector(irq_handler_t handler, void *arg, const char *name)
{
	unsigned long f = spin_lock_irqsave(&irq_table_lock);

	for (int v = VEC_DYNAMIC_FIRST; v <= VEC_DYNAMIC_LAST; v++) {
		if (!irq_table[v].handler) {
			irq_table[v].arg = arg;
			irq_table[v].name = name;
			irq_table[v].count = 0;
			__atomic_store_n(&irq_table[v].handler, handler, __ATOMIC_RELEASE);
			spin_unlock_irqrestore(&irq_table_lock, f);
			return v;
		}
	}
	spin_unlock_irqrestore(&irq_table_lock, f);
	return -28; /* -ENOSPC */
}

void irq_free_vector(int vector)
{
	__atomic_store_n(&irq_table[vector].handler, NULL, __ATOMIC_RELEASE);
}

/* Fixed vectors (timer, IPIs) are registered here by their owners. */
void irq_set_fixed(int vector, irq_handler_t handler, void *arg, const char *name)
{
	irq_table[vector].arg = arg;
	irq_table[vector].name = name;
	__atomic_store_n(&irq_table[vector].handler, handler, __ATOMIC_RELEASE);
}

void trap_entry(struct pt_regs *regs)
{
	int vec = (int)regs->vector;
	struct cpu *c;

	if (vec < 32) {
		/* CR2 first, while interrupts are still off: once they are on,
		 * this task may be preempted and another task's page fault
		 * would overwrite CR2 before we read it. */
		unsigned long cr2 = vec == 14 ? read_cr2() : 0;

		/* Exceptions run with the interrupted context's IF. */
		if (regs->rflags & 0x200 && vec != 2 && vec != 8 && vec != 18)
			local_irq_enable();
		handle_exception(regs, cr2);
		local_irq_disable();
		if (user_mode(regs) && vec != 2 && vec != 18) /* not from NMI/#MC */
			exit_to_user_mode(regs); /* signals, rescheduling */
		return;
	}
	c = this_cpu();
	c->irq_depth++;
	c->irq_count++;
	if (vec != VEC_SPURIOUS) {
		irq_handler_t h = __atomic_load_n(&irq_table[vec].handler, __ATOMIC_ACQUIRE);
		if (h) {
			irq_table[vec].count++;
			h(vec, irq_table[vec].arg);
		} else {
			printk(KERN_WARNING "unexpected interrupt vector %#x\n", vec);
		}
		apic_eoi();
	}
	c->irq_depth--;
	if (regs->rflags & 0x200)
		irq_exit_maybe_resched();
	if (user_mode(regs))
		exit_to_user_mode(regs); /* signals, rescheduling */
}
