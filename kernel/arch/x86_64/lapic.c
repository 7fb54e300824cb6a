/*
 * Local APIC driver. In xAPIC mode registers are 32-bit MMIO at
 * base + offset; in x2APIC mode register offset o is MSR 0x800 + o / 16 and
 * the ICR is one 64-bit MSR. The mode is chosen once by the boot CPU.
 * State: `x2apic` and `mmio` are immutable after lapic_init(); every
 * register access touches only the calling CPU's own APIC.
 * Reference: Intel SDM Vol. 3 §11.4 (base MSR), §11.5 (LVT), §11.6 (ICR),
 * §11.8.5 (EOI), §11.9 (spurious), §11.12.1-11.12.11 (x2APIC).
 */
#include "arch/x86_64/lapic.h"

#include "acpi/acpi.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/irq_vectors.h"
#include "core/log.h"
#include "core/panic.h"
#include "include/mmio.h"

#define LOG_PREFIX "lapic: "

/* Register offsets (SDM Table 11-1). */
enum {
	LAPIC_ID = 0x020,
	LAPIC_VERSION = 0x030,
	LAPIC_TPR = 0x080,
	LAPIC_EOI = 0x0b0,
	LAPIC_SVR = 0x0f0,
	LAPIC_ESR = 0x280,
	LAPIC_ICR_LO = 0x300,
	LAPIC_ICR_HI = 0x310,
	LAPIC_LVT_TIMER = 0x320,
	LAPIC_LVT_THERMAL = 0x330,
	LAPIC_LVT_PERF = 0x340,
	LAPIC_LVT_LINT0 = 0x350,
	LAPIC_LVT_LINT1 = 0x360,
	LAPIC_LVT_ERROR = 0x370,
	LAPIC_TIMER_INIT = 0x380,
	LAPIC_TIMER_CURRENT = 0x390,
	LAPIC_TIMER_DIV = 0x3e0,
};

#define APIC_BASE_ENABLE (1ull << 11)
#define APIC_BASE_X2APIC (1ull << 10)
#define APIC_BASE_ADDR_MASK 0xffffffffff000ull
#define X2APIC_MSR_BASE 0x800
#define X2APIC_MSR_SELF_IPI 0x83f
#define SVR_APIC_ENABLE (1u << 8)
#define LVT_MASKED (1u << 16)
#define LVT_NMI (4u << 8)
#define LVT_LEVEL (1u << 15)
#define LVT_ACTIVE_LOW (1u << 13)
#define LVT_TIMER_PERIODIC (1u << 17)
#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_PENDING (1u << 12)
#define ICR_DEST_SELF (1u << 18)
#define ICR_DELIVERY_NMI (4u << 8)
#define ICR_DELIVERY_INIT (5u << 8) /* SDM Vol. 3 Table 11-5 (ICR) */
#define ICR_DELIVERY_STARTUP (6u << 8)
#define RFLAGS_IF (1ull << 9)
#define TIMER_DIV_16 0x3
#define LAPIC_MMIO_SIZE 0x1000

/* Immutable after lapic_init(). */
static bool x2apic;
static volatile uint8_t *mmio;

static uint32_t lapic_read(uint32_t reg)
{
	if (x2apic)
		return (uint32_t)rdmsr(X2APIC_MSR_BASE + (reg >> 4));
	return mmio_read32(mmio + reg);
}

static void lapic_write(uint32_t reg, uint32_t v)
{
	if (x2apic)
		wrmsr(X2APIC_MSR_BASE + (reg >> 4), v);
	else
		mmio_write32(mmio + reg, v);
}

bool lapic_is_x2apic(void)
{
	return x2apic;
}

uint32_t lapic_id(void)
{
	uint32_t id = lapic_read(LAPIC_ID);

	return x2apic ? id : id >> 24;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

uint32_t lapic_read_esr(void)
{
	lapic_write(LAPIC_ESR, 0); /* latches the errors (and clears them) */
	return lapic_read(LAPIC_ESR);
}

/*
 * WRMSR to the x2APIC ICR (and SELF IPI) registers is not serialising
 * (SDM Vol. 3 §11.12.3), unlike the xAPIC's uncached MMIO store: the IPI
 * can go out before this CPU's earlier stores are globally visible, and
 * the CPU it wakes could read stale data (a task just queued, a
 * shootdown's range). MFENCE orders the earlier stores, LFENCE keeps the
 * WRMSR from starting before the MFENCE completes (what Linux's
 * weak_wrmsr_fence() does).
 */
static inline void x2apic_wrmsr_fence(void)
{
	mfence();
	lfence();
}

/* Interrupts off: a handler sending an IPI between the two xAPIC writes
 * would change the destination under us. */
static void send_icr(uint32_t dest, uint32_t low)
{
	uint64_t flags = read_rflags();

	cli();
	if (x2apic) {
		x2apic_wrmsr_fence();
		wrmsr(X2APIC_MSR_BASE + (LAPIC_ICR_LO >> 4), ((uint64_t)dest << 32) | low);
	} else {
		lapic_write(LAPIC_ICR_HI, dest << 24);
		lapic_write(LAPIC_ICR_LO, low);
		while (lapic_read(LAPIC_ICR_LO) & ICR_PENDING)
			cpu_pause();
	}
	if (flags & RFLAGS_IF)
		sti();
}

void lapic_send_init(uint32_t apic_id)
{
	send_icr(apic_id, ICR_LEVEL_ASSERT | ICR_DELIVERY_INIT);
}

void lapic_send_startup(uint32_t apic_id, uint8_t page)
{
	send_icr(apic_id, ICR_LEVEL_ASSERT | ICR_DELIVERY_STARTUP | page);
}

void lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
	send_icr(apic_id, ICR_LEVEL_ASSERT | vector);
}

