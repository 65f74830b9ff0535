/*
 * apic.c - the local APIC (xAPIC, memory-mapped), inter-processor
 * interrupts, the per-CPU timer tick, and switching off the legacy 8259s.
 *
 * apic_init_bsp() maps the APIC page uncached (the same physical page on
 * every CPU; each CPU sees its own APIC there), masks and remaps the 8259
 * PICs, programs the boot CPU's APIC and measures the APIC timer against
 * the PIT.  apic_init_ap() programs an AP's APIC the same way.
 * apic_timer_start() makes the calling CPU's timer fire VEC_TIMER HZ times
 * a second; the handler counts ticks, advances jiffies on CPU 0, calls
 * apic_timer_hook and scheduler_tick().
 *
 * IPIs: ICR high then low is written with local interrupts off so that an
 * interrupt handler cannot send its own IPI in between; we wait (bounded)
 * for the previous one to leave.  No lock anywhere: every register here is
 * per CPU.
 */
#include <drivers/acpi.h>
#include <kernel/irq.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <mm/pgtable.h>
#include <x86/apic.h>
#include <x86/asm.h>
#include <x86/layout.h>
#include "pit.h"

#define APIC_ID 0x020
#define APIC_VERSION 0x030
#define APIC_TPR 0x080
#define APIC_EOI 0x0b0
#define APIC_SVR 0x0f0
#define APIC_ESR 0x280
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_THERMAL 0x330
#define APIC_LVT_PERF 0x340
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TIMER_ICR 0x380
#define APIC_TIMER_CCR 0x390
#define APIC_TIMER_DCR 0x3e0

#define APIC_SVR_ENABLE (1 << 8)
#define LVT_MASKED (1 << 16)
#define LVT_NMI (4 << 8)
#define LVT_TIMER_PERIODIC (1 << 17)
#define TIMER_DIV_16 0x3

#define ICR_FIXED (0 << 8)
#define ICR_NMI (4 << 8)
#define ICR_INIT (5 << 8)
#define ICR_STARTUP (6 << 8)
#define ICR_BUSY (1 << 12)
#define ICR_ASSERT (1 << 14)
#define ICR_LEVEL (1 << 15)
#define ICR_ALL_BUT_SELF (3 << 18)

#define APIC_BASE_ENABLE (1ULL << 11)
#define APIC_BASE_X2APIC (1ULL << 10)
#define APIC_BASE_ADDR 0x000ffffffffff000ULL

#define CAL_US 20000

void irq_set_fixed(int vector, irq_handler_t handler, void *arg, const char *name);

void (*apic_timer_hook)(void);
static volatile u32 *lapic;
static u32 timer_hz; /* APIC timer counts per second with divide-by-16 */

static inline u32 lapic_read(u32 reg) { return lapic[reg / 4]; }
static inline void lapic_write(u32 reg, u32 v) { lapic[reg / 4] = v; }

u32 apic_id(void)
{
	u32 a, b, c, d;

	if (lapic)
		return lapic_read(APIC_ID) >> 24;
	cpuid(1, 0, &a, &b, &c, &d);
	return b >> 24;
}

void apic_eoi(void)
{
	if (lapic)
		lapic_write(APIC_EOI, 0);
}

/* ---- IPIs ---- */

static void icr_wait(void)
{
	for (int i = 0; i < 1000000 && (lapic_read(APIC_ICR_LO) & ICR_BUSY); i++)
		cpu_relax();
}

static void icr_send(u32 dest, u32 lo)
{
	unsigned long flags;

	if (!lapic)
		return;
	flags = local_irq_save();
	icr_wait();
	lapic_write(APIC_ICR_HI, dest << 24);
	lapic_write(APIC_ICR_LO, lo);
	icr_wait();
	local_irq_restore(flags);
}

void apic_send_ipi(u32 apic_id, int vector) { icr_send(apic_id, ICR_FIXED | ICR_ASSERT | vector); }
void apic_send_ipi_all_but_self(int vector)
{
	icr_send(0, ICR_ALL_BUT_SELF | ICR_FIXED | ICR_ASSERT | vector);
}
void apic_send_nmi_all_but_self(void) { icr_send(0, ICR_ALL_BUT_SELF | ICR_NMI | ICR_ASSERT); }
void apic_send_nmi(u32 apic_id) { icr_send(apic_id, ICR_NMI | ICR_ASSERT); }

void apic_send_init(u32 apic_id)
{
	icr_send(apic_id, ICR_INIT | ICR_LEVEL | ICR_ASSERT);
	udelay(200);
	icr_send(apic_id, ICR_INIT | ICR_LEVEL); /* de-assert, for old APICs */
}

void apic_send_sipi(u32 apic_id, u8 page) { icr_send(apic_id, ICR_STARTUP | page); }

/* ---- set-up ---- */

