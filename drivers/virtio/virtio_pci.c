/*
 * virtio_pci.c - the virtio 1.x modern PCI transport and the virtio driver
 * registry.
 *
 * A virtio PCI function (vendor 0x1af4, device 0x1000-0x107f) describes its
 * register blocks with vendor-specific capabilities (virtio 1.x 4.1.4):
 * common configuration (features, status, queue setup), notifications
 * (queue_notify_off * notify_off_multiplier into that region), the ISR
 * status byte (read to acknowledge INTx) and the device-specific
 * configuration.  Each points into a memory BAR, mapped uncached.  A
 * function without the common capability is a legacy-only device: it is
 * refused with a message (the legacy I/O-port interface is not supported).
 *
 * Registry: virtio_devices and virtio_drivers are guarded by virtio_lock (a
 * mutex); a driver's probe() runs with it held.  Lock order: pci_lock
 * (held while the PCI layer probes us) before virtio_lock.
 *
 * Command line: virtio=noevent and/or virtio=noindirect hide those ring
 * features from every driver (to exercise the fallback paths).
 */
#include <drivers/pci.h>
#include <drivers/virtio.h>
#include <kernel/bootinfo.h>
#include <kernel/errno.h>
#include <kernel/init.h>
#include <kernel/mutex.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/slab.h>
#include <x86/asm.h>

/* Capability layout (struct virtio_pci_cap). */
#define VPCI_CAP_CFG_TYPE 3
#define VPCI_CAP_BAR 4
#define VPCI_CAP_OFFSET 8
#define VPCI_CAP_LENGTH 12
#define VPCI_CAP_NOTIFY_MULT 16
#define VPCI_CAP_COMMON 1
#define VPCI_CAP_NOTIFY 2
#define VPCI_CAP_ISR 3
#define VPCI_CAP_DEVICE 4

/* Common configuration (struct virtio_pci_common_cfg) offsets. */
#define VC_DFSELECT 0x00
#define VC_DF 0x04
#define VC_GFSELECT 0x08
#define VC_GF 0x0c
#define VC_MSIX_CONFIG 0x10
#define VC_NUM_QUEUES 0x12
#define VC_STATUS 0x14
#define VC_GENERATION 0x15
#define VC_Q_SELECT 0x16
#define VC_Q_SIZE 0x18
#define VC_Q_MSIX 0x1a
#define VC_Q_ENABLE 0x1c
#define VC_Q_NOFF 0x1e
#define VC_Q_DESC 0x20
#define VC_Q_AVAIL 0x28
#define VC_Q_USED 0x30
#define VIRTIO_MSI_NO_VECTOR 0xffff

#define VPCI_MAX_QUEUE_SIZE 1024

static DEFINE_MUTEX(virtio_lock);
static LIST_HEAD(virtio_devices);
static LIST_HEAD(virtio_drivers);
static int virtio_index;

static u8 cr8(struct virtio_device *v, int off) { return *(volatile u8 *)(v->common + off); }
static u16 cr16(struct virtio_device *v, int off) { return *(volatile u16 *)(v->common + off); }
static u32 cr32(struct virtio_device *v, int off) { return *(volatile u32 *)(v->common + off); }
static void cw8(struct virtio_device *v, int off, u8 x) { *(volatile u8 *)(v->common + off) = x; }
static void cw16(struct virtio_device *v, int off, u16 x)
{
	*(volatile u16 *)(v->common + off) = x;
}
static void cw32(struct virtio_device *v, int off, u32 x)
{
	*(volatile u32 *)(v->common + off) = x;
}
static void cw64(struct virtio_device *v, int off, u64 x)
{
	cw32(v, off, (u32)x);
	cw32(v, off + 4, (u32)(x >> 32));
}

u8 virtio_get_status(struct virtio_device *vdev) { return cr8(vdev, VC_STATUS); }
static void add_status(struct virtio_device *vdev, u8 bits)
{
	cw8(vdev, VC_STATUS, cr8(vdev, VC_STATUS) | bits);
}

static void virtio_reset(struct virtio_device *vdev)
{
	cw8(vdev, VC_STATUS, 0);
	for (int i = 0; i < 1000000 && cr8(vdev, VC_STATUS); i++)
		cpu_relax();
}

