/*
 * irq.c - PCI capabilities, MSI-X and INTx interrupts.
 *
 * MSI-X: the table lives in a memory BAR; each 16-byte entry holds a
 * message address (0xFEE00000 | destination APIC id << 12: physical mode,
 * fixed delivery), the message data (the vector; edge triggered) and a mask
 * bit.  Enabling sets the function mask first, masks every entry, then
 * turns MSI-X on and drops the function mask; an entry is unmasked only
 * once it is programmed.  All vectors go to the boot CPU (cpus[0]).
 *
 * INTx: level-triggered lines that several devices may share.  The first
 * request for a GSI routes it (irq_request_gsi) to a dispatcher that calls
 * every handler registered on that GSI; each handler must check its own
 * device's status (a read that also deasserts the line).  Handlers are
 * only added, never removed; intx_lock serialises additions and the chain
 * is published with release stores, so the dispatcher reads it locklessly.
 */
#include <drivers/pci.h>
#include <kernel/bootinfo.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <mm/slab.h>

#define MSIX_CTRL 2
#define MSIX_TABLE 4
#define MSIX_CTRL_ENABLE 0x8000
#define MSIX_CTRL_MASKALL 0x4000
#define MSIX_CTRL_SIZE 0x7ff
#define MSIX_ENTRY_DWORDS 4
#define MSIX_ENTRY_CTRL_MASKBIT 1
#define MSI_ADDR_BASE 0xfee00000u

u8 pci_find_next_capability(const struct pci_dev *pdev, u8 pos, u8 cap_id)
{
	int ttl = 48; /* guards against a looping list */

	if (!pos) {
		if (!(pci_read_config_word(pdev, PCI_STATUS) & PCI_STATUS_CAP_LIST))
			return 0;
		pos = pci_read_config_byte(pdev, PCI_CAPABILITY_LIST);
	} else {
		pos = pci_read_config_byte(pdev, pos + 1);
	}
	while (pos >= 0x40 && ttl--) {
		pos &= ~3;
		if (pci_read_config_byte(pdev, pos) == cap_id)
			return pos;
		pos = pci_read_config_byte(pdev, pos + 1);
	}
	return 0;
}

u8 pci_find_capability(const struct pci_dev *pdev, u8 cap_id)
{
	return pci_find_next_capability(pdev, 0, cap_id);
}

static bool msix_forbidden(void)
{
	const char *opt = cmdline_get("pci");

	return opt && strstr(opt, "nomsix");
}

int pci_msix_enable(struct pci_dev *pdev, int nvec)
{
	u8 cap = pci_find_capability(pdev, PCI_CAP_ID_MSIX);
	u16 ctrl;
	u32 tbl;
	u8 *base;

	if (!cap || msix_forbidden())
		return -ENODEV;
	ctrl = pci_read_config_word(pdev, cap + MSIX_CTRL);
	pdev->msix_entries = (ctrl & MSIX_CTRL_SIZE) + 1;
	if (pdev->msix_entries < nvec)
		return -ENOSPC;
	tbl = pci_read_config_dword(pdev, cap + MSIX_TABLE);
	base = pci_iomap(pdev, tbl & 7);
	if (!base)
		return -ENODEV;
	pdev->msix_cap = cap;
	pdev->msix_table = (volatile u32 *)(base + (tbl & ~7u));
	pci_write_config_word(pdev, cap + MSIX_CTRL, ctrl | MSIX_CTRL_MASKALL);
	for (int i = 0; i < pdev->msix_entries; i++)
		pdev->msix_table[i * MSIX_ENTRY_DWORDS + 3] = MSIX_ENTRY_CTRL_MASKBIT;
	pci_write_config_word(pdev, cap + MSIX_CTRL,
			      (ctrl | MSIX_CTRL_ENABLE) & ~MSIX_CTRL_MASKALL);
	pci_write_config_word(pdev, PCI_COMMAND,
			      pci_read_config_word(pdev, PCI_COMMAND) | PCI_COMMAND_INTX_DISABLE);
	pdev->msix_enabled = true;
	return 0;
}

