/*
 * In-kernel MSI tests on QEMU's "edu" teaching device (1234:11e8, added
 * with -device edu; QEMU docs/specs/edu.rst): it has an MSI capability
 * (64-bit address, no per-vector masking), no MSI-X, and raises an
 * interrupt whenever a value is written to its raise register. A
 * test-only driver binds it; the tests make it interrupt every online CPU
 * in turn. Machines without edu skip those tests (they pass).
 * Locking: `edu` is set up by the probe, which runs on the test task
 * through pci_register_driver(); the handler writes seen/seen_cpu before
 * complete(), and the test reads them after the wait (the completion's
 * lock orders the two).
 */
#include "drivers/pci/msi.h"

#include "core/log.h"
#include "include/mmio.h"
#include "include/uapi/errno.h"
#include "irq/irq.h"
#include "ktest/ktest.h"
#include "lib/string.h"
#include "sched/percpu.h"
#include "sync/completion.h"
#include "time/ktime.h"

#define LOG_PREFIX "msi-ktest: "

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8
#define EDU_BAR 0
#define EDU_ID_VALUE 0x010000edu /* version 1.0, "ed" */
#define EDU_TEST_VALUE 0x5au
#define EDU_TIMEOUT_NS (10 * NSEC_PER_SEC) /* generous: QEMU's timer thread on a busy host */

/* edu BAR0 registers (edu.rst). */
enum {
	EDU_ID = 0x00,	       /* identification */
	EDU_LIVENESS = 0x04,   /* reads back the bitwise NOT of what was written */
	EDU_IRQ_STATUS = 0x24, /* raised, not yet acknowledged bits */
	EDU_IRQ_RAISE = 0x60,  /* OR the value into status and interrupt */
	EDU_IRQ_ACK = 0x64,    /* clear these status bits */
};

/* MSI capability registers, from the spec (§6.8.1), not from msi.c. */
enum {
	CAP_MSI_CTRL = 0x02,
	CAP_MSI_ADDR_LO = 0x04,
	CAP_MSI_ADDR_HI = 0x08, /* 64-bit form */
	CAP_MSI_DATA_64 = 0x0c,
	CAP_MSI_CTRL_ENABLE = 1u << 0,
	CAP_MSI_CTRL_MME = 7u << 4,
	CAP_MSI_CTRL_64BIT = 1u << 7,
};
#define CFG_COMMAND 0x04
#define CMD_INTX_DISABLE (1u << 10)

struct edu {
	struct pci_dev *dev; /* NULL until bound */
	void *regs;
	unsigned int vector;
	struct completion done;
	uint32_t seen;	       /* status the handler found */
	unsigned int seen_cpu; /* CPU the handler ran on */
};

static struct edu edu;
static bool edu_registered; /* pci_register_driver() says -EBUSY twice */

static void edu_interrupt(struct irq_ctx *ctx, void *data)
{
	struct edu *e = data;
	uint32_t status = mmio_read32((uint8_t *)e->regs + EDU_IRQ_STATUS);

	mmio_write32((uint8_t *)e->regs + EDU_IRQ_ACK, status);
	WRITE_ONCE(e->seen, status);
	WRITE_ONCE(e->seen_cpu, irq_this_cpu());
	complete(&e->done);
}

static int edu_probe(struct pci_dev *d)
{
	void *regs;
	int vector, err;

	if (edu.dev)
		return -EBUSY; /* one is enough */
	regs = pci_map_bar(d, EDU_BAR);
	if (!regs)
		return -ENOMEM;
	if (mmio_read32((uint8_t *)regs + EDU_ID) != EDU_ID_VALUE) {
		err = -ENODEV;
		goto err_unmap;
	}
	pci_enable(d, true); /* an MSI is a memory write: needs bus mastering */
	vector = irq_alloc_vector();
	if (vector < 0) {
		err = vector;
		goto err_unmap;
	}
	edu.regs = regs;
	completion_init(&edu.done);
	err = irq_attach((unsigned int)vector, edu_interrupt, &edu, "msi-ktest");
	if (!err)
		err = pci_msi_enable(d, (unsigned int)vector, 0);
	if (err)
		goto err_free_vector;
	edu.vector = (unsigned int)vector;
	edu.dev = d;
	log_info("%02x:%02x.%x: edu bound, MSI vector %#x\n", d->bus, d->dev, d->fn, vector);
	return 0;

err_free_vector:
	if (irq_free((unsigned int)vector))
		log_warn("vector %#x was not allocated\n", vector);
	edu.regs = NULL;
err_unmap:
	mmio_unmap(regs);
	return err;
}

static const struct pci_id edu_ids[] = {
	{ EDU_VENDOR, EDU_DEVICE },
	{ 0, 0 },
};

static const struct pci_driver edu_driver = {
	.name = "msi-ktest",
	.ids = edu_ids,
	.probe = edu_probe,
};

/* The edu device bound to the test driver, or NULL when the machine has
 * none (the caller skips). Fails the test if edu exists but did not bind. */
static struct pci_dev *edu_get(const char *test)
{
	struct pci_dev *d = pci_find(EDU_VENDOR, EDU_DEVICE, NULL);

