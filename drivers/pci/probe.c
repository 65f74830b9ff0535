/*
 * probe.c - PCI enumeration, BARs and the driver registry.
 *
 * pci_init() (core_initcall) walks bus 0 depth first, following every
 * PCI-to-PCI bridge to its secondary bus (the firmware has numbered the
 * buses and assigned the BARs; we only read them).  Each function becomes a
 * struct pci_dev on pci_devices, in bus order, never freed.  Drivers
 * register at any time; binding happens when both the device and the
 * driver are known, under pci_lock (a mutex), so probe() may sleep.
 */
#include <drivers/pci.h>
#include <kernel/errno.h>
#include <kernel/init.h>
#include <kernel/mutex.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/pgtable.h>
#include <mm/slab.h>

static DEFINE_MUTEX(pci_lock);
static LIST_HEAD(pci_devices);
static LIST_HEAD(pci_drivers);
static bool pci_scanned;

/* BAR sizing: write all ones with decoding off, read the mask back. */
static void pci_read_bars(struct pci_dev *d, int nbars)
{
	u16 cmd = pci_read_config_word(d, PCI_COMMAND);

	pci_write_config_word(d, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (int i = 0; i < nbars; i++) {
		int off = PCI_BASE_ADDRESS_0 + 4 * i;
		u32 orig = pci_read_config_dword(d, off), mask;
		struct pci_bar *b = &d->bar[i];

		pci_write_config_dword(d, off, 0xffffffffu);
		mask = pci_read_config_dword(d, off);
		pci_write_config_dword(d, off, orig);
		if (mask == 0 || mask == 0xffffffffu)
			continue;
		if (orig & 1) {
			b->io = true;
			b->addr = orig & ~3u;
			b->size = (~(mask & ~3u) + 1) & 0xffff;
			continue;
		}
		b->prefetch = orig & 8;
		b->addr = orig & ~0xfu;
		u64 size_mask = mask & ~0xfu;
		if (((orig >> 1) & 3) == 2 && i + 1 < nbars) {
			u32 hi = pci_read_config_dword(d, off + 4), hmask;

			pci_write_config_dword(d, off + 4, 0xffffffffu);
			hmask = pci_read_config_dword(d, off + 4);
			pci_write_config_dword(d, off + 4, hi);
			b->is64 = true;
			b->addr |= (u64)hi << 32;
			size_mask |= (u64)hmask << 32;
			b->size = ~size_mask + 1;
			i++;
		} else {
			b->size = (u32)(~(u32)size_mask + 1);
		}
	}
	pci_write_config_word(d, PCI_COMMAND, cmd);
}

/* INTx routing on q35 (see pci.h): swizzle up to bus 0, then the chipset's
 * default PIRQ map; PIRQ A-H are GSI 16-23. */
static u32 pci_intx_gsi(const struct pci_dev *d)
{
	int pin = d->pin - 1; /* 0 = INTA */
	u8 slot;

	while (d->parent) {
		pin = (pin + d->slot) % 4;
		d = d->parent;
	}
	slot = d->slot;
	if (slot <= 0x17)
		return 20 + (u32)((slot + pin) % 4);
	if (slot == 0x18 || slot == 0x1e)
		return 20 + (u32)pin;
	return 16 + (u32)pin;
}

static void pci_scan_bus(u8 bus, struct pci_dev *parent, int depth);

static void pci_scan_func(u8 bus, u8 slot, u8 func, struct pci_dev *parent, int depth)
{
	u32 id = pci_conf_read(bus, slot, func, PCI_VENDOR_ID, 4);
	struct pci_dev *d;

	if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0)
		return;
	d = kzalloc(sizeof(*d), 0);
	if (!d) {
		pr_err("pci: out of memory\n");
		return;
	}
	d->bus = bus;
	d->slot = slot;
	d->func = func;
	d->parent = parent;
	d->vendor = id & 0xffff;
	d->device = id >> 16;
	u32 cls = pci_read_config_dword(d, PCI_REVISION_ID);
	d->revision = cls & 0xff;
	d->prog_if = (cls >> 8) & 0xff;
	d->subclass = (cls >> 16) & 0xff;
	d->class = cls >> 24;
	d->hdr_type = pci_read_config_byte(d, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK;
	snprintf(d->name, sizeof(d->name), "%02x:%02x.%x", bus, slot, func);
	if (d->hdr_type == 0) {
		d->subsystem_vendor = pci_read_config_word(d, PCI_SUBSYSTEM_VENDOR_ID);
		d->subsystem_device = pci_read_config_word(d, PCI_SUBSYSTEM_ID);
		pci_read_bars(d, 6);
	} else if (d->hdr_type == PCI_HEADER_TYPE_BRIDGE) {
		pci_read_bars(d, 2);
	}
	d->pin = pci_read_config_byte(d, PCI_INTERRUPT_PIN);
	if (d->pin > 4)
		d->pin = 0;
	if (d->pin)
		d->gsi = pci_intx_gsi(d);
	list_add_tail(&d->list, &pci_devices);
	if (d->pin)
		printk(KERN_INFO "pci %s: [%04x:%04x] class %02x.%02x, INT%c -> GSI %u\n", d->name,
		       d->vendor, d->device, d->class, d->subclass, 'A' + d->pin - 1, d->gsi);
	else
		printk(KERN_INFO "pci %s: [%04x:%04x] class %02x.%02x\n", d->name, d->vendor,
		       d->device, d->class, d->subclass);
	for (int i = 0; i < PCI_NUM_BARS; i++)
		if (d->bar[i].size)
			printk(KERN_DEBUG "pci %s: BAR%d %s %#llx size %#llx\n", d->name, i,
			       d->bar[i].io ? "io" : "mem", (unsigned long long)d->bar[i].addr,
			       (unsigned long long)d->bar[i].size);
	if (d->hdr_type == PCI_HEADER_TYPE_BRIDGE && depth < 8) {
		u8 sec = pci_read_config_byte(d, PCI_SECONDARY_BUS);

		if (sec > bus)
			pci_scan_bus(sec, d, depth + 1);
	}
}

static void pci_scan_bus(u8 bus, struct pci_dev *parent, int depth)
{
	for (u8 slot = 0; slot < 32; slot++) {
		u32 id = pci_conf_read(bus, slot, 0, PCI_VENDOR_ID, 4);
		u8 nfunc = 1;

		if ((id & 0xffff) == 0xffff)
			continue;
		if (pci_conf_read(bus, slot, 0, PCI_HEADER_TYPE, 1) & PCI_HEADER_MULTIFUNC)
			nfunc = 8;
		for (u8 f = 0; f < nfunc; f++)
			pci_scan_func(bus, slot, f, parent, depth);
	}
}

void pci_enable_device(struct pci_dev *pdev)
{
	u16 cmd = pci_read_config_word(pdev, PCI_COMMAND);

	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	for (int i = 0; i < PCI_NUM_BARS; i++)
		if (pdev->bar[i].io && pdev->bar[i].size)
			cmd |= PCI_COMMAND_IO;
	pci_write_config_word(pdev, PCI_COMMAND, cmd);
}

void *pci_iomap(struct pci_dev *pdev, int nr)
{
	struct pci_bar *b;

	if (nr < 0 || nr >= PCI_NUM_BARS)
		return NULL;
	b = &pdev->bar[nr];
	if (b->io || !b->size || !b->addr)
		return NULL;
	if (!b->va)
		b->va = ioremap(b->addr, b->size);
	return b->va;
}

static const struct pci_device_id *pci_match(const struct pci_driver *drv, const struct pci_dev *d)
{
	for (const struct pci_device_id *id = drv->id_table; id->vendor || id->device; id++)
		if ((id->vendor == PCI_ANY_ID || id->vendor == d->vendor) &&
		    (id->device == PCI_ANY_ID || id->device == d->device))
			return id;
	return NULL;
}

/* Caller holds pci_lock. */
static void pci_try_bind(struct pci_dev *d, struct pci_driver *drv)
{
	const struct pci_device_id *id;
	int err;

	if (d->driver || !(id = pci_match(drv, d)))
		return;
	d->driver = drv;
	err = drv->probe(d, id);
	if (err < 0) {
		printk(KERN_WARNING "pci %s: %s probe failed: %d\n", d->name, drv->name, err);
		d->driver = NULL;
	}
}

int pci_register_driver(struct pci_driver *drv)
{
	struct pci_dev *d;

	mutex_lock(&pci_lock);
	list_add_tail(&drv->list, &pci_drivers);
	if (pci_scanned)
		list_for_each_entry(d, &pci_devices, list)
			pci_try_bind(d, drv);
	mutex_unlock(&pci_lock);
	return 0;
}

void pci_for_each_dev(void (*fn)(struct pci_dev *pdev, void *arg), void *arg)
{
	struct pci_dev *d;

	mutex_lock(&pci_lock);
	list_for_each_entry(d, &pci_devices, list)
		fn(d, arg);
	mutex_unlock(&pci_lock);
}

static int pci_init(void)
{
	struct pci_dev *d;
	struct pci_driver *drv;
	int n = 0;

	mutex_lock(&pci_lock);
	printk(KERN_INFO "pci: scanning through %s\n",
	       pci_using_ecam() ? "ECAM (MCFG)" : "ports 0xcf8/0xcfc");
	pci_scan_bus(0, NULL, 0);
	pci_scanned = true;
	list_for_each_entry(d, &pci_devices, list) {
		n++;
		list_for_each_entry(drv, &pci_drivers, list)
			pci_try_bind(d, drv);
	}
	mutex_unlock(&pci_lock);
	printk(KERN_INFO "pci: %d functions\n", n);
	return 0;
}
core_initcall(pci_init);
