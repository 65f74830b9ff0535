/*
 * gdt.c - per-CPU GDT and TSS.
 *
 * Selector layout (fixed by syscall/sysret, see <x86/traps.h>):
 *   0x08 kernel code, 0x10 kernel data, 0x18 user data, 0x20 user code,
 *   0x28 the CPU's TSS (two slots).
 * The TSS holds rsp0 (the kernel stack used when an interrupt arrives in
 * user mode, updated at each context switch) and three IST stacks for
 * double fault, NMI and machine check, so those always run on a good stack.
 */
#include <kernel/smp.h>
#include <kernel/string.h>
#include <x86/layout.h>
#include <x86/traps.h>

struct tss {
	u32 reserved0;
	u64 rsp0, rsp1, rsp2;
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;

#define IST_STACK_SIZE 8192
static u8 ist_stacks[MAX_CPUS][3][IST_STACK_SIZE] __aligned(16);

void gdt_init_cpu(int cpu)
{
	struct cpu *c = &cpus[cpu];
	struct tss *tss = (struct tss *)c->tss;
	u64 base = (u64)tss;
	u64 limit = sizeof(struct tss) - 1;
	struct {
		u16 limit;
		u64 base;
	} __packed gdtr;

	memset(tss, 0, sizeof(*tss));
	for (int i = 0; i < 3; i++)
		tss->ist[i] = (u64)&ist_stacks[cpu][i][IST_STACK_SIZE];
	tss->iomap_base = sizeof(struct tss);

	c->gdt[0] = 0;
	c->gdt[1] = 0x00af9a000000ffffULL; /* kernel code, L=1 */
	c->gdt[2] = 0x00cf92000000ffffULL; /* kernel data */
	c->gdt[3] = 0x00cff2000000ffffULL; /* user data, DPL 3 */
	c->gdt[4] = 0x00affa000000ffffULL; /* user code, DPL 3, L=1 */
	c->gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
		    (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	c->gdt[6] = base >> 32;
	c->gdt[7] = 0;

	gdtr.limit = sizeof(c->gdt) - 1;
	gdtr.base = (u64)c->gdt;
	__asm__ volatile("lgdt %0\n\t"
			 "movw %w1, %%ds\n\t"
			 "movw %w1, %%es\n\t"
			 "movw %w1, %%ss\n\t"
			 "pushq %2\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "ltr %w3"
			 :
			 : "m"(gdtr), "r"(KERNEL_DS), "i"((u64)KERNEL_CS), "r"(TSS_SEL)
			 : "rax", "memory");
}

void tss_set_rsp0(unsigned long rsp0)
{
	struct tss *tss = (struct tss *)this_cpu()->tss;

	tss->rsp0 = rsp0;
}