	if (!d) {
		log_info("%s skipped: no edu device (QEMU -device edu)\n", test);
		return NULL;
	}
	if (!edu_registered) {
		KASSERT_EQ(pci_register_driver(&edu_driver), 0);
		edu_registered = true;
	}
	KASSERT(edu.dev == d);
	return d;
}

/* The capability holds exactly the message irq_msi_compose() gives. */
static void check_message(unsigned int cpu)
{
	uint8_t cap = pci_find_cap(edu.dev, PCI_CAP_MSI, 0);
	uint16_t ctrl = pci_read16(edu.dev, (uint16_t)(cap + CAP_MSI_CTRL));
	uint64_t addr;
	uint32_t data;

	KASSERT_EQ(irq_msi_compose(edu.vector, cpu, &addr, &data), 0);
	KASSERT(ctrl & CAP_MSI_CTRL_64BIT); /* edu's form */
	KASSERT(ctrl & CAP_MSI_CTRL_ENABLE);
	KASSERT_EQ(ctrl & CAP_MSI_CTRL_MME, 0);
	KASSERT_EQ(pci_read32(edu.dev, (uint16_t)(cap + CAP_MSI_ADDR_LO)), (uint32_t)addr);
	KASSERT_EQ(pci_read32(edu.dev, (uint16_t)(cap + CAP_MSI_ADDR_HI)), addr >> 32);
	KASSERT_EQ(pci_read16(edu.dev, (uint16_t)(cap + CAP_MSI_DATA_64)), (uint16_t)data);
	KASSERT(pci_read16(edu.dev, CFG_COMMAND) & CMD_INTX_DISABLE);
	KASSERT(!strcmp(edu.dev->irq_mode, "msi"));
}

/* Point the message at @cpu, raise one interrupt and see it arrive there. */
static void edu_round(unsigned int cpu)
{
	uint64_t before = irq_cpu_vector_count(cpu, edu.vector);

	KASSERT_EQ(pci_msi_enable(edu.dev, edu.vector, cpu), 0);
	check_message(cpu);
	completion_init(&edu.done);
	WRITE_ONCE(edu.seen, 0);
	WRITE_ONCE(edu.seen_cpu, ~0u);
	mmio_write32((uint8_t *)edu.regs + EDU_IRQ_RAISE, EDU_TEST_VALUE);
	KASSERT(wait_for_completion_timeout(&edu.done, EDU_TIMEOUT_NS));
	KASSERT_EQ(READ_ONCE(edu.seen), EDU_TEST_VALUE);
	KASSERT_EQ(READ_ONCE(edu.seen_cpu), cpu);
	KASSERT(irq_cpu_vector_count(cpu, edu.vector) > before);
	KASSERT_EQ(mmio_read32((uint8_t *)edu.regs + EDU_IRQ_STATUS), 0); /* acked */
}

KTEST(msi_edu_interrupt)
{
	unsigned int rounds = 0;

	if (!edu_get("msi_edu_interrupt"))
		return;
	mmio_write32((uint8_t *)edu.regs + EDU_LIVENESS, 0x12345678);
	KASSERT_EQ(mmio_read32((uint8_t *)edu.regs + EDU_LIVENESS), ~0x12345678u);
	KASSERT(!pci_has_cap(edu.dev, PCI_CAP_MSIX));
	for (unsigned int cpu = 0; cpu < percpu_count(); cpu++) {
		const struct percpu *c = percpu_get(cpu);

		if (!c || !READ_ONCE(c->online))
			continue;
		edu_round(cpu);
		rounds++;
	}
	KASSERT_EQ(rounds, percpu_online_count());
	KASSERT_EQ(pci_msi_enable(edu.dev, edu.vector, 0), 0); /* back to the boot CPU */
}

/* Disabling gives INTx back; enabling again works as before. */
KTEST(msi_edu_disable_enable)
{
	uint8_t cap;

	if (!edu_get("msi_edu_disable_enable"))
		return;
	cap = pci_find_cap(edu.dev, PCI_CAP_MSI, 0);
	pci_msi_disable(edu.dev);
	KASSERT_EQ(pci_read16(edu.dev, (uint16_t)(cap + CAP_MSI_CTRL)) & CAP_MSI_CTRL_ENABLE, 0);
	KASSERT_EQ(pci_read16(edu.dev, CFG_COMMAND) & CMD_INTX_DISABLE, 0);
	KASSERT(!strcmp(edu.dev->irq_mode, "-"));
	edu_round(0);
}

/* A function without an MSI capability is refused and left alone. */
KTEST(msi_no_cap_refused)
{
	struct pci_dev *d = pci_find(0x8086, PCI_ANY, NULL); /* the host bridge */
	const char *mode;
	uint16_t cmd;
	int vector, err;

	KASSERT(d != NULL);
	KASSERT(!pci_has_cap(d, PCI_CAP_MSI));
	mode = d->irq_mode;
	cmd = pci_read16(d, CFG_COMMAND);
	vector = irq_alloc_vector();
	KASSERT(vector >= 0);
	err = pci_msi_enable(d, (unsigned int)vector, 0);
	KASSERT_EQ(irq_free((unsigned int)vector), 0);
	KASSERT_EQ(err, -ENODEV);
	KASSERT(d->irq_mode == mode);
	KASSERT_EQ(pci_read16(d, CFG_COMMAND), cmd);
}
