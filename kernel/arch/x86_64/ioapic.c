/*
 * I/O APIC driver. Each IOAPIC has an index register (IOREGSEL) and a data
 * window (IOWIN); redirection entry n is the register pair 0x10 + 2n
 * (low) and 0x11 + 2n (high). Which GSIs are routed is tracked here so a
 * second route of the same GSI is refused.
 * Locking: the tables are immutable after ioapic_init() except `routed`,
 * which, like each IOREGSEL/IOWIN pair, is guarded by ioapic_lock
 * (IRQ-safe, LOCK_RANK_IRQ + 1: taken inside irq_desc_lock).
 * Reference: 82093AA data sheet §3.2.1-3.2.4; ACPI 6.5 §5.2.12.3.
 */
#include "arch/x86_64/ioapic.h"

#include "acpi/acpi.h"
#include "arch/arch.h"
#include "core/log.h"
#include "include/mmio.h"
#include "include/uapi/errno.h"
#include "sync/spinlock.h"

#define LOG_PREFIX "ioapic: "

#define IOAPIC_DEFAULT_BASE 0xfec00000u
#define IOAPIC_MMIO_SIZE 0x20
#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOAPICVER 0x01
#define IOREDTBL(n) (0x10 + 2 * (n))
#define MAX_PINS 256

/* Redirection entry bits (data sheet §3.2.4). */
#define RTE_MASKED (1u << 16)
#define RTE_LEVEL (1u << 15)
#define RTE_ACTIVE_LOW (1u << 13)

struct ioapic {
	volatile uint8_t *regs; /* Immutable after init. */
	uint32_t gsi_base;
	unsigned int pins;
	uint8_t id;
	uint64_t routed[MAX_PINS / 64]; /* Interrupts disabled. */
};

static struct spinlock ioapic_lock = SPINLOCK_INIT("ioapic", LOCK_RANK_IRQ + 1);

static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static unsigned int nr_ioapics;

static uint32_t reg_read(struct ioapic *io, uint32_t reg)
{
	mmio_write32(io->regs + IOREGSEL, reg);
	return mmio_read32(io->regs + IOWIN);
}

static void reg_write(struct ioapic *io, uint32_t reg, uint32_t v)
{
	mmio_write32(io->regs + IOREGSEL, reg);
	mmio_write32(io->regs + IOWIN, v);
}

/* The IOAPIC serving @gsi, with the pin number in @pin; NULL if none. */
static struct ioapic *find_gsi(uint32_t gsi, unsigned int *pin)
{
	for (unsigned int i = 0; i < nr_ioapics; i++) {
		struct ioapic *io = &ioapics[i];

		if (gsi >= io->gsi_base && gsi - io->gsi_base < io->pins) {
			*pin = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

static void add_ioapic(uint8_t id, uint32_t address, uint32_t gsi_base)
{
	struct ioapic *io = &ioapics[nr_ioapics];
	uint32_t ver;

	io->regs = mmio_map(address, IOAPIC_MMIO_SIZE);
	if (!io->regs) {
		log_warn("IOAPIC %u at %#x is not mappable, skipped\n", id, address);
		return;
	}
	ver = reg_read(io, IOAPICVER);
	if (ver == 0xffffffffu) {
		log_warn("nothing answers at %#x, skipped\n", address);
		return;
	}
	io->id = id;
	io->gsi_base = gsi_base;
	io->pins = ((ver >> 16) & 0xff) + 1;
	for (unsigned int pin = 0; pin < io->pins; pin++) {
		reg_write(io, IOREDTBL(pin), RTE_MASKED);
		reg_write(io, IOREDTBL(pin) + 1, 0);
	}
	nr_ioapics++;
	log_info("id %u at %#x: GSIs %u-%u, version %#x, all masked\n", id, address, gsi_base,
		 gsi_base + io->pins - 1, ver & 0xff);
}

void ioapic_init(void)
{
	const struct acpi_madt_info *m = acpi_madt();

	if (!m || !m->ioapic_count) {
		log_warn("no IOAPIC in the MADT: trying the default address\n");
		add_ioapic(0, IOAPIC_DEFAULT_BASE, 0);
		return;
	}
	for (unsigned int i = 0; i < m->ioapic_count; i++)
		add_ioapic(m->ioapics[i].id, m->ioapics[i].address, m->ioapics[i].gsi_base);
}

unsigned int ioapic_count(void)
{
	return nr_ioapics;
}

uint32_t ioapic_gsi_count(void)
{
	uint32_t n = 0;

	for (unsigned int i = 0; i < nr_ioapics; i++)
		n += ioapics[i].pins;
	return n;
}

static bool pin_routed(const struct ioapic *io, unsigned int pin)
{
	return io->routed[pin / 64] & (1ull << (pin % 64));
}

int ioapic_route(uint32_t gsi, uint8_t vector, uint32_t dest, unsigned int flags)
{
	uint32_t low = vector;
	unsigned long irqf;
	struct ioapic *io;
	unsigned int pin;
	int err = 0;

	if (vector < 0x10)
		return -EINVAL;
	if (dest > 0xff)
		return -ERANGE;
	if (flags & IOAPIC_LEVEL)
		low |= RTE_LEVEL;
	if (flags & IOAPIC_ACTIVE_LOW)
		low |= RTE_ACTIVE_LOW;
	irqf = spin_lock_irqsave(&ioapic_lock);
	io = find_gsi(gsi, &pin);
	if (!io) {
		err = -ENODEV;
	} else if (pin_routed(io, pin)) {
		err = -EBUSY;
	} else {
		io->routed[pin / 64] |= 1ull << (pin % 64);
		reg_write(io, IOREDTBL(pin) + 1, dest << 24);
		reg_write(io, IOREDTBL(pin), low); /* unmasks last */
	}
	spin_unlock_irqrestore(&ioapic_lock, irqf);
	return err;
}

int ioapic_unroute(uint32_t gsi)
{
	unsigned long irqf = spin_lock_irqsave(&ioapic_lock);
	unsigned int pin;
	struct ioapic *io = find_gsi(gsi, &pin);
	int err = 0;

	if (!io || !pin_routed(io, pin)) {
		err = -ENOENT;
	} else {
		reg_write(io, IOREDTBL(pin), RTE_MASKED);
		io->routed[pin / 64] &= ~(1ull << (pin % 64));
	}
	spin_unlock_irqrestore(&ioapic_lock, irqf);
	return err;
}

bool ioapic_is_routed(uint32_t gsi)
{
	unsigned int pin;
	struct ioapic *io = find_gsi(gsi, &pin);

	return io && pin_routed(io, pin);
}