u8 virtio_cread8(struct virtio_device *vdev, unsigned int off)
{
	return off < vdev->devcfg_len ? *(volatile u8 *)(vdev->devcfg + off) : 0;
}
u16 virtio_cread16(struct virtio_device *vdev, unsigned int off)
{
	return off + 2 <= vdev->devcfg_len ? *(volatile u16 *)(vdev->devcfg + off) : 0;
}
u32 virtio_cread32(struct virtio_device *vdev, unsigned int off)
{
	return off + 4 <= vdev->devcfg_len ? *(volatile u32 *)(vdev->devcfg + off) : 0;
}
u64 virtio_cread64(struct virtio_device *vdev, unsigned int off)
{
	u32 lo, hi;
	u8 gen;

	do { /* two 32-bit reads; retry if the device changed it between */
		gen = cr8(vdev, VC_GENERATION);
		lo = virtio_cread32(vdev, off);
		hi = virtio_cread32(vdev, off + 4);
	} while (gen != cr8(vdev, VC_GENERATION));
	return (u64)hi << 32 | lo;
}

int virtio_negotiate(struct virtio_device *vdev, u64 wanted)
{
	const char *opt = cmdline_get("virtio");
	u64 f;

	if (!(vdev->device_features & VIRTIO_BIT(VIRTIO_F_VERSION_1))) {
		pr_err("virtio %s: the device does not offer VIRTIO_F_VERSION_1: legacy-only "
		       "virtio devices are not supported\n",
		       vdev->name);
		return -ENODEV;
	}
	if (opt && strstr(opt, "noevent"))
		wanted &= ~VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX);
	if (opt && strstr(opt, "noindirect"))
		wanted &= ~VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC);
	f = vdev->device_features & (wanted | VIRTIO_BIT(VIRTIO_F_VERSION_1));
	cw32(vdev, VC_GFSELECT, 0);
	cw32(vdev, VC_GF, (u32)f);
	cw32(vdev, VC_GFSELECT, 1);
	cw32(vdev, VC_GF, (u32)(f >> 32));
	add_status(vdev, VIRTIO_STATUS_FEATURES_OK);
	if (!(cr8(vdev, VC_STATUS) & VIRTIO_STATUS_FEATURES_OK)) {
		pr_err("virtio %s: the device refused features %#llx\n", vdev->name,
		       (unsigned long long)f);
		return -ENODEV;
	}
	vdev->features = f;
	return 0;
}

static void vp_config_irq(int vector, void *arg)
{
	struct virtio_device *vdev = arg;

	if (vdev->config_changed)
		vdev->config_changed(vdev);
}

static void vp_vq_irq(int vector, void *arg) { vring_interrupt(arg); }

/* One MSI-X vector for everything: we cannot tell which queue fired. */
static void vp_shared_irq(int vector, void *arg)
{
	struct virtio_device *vdev = arg;

	for (unsigned int i = 0; i < vdev->nvqs; i++)
		if (vdev->vqs[i] && virtqueue_more_used(vdev->vqs[i]))
			vring_interrupt(vdev->vqs[i]);
	vp_config_irq(vector, arg);
}

/* INTx: reading ISR acknowledges and deasserts the level-triggered line. */
static void vp_intx_irq(int vector, void *arg)
{
	struct virtio_device *vdev = arg;
	u8 isr = *vdev->isr;

	if (isr & 1)
		for (unsigned int i = 0; i < vdev->nvqs; i++)
			if (vdev->vqs[i])
				vring_interrupt(vdev->vqs[i]);
	if (isr & 2)
		vp_config_irq(vector, arg);
}

static int vp_setup_irqs(struct virtio_device *vdev, unsigned int nvqs)
{
	struct pci_dev *pdev = vdev->pdev;
	int vec;

	if (pci_msix_enable(pdev, (int)nvqs + 1) == 0) {
		vdev->msix = true;
		vec = pci_msix_request(pdev, 0, vp_config_irq, vdev, vdev->name);
		if (vec < 0)
			return vec;
		cw16(vdev, VC_MSIX_CONFIG, 0);
		if (cr16(vdev, VC_MSIX_CONFIG) == VIRTIO_MSI_NO_VECTOR)
			return -EIO;
		return 0;
	}
	if (pci_msix_enable(pdev, 1) == 0) {
		vdev->msix = vdev->msix_shared = true;
		vec = pci_msix_request(pdev, 0, vp_shared_irq, vdev, vdev->name);
		if (vec < 0)
			return vec;
		cw16(vdev, VC_MSIX_CONFIG, 0);
		return cr16(vdev, VC_MSIX_CONFIG) == VIRTIO_MSI_NO_VECTOR ? -EIO : 0;
	}
	return pci_request_intx(pdev, vp_intx_irq, vdev, vdev->name);
}

