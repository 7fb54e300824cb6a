/*
 * VirtIO PCI transport (drivers/virtio/virtio_pci.h). Every structure is
 * mapped on its own (base of its BAR + offset, its length), after checking
 * it lies inside the BAR; a device that says otherwise is refused.
 * References: VirtIO 1.2 §4.1.4 (capabilities), §4.1.4.3 (common
 * configuration layout), §3.1.1 (initialisation sequence).
 * Locking: used by one driver during probe; notify is a single write.
 */
#include "drivers/virtio/virtio_pci.h"

#include "core/log.h"
#include "include/mmio.h"
#include "include/uapi/errno.h"
#include "lib/virtio_caps.h"
#include "time/ktime.h"

#define LOG_PREFIX "virtio: "

/* struct virtio_pci_common_cfg offsets. */
enum {
	COMMON_DFSELECT = 0x00,
	COMMON_DF = 0x04,
	COMMON_GFSELECT = 0x08,
	COMMON_GF = 0x0c,
	COMMON_MSIX = 0x10,
	COMMON_NUMQ = 0x12,
	COMMON_STATUS = 0x14,
	COMMON_GENERATION = 0x15,
	COMMON_Q_SELECT = 0x16,
	COMMON_Q_SIZE = 0x18,
	COMMON_Q_MSIX = 0x1a,
	COMMON_Q_ENABLE = 0x1c,
	COMMON_Q_NOFF = 0x1e,
	COMMON_Q_DESC = 0x20,
	COMMON_Q_DRIVER = 0x28,
	COMMON_Q_DEVICE = 0x30,
};

enum {
	STATUS_ACKNOWLEDGE = 1,
	STATUS_DRIVER = 2,
	STATUS_DRIVER_OK = 4,
	STATUS_FEATURES_OK = 8,
	STATUS_FAILED = 128,
};

#define NO_VECTOR 0xffff
#define RESET_TIMEOUT_NS (100 * NSEC_PER_MSEC)

static uint8_t cfg_read8(void *ctx, uint16_t off)
{
	return pci_read8(ctx, off);
}

/* Map the structure that @c describes, after checking it lies in its BAR. */
static int map_cap(struct pci_dev *d, const struct virtio_pci_cap_info *c, volatile uint8_t **out)
{
	const struct pci_bar_info *b = c->bar < PCI_MAX_BARS ? &d->bars[c->bar] : NULL;

	if (!b || b->is_io || !b->base || !c->length || (uint64_t)c->offset + c->length > b->size) {
		log_warn("%02x:%02x.%x: capability at %#x points outside BAR%u, device refused\n",
			 d->bus, d->dev, d->fn, c->cap, c->bar);
		return -EINVAL;
	}
	*out = mmio_map(b->base + c->offset, c->length);
	return *out ? 0 : -ENOMEM;
}

static int map_structures(struct virtio_dev *vd, struct pci_dev *d)
{
	struct virtio_pci_caps caps;
	int err = virtio_pci_find_caps(cfg_read8, d, &caps);

	if (err)
		return err;
	err = map_cap(d, &caps.common, &vd->common);
	if (!err)
		err = map_cap(d, &caps.notify, &vd->notify);
	if (!err && caps.isr.cap)
		err = map_cap(d, &caps.isr, &vd->isr);
	if (!err && caps.device.cap)
		err = map_cap(d, &caps.device, &vd->device_cfg);
	vd->notify_cap = caps.notify;
	return err;
}

static uint64_t read_features(volatile uint8_t *c)
{
	uint64_t f;

	mmio_write32(c + COMMON_DFSELECT, 0);
	f = mmio_read32(c + COMMON_DF);
	mmio_write32(c + COMMON_DFSELECT, 1);
	return f | ((uint64_t)mmio_read32(c + COMMON_DF) << 32);
}

static void write_features(volatile uint8_t *c, uint64_t f)
{
	mmio_write32(c + COMMON_GFSELECT, 0);
	mmio_write32(c + COMMON_GF, (uint32_t)f);
	mmio_write32(c + COMMON_GFSELECT, 1);
	mmio_write32(c + COMMON_GF, (uint32_t)(f >> 32));
}

static int reset(volatile uint8_t *c)
{
	uint64_t deadline = ktime_ns() + RESET_TIMEOUT_NS;

	mmio_write8(c + COMMON_STATUS, 0);
	while (mmio_read8(c + COMMON_STATUS) != 0)
		if (ktime_ns() > deadline)
			return -EIO;
	return 0;
}

