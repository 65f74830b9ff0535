/*
 * acpi_internal.h - shared by the files of drivers/acpi/ only: the common table
 * header and the helpers of acpi.c.  Everything here runs once, on the boot
 * CPU, inside acpi_init(); nothing is locked.
 */
#ifndef DRIVERS_ACPI_INTERNAL_H
#define DRIVERS_ACPI_INTERNAL_H

#include <kernel/compiler.h>
#include <kernel/types.h>

/* The header every System Description Table starts with (36 bytes). */
struct acpi_sdt_header {
	char sig[4];
	u32 length;
	u8 revision;
	u8 checksum;
	char oem_id[6];
	char oem_table_id[8];
	u32 oem_revision;
	u32 creator_id;
	u32 creator_revision;
} __packed;

/* Reads little-endian fields at any alignment. */
static inline u16 acpi_get16(const void *p)
{
	return ((const struct { u16 v; } __packed *)p)->v;
}
static inline u32 acpi_get32(const void *p)
{
	return ((const struct { u32 v; } __packed *)p)->v;
}
static inline u64 acpi_get64(const void *p)
{
	return ((const struct { u64 v; } __packed *)p)->v;
}

/* Maps a table at pa, checks its length and checksum, records it for
 * acpi_find_table() and returns it; NULL (with a warning) if it is bad.
 * sig, if not NULL, is the signature it must have. */
const struct acpi_sdt_header *acpi_load_table(phys_addr_t pa, const char *sig);

void acpi_parse_madt(const struct acpi_sdt_header *madt);
void acpi_parse_fadt(const struct acpi_sdt_header *fadt);

#endif