int virtio_find_vqs(struct virtio_device *vdev, unsigned int nvqs, struct virtqueue *vqs[],
		    vq_callback_t *callbacks[], const char *const names[])
{
	int err;

	if (nvqs > cr16(vdev, VC_NUM_QUEUES))
		return -ENOENT;
	vdev->vqs = kcalloc(nvqs, sizeof(*vdev->vqs), 0);
	if (!vdev->vqs)
		return -ENOMEM;
	vdev->nvqs = nvqs;
	err = vp_setup_irqs(vdev, nvqs);
	if (err < 0)
		return err;
	for (unsigned int i = 0; i < nvqs; i++) {
		struct virtqueue *vq;
		unsigned int num;

		cw16(vdev, VC_Q_SELECT, (u16)i);
		num = cr16(vdev, VC_Q_SIZE);
		if (!num)
			return -ENOENT;
		while (num & (num - 1))
			num &= num - 1;
		if (num > VPCI_MAX_QUEUE_SIZE)
			num = VPCI_MAX_QUEUE_SIZE;
		vq = vring_create(vdev, i, num, callbacks[i], names[i]);
		if (!vq)
			return -ENOMEM;
		vdev->vqs[i] = vq;
		cw16(vdev, VC_Q_SIZE, (u16)num);
		cw64(vdev, VC_Q_DESC, vq->desc_pa);
		cw64(vdev, VC_Q_AVAIL, vq->avail_pa);
		cw64(vdev, VC_Q_USED, vq->used_pa);
		if (vdev->msix && !vdev->msix_shared) {
			int vec = pci_msix_request(vdev->pdev, (int)i + 1, vp_vq_irq, vq, names[i]);

			if (vec < 0)
				return vec;
		}
		if (vdev->msix) {
			cw16(vdev, VC_Q_MSIX, vdev->msix_shared ? 0 : (u16)(i + 1));
			if (cr16(vdev, VC_Q_MSIX) == VIRTIO_MSI_NO_VECTOR)
				return -EIO;
		}
		vq->notify_addr = (volatile u16 *)(vdev->notify_base +
						   cr16(vdev, VC_Q_NOFF) * vdev->notify_mult);
		vqs[i] = vq;
		cw16(vdev, VC_Q_ENABLE, 1);
	}
	printk(KERN_INFO "virtio %s: %u queue(s) of %u, %s, features %#llx\n", vdev->name, nvqs,
	       vdev->vqs[0]->num,
	       vdev->msix_shared ? "one MSI-X vector" :
	       vdev->msix	 ? "MSI-X" :
				   "INTx",
	       (unsigned long long)vdev->features);
	return 0;
}

void virtio_device_ready(struct virtio_device *vdev) { add_status(vdev, VIRTIO_STATUS_DRIVER_OK); }

/* Caller holds virtio_lock. */
static void virtio_try_bind(struct virtio_device *vdev, struct virtio_driver *drv)
{
	int err;

	if (vdev->driver || vdev->id != drv->device_id)
		return;
	vdev->driver = drv;
	err = drv->probe(vdev);
	if (err < 0) {
		printk(KERN_WARNING "virtio %s: %s probe failed: %d\n", vdev->name, drv->name, err);
		virtio_reset(vdev); /* the device lets go of the rings */
		add_status(vdev, VIRTIO_STATUS_FAILED);
		pci_msix_disable(vdev->pdev);
		for (unsigned int i = 0; i < vdev->nvqs; i++)
			vring_destroy(vdev->vqs[i]);
		kfree(vdev->vqs);
		vdev->vqs = NULL;
		vdev->nvqs = 0;
		vdev->driver = NULL;
	}
}

int virtio_register_driver(struct virtio_driver *drv)
{
	struct virtio_device *vdev;

	mutex_lock(&virtio_lock);
	list_add_tail(&drv->list, &virtio_drivers);
	list_for_each_entry(vdev, &virtio_devices, list)
		virtio_try_bind(vdev, drv);
	mutex_unlock(&virtio_lock);
	return 0;
}

