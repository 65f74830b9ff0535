/*
 * panic.c - fatal errors, backtraces and the kernel symbol table.
 *
 * panic() stops the other CPUs (an IPI, then NMI if they do not answer),
 * prints the cause, the registers when it has them and a backtrace that
 * follows the frame-pointer chain (the kernel is built with frame
 * pointers), names each return address from .ksymtab (generated from the
 * linked kernel by tools/gensyms), then powers the VM off with
 * EXIT_PANIC.  A panic inside panic just halts.
 */
#include <kernel/power.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/string.h>
#include <x86/asm.h>
#include <x86/layout.h>
#include <x86/traps.h>

bool panic_in_progress;
static int panic_cpu = -1;
extern bool percpu_ready;

/* Layout emitted by tools/gensyms. */
struct ksym {
	u64 addr;
	u32 name;
	u32 pad;
};
extern const u64 ksym_count;
extern const struct ksym ksym_table[];
extern const char ksym_names[];
extern char _text[], _etext[];

const char *ksym_lookup(unsigned long addr, unsigned long *offset)
{
	u64 lo = 0, hi = ksym_count;

	if (addr < (unsigned long)_text || addr >= (unsigned long)_etext || !ksym_count)
		return NULL;
	while (hi - lo > 1) { /* last symbol with ksym_table[i].addr <= addr */
		u64 mid = (lo + hi) / 2;
		if (ksym_table[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (ksym_table[lo].addr > addr)
		return NULL;
	if (offset)
		*offset = addr - ksym_table[lo].addr;
	return &ksym_names[ksym_table[lo].name];
}

static void print_addr(unsigned long addr)
{
	unsigned long off;
	const char *name = ksym_lookup(addr, &off);

	if (name)
		printk(KERN_EMERG "  [<%016lx>] %s+%#lx\n", addr, name, off);
	else
		printk(KERN_EMERG "  [<%016lx>] ?\n", addr);
}

static bool kernel_stack_addr(unsigned long a) { return a >= PAGE_OFFSET && (a & 7) == 0; }

void show_backtrace(unsigned long rbp, unsigned long rip)
{
	printk(KERN_EMERG "Backtrace:\n");
	if (rip)
		print_addr(rip);
	for (int depth = 0; depth < 32 && kernel_stack_addr(rbp); depth++) {
		unsigned long *frame = (unsigned long *)rbp;
		unsigned long ret = frame[1];
		if (!ret || ret < KERNEL_VMA_BASE)
			break;
		print_addr(ret - 1 > 0 ? ret : ret); /* return address itself */
		if (frame[0] <= rbp)
			break; /* stacks grow down: frames must go up */
		rbp = frame[0];
	}
}

void dump_stack(void) { show_backtrace((unsigned long)__builtin_frame_address(0), 0); }

static __noreturn void panic_finish(void)
{
	printk(KERN_EMERG "---[ end Kernel panic ]---\n");
	power_off(EXIT_PANIC);
}

static bool panic_enter(void)
{
	int me = percpu_ready ? smp_processor_id() : 0;
	int expected = -1;

	local_irq_disable();
	if (!__atomic_compare_exchange_n(&panic_cpu, &expected, me, false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST)) {
		if (expected == me) /* panic while panicking: give up quietly */
			power_off(EXIT_PANIC);
		for (;;) /* another CPU is panicking: wait to be stopped */
			halt();
	}
	if (percpu_ready)
		smp_send_stop();
	panic_in_progress = true;
	return true;
}

static void panic_header(const char *fmt, va_list ap)
{
	char buf[256];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	printk(KERN_EMERG "Kernel panic: %s\n", buf);
}

__noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	panic_enter();
	va_start(ap, fmt);
	panic_header(fmt, ap);
	va_end(ap);
	dump_stack();
	panic_finish();
}

__noreturn void panic_regs(struct pt_regs *regs, const char *fmt, ...)
{
	va_list ap;

	panic_enter();
	va_start(ap, fmt);
	panic_header(fmt, ap);
	va_end(ap);
	show_regs(regs);
	show_backtrace(regs->rbp, regs->rip);
	panic_finish();
}