void lapic_send_nmi(uint32_t apic_id)
{
	send_icr(apic_id, ICR_LEVEL_ASSERT | ICR_DELIVERY_NMI);
}

void lapic_send_self_ipi(uint8_t vector)
{
	if (x2apic) {
		x2apic_wrmsr_fence();
		wrmsr(X2APIC_MSR_SELF_IPI, vector);
	} else {
		send_icr(0, ICR_DEST_SELF | ICR_LEVEL_ASSERT | vector);
	}
}

void lapic_timer_program(uint8_t vector, uint32_t count, bool periodic)
{
	lapic_write(LAPIC_TIMER_INIT, 0); /* stop first */
	if (!count) {
		lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | vector);
		return;
	}
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, vector | (periodic ? LVT_TIMER_PERIODIC : 0));
	lapic_write(LAPIC_TIMER_INIT, count);
}

uint32_t lapic_timer_current(void)
{
	return lapic_read(LAPIC_TIMER_CURRENT);
}

/* Program LINT0/1: masked, unless the MADT names one as this CPU's NMI. */
static void setup_lints(void)
{
	const struct acpi_madt_info *m = acpi_madt();
	uint32_t lint[2] = { LVT_MASKED, LVT_MASKED };
	uint32_t uid = MADT_NMI_ALL_CPUS, id = lapic_id();

	for (unsigned int i = 0; m && i < m->cpu_count; i++)
		if (m->cpus[i].apic_id == id)
			uid = m->cpus[i].uid;
	for (unsigned int i = 0; m && i < m->nmi_count; i++) {
		const struct acpi_lapic_nmi *n = &m->nmis[i];

		if (n->lint > 1 || (n->uid != MADT_NMI_ALL_CPUS && n->uid != uid))
			continue;
		lint[n->lint] = LVT_NMI;
		if ((n->flags & MPS_POLARITY_MASK) == MPS_POLARITY_LOW)
			lint[n->lint] |= LVT_ACTIVE_LOW;
	}
	lapic_write(LAPIC_LVT_LINT0, lint[0]);
	lapic_write(LAPIC_LVT_LINT1, lint[1]);
}

void lapic_init_cpu(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE;

	wrmsr(MSR_APIC_BASE, base);
	if (x2apic)
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_X2APIC);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | IRQ_VEC_TIMER);
	lapic_write(LAPIC_LVT_THERMAL, LVT_MASKED);
	lapic_write(LAPIC_LVT_PERF, LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, IRQ_VEC_APIC_ERROR);
	setup_lints();
	lapic_write(LAPIC_SVR, SVR_APIC_ENABLE | IRQ_VEC_SPURIOUS);
	(void)lapic_read_esr();
	lapic_eoi(); /* drop anything the firmware left in service */
}

void lapic_init(void)
{
	const struct acpi_madt_info *m = acpi_madt();
	uint32_t a, b, c, d;
	uint64_t base;

	cpuid(1, 0, &a, &b, &c, &d);
	if (!(d & CPUID1_EDX_APIC))
		panic("lapic: this CPU has no local APIC\n");
	x2apic = c & CPUID1_ECX_X2APIC;
	base = m ? m->lapic_address : rdmsr(MSR_APIC_BASE) & APIC_BASE_ADDR_MASK;
	if (!x2apic) {
		mmio = mmio_map(base, LAPIC_MMIO_SIZE);
		if (!mmio)
			panic("lapic: registers at %#lx are not mappable\n", (unsigned long)base);
	}
	lapic_init_cpu();
	log_info("%s mode, id %u, version %#x, base %#lx\n", x2apic ? "x2APIC" : "xAPIC",
		 lapic_id(), lapic_read(LAPIC_VERSION) & 0xff, (unsigned long)base);
}