static int vp_map_caps(struct virtio_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;

	for (u8 pos = pci_find_capability(pdev, PCI_CAP_ID_VNDR); pos;
	     pos = pci_find_next_capability(pdev, pos, PCI_CAP_ID_VNDR)) {
		u8 type = pci_read_config_byte(pdev, pos + VPCI_CAP_CFG_TYPE);
		u8 bar = pci_read_config_byte(pdev, pos + VPCI_CAP_BAR);
		u32 off = pci_read_config_dword(pdev, pos + VPCI_CAP_OFFSET);
		u32 len = pci_read_config_dword(pdev, pos + VPCI_CAP_LENGTH);
		u8 *base;

		if (bar >= PCI_NUM_BARS || type < VPCI_CAP_COMMON || type > VPCI_CAP_DEVICE)
			continue;
		base = pci_iomap(pdev, bar);
		if (!base || (u64)off + len > pdev->bar[bar].size)
			continue;
		/* The first capability of each type is the preferred one. */
		if (type == VPCI_CAP_COMMON && !vdev->common)
			vdev->common = base + off;
		if (type == VPCI_CAP_ISR && !vdev->isr)
			vdev->isr = base + off;
		if (type == VPCI_CAP_DEVICE && !vdev->devcfg) {
			vdev->devcfg = base + off;
			vdev->devcfg_len = len;
		}
		if (type == VPCI_CAP_NOTIFY && !vdev->notify_base) {
			vdev->notify_base = base + off;
			vdev->notify_mult = pci_read_config_dword(pdev, pos + VPCI_CAP_NOTIFY_MULT);
		}
	}
	return vdev->common && vdev->isr && vdev->notify_base ? 0 : -ENODEV;
}

static int virtio_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct virtio_device *vdev;
	struct virtio_driver *drv;

	if (pdev->device < 0x1000 || pdev->device > 0x107f)
		return -ENODEV;
	vdev = kzalloc(sizeof(*vdev), 0);
	if (!vdev)
		return -ENOMEM;
	vdev->pdev = pdev;
	vdev->id = pdev->device >= 0x1040 ? pdev->device - 0x1040u : pdev->subsystem_device;
	pci_enable_device(pdev);
	mutex_lock(&virtio_lock);
	snprintf(vdev->name, sizeof(vdev->name), "virtio%d", virtio_index++);
	mutex_unlock(&virtio_lock);
	if (vp_map_caps(vdev) < 0) {
		pr_err("virtio-pci %s: legacy-only virtio device [%04x:%04x] (type %u) has no "
		       "virtio 1.x capabilities: not supported (use disable-legacy=on)\n",
		       pdev->name, pdev->vendor, pdev->device, vdev->id);
		kfree(vdev);
		return -ENODEV;
	}
	virtio_reset(vdev);
	add_status(vdev, VIRTIO_STATUS_ACKNOWLEDGE);
	add_status(vdev, VIRTIO_STATUS_DRIVER);
	cw32(vdev, VC_DFSELECT, 0);
	vdev->device_features = cr32(vdev, VC_DF);
	cw32(vdev, VC_DFSELECT, 1);
	vdev->device_features |= (u64)cr32(vdev, VC_DF) << 32;
	pdev->driver_data = vdev;
	printk(KERN_INFO "virtio %s: pci %s type %u, device features %#llx\n", vdev->name,
	       pdev->name, vdev->id, (unsigned long long)vdev->device_features);
	mutex_lock(&virtio_lock);
	list_add_tail(&vdev->list, &virtio_devices);
	list_for_each_entry(drv, &virtio_drivers, list)
		virtio_try_bind(vdev, drv);
	mutex_unlock(&virtio_lock);
	return 0;
}

static const struct pci_device_id virtio_pci_ids[] = {
	{ 0x1af4, PCI_ANY_ID },
	{ 0, 0 },
};

static struct pci_driver virtio_pci_driver = {
	.name = "virtio-pci",
	.id_table = virtio_pci_ids,
	.probe = virtio_pci_probe,
};

static int virtio_pci_init(void) { return pci_register_driver(&virtio_pci_driver); }
device_initcall(virtio_pci_init);
