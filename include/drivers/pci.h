/*
 * pci.h - the PCI bus (drivers/pci/): configuration space, enumeration,
 * BARs, capabilities, MSI-X and INTx interrupts, and a driver registry.
 *
 * Configuration space goes through ECAM (the MCFG region from ACPI, mapped
 * one bus at a time on first use) or, when there is no MCFG or the command
 * line says pci=noecam, through the legacy 0xCF8/0xCFC ports (256 bytes per
 * function, under a spinlock).
 *
 * pci_init() (a core_initcall) scans bus 0 and every bus behind a bridge
 * and records each function as a struct pci_dev with its BARs sized.  A
 * driver calls pci_register_driver(): its probe() runs for every present
 * function whose vendor/device matches an entry of its id table and that no
 * driver has claimed yet, in bus order, from the calling thread.  probe()
 * may sleep; returning a negative errno leaves the device unclaimed.
 *
 * Interrupts: pci_msix_enable() maps the MSI-X table (in a BAR) and
 * pci_msix_request() points one entry at a freshly allocated vector on the
 * boot CPU's local APIC (edge, fixed delivery).  A device without MSI-X, or
 * every device when the command line says pci=nomsix, uses its INTx pin
 * instead: pci_request_intx() routes the pin through the I/O APIC (level
 * triggered, active high; handlers sharing one GSI are all called).  On
 * q35, bus 0 slot S pin P (0 = INTA) goes to PIRQ E-H for slots 0-0x18
 * (letter E + (S + P) mod 4, slot 0x18 without rotation) and PIRQ A-D for
 * slots 0x19-0x1d and 0x1f (A + P); PIRQ A-H are GSI 16-23.  A device
 * behind a bridge takes its bridge's pin, swizzled by its own slot.
 *
 * Locking: the device and driver lists are guarded by a mutex (probe runs
 * with it held, so a probe must not register drivers).  Config accesses
 * are safe from any context.  Handlers run in interrupt context.
 */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include <kernel/irq.h>
#include <kernel/list.h>
#include <kernel/types.h>

/* Configuration space registers (type 0 and common header). */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_REVISION_ID 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_CLASS_DEVICE 0x0a
#define PCI_HEADER_TYPE 0x0e
#define PCI_BASE_ADDRESS_0 0x10
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d
#define PCI_PRIMARY_BUS 0x18
#define PCI_SECONDARY_BUS 0x19

#define PCI_COMMAND_IO 0x1
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define PCI_COMMAND_INTX_DISABLE 0x400
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_HEADER_TYPE_MASK 0x7f
#define PCI_HEADER_TYPE_BRIDGE 1
#define PCI_HEADER_MULTIFUNC 0x80

#define PCI_CAP_ID_MSI 0x05
#define PCI_CAP_ID_VNDR 0x09
#define PCI_CAP_ID_EXP 0x10
#define PCI_CAP_ID_MSIX 0x11

#define PCI_ANY_ID 0xffff
#define PCI_NUM_BARS 6

struct pci_bar {
	phys_addr_t addr; /* bus address (0: absent or unassigned) */
	u64 size;
	bool io; /* an I/O-port BAR */
	bool is64; /* a 64-bit memory BAR (uses the next slot too) */
	bool prefetch;
	void *va; /* mapping made by pci_iomap(), or NULL */
};

struct pci_dev {
	struct list_head list;
	u8 bus, slot, func;
	u16 vendor, device;
	u16 subsystem_vendor, subsystem_device;
	u8 class, subclass, prog_if, revision;
	u8 hdr_type;
	struct pci_dev *parent; /* the bridge above it; NULL on bus 0 */
	u8 pin; /* 1 = INTA .. 4 = INTD, 0 = none */
	u32 gsi; /* INTx routing (valid when pin != 0) */
	struct pci_bar bar[PCI_NUM_BARS];
	char name[16]; /* "00:03.0" */
	/* MSI-X state (pci_msix_enable) */
	u8 msix_cap;
	u16 msix_entries;
	volatile u32 *msix_table;
	bool msix_enabled;
	/* the driver that claimed it */
	const struct pci_driver *driver;
	void *driver_data;
};

struct pci_device_id {
	u16 vendor, device; /* PCI_ANY_ID matches any */
};

struct pci_driver {
	const char *name;
	const struct pci_device_id *id_table; /* ends with a {0, 0} entry */
	int (*probe)(struct pci_dev *pdev, const struct pci_device_id *id);
	struct list_head list;
};

/* Configuration space of one function; "where" must be naturally aligned. */
u8 pci_read_config_byte(const struct pci_dev *pdev, int where);
u16 pci_read_config_word(const struct pci_dev *pdev, int where);
u32 pci_read_config_dword(const struct pci_dev *pdev, int where);
void pci_write_config_byte(const struct pci_dev *pdev, int where, u8 val);
void pci_write_config_word(const struct pci_dev *pdev, int where, u16 val);
void pci_write_config_dword(const struct pci_dev *pdev, int where, u32 val);
/* The same by address (bus, slot, function), for enumeration. */
u32 pci_conf_read(u8 bus, u8 slot, u8 func, int where, int size);
void pci_conf_write(u8 bus, u8 slot, u8 func, int where, int size, u32 val);
/* True when config space goes through ECAM. */
bool pci_using_ecam(void);

/* Turns on memory and I/O decoding and bus mastering (DMA). */
void pci_enable_device(struct pci_dev *pdev);
/* Maps memory BAR nr uncached; returns its address or NULL (absent, I/O). */
void *pci_iomap(struct pci_dev *pdev, int nr);

/* Capabilities: the offset of the first (or next after pos) capability
 * with that id, or 0. */
u8 pci_find_capability(const struct pci_dev *pdev, u8 cap_id);
u8 pci_find_next_capability(const struct pci_dev *pdev, u8 pos, u8 cap_id);

/* MSI-X.  pci_msix_enable() fails with -ENODEV when the device has no
 * MSI-X (or pci=nomsix), -ENOSPC when it has fewer than nvec entries.
 * pci_msix_request() programs entry to a new vector and returns the vector
 * or a negative errno.  pci_msix_disable() masks and frees everything. */
int pci_msix_enable(struct pci_dev *pdev, int nvec);
int pci_msix_request(struct pci_dev *pdev, int entry, irq_handler_t handler, void *arg,
		     const char *name);
void pci_msix_disable(struct pci_dev *pdev);
/* Legacy INTx: shares the GSI with other devices; returns 0 or -errno. */
int pci_request_intx(struct pci_dev *pdev, irq_handler_t handler, void *arg, const char *name);

int pci_register_driver(struct pci_driver *drv);
/* Calls fn for every function found (under the list mutex). */
void pci_for_each_dev(void (*fn)(struct pci_dev *pdev, void *arg), void *arg);

#endif
