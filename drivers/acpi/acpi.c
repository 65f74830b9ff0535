/*
 * acpi.c - finding and checking the ACPI tables; acpi_init() and
 * acpi_find_table().
 *
 * The RSDP comes from the multiboot2 copy in boot_info, else from a scan of
 * the EBDA's first KiB and of 0xE0000-0xFFFFF.  The root table (the XSDT
 * when the RSDP has one, else the RSDT) lists the other tables; each is
 * mapped, its checksum checked (a bad one is warned about and skipped, never
 * fatal) and remembered.  The MADT, FADT (with the DSDT) and MCFG are then
 * parsed into `acpi` (madt.c, fadt.c, here).
 *
 * Mapping: the direct map covers RAM and ACPI-typed memory, but firmware
 * may keep tables in plain "reserved" ranges (SeaBIOS does), so every page
 * a table touches is added to the direct map, read-only, if it is missing.
 * That happens only in acpi_init() (boot CPU, before the other CPUs run),
 * so acpi_find_table() later just looks the table up: lock-free, read-only.
 */
#include <drivers/acpi.h>
#include <kernel/bootinfo.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/pgtable.h>
#include <x86/layout.h>
#include "acpi_internal.h"

struct acpi_info acpi;

struct acpi_rsdp {
	char sig[8]; /* "RSD PTR " */
	u8 checksum; /* of the first 20 bytes */
	char oem_id[6];
	u8 revision; /* 0: ACPI 1.0 (20 bytes); >= 2: the fields below */
	u32 rsdt;
	u32 length;
	u64 xsdt;
	u8 ext_checksum; /* of all `length` bytes */
	u8 reserved[3];
} __packed;

#define MAX_TABLES 32
#define MAX_TABLE_LEN (4u << 20)
#define MAX_PHYS (1ULL << 46) /* what the 64 TiB direct map can reach */

static const struct acpi_sdt_header *tables[MAX_TABLES];
static int nr_tables;

static bool checksum_ok(const void *p, size_t len)
{
	const u8 *b = p;
	u8 sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += b[i];
	return sum == 0;
}

/* True if the direct map already translates va. */
static bool direct_mapped(unsigned long va)
{
	const u64 *t = kernel_pml4;

	for (int level = 3;; level--) {
		u64 e = t[(va >> (12 + 9 * level)) & 511];
		if (!(e & PTE_P))
			return false;
		if (level == 0 || (level < 3 && (e & PTE_PS)))
			return true;
		t = __va(e & PTE_ADDR_MASK);
	}
}

/* Makes [pa, pa+len) readable through the direct map; returns __va(pa) or
 * NULL if a page table cannot be allocated. */
static const void *acpi_map(phys_addr_t pa, size_t len)
{
	if (pa + len > MAX_PHYS || pa + len < pa)
		return NULL;
	for (phys_addr_t p = ALIGN_DOWN(pa, PAGE_SIZE); p < pa + len; p += PAGE_SIZE) {
		unsigned long va = (unsigned long)__va(p);
		u64 *pte;

		if (direct_mapped(va))
			continue;
		pte = pgtable_walk(kernel_pml4, va, true);
		if (!pte)
			return NULL;
		*pte = p | PTE_P | PTE_G | PTE_NX; /* read-only, cached */
	}
	return __va(pa);
}

static void sig_string(char out[5], const char *sig)
{
	for (int i = 0; i < 4; i++)
		out[i] = sig[i] >= 0x20 && sig[i] < 0x7f ? sig[i] : '?';
	out[4] = 0;
}

const struct acpi_sdt_header *acpi_load_table(phys_addr_t pa, const char *sig)
{
	const struct acpi_sdt_header *h = acpi_map(pa, sizeof(*h));
	char name[5];

	if (!h) {
		pr_warn("ACPI: table at %#llx cannot be mapped\n", (unsigned long long)pa);
		return NULL;
	}
	sig_string(name, h->sig);
	if (sig && memcmp(h->sig, sig, 4) != 0) {
		pr_warn("ACPI: table at %#llx is '%s', expected '%s'\n", (unsigned long long)pa,
			name, sig);
		return NULL;
	}
	if (h->length < sizeof(*h) || h->length > MAX_TABLE_LEN || !acpi_map(pa, h->length)) {
		pr_warn("ACPI: %s at %#llx: bad length %u, ignored\n", name, (unsigned long long)pa,
			h->length);
		return NULL;
	}
	if (!checksum_ok(h, h->length)) {
		pr_warn("ACPI: %s at %#llx: bad checksum, ignored\n", name, (unsigned long long)pa);
		return NULL;
	}
	for (int i = 0; i < nr_tables; i++)
		if (tables[i] == h)
			return h;
	if (nr_tables < MAX_TABLES)
		tables[nr_tables++] = h;
	else
		pr_warn("ACPI: too many tables, %s not recorded\n", name);
	pr_debug("ACPI: %s %#010llx len %u\n", name, (unsigned long long)pa, h->length);
	return h;
}

const void *acpi_find_table(const char sig[4])
{
	for (int i = 0; i < nr_tables; i++)
		if (memcmp(tables[i]->sig, sig, 4) == 0)
			return tables[i];
	return NULL;
}