int virtio_pci_init(struct virtio_dev *vd, struct pci_dev *d, uint64_t wanted)
{
	volatile uint8_t *c;
	uint64_t offered;
	int err;

	*vd = (struct virtio_dev){ .pci = d };
	pci_enable(d, true);
	err = map_structures(vd, d);
	if (err)
		return err;
	c = vd->common;
	if (reset(c))
		return -EIO;
	mmio_write8(c + COMMON_STATUS, STATUS_ACKNOWLEDGE);
	mmio_write8(c + COMMON_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
	offered = read_features(c);
	if (!(offered & (1ull << VIRTIO_F_VERSION_1))) {
		log_warn("%02x:%02x.%x: no VIRTIO_F_VERSION_1 (legacy only), refused\n", d->bus,
			 d->dev, d->fn);
		virtio_pci_fail(vd);
		return -EOPNOTSUPP;
	}
	vd->features = offered & (wanted | (1ull << VIRTIO_F_VERSION_1));
	write_features(c, vd->features);
	mmio_write8(c + COMMON_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
	if (!(mmio_read8(c + COMMON_STATUS) & STATUS_FEATURES_OK)) {
		virtio_pci_fail(vd);
		return -EOPNOTSUPP;
	}
	mmio_write16(c + COMMON_MSIX, NO_VECTOR); /* no config-change interrupts */
	return 0;
}

int virtio_pci_setup_queue(struct virtio_dev *vd, uint16_t index, struct virtq *q,
			   unsigned int entry, unsigned int vector, unsigned int cpu)
{
	volatile uint8_t *c = vd->common;
	uint16_t size, noff;
	int err;

	if (index >= mmio_read16(c + COMMON_NUMQ))
		return -ENODEV;
	mmio_write16(c + COMMON_Q_SELECT, index);
	size = mmio_read16(c + COMMON_Q_SIZE);
	if (!size) {
		log_warn("%02x:%02x.%x: queue %u has size 0, device refused\n", vd->pci->bus,
			 vd->pci->dev, vd->pci->fn, index);
		return -ENODEV;
	}
	noff = mmio_read16(c + COMMON_Q_NOFF);
	if (!virtio_notify_in_range(&vd->notify_cap, noff)) {
		log_warn(
			"%02x:%02x.%x: queue %u notify offset %u x %u lies outside the notify structure (%u bytes), device refused\n",
			vd->pci->bus, vd->pci->dev, vd->pci->fn, index, noff,
			vd->notify_cap.notify_mult, vd->notify_cap.length);
		return -EINVAL;
	}
	while (size > VIRTQ_MAX_SIZE || (size & (size - 1)))
		size = (uint16_t)(size > VIRTQ_MAX_SIZE ? VIRTQ_MAX_SIZE : size & (size - 1));
	err = virtq_init(q, size);
	if (err)
		return err;
	err = pci_msix_set(&vd->msix, entry, vector, cpu);
	if (err)
		goto err_free;
	mmio_write16(c + COMMON_Q_SIZE, size);
	mmio_write16(c + COMMON_Q_MSIX, (uint16_t)entry);
	if (mmio_read16(c + COMMON_Q_MSIX) != entry) {
		err = -EIO; /* the device could not allocate the vector */
		goto err_free;
	}
	mmio_write64(c + COMMON_Q_DESC, q->desc_pa);
	mmio_write64(c + COMMON_Q_DRIVER, q->avail_pa);
	mmio_write64(c + COMMON_Q_DEVICE, q->used_pa);
	q->notify_off = noff;
	mmio_write16(c + COMMON_Q_ENABLE, 1);
	return 0;
err_free:
	virtq_free(q);
	return err;
}

int virtio_pci_reset(struct virtio_dev *vd)
{
	return reset(vd->common);
}

void virtio_pci_ready(struct virtio_dev *vd)
{
	mmio_write8(vd->common + COMMON_STATUS,
		    (uint8_t)(mmio_read8(vd->common + COMMON_STATUS) | STATUS_DRIVER_OK));
}

void virtio_pci_fail(struct virtio_dev *vd)
{
	mmio_write8(vd->common + COMMON_STATUS,
		    (uint8_t)(mmio_read8(vd->common + COMMON_STATUS) | STATUS_FAILED));
}

void virtio_pci_notify(struct virtio_dev *vd, uint16_t index, const struct virtq *q)
{
	mmio_write16(vd->notify + (uint32_t)q->notify_off * vd->notify_cap.notify_mult, index);
}

bool virtio_has_feature(const struct virtio_dev *vd, unsigned int bit)
{
	return vd->features & (1ull << bit);
}

/* Read @width (4 or 8) bytes of device configuration at @off. */
static uint64_t cfg_read(const struct virtio_dev *vd, uint32_t off, unsigned int width)
{
	uint8_t gen;
	uint64_t v;

	if (!vd->device_cfg)
		return 0;
	do {
		gen = mmio_read8(vd->common + COMMON_GENERATION);
		v = mmio_read32(vd->device_cfg + off);
		if (width == 8)
			v |= (uint64_t)mmio_read32(vd->device_cfg + off + 4) << 32;
	} while (gen != mmio_read8(vd->common + COMMON_GENERATION));
	return v;
}

uint32_t virtio_cfg_read32(const struct virtio_dev *vd, uint32_t off)
{
	return (uint32_t)cfg_read(vd, off, 4);
}

uint64_t virtio_cfg_read64(const struct virtio_dev *vd, uint32_t off)
{
	return cfg_read(vd, off, 8);
}
