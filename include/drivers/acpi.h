/*
 * acpi.h - the ACPI tables the kernel reads (drivers/acpi/).
 *
 * acpi_init() finds the RSDP (multiboot2 tag, else a scan of the EBDA and
 * 0xE0000-0xFFFFF), checks table checksums, and records: the CPUs' local
 * APIC ids (MADT), the I/O APIC address and GSI base, ISA interrupt source
 * overrides, the PCI ECAM regions (MCFG) and the FADT's PM1a control block
 * and S5 sleep type for power-off.  Read-only after boot.
 */
#ifndef DRIVERS_ACPI_H
#define DRIVERS_ACPI_H

#include <kernel/types.h>

struct acpi_info {
	bool present;
	int nr_cpus;
	u32 cpu_apic_ids[16];
	phys_addr_t lapic_phys;
	phys_addr_t ioapic_phys;
	u32 ioapic_gsi_base;
	/* ISA IRQ -> GSI and polarity/trigger after overrides */
	u32 isa_gsi[16];
	u16 isa_flags[16];
	phys_addr_t ecam_phys; /* 0 when no MCFG */
	u16 ecam_segment;
	u8 ecam_bus_start, ecam_bus_end;
	u16 pm1a_cnt_port;
	u16 slp_typa;
	bool s5_valid;
};

extern struct acpi_info acpi;

void acpi_init(void);
void acpi_poweroff(void);
/* Finds a table by signature ("APIC", "MCFG"...); returns its direct-map
 * address or NULL. */
const void *acpi_find_table(const char sig[4]);

#endif
