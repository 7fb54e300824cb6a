/*
 * virtio-rng tests (run where QEMU has a virtio-rng-pci device; the
 * scenarios in tests/qemu/test_pci.py make sure one is present): the bytes
 * are not all equal and two reads differ.
 */
#include "drivers/virtio/rng.h"
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