int pci_msix_request(struct pci_dev *pdev, int entry, irq_handler_t handler, void *arg,
		     const char *name)
{
	volatile u32 *e;
	int vec;

	if (!pdev->msix_enabled || entry < 0 || entry >= pdev->msix_entries)
		return -EINVAL;
	vec = irq_alloc_vector(handler, arg, name);
	if (vec < 0)
		return vec;
	e = pdev->msix_table + entry * MSIX_ENTRY_DWORDS;
	e[0] = MSI_ADDR_BASE | (cpus[0].apic_id & 0xff) << 12;
	e[1] = 0;
	e[2] = (u32)vec;
	e[3] = 0; /* unmask */
	(void)e[3]; /* flush the posted writes */
	return vec;
}

void pci_msix_disable(struct pci_dev *pdev)
{
	u16 ctrl;

	if (!pdev->msix_enabled)
		return;
	for (int i = 0; i < pdev->msix_entries; i++) {
		volatile u32 *e = pdev->msix_table + i * MSIX_ENTRY_DWORDS;

		e[3] = MSIX_ENTRY_CTRL_MASKBIT;
		if (e[2] >= VEC_DYNAMIC_FIRST && e[2] <= VEC_DYNAMIC_LAST && e[0])
			irq_free_vector((int)e[2]);
		e[0] = 0;
	}
	ctrl = pci_read_config_word(pdev, pdev->msix_cap + MSIX_CTRL);
	pci_write_config_word(pdev, pdev->msix_cap + MSIX_CTRL, ctrl & ~MSIX_CTRL_ENABLE);
	pdev->msix_enabled = false;
}

struct intx_handler {
	irq_handler_t fn;
	void *arg;
	struct intx_handler *next;
};

#define NR_INTX_GSI 64
static struct intx_handler *intx_chain[NR_INTX_GSI];
static bool intx_routed[NR_INTX_GSI];
static DEFINE_SPINLOCK(intx_lock);

static void intx_dispatch(int vector, void *arg)
{
	u32 gsi = (u32)(unsigned long)arg;

	for (struct intx_handler *h = __atomic_load_n(&intx_chain[gsi], __ATOMIC_ACQUIRE); h;
	     h = h->next)
		h->fn(vector, h->arg);
}

int pci_request_intx(struct pci_dev *pdev, irq_handler_t handler, void *arg, const char *name)
{
	struct intx_handler *h;
	unsigned long flags;
	bool route;
	u32 gsi = pdev->gsi;

	if (!pdev->pin)
		return -ENODEV;
	if (gsi >= NR_INTX_GSI)
		return -EINVAL;
	h = kmalloc(sizeof(*h), 0);
	if (!h)
		return -ENOMEM;
	h->fn = handler;
	h->arg = arg;
	flags = spin_lock_irqsave(&intx_lock);
	h->next = intx_chain[gsi];
	__atomic_store_n(&intx_chain[gsi], h, __ATOMIC_RELEASE);
	route = !intx_routed[gsi];
	intx_routed[gsi] = true;
	spin_unlock_irqrestore(&intx_lock, flags);
	pci_write_config_word(pdev, PCI_COMMAND,
			      pci_read_config_word(pdev, PCI_COMMAND) & ~PCI_COMMAND_INTX_DISABLE);
	if (route) {
		/* q35 PIRQ lines reach the I/O APIC level triggered, active high. */
		int vec = irq_request_gsi(gsi, true, false, intx_dispatch,
					  (void *)(unsigned long)gsi, name);
		if (vec < 0) {
			pr_err("pci %s: cannot route GSI %u: %d\n", pdev->name, gsi, vec);
			flags = spin_lock_irqsave(&intx_lock);
			intx_routed[gsi] = false; /* the next request tries again */
			spin_unlock_irqrestore(&intx_lock, flags);
			return vec;
		}
	}
	printk(KERN_INFO "pci %s: INT%c on GSI %u\n", pdev->name, 'A' + pdev->pin - 1, gsi);
	return 0;
}
