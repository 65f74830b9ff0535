/*
 * main.c - start_kernel(): bring the machine up in order, then hand over
 * to the work the command line asks for (a self-test, or init).
 *
 * Order matters: per-CPU data first (locks and printk use it), then the
 * descriptor tables (so faults are reported), boot information and memory,
 * then ACPI, interrupts and time, the scheduler, the other CPUs, and last
 * whatever runs on top.
 */
#include <drivers/acpi.h>
#include <drivers/serial.h>
#include <fs/pagemap.h>
#include <kernel/bootinfo.h>
#include <kernel/power.h>
#include <kernel/printk.h>
#include <kernel/lockdep.h>
#include <kernel/sched.h>
#include <kernel/two_state_lock.h>
#include <kernel/time.h>
#include <kernel/smp.h>
#include <kernel/string.h>
#include <mm/page.h>
#include <mm/pgtable.h>
#include <mm/slab.h>
#include <x86/apic.h>
#include <x86/asm.h>
#include <x86/traps.h>

struct cpu cpus[MAX_CPUS];
int nr_cpus_online = 1;
int nr_cpus_possible = 1;
bool percpu_ready;

extern char __boot_start[], _kernel_end[];
void paging_buddy_ready(void);
__noreturn void rest_init(void);

static void percpu_init_bsp(void)
{
	cpus[0].self = &cpus[0];
	cpus[0].id = 0;
	cpus[0].online = true;
	wrmsr(MSR_GS_BASE, (u64)&cpus[0]);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	percpu_ready = true;
}

/*
 * naive=a,b,...: bring back a broken design so its failure can be watched
 * (docs/page-cache-locking.md).  Each word sets one switch; unknown words
 * are warned about.
 */
static void naive_options_parse(const char *v)
{
	char buf[128], *p = buf, *w;

	if (!v)
		return;
	strlcpy(buf, v, sizeof(buf));
	while ((w = strsep(&p, ","))) {
		if (!*w)
			continue;
		if (strcmp(w, "unfair") == 0)
			two_state_naive_unfair = true;
		else if (strcmp(w, "fdm") == 0)
			pagecache_naive_fdm = true;
		else if (strcmp(w, "order") == 0)
			pagecache_naive_order = true;
		else if (strcmp(w, "nodio-lock") == 0)
			pagecache_naive_nodio_lock = true;
		else
			printk(KERN_WARNING
			       "naive=%s: unknown word (known: unfair, fdm, order, nodio-lock)\n",
			       w);
	}
	if (two_state_naive_unfair)
		printk(KERN_WARNING "naive=unfair: two-state locks without handoff\n");
	if (pagecache_naive_fdm)
		printk(KERN_WARNING "naive=fdm: faults ignore faults_disabled_mapping\n");
	if (pagecache_naive_order)
		printk(KERN_WARNING "naive=order: faults under O_DIRECT wait in any lock order\n");
	if (pagecache_naive_nodio_lock)
		printk(KERN_WARNING "naive=nodio-lock: O_DIRECT without the BLOCK state\n");
}

/* Boot CPU settings; the APs copy CR0/CR4/EFER from the boot CPU when they
 * start (kernel/x86/smp.c), so this is the place for all of them. */
static void cpu_features_init(void)
{
	u64 cr4 = read_cr4();
	u64 cr0;

	cr4 |= 1 << 7; /* PGE: global pages */
	cr4 |= 1 << 9; /* OSFXSR: user programs use SSE (FXSAVE/FXRSTOR) */
	cr4 |= 1 << 10; /* OSXMMEXCPT: SIMD exceptions as #XM */
	write_cr4(cr4);
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 &= ~(1ULL << 2); /* EM off: the FPU exists */
	cr0 |= 1ULL << 1; /* MP */
	cr0 &= ~(1ULL << 3); /* TS off: no lazy FPU switching */
	__asm__ volatile("mov %0, %%cr0" ::"r"(cr0));
	__asm__ volatile("fninit");
}

void start_kernel(u32 mb_magic, u32 mb_info)
{
	char fwcmd[CMDLINE_MAX];
	const char *v;

	serial_init();
	percpu_init_bsp();
	gdt_init_cpu(0);
	idt_init();
	cpu_features_init();
	printk(KERN_INFO "\nteachos: booting on x86_64\n");

	multiboot_parse(mb_magic, mb_info);
	memblock_reserve((phys_addr_t)(unsigned long)__boot_start,
			 __pa_symbol(_kernel_end) - (phys_addr_t)(unsigned long)__boot_start);
	if (fw_cfg_read_file("opt/kernel/cmdline", fwcmd, sizeof(fwcmd)) >= 0)
		strlcpy(boot_info.cmdline, fwcmd, sizeof(boot_info.cmdline));
	cmdline_parse();
	console_loglevel = (int)cmdline_get_int("loglevel", 6);
	printk(KERN_INFO "command line: %s\n", boot_info.cmdline);
	lockdep_enabled = cmdline_get_int("lockdep", 0) != 0;
	naive_options_parse(cmdline_get("naive"));
	v = cmdline_get("page_poison");
	if (v && strcmp(v, "0") == 0)
		page_poison_enabled = false;

	paging_init();
	smp_reserve_trampoline();
	page_alloc_init();
	paging_buddy_ready();
	kmalloc_init();

	acpi_init();
	apic_init_bsp();
	ioapic_init();
	time_init();
	sched_init();
	apic_timer_start();
	local_irq_enable();
	smp_boot_cpus();
	rest_init();
}
