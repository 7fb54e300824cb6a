/*
 * libFuzzer harness for the capability walk as the virtio transport uses
 * it (kernel/lib/virtio_caps.c over lib/pci_core.c): the input
 * is a function's 256-byte configuration space (shorter inputs are padded
 * with zeros), then two bytes of a queue_notify_off. Every walk must end,
 * and whatever it reports must be true of the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/pci_core.h"
#include "lib/virtio_caps.h"

#define CFG_BYTES 256

static uint8_t read_cfg(void *ctx, uint16_t off)
{
	return ((const uint8_t *)ctx)[off & (CFG_BYTES - 1)];
}

/* A capability the walk reported: aligned, past the header, a vendor one
 * of the right type. */
static void check_cap(const uint8_t *cfg, const struct virtio_pci_cap_info *c, uint8_t type)
{
	if (!c->cap)
		return;
	if ((c->cap & 3) || c->cap < 0x40 || cfg[c->cap] != 0x09 || cfg[c->cap + 3] != type)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t cfg[CFG_BYTES] = { 0 }, offs[PCI_CAP_MAX_COUNT];
	struct virtio_pci_caps caps;
	uint16_t noff = 0;
	unsigned int n;

	memcpy(cfg, data, size < CFG_BYTES ? size : CFG_BYTES);
	if (size >= CFG_BYTES + 2)
		noff = (uint16_t)(data[CFG_BYTES] | data[CFG_BYTES + 1] << 8);

	n = pci_cap_list(read_cfg, cfg, 0x09, offs, PCI_CAP_MAX_COUNT);
	if (n > PCI_CAP_MAX_COUNT)
		abort();
	for (unsigned int i = 0; i < n; i++)
		if ((offs[i] & 3) || offs[i] < 0x40 || cfg[offs[i]] != 0x09)
			abort();
	if (n && pci_cap_find(read_cfg, cfg, 0x09, 0) != offs[0])
		abort(); /* both walks agree on the first one */

	if (virtio_pci_find_caps(read_cfg, cfg, &caps) == 0 &&
	    (!caps.common.cap || !caps.notify.cap))
		abort();
	check_cap(cfg, &caps.common, VIRTIO_PCI_CAP_COMMON_CFG);
	check_cap(cfg, &caps.notify, VIRTIO_PCI_CAP_NOTIFY_CFG);
	check_cap(cfg, &caps.isr, VIRTIO_PCI_CAP_ISR_CFG);
	check_cap(cfg, &caps.device, VIRTIO_PCI_CAP_DEVICE_CFG);
	if (virtio_notify_in_range(&caps.notify, noff) &&
	    (uint64_t)noff * caps.notify.notify_mult + 2 > caps.notify.length)
		abort();
	return 0;
}
