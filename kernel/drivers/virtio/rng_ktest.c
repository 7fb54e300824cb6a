/*
 * virtio-rng tests (run where QEMU has a virtio-rng-pci device; the
 * scenarios in tests/qemu/test_pci.py make sure one is present): the bytes
 * are not all equal and two reads differ.
 */
#include "drivers/pci/pci.h"
#include "drivers/virtio/rng.h"
#include "drivers/virtio/virtio_pci.h"
#include "include/uapi/errno.h"
#include "ktest/ktest.h"
#include "lib/string.h"

KTEST(virtio_rng_bytes_vary)
{
	static uint8_t a[256], b[256];
	bool all_equal = true;

	if (!virtio_rng_present()) {
		KASSERT_EQ(virtio_rng_read(a, sizeof(a)), -ENODEV);
		return; /* no device in this machine: nothing else to check */
	}
	KASSERT_EQ(virtio_rng_read(a, sizeof(a)), 0);
	KASSERT_EQ(virtio_rng_read(b, sizeof(b)), 0);
	for (size_t i = 1; i < sizeof(a); i++)
		all_equal &= a[i] == a[0];
	KASSERT(!all_equal);
	KASSERT(memcmp(a, b, sizeof(a)) != 0);
	KASSERT_EQ(virtio_rng_read(a, 1), 0); /* odd sizes too */
}

/*
 * A device whose capability points outside its BAR is refused with a log
 * line: the real virtio-rng function, described with BARs that are too
 * small (a device cannot be made to lie, so the description does).
 */
KTEST(virtio_capability_outside_bar_is_refused)
{
	struct pci_dev *real = pci_find(0x1af4, 0x1005, NULL);
	static struct pci_dev fake;
	static struct virtio_dev vd;
	uint8_t byte;

	if (!real)
		real = pci_find(0x1af4, 0x1044, NULL);
	if (!real)
		return; /* no virtio-rng in this machine */
	fake = *real;
	list_init(&fake.link);
	for (unsigned int i = 0; i < PCI_MAX_BARS; i++)
		if (fake.bars[i].size > 16)
			fake.bars[i].size = 16;
	KASSERT_EQ(virtio_pci_init(&vd, &fake, 0), -EINVAL);
	KASSERT(real->driver); /* the real device is still bound and working */
	KASSERT_EQ(virtio_rng_read(&byte, 1), 0);
}
