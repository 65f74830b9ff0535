/*
 * madt.c - the MADT ("APIC" table): CPUs, local APIC and I/O APIC
 * addresses, ISA interrupt source overrides.
 *
 * After the header: u32 local APIC address, u32 flags, then entries
 * {u8 type, u8 length, ...}.  Recorded: enabled CPUs (types 0 and 9, in
 * table order, at most 16, duplicates dropped), the I/O APIC serving GSI 0
 * (else the first), overrides of ISA IRQs (type 2) and a 64-bit local APIC
 * address (type 5).  Called once from acpi_init(); no locks.
 */
#include <drivers/acpi.h>
#include <kernel/compiler.h>
#include <kernel/printk.h>
#include "acpi_internal.h"

#define MADT_LAPIC 0
#define MADT_IOAPIC 1
#define MADT_OVERRIDE 2
#define MADT_LAPIC_ADDR 5
#define MADT_X2APIC 9

#define LAPIC_ENABLED 1

static void add_cpu(u32 apic_id, u32 flags)
{
	if (!(flags & LAPIC_ENABLED))
		return; /* absent, or "online capable" for hot-plug: not started */
	if (apic_id >= 0xff) {
		pr_warn("ACPI: CPU with APIC id %u needs x2APIC mode, ignored\n", apic_id);
		return;
	}
	for (int i = 0; i < acpi.nr_cpus; i++)
		if (acpi.cpu_apic_ids[i] == apic_id)
			return;
	if (acpi.nr_cpus == (int)ARRAY_SIZE(acpi.cpu_apic_ids)) {
		pr_warn("ACPI: more than %d CPUs, APIC id %u ignored\n", acpi.nr_cpus, apic_id);
		return;
	}
	acpi.cpu_apic_ids[acpi.nr_cpus++] = apic_id;
}

static void add_ioapic(const u8 *e, bool *have)
{
	u32 addr = acpi_get32(e + 4), gsi_base = acpi_get32(e + 8);

	if (*have && (acpi.ioapic_gsi_base == 0 || gsi_base != 0)) {
		pr_info("ACPI: extra I/O APIC at %#x (GSI %u) not used\n", addr, gsi_base);
		return;
	}
	acpi.ioapic_phys = addr;
	acpi.ioapic_gsi_base = gsi_base;
	*have = true;
}

static void add_override(const u8 *e)
{
	u8 bus = e[2], irq = e[3];
	u32 gsi = acpi_get32(e + 4);
	u16 flags = acpi_get16(e + 8);

	if (bus != 0 || irq >= 16) {
		pr_warn("ACPI: override of bus %u IRQ %u ignored\n", bus, irq);
		return;
	}
	acpi.isa_gsi[irq] = gsi;
	acpi.isa_flags[irq] = flags;
	pr_debug("ACPI: ISA IRQ %u -> GSI %u flags %#x\n", irq, gsi, flags);
}

void acpi_parse_madt(const struct acpi_sdt_header *madt)
{
	const u8 *p = (const u8 *)madt + sizeof(*madt) + 8;
	const u8 *end = (const u8 *)madt + madt->length;
	bool have_ioapic = false;

	if (madt->length < sizeof(*madt) + 8)
		return;
	acpi.lapic_phys = acpi_get32(madt + 1);
	for (; p + 2 <= end; p += p[1]) {
		u8 type = p[0], len = p[1];

		if (len < 2 || p + len > end) {
			pr_warn("ACPI: MADT entry of type %u has a bad length %u\n", type, len);
			break;
		}
		switch (type) {
		case MADT_LAPIC:
			if (len >= 8)
				add_cpu(p[3], acpi_get32(p + 4));
			break;
		case MADT_IOAPIC:
			if (len >= 12)
				add_ioapic(p, &have_ioapic);
			break;
		case MADT_OVERRIDE:
			if (len >= 10)
				add_override(p);
			break;
		case MADT_LAPIC_ADDR:
			if (len >= 12)
				acpi.lapic_phys = acpi_get64(p + 4);
			break;
		case MADT_X2APIC:
			if (len >= 16)
				add_cpu(acpi_get32(p + 4), acpi_get32(p + 8));
			break;
		}
	}
	if (!have_ioapic)
		pr_warn("ACPI: MADT lists no I/O APIC, assuming %#llx\n",
			(unsigned long long)acpi.ioapic_phys);
}
