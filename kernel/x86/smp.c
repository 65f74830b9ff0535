/*
 * smp.c - starting the other CPUs, and the cross-CPU calls: reschedule,
 * call a function everywhere, stop everything (panic).
 *
 * Bring-up (smp_boot_cpus, boot CPU, interrupts on): for each CPU of the
 * MADT other than ourselves, one at a time: allocate its stack (KSTACK_SIZE,
 * aligned to its size, which the scheduler relies on), fill the trampoline's
 * data, INIT, 10 ms, SIPI, 200 us, SIPI, then wait up to AP_TIMEOUT_MS for
 * it to set cpus[id].online.  One that does not answer is reported, put
 * back to sleep with INIT, and skipped; its id is reused, so online CPUs
 * are always 0 .. nr_cpus_online-1.  The AP (ap_start) loads the kernel page
 * tables, the BSP's CR0/CR4/EFER features, its GS base, GDT/TSS and IDT,
 * programs its APIC and timer, counts itself online and becomes its idle
 * task.
 *
 * smp_call_function: one call at a time under call_lock (a plain spinlock:
 * the caller waits with interrupts ON, so a CPU spinning on call_lock still
 * takes our IPI; the caller must not hold any IRQ-disabling lock, or a CPU
 * spinning on that lock with interrupts off would never run fn and both
 * would wait forever).  smp_send_stop takes no lock and waits at most
 * about 110 ms, so panic() can use it with interrupts off.
 */
#include <drivers/acpi.h>
#include <kernel/atomic.h>
#include <kernel/irq.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <mm/page.h>
#include <mm/pgtable.h>
#include <x86/apic.h>
#include <x86/asm.h>
#include <x86/layout.h>
#include <x86/traps.h>

#define AP_TIMEOUT_MS 2000
#define STOP_TIMEOUT_MS 100

void irq_set_fixed(int vector, irq_handler_t handler, void *arg, const char *name);

/* Filled before each SIPI; layout matches boot/trampoline.S. */
struct trampoline_data {
	u32 cr3; /* physical, below 4 GiB: loaded in 32-bit mode */
	u32 pad;
	u64 stack;
	u64 entry;
	u64 arg;
};
extern const char trampoline_start[], trampoline_end[], trampoline_data[];

/* Offset of a trampoline label from its start (integers: the labels are
 * distinct C objects as far as the compiler knows). */
static unsigned long tr_offset(const char *label)
{
	return (unsigned long)label - (unsigned long)trampoline_start;
}

/* The APs' first page tables: the kernel half of kernel_pml4 plus an
 * identity map of the first 2 MiB (where the trampoline runs).  In the
 * kernel image, so below 4 GiB. */
static u64 ap_pml4[512] __aligned(PAGE_SIZE);
static u64 ap_pdpt[512] __aligned(PAGE_SIZE);
static u64 ap_pd[512] __aligned(PAGE_SIZE);

/* The boot CPU's control registers, mirrored by each AP. */
static u64 bsp_cr0, bsp_cr4, bsp_efer;

static DEFINE_SPINLOCK(call_lock);
static void (*call_fn)(void *);
static void *call_arg;
static int call_pending;

static unsigned long stopped_mask;
static bool stopping;

void smp_reserve_trampoline(void) { memblock_reserve(TRAMPOLINE_PHYS, PAGE_SIZE); }

static inline void write_cr0(u64 v) { __asm__ volatile("mov %0, %%cr0" ::"r"(v) : "memory"); }

/* ---- IPI handlers ---- */

static void resched_interrupt(int vector, void *arg)
{
	this_cpu()->ipi_count++;
	this_cpu()->need_resched = true;
}

static void call_func_interrupt(int vector, void *arg)
{
	void (*fn)(void *) = __atomic_load_n(&call_fn, __ATOMIC_ACQUIRE);

	this_cpu()->ipi_count++;
	if (!fn)
		return;
	fn(READ_ONCE(call_arg));
	__atomic_sub_fetch(&call_pending, 1, __ATOMIC_RELEASE);
}

static void stop_interrupt(int vector, void *arg)
{
	local_irq_disable();
	__atomic_or_fetch(&stopped_mask, 1UL << smp_processor_id(), __ATOMIC_SEQ_CST);
	for (;;)
		halt();
}

/* ---- AP bring-up ---- */

