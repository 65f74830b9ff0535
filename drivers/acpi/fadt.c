/*
 * fadt.c - the FADT ("FACP" table), the DSDT's \_S5 object, and
 * acpi_poweroff().
 *
 * Power-off (S5) writes SLP_TYPx | SLP_EN to the PM1a (and PM1b, if any)
 * control register.  SLP_TYPx come from the DSDT's \_S5 package; instead of
 * an AML interpreter we look for the byte pattern of
 *   NameOp "_S5_" PackageOp PkgLength NumElements <SLP_TYPa> <SLP_TYPb> ...
 * which is how every firmware we know encodes it.  Parsed once from
 * acpi_init(); acpi_poweroff() only does port I/O (no lock, any context).
 */
#include <drivers/acpi.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <x86/asm.h>
#include "acpi_internal.h"

/* FADT field offsets (ACPI 6.x, table 5.9). */
#define FADT_DSDT 40
#define FADT_SMI_CMD 48
#define FADT_ACPI_ENABLE 52
#define FADT_PM1A_CNT 64
#define FADT_PM1B_CNT 68
#define FADT_X_DSDT 140
#define FADT_X_PM1A_CNT 172 /* generic address structures, 12 bytes */
#define FADT_X_PM1B_CNT 184

#define GAS_SYSTEM_IO 1
#define PM1_SCI_EN (1 << 0)
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_EN (1 << 13)

#define AML_NAME_OP 0x08
#define AML_PACKAGE_OP 0x12
#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_DWORD_PREFIX 0x0c

static u16 pm1b_cnt_port, slp_typb;
static u16 smi_cmd_port;
static u8 acpi_enable_value;

/* A PM1 control block: the 32-bit field, or the X_ one when that is set
 * and in I/O space (we do not support memory-mapped PM1 blocks). */
static u16 pm1_port(const struct acpi_sdt_header *f, int off32, int off_gas)
{
	const u8 *b = (const u8 *)f;

	if (f->length >= (u32)off_gas + 12 && acpi_get64(b + off_gas + 4)) {
		if (b[off_gas] == GAS_SYSTEM_IO)
			return (u16)acpi_get64(b + off_gas + 4);
		pr_warn("ACPI: PM1 control block is not in I/O space, unsupported\n");
		return 0;
	}
	return f->length >= (u32)off32 + 4 ? (u16)acpi_get32(b + off32) : 0;
}

/* Decodes one small AML integer at p; returns bytes used, 0 if not one. */
static int aml_small_int(const u8 *p, const u8 *end, u16 *val)
{
	if (p >= end)
		return 0;
	switch (p[0]) {
	case AML_ZERO_OP:
		*val = 0;
		return 1;
	case AML_ONE_OP:
		*val = 1;
		return 1;
	case AML_BYTE_PREFIX:
		if (p + 2 > end)
			return 0;
		*val = p[1];
		return 2;
	case AML_WORD_PREFIX:
	case AML_DWORD_PREFIX:
		if (p + 3 > end)
			return 0;
		*val = acpi_get16(p + 1);
		return p[0] == AML_WORD_PREFIX ? 3 : 5;
	}
	return 0;
}

static bool find_s5(const struct acpi_sdt_header *dsdt, u16 *typa, u16 *typb)
{
	const u8 *aml = (const u8 *)(dsdt + 1);
	const u8 *end = (const u8 *)dsdt + dsdt->length;

	for (const u8 *p = aml + 1; p + 4 < end; p++) {
		const u8 *q;
		int n;

		if (memcmp(p, "_S5_", 4) != 0)
			continue;
		if (p[-1] != AML_NAME_OP &&
		    !(p[-1] == '\\' && p - 2 >= aml && p[-2] == AML_NAME_OP))
			continue;
		q = p + 4;
		if (*q++ != AML_PACKAGE_OP || q >= end)
			continue;
		q += 1 + (*q >> 6); /* PkgLength: lead byte + 0..3 more */
		q++; /* NumElements */
		if (!(n = aml_small_int(q, end, typa)))
			continue;
		if (!aml_small_int(q + n, end, typb))
			*typb = 0;
		return true;
	}
	return false;
}

void acpi_parse_fadt(const struct acpi_sdt_header *f)
{
	const u8 *b = (const u8 *)f;
	const struct acpi_sdt_header *dsdt = NULL;
	phys_addr_t dsdt_pa = 0;
	u16 typa, typb;

	if (f->length < FADT_PM1B_CNT + 4) {
		pr_warn("ACPI: FADT too short (%u bytes)\n", f->length);
		return;
	}
	acpi.pm1a_cnt_port = pm1_port(f, FADT_PM1A_CNT, FADT_X_PM1A_CNT);
	pm1b_cnt_port = pm1_port(f, FADT_PM1B_CNT, FADT_X_PM1B_CNT);
	smi_cmd_port = (u16)acpi_get32(b + FADT_SMI_CMD);
	acpi_enable_value = b[FADT_ACPI_ENABLE];

	if (f->length >= FADT_X_DSDT + 8)
		dsdt_pa = acpi_get64(b + FADT_X_DSDT);
	if (!dsdt_pa)
		dsdt_pa = acpi_get32(b + FADT_DSDT);
	if (dsdt_pa)
		dsdt = acpi_load_table(dsdt_pa, "DSDT");
	if (!dsdt) {
		pr_warn("ACPI: no usable DSDT: no ACPI power-off\n");
		return;
	}
	if (!find_s5(dsdt, &typa, &typb)) {
		pr_warn("ACPI: no \\_S5 in the DSDT: no ACPI power-off\n");
		return;
	}
	acpi.slp_typa = typa & 7;
	slp_typb = typb & 7;
	acpi.s5_valid = acpi.pm1a_cnt_port != 0;
}

void acpi_poweroff(void)
{
	u16 v;

	if (!acpi.s5_valid)
		return;
	v = inw(acpi.pm1a_cnt_port);
	if (!(v & PM1_SCI_EN) && smi_cmd_port && acpi_enable_value) {
		/* Hand the hardware from SMM to ACPI (OSPM) mode first. */
		outb(smi_cmd_port, acpi_enable_value);
		for (int i = 0; i < 1000000 && !(inw(acpi.pm1a_cnt_port) & PM1_SCI_EN); i++)
			cpu_relax();
	}
	if (pm1b_cnt_port) {
		u16 w = inw(pm1b_cnt_port) & ~(7 << PM1_SLP_TYP_SHIFT);
		outw(pm1b_cnt_port, w | slp_typb << PM1_SLP_TYP_SHIFT | PM1_SLP_EN);
	}
	v = inw(acpi.pm1a_cnt_port) & ~(7 << PM1_SLP_TYP_SHIFT);
	outw(acpi.pm1a_cnt_port, v | acpi.slp_typa << PM1_SLP_TYP_SHIFT | PM1_SLP_EN);
}