/* Remaps the two 8259s to vectors 0x20-0x2f (away from the exceptions, in
 * case one fires anyway) and masks every line: the I/O APIC does ISA. */
static void pic_disable(void)
{
	static const u8 icw[2][4] = { { 0x11, 0x20, 0x04, 0x01 }, { 0x11, 0x28, 0x02, 0x01 } };

	for (int i = 0; i < 4; i++) {
		outb(i ? 0x21 : 0x20, icw[0][i]);
		outb(i ? 0xa1 : 0xa0, icw[1][i]);
		outb(0x80, 0); /* a short delay for old PICs */
	}
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

static void apic_setup_cpu(bool bsp)
{
	u32 maxlvt = (lapic_read(APIC_VERSION) >> 16) & 0xff;

	lapic_write(APIC_SVR, APIC_SVR_ENABLE | VEC_SPURIOUS);
	lapic_write(APIC_TPR, 0);
	lapic_write(APIC_LVT_TIMER, LVT_MASKED);
	lapic_write(APIC_LVT_LINT0, LVT_MASKED); /* no 8259 ExtINT */
	lapic_write(APIC_LVT_LINT1, bsp ? LVT_NMI : LVT_MASKED);
	if (maxlvt >= 4)
		lapic_write(APIC_LVT_PERF, LVT_MASKED);
	if (maxlvt >= 5)
		lapic_write(APIC_LVT_THERMAL, LVT_MASKED);
	lapic_write(APIC_LVT_ERROR, LVT_MASKED);
	lapic_write(APIC_ESR, 0); /* back-to-back writes clear it */
	lapic_write(APIC_ESR, 0);
	lapic_write(APIC_EOI, 0);
}

/* Puts this CPU's APIC in xAPIC mode, enabled (firmware may have left it
 * in x2APIC mode, which must go through "disabled" to get back). */
static phys_addr_t apic_enable_xapic(void)
{
	u64 base = rdmsr(MSR_APIC_BASE);

	if (base & APIC_BASE_X2APIC) {
		base &= ~(APIC_BASE_X2APIC | APIC_BASE_ENABLE);
		wrmsr(MSR_APIC_BASE, base);
	}
	if (!(base & APIC_BASE_ENABLE))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	return base & APIC_BASE_ADDR;
}

static u64 read_timer_elapsed(void) { return 0xffffffffu - lapic_read(APIC_TIMER_CCR); }

static void apic_timer_calibrate(void)
{
	u64 counts;

	lapic_write(APIC_TIMER_DCR, TIMER_DIV_16);
	lapic_write(APIC_LVT_TIMER, LVT_MASKED);
	lapic_write(APIC_TIMER_ICR, 0xffffffffu); /* one shot, counts down */
	counts = pit_measure(CAL_US, read_timer_elapsed);
	lapic_write(APIC_TIMER_ICR, 0);
	if (!counts) {
		pr_warn("apic: timer calibration failed, assuming 62.5 MHz\n");
		counts = 62500000ULL * CAL_US / 1000000;
	}
	timer_hz = (u32)(counts * 1000000 / CAL_US);
}

static void apic_timer_interrupt(int vector, void *arg)
{
	struct cpu *c = this_cpu();
	void (*hook)(void) = READ_ONCE(apic_timer_hook);

	c->ticks++;
	if (c->id == 0)
		jiffies++;
	if (hook)
		hook();
	scheduler_tick();
}

void apic_init_bsp(void)
{
	phys_addr_t pa = apic_enable_xapic();

	if (acpi.present && acpi.lapic_phys != pa)
		pr_warn("apic: MADT says the local APIC is at %#llx, the MSR %#llx; using the MSR\n",
			(unsigned long long)acpi.lapic_phys, (unsigned long long)pa);
	lapic = ioremap(pa, PAGE_SIZE);
	pic_disable();
	apic_setup_cpu(true);
	cpus[0].apic_id = apic_id();
	irq_set_fixed(VEC_TIMER, apic_timer_interrupt, NULL, "timer");
	apic_timer_calibrate();
	pr_info("apic: local APIC %#llx, boot CPU id %u, version %#x, timer %u.%03u MHz\n",
		(unsigned long long)pa, cpus[0].apic_id, lapic_read(APIC_VERSION) & 0xff,
		timer_hz / 1000000, timer_hz / 1000 % 1000);
}

void apic_init_ap(void)
{
	apic_enable_xapic();
	apic_setup_cpu(false);
}

void apic_timer_start(void)
{
	if (!lapic || !timer_hz)
		return;
	lapic_write(APIC_TIMER_DCR, TIMER_DIV_16);
	lapic_write(APIC_LVT_TIMER, LVT_TIMER_PERIODIC | VEC_TIMER);
	lapic_write(APIC_TIMER_ICR, timer_hz / HZ);
}