static __noreturn void ap_start(u64 id)
{
	struct cpu *c = &cpus[id];

	write_cr3(kernel_pml4_phys);
	write_cr0(bsp_cr0);
	write_cr4(bsp_cr4);
	wrmsr(MSR_EFER, bsp_efer);
	wrmsr(MSR_GS_BASE, (u64)c);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	gdt_init_cpu((int)id);
	idt_load();
	apic_init_ap();
	apic_timer_start();
	__atomic_add_fetch(&nr_cpus_online, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
	sched_init_ap();
	cpu_idle_loop();
}

static void build_ap_page_tables(void)
{
	ap_pd[0] = 0 | PTE_P | PTE_W | PTE_PS; /* 0..2 MiB, executable */
	ap_pdpt[0] = __pa_symbol(ap_pd) | PTE_P | PTE_W;
	ap_pml4[0] = __pa_symbol(ap_pdpt) | PTE_P | PTE_W;
	for (int i = 256; i < 512; i++)
		ap_pml4[i] = kernel_pml4[i];
}

static bool wait_online(int id, u64 ms)
{
	u64 deadline = ktime_get_ns() + ms * NSEC_PER_MSEC;

	while (!__atomic_load_n(&cpus[id].online, __ATOMIC_ACQUIRE)) {
		if (ktime_get_ns() > deadline)
			return false;
		cpu_relax();
	}
	return true;
}

/* Starts the CPU with that APIC id as logical CPU id; true if it came up. */
static bool boot_one(int id, u32 apic, void *stack)
{
	struct trampoline_data *td = __va(TRAMPOLINE_PHYS + tr_offset(trampoline_data));
	struct cpu *c = &cpus[id];

	c->self = c;
	c->id = id;
	c->apic_id = apic;
	c->online = false;
	td->cr3 = (u32)__pa_symbol(ap_pml4);
	td->stack = (u64)stack + KSTACK_SIZE;
	td->entry = (u64)ap_start;
	td->arg = (u64)id;
	smp_mb();

	apic_send_init(apic);
	udelay(10000);
	apic_send_sipi(apic, TRAMPOLINE_PHYS >> 12);
	udelay(200);
	if (!READ_ONCE(c->online))
		apic_send_sipi(apic, TRAMPOLINE_PHYS >> 12);
	if (wait_online(id, AP_TIMEOUT_MS))
		return true;
	apic_send_init(apic); /* park it: it must not wake up later */
	return false;
}

void smp_boot_cpus(void)
{
	u32 me = apic_id();
	unsigned order = 0;
	void *stack = NULL;
	int id = 1;

	irq_set_fixed(VEC_RESCHED, resched_interrupt, NULL, "resched");
	irq_set_fixed(VEC_CALL_FUNC, call_func_interrupt, NULL, "call-func");
	irq_set_fixed(VEC_PANIC_STOP, stop_interrupt, NULL, "stop");
	cpus[0].apic_id = me;
	nr_cpus_possible = acpi.nr_cpus > 0 ? MIN(acpi.nr_cpus, MAX_CPUS) : 1;
	if (nr_cpus_possible == 1)
		return;

	memcpy(__va(TRAMPOLINE_PHYS), trampoline_start, tr_offset(trampoline_end));
	build_ap_page_tables();
	bsp_cr0 = read_cr0();
	bsp_cr4 = read_cr4();
	bsp_efer = rdmsr(MSR_EFER);
	while ((PAGE_SIZE << order) < KSTACK_SIZE)
		order++;

	for (int i = 0; i < acpi.nr_cpus && id < MAX_CPUS; i++) {
		u32 apic = acpi.cpu_apic_ids[i];
		struct page *pg;

		if (apic == me)
			continue;
		if (!stack) {
			pg = alloc_pages(GFP_KERNEL, order);
			if (!pg) {
				pr_err("smp: no memory for a CPU stack\n");
				break;
			}
			stack = page_address(pg);
		}
		if (boot_one(id, apic, stack)) {
			stack = NULL; /* it is the AP's now */
			id++;
		} else {
			pr_err("smp: CPU with APIC id %u did not start, skipped\n", apic);
		}
	}
	if (stack) /* the last try failed: the parked CPU never uses it */
		__free_pages(virt_to_page(stack), order);
	pr_info("smp: %d of %d CPUs online\n", nr_cpus_online, nr_cpus_possible);
}

/* ---- cross-CPU calls ---- */

void smp_send_reschedule(int cpu)
{
	if (cpu == smp_processor_id()) {
		this_cpu()->need_resched = true;
		return;
	}
	if (cpu >= 0 && cpu < MAX_CPUS && READ_ONCE(cpus[cpu].online))
		apic_send_ipi(cpus[cpu].apic_id, VEC_RESCHED);
}

void smp_call_function(void (*fn)(void *), void *arg)
{
	int me, n = 0;

	if (READ_ONCE(nr_cpus_online) <= 1)
		return;
	WARN_ON(irqs_disabled());
	spin_lock(&call_lock);
	me = smp_processor_id();
	for (int i = 0; i < MAX_CPUS; i++)
		if (i != me && READ_ONCE(cpus[i].online))
			n++;
	WRITE_ONCE(call_arg, arg);
	__atomic_store_n(&call_pending, n, __ATOMIC_SEQ_CST);
	__atomic_store_n(&call_fn, fn, __ATOMIC_SEQ_CST);
	for (int i = 0; i < MAX_CPUS; i++)
		if (i != me && READ_ONCE(cpus[i].online))
			apic_send_ipi(cpus[i].apic_id, VEC_CALL_FUNC);
	while (__atomic_load_n(&call_pending, __ATOMIC_ACQUIRE) > 0)
		cpu_relax();
	__atomic_store_n(&call_fn, NULL, __ATOMIC_SEQ_CST);
	spin_unlock(&call_lock);
}

static unsigned long others_online(int me)
{
	unsigned long mask = 0;

	for (int i = 0; i < MAX_CPUS; i++)
		if (i != me && READ_ONCE(cpus[i].online))
			mask |= 1UL << i;
	return mask;
}

void smp_send_stop(void)
{
	int me = smp_processor_id();
	unsigned long want = others_online(me), left;
	u64 waited = 0;

	if (!want || __atomic_exchange_n(&stopping, true, __ATOMIC_SEQ_CST))
		return;
	for (int i = 0; i < MAX_CPUS; i++)
		if (want & (1UL << i))
			apic_send_ipi(cpus[i].apic_id, VEC_PANIC_STOP);
	while ((left = want & ~__atomic_load_n(&stopped_mask, __ATOMIC_ACQUIRE)) &&
	       waited < STOP_TIMEOUT_MS * 10) {
		udelay(100);
		waited++;
	}
	if (!left)
		return;
	/* Stuck with interrupts off: an NMI gets through (the NMI handler sees
	 * the panic in progress and halts). */
	for (int i = 0; i < MAX_CPUS; i++)
		if (left & (1UL << i))
			apic_send_nmi(cpus[i].apic_id);
	udelay(10000);
}