static bool rsdp_valid(const struct acpi_rsdp *r, size_t avail)
{
	if (memcmp(r->sig, "RSD PTR ", 8) != 0 || !checksum_ok(r, 20))
		return false;
	if (r->revision >= 2 && r->length >= sizeof(*r) && r->length <= avail)
		return checksum_ok(r, r->length);
	return true;
}

static const struct acpi_rsdp *rsdp_scan(phys_addr_t start, phys_addr_t end)
{
	for (phys_addr_t p = start; p + sizeof(struct acpi_rsdp) <= end; p += 16) {
		const struct acpi_rsdp *r = __va(p); /* the first MiB is direct-mapped */
		if (rsdp_valid(r, end - p))
			return r;
	}
	return NULL;
}

static const struct acpi_rsdp *find_rsdp(void)
{
	phys_addr_t ebda;
	u16 ebda_seg;

	if (boot_info.have_rsdp) {
		const struct acpi_rsdp *r = (const struct acpi_rsdp *)boot_info.rsdp;
		if (rsdp_valid(r, sizeof(boot_info.rsdp)))
			return r;
		pr_warn("ACPI: the boot loader's RSDP copy is invalid, scanning\n");
	}
	ebda_seg = *(const u16 *)__va(0x40e); /* BIOS data area: EBDA segment */
	ebda = (phys_addr_t)ebda_seg << 4;
	if (ebda >= 0x80000 && ebda < 0xa0000) {
		const struct acpi_rsdp *r = rsdp_scan(ebda, ebda + 1024);
		if (r)
			return r;
	}
	return rsdp_scan(0xe0000, 0x100000);
}

/* Loads every table the root table lists (entry_size 8: XSDT, 4: RSDT). */
static void load_root(const struct acpi_sdt_header *root, int entry_size)
{
	const u8 *e = (const u8 *)(root + 1);
	int n = (int)((root->length - sizeof(*root)) / entry_size);

	for (int i = 0; i < n; i++, e += entry_size) {
		phys_addr_t pa = entry_size == 8 ? acpi_get64(e) : acpi_get32(e);
		if (pa)
			acpi_load_table(pa, NULL);
	}
}

/* MCFG: after the header, 8 reserved bytes, then 16-byte entries
 * {u64 base, u16 segment, u8 bus_start, u8 bus_end, u32 reserved}. */
static void parse_mcfg(const struct acpi_sdt_header *h)
{
	const u8 *e = (const u8 *)h + sizeof(*h) + 8;
	const u8 *end = (const u8 *)h + h->length;

	for (; e + 16 <= end; e += 16) {
		if (acpi.ecam_phys) {
			pr_info("ACPI: MCFG: more than one ECAM region, using the first\n");
			break;
		}
		acpi.ecam_phys = acpi_get64(e);
		acpi.ecam_segment = acpi_get16(e + 8);
		acpi.ecam_bus_start = e[10];
		acpi.ecam_bus_end = e[11];
	}
}

static void set_defaults(void)
{
	acpi.lapic_phys = 0xfee00000;
	acpi.ioapic_phys = 0xfec00000;
	for (int i = 0; i < 16; i++) {
		acpi.isa_gsi[i] = i; /* identity; edge, active high (flags 0) */
		acpi.isa_flags[i] = 0;
	}
}

void acpi_init(void)
{
	const struct acpi_rsdp *rsdp;
	const struct acpi_sdt_header *root = NULL, *h;
	char ecam[48];

	set_defaults();
	rsdp = find_rsdp();
	if (!rsdp) {
		pr_warn("ACPI: no RSDP found: one CPU, default APIC addresses\n");
		return;
	}
	if (rsdp->revision >= 2 && rsdp->xsdt) {
		root = acpi_load_table(rsdp->xsdt, "XSDT");
		if (root)
			load_root(root, 8);
	}
	if (!root && rsdp->rsdt) {
		root = acpi_load_table(rsdp->rsdt, "RSDT");
		if (root)
			load_root(root, 4);
	}
	if (!root) {
		pr_warn("ACPI: no usable RSDT/XSDT: one CPU, default APIC addresses\n");
		return;
	}
	acpi.present = true;
	if ((h = acpi_find_table("APIC")))
		acpi_parse_madt(h);
	else
		pr_warn("ACPI: no MADT: one CPU, default APIC addresses\n");
	if ((h = acpi_find_table("FACP")))
		acpi_parse_fadt(h);
	if ((h = acpi_find_table("MCFG")))
		parse_mcfg(h);

	if (acpi.ecam_phys)
		snprintf(ecam, sizeof(ecam), "%#llx (bus %u-%u)",
			 (unsigned long long)acpi.ecam_phys, acpi.ecam_bus_start,
			 acpi.ecam_bus_end);
	else
		strlcpy(ecam, "none", sizeof(ecam));
	printk(KERN_INFO
	       "ACPI: rev %u, %d tables, %d CPUs, IOAPIC %#llx (GSI base %u), ECAM %s, %s\n",
	       rsdp->revision, nr_tables, acpi.nr_cpus, (unsigned long long)acpi.ioapic_phys,
	       acpi.ioapic_gsi_base, ecam, acpi.s5_valid ? "S5 ok" : "no S5");
}
