/*
 * virtio-rng (drivers/virtio/rng.h). One request at a time: a 64-byte
 * device-writable buffer from kmalloc (physically contiguous: slab objects
 * never cross a page), posted on the request queue; the MSI-X handler
 * wakes the waiter, which takes the used entry under the queue lock. The
 * waiter re-checks the used ring after every wake-up, so a completion
 * racing with the interrupt is never lost.
 * Locking: rng_lock (a mutex) serialises requests; q_lock (IRQ-safe,
 * LOCK_RANK_DRIVER) guards the virtqueue.
 */
#include "drivers/virtio/rng.h"

#include "core/console.h"
#include "core/log.h"
#include "drivers/virtio/virtio_pci.h"
#include "include/uapi/errno.h"
#include "irq/irq.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "sched/waitqueue.h"
#include "shell/shell.h"
#include "sync/mutex.h"
#include "sync/spinlock.h"
#include "time/ktime.h"

#define LOG_PREFIX "virtio-rng: "

#define CHUNK 64
#define RNG_TIMEOUT_NS NSEC_PER_SEC
#define RNG_MAX_PRINT 4096

static struct virtio_dev vdev;
static struct virtq queue;
static bool present; /* Written once by probe */
static struct mutex rng_lock;
static struct spinlock q_lock = SPINLOCK_INIT("virtio_rng_q", LOCK_RANK_DRIVER);
static struct waitqueue done_wq = WAITQUEUE_INIT(done_wq, "virtio_rng");
static uint64_t interrupts; /* Atomic-ish: statistics */

static void rng_interrupt(struct irq_ctx *ctx, void *data)
{
	interrupts++;
	waitq_wake_all(&done_wq);
}

/* The used entry for our request, if the device has returned it. */
static bool take_used(uint32_t *len)
{
	unsigned long flags = spin_lock_irqsave(&q_lock);
	bool got = virtq_get_used(&queue, len) != NULL;

	spin_unlock_irqrestore(&q_lock, flags);
	return got;
}

static int read_chunk(uint8_t *buf, uint32_t want, uint32_t *got)
{
	struct virtq_buf b = { .pa = virt_to_phys_direct(buf), .len = want, .device_writes = true };
	unsigned long flags = spin_lock_irqsave(&q_lock);
	int err = virtq_add(&queue, &b, 1, buf);

	spin_unlock_irqrestore(&q_lock, flags);
	if (err)
		return err;
	virtio_pci_notify(&vdev, 0, &queue);
	if (!wait_event_timeout(&done_wq, take_used(got), RNG_TIMEOUT_NS)) {
		log_err("no answer from the device in 1 s\n");
		return -EIO;
	}
	return 0;
}

int virtio_rng_read(void *buf, size_t len)
{
	uint8_t *chunk;
	size_t done = 0;
	int err = 0;

	if (!present)
		return -ENODEV;
	chunk = kmalloc(CHUNK);
	if (!chunk)
		return -ENOMEM;
	mutex_lock(&rng_lock);
	while (done < len && !err) {
		uint32_t got = 0;

		err = read_chunk(chunk, (uint32_t)MIN(len - done, (size_t)CHUNK), &got);
		got = MIN(got, (uint32_t)(len - done));
		memcpy((uint8_t *)buf + done, chunk, got);
		done += got;
	}
	mutex_unlock(&rng_lock);
	kfree(chunk);
	return err;
}

bool virtio_rng_present(void)
{
	return present;
}

static int probe(struct pci_dev *d)
{
	int vector, err;

	if (present)
		return -EBUSY; /* one device is enough */
	err = virtio_pci_init(&vdev, d, 0);
	if (!err)
		err = pci_msix_map(d, &vdev.msix);
	if (err)
		return err;
	vector = irq_alloc_vector();
	if (vector < 0)
		return vector;
	err = irq_attach((unsigned int)vector, rng_interrupt, NULL, "virtio-rng");
	if (!err)
		err = virtio_pci_setup_queue(&vdev, 0, &queue, 0, (unsigned int)vector, 0);
	if (err) {
		virtio_pci_fail(&vdev);
		if (irq_free((unsigned int)vector))
			log_warn("vector %#x was not allocated\n", vector);
		return err;
	}
	queue.name = "virtio-rng";
	queue.lock = &q_lock;
	pci_msix_enable(d, &vdev.msix);
	virtio_pci_ready(&vdev);
	mutex_init(&rng_lock, "virtio_rng");
	present = true;
	log_info("%02x:%02x.%x: queue of %u, MSI-X vector %#x on CPU 0\n", d->bus, d->dev, d->fn,
		 queue.size, vector);
	return 0;
}

static const struct pci_id rng_ids[] = {
	{ 0x1af4, 0x1005 }, /* transitional */
	{ 0x1af4, 0x1044 }, /* modern: 0x1040 + device id 4 */
	{ 0, 0 },
};

static const struct pci_driver rng_driver = {
	.name = "virtio-rng",
	.ids = rng_ids,
	.probe = probe,
};

void virtio_rng_register(void)
{
	if (pci_register_driver(&rng_driver))
		log_err("cannot register the driver\n");
}

static int cmd_rng(int argc, char **argv)
{
	unsigned long long n;
	uint8_t *buf;
	int err;

	if (argc != 2 || kstrtoull(argv[1], 10, &n) < 0 || n == 0 || n > RNG_MAX_PRINT)
		return shell_usage(shell_find("rng"));
	buf = kmalloc(n);
	if (!buf) {
		kprintf("rng: out of memory\n");
		return 1;
	}
	err = virtio_rng_read(buf, n);
	if (err) {
		kprintf("rng: %s\n", err == -ENODEV ? "no virtio-rng device" : "device error");
		kfree(buf);
		return 1;
	}
	for (unsigned long long i = 0; i < n; i++)
		kprintf("%02x%s", buf[i], (i % 32 == 31 || i + 1 == n) ? "\n" : "");
	kfree(buf);
	return 0;
}

SHELL_COMMAND(rng, .name = "rng", .group = "devices",
	      .summary = "print N random bytes from the virtio-rng device",
	      .usage = "rng N   (1..4096)", .fn = cmd_rng);
