/*
 * config.c - PCI configuration space access: ECAM or the 0xCF8 ports.
 *
 * ECAM: the MCFG region (acpi.ecam_phys, bus N at offset N << 20) is mapped
 * lazily, one bus (1 MiB) at a time, the first time that bus is touched;
 * a bus mapping is never removed.  Accesses are single MMIO loads/stores of
 * the requested width, so they need no lock.  Legacy: an address write to
 * 0xCF8 followed by a data access at 0xCFC, a pair that pci_cf8_lock (IRQ
 * safe) keeps together; only the first 256 bytes of a function are
 * reachable.  pci=noecam on the command line forces the legacy path.
 */
#include <drivers/acpi.h>
#include <drivers/pci.h>
#include <kernel/bootinfo.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <mm/pgtable.h>
#include <x86/asm.h>

#define PCI_CONF_ADDR 0xcf8
#define PCI_CONF_DATA 0xcfc

static DEFINE_SPINLOCK(pci_cf8_lock);
static DEFINE_SPINLOCK(ecam_map_lock);
static void *ecam_bus_va[256];
static int ecam_state; /* 0: not decided, 1: ECAM, -1: legacy */

bool pci_using_ecam(void)
{
	if (!ecam_state) {
		const char *opt = cmdline_get("pci");
		bool off = opt && strstr(opt, "noecam");

		ecam_state = acpi.ecam_phys && !off ? 1 : -1;
	}
	return ecam_state > 0;
}

static volatile u8 *ecam_addr(u8 bus, u8 slot, u8 func, int where)
{
	void *va;

	if (bus < acpi.ecam_bus_start || bus > acpi.ecam_bus_end)
		return NULL;
	va = READ_ONCE(ecam_bus_va[bus]);
	if (!va) {
		unsigned long flags = spin_lock_irqsave(&ecam_map_lock);

		va = ecam_bus_va[bus];
		if (!va) {
			va = ioremap(acpi.ecam_phys + ((phys_addr_t)bus << 20), 1 << 20);
			WRITE_ONCE(ecam_bus_va[bus], va);
		}
		spin_unlock_irqrestore(&ecam_map_lock, flags);
	}
	return (volatile u8 *)va + ((u32)slot << 15 | (u32)func << 12 | (u32)where);
}

static u32 cf8_address(u8 bus, u8 slot, u8 func, int where)
{
	return 0x80000000u | (u32)bus << 16 | (u32)slot << 11 | (u32)func << 8 | (where & 0xfc);
}

u32 pci_conf_read(u8 bus, u8 slot, u8 func, int where, int size)
{
	u32 v;

	if (pci_using_ecam()) {
		volatile u8 *p = ecam_addr(bus, slot, func, where);

		if (!p)
			return 0xffffffffu;
		if (size == 1)
			return *p;
		if (size == 2)
			return *(volatile u16 *)p;
		return *(volatile u32 *)p;
	}
	if (where >= 256)
		return 0xffffffffu;
	unsigned long flags = spin_lock_irqsave(&pci_cf8_lock);
	outl(PCI_CONF_ADDR, cf8_address(bus, slot, func, where));
	if (size == 1)
		v = inb(PCI_CONF_DATA + (where & 3));
	else if (size == 2)
		v = inw(PCI_CONF_DATA + (where & 2));
	else
		v = inl(PCI_CONF_DATA);
	spin_unlock_irqrestore(&pci_cf8_lock, flags);
	return v;
}

void pci_conf_write(u8 bus, u8 slot, u8 func, int where, int size, u32 val)
{
	if (pci_using_ecam()) {
		volatile u8 *p = ecam_addr(bus, slot, func, where);

		if (!p)
			return;
		if (size == 1)
			*p = (u8)val;
		else if (size == 2)
			*(volatile u16 *)p = (u16)val;
		else
			*(volatile u32 *)p = val;
		return;
	}
	if (where >= 256)
		return;
	unsigned long flags = spin_lock_irqsave(&pci_cf8_lock);
	outl(PCI_CONF_ADDR, cf8_address(bus, slot, func, where));
	if (size == 1)
		outb(PCI_CONF_DATA + (where & 3), (u8)val);
	else if (size == 2)
		outw(PCI_CONF_DATA + (where & 2), (u16)val);
	else
		outl(PCI_CONF_DATA, val);
	spin_unlock_irqrestore(&pci_cf8_lock, flags);
}

u8 pci_read_config_byte(const struct pci_dev *d, int where)
{
	return (u8)pci_conf_read(d->bus, d->slot, d->func, where, 1);
}
u16 pci_read_config_word(const struct pci_dev *d, int where)
{
	return (u16)pci_conf_read(d->bus, d->slot, d->func, where, 2);
}
u32 pci_read_config_dword(const struct pci_dev *d, int where)
{
	return pci_conf_read(d->bus, d->slot, d->func, where, 4);
}
void pci_write_config_byte(const struct pci_dev *d, int where, u8 val)
{
	pci_conf_write(d->bus, d->slot, d->func, where, 1, val);
}
void pci_write_config_word(const struct pci_dev *d, int where, u16 val)
{
	pci_conf_write(d->bus, d->slot, d->func, where, 2, val);
}
void pci_write_config_dword(const struct pci_dev *d, int where, u32 val)
{
	pci_conf_write(d->bus, d->slot, d->func, where, 4, val);
}
