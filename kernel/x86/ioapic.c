/*
 * ioapic.c - the I/O APIC: routing device interrupts (GSIs) to vectors,
 * and irq_request_isa()/irq_request_gsi() on top of it.
 *
 * One I/O APIC (the MADT's, see drivers/acpi/madt.c) serving GSIs
 * gsi_base .. gsi_base + pins - 1.  ioapic_init() masks every pin.  A
 * request allocates a vector (irq_alloc_vector) and routes the pin, fixed
 * delivery in physical mode, to the boot CPU; a pin is handed out once.
 * ISA IRQs go through the MADT's source overrides (GSI, polarity, trigger).
 *
 * Lock: ioapic_lock (IRQ-safe) around every register access, because a
 * register is reached by writing its index and then the data window.
 */
#include <drivers/acpi.h>
#include <kernel/errno.h>
#include <kernel/irq.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <mm/pgtable.h>
#include <x86/apic.h>
#include <x86/layout.h>

#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOAPIC_VER 0x01
#define IOAPIC_REDTBL(n) (0x10 + 2 * (n))

#define RTE_MASKED (1u << 16)
#define RTE_LEVEL (1u << 15)
#define RTE_ACTIVE_LOW (1u << 13)

/* MPS INTI flags in the MADT overrides */
#define INTI_POLARITY_LOW 3
#define INTI_TRIGGER_LEVEL 3

#define MAX_PINS 240

static volatile u32 *ioapic;
static u32 gsi_base, nr_pins;
static u64 pin_used[(MAX_PINS + 63) / 64];
static DEFINE_SPINLOCK(ioapic_lock);

static u32 ioapic_read(u32 reg)
{
	ioapic[IOREGSEL / 4] = reg;
	return ioapic[IOWIN / 4];
}

static void ioapic_write(u32 reg, u32 v)
{
	ioapic[IOREGSEL / 4] = reg;
	ioapic[IOWIN / 4] = v;
}

void ioapic_init(void)
{
	u32 ver;

	ioapic = ioremap(acpi.ioapic_phys, PAGE_SIZE);
	ver = ioapic_read(IOAPIC_VER);
	if (ver == 0xffffffffu) {
		pr_warn("ioapic: nothing at %#llx: no device interrupts\n",
			(unsigned long long)acpi.ioapic_phys);
		ioapic = NULL;
		return;
	}
	gsi_base = acpi.ioapic_gsi_base;
	nr_pins = MIN(((ver >> 16) & 0xff) + 1, (u32)MAX_PINS);
	for (u32 pin = 0; pin < nr_pins; pin++) {
		ioapic_write(IOAPIC_REDTBL(pin), RTE_MASKED);
		ioapic_write(IOAPIC_REDTBL(pin) + 1, 0);
	}
	pr_info("ioapic: %#llx, version %#x, GSI %u-%u\n", (unsigned long long)acpi.ioapic_phys,
		ver & 0xff, gsi_base, gsi_base + nr_pins - 1);
}

static bool gsi_valid(u32 gsi) { return ioapic && gsi >= gsi_base && gsi - gsi_base < nr_pins; }

void ioapic_route(u32 gsi, int vector, u32 dest, bool level, bool active_low)
{
	u32 pin = gsi - gsi_base, lo = (u32)vector;
	unsigned long flags;

	if (!gsi_valid(gsi))
		return;
	if (level)
		lo |= RTE_LEVEL;
	if (active_low)
		lo |= RTE_ACTIVE_LOW;
	flags = spin_lock_irqsave(&ioapic_lock);
	ioapic_write(IOAPIC_REDTBL(pin), RTE_MASKED);
	ioapic_write(IOAPIC_REDTBL(pin) + 1, dest << 24);
	ioapic_write(IOAPIC_REDTBL(pin), lo); /* unmasked last */
	spin_unlock_irqrestore(&ioapic_lock, flags);
}

void ioapic_mask(u32 gsi)
{
	u32 pin = gsi - gsi_base;
	unsigned long flags;

	if (!gsi_valid(gsi))
		return;
	flags = spin_lock_irqsave(&ioapic_lock);
	ioapic_write(IOAPIC_REDTBL(pin), ioapic_read(IOAPIC_REDTBL(pin)) | RTE_MASKED);
	spin_unlock_irqrestore(&ioapic_lock, flags);
}

int irq_request_gsi(u32 gsi, bool level, bool active_low, irq_handler_t handler, void *arg,
		    const char *name)
{
	u32 pin = gsi - gsi_base;
	unsigned long flags;
	bool busy;
	int vector;

	if (!ioapic)
		return -ENODEV;
	if (!gsi_valid(gsi))
		return -EINVAL;
	flags = spin_lock_irqsave(&ioapic_lock);
	busy = pin_used[pin / 64] & (1ULL << (pin % 64));
	pin_used[pin / 64] |= 1ULL << (pin % 64);
	spin_unlock_irqrestore(&ioapic_lock, flags);
	if (busy)
		return -EBUSY;
	vector = irq_alloc_vector(handler, arg, name);
	if (vector < 0) {
		flags = spin_lock_irqsave(&ioapic_lock);
		pin_used[pin / 64] &= ~(1ULL << (pin % 64));
		spin_unlock_irqrestore(&ioapic_lock, flags);
		return vector;
	}
	ioapic_route(gsi, vector, cpus[0].apic_id, level, active_low);
	pr_debug("ioapic: GSI %u (%s, %s) -> vector %#x for %s\n", gsi, level ? "level" : "edge",
		 active_low ? "low" : "high", vector, name);
	return vector;
}

int irq_request_isa(int isa_irq, irq_handler_t handler, void *arg, const char *name)
{
	u16 fl;

	if (isa_irq < 0 || isa_irq >= 16)
		return -EINVAL;
	fl = acpi.isa_flags[isa_irq];
	/* 0 ("conforms to the bus") means ISA's own: edge, active high. */
	return irq_request_gsi(acpi.isa_gsi[isa_irq], ((fl >> 2) & 3) == INTI_TRIGGER_LEVEL,
			       (fl & 3) == INTI_POLARITY_LOW, handler, arg, name);
}
