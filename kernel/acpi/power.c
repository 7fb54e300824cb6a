/*
 * ACPI soft-off and reset. The registers come from the FADT as Generic
 * Address Structures in I/O or memory space; the S5 sleep type from the
 * \_S5 package in the DSDT (see fadt.c and doc/acpi.md). Stateless.
 * Reference: ACPI 6.5 §4.8.3.2.1 (PM1 control), §7.4.2 (\_S5), §16.1.7
 * (transitioning to S5), §4.8.3.6 (reset register), §5.2.9 (SMI_CMD).
 */
#include "acpi/power.h"

#include "acpi/acpi.h"
#include "arch/arch.h"
#include "core/log.h"
#include "include/mmio.h"
#include "include/uapi/errno.h"
#include "time/ktime.h"

#define LOG_PREFIX "acpi: "

#define ACPI_ENABLE_TIMEOUT_MS 300
#define POWER_SETTLE_MS 100

/* Access width in bytes of a GAS: access_size when given, else bit_width. */
static unsigned int gas_bytes(const struct acpi_gas *g)
{
	if (g->access_size >= 1 && g->access_size <= 3)
		return 1u << (g->access_size - 1);
	return g->bit_width >= 32 ? 4 : g->bit_width >= 16 ? 2 : 1;
}

static int gas_write(const struct acpi_gas *g, uint32_t v)
{
	unsigned int n = gas_bytes(g);
	void *va;

	if (g->space_id == ACPI_GAS_IO) {
		if (g->address > 0xffff)
			return -EINVAL;
		if (n == 1)
			arch_outb((uint16_t)g->address, (uint8_t)v);
		else if (n == 2)
			arch_outw((uint16_t)g->address, (uint16_t)v);
		else
			arch_outl((uint16_t)g->address, v);
		return 0;
	}
	if (g->space_id != ACPI_GAS_MEMORY)
		return -EOPNOTSUPP;
	va = mmio_map(g->address, n);
	if (!va)
		return -EFAULT;
	if (n == 1)
		mmio_write8(va, (uint8_t)v);
	else if (n == 2)
		mmio_write16(va, (uint16_t)v);
	else
		mmio_write32(va, v);
	mmio_unmap(va);
	return 0;
}

static int gas_read(const struct acpi_gas *g, uint32_t *v)
{
	unsigned int n = gas_bytes(g);
	void *va;

	if (g->space_id == ACPI_GAS_IO) {
		if (g->address > 0xffff)
			return -EINVAL;
		*v = n == 1   ? arch_inb((uint16_t)g->address)
		     : n == 2 ? arch_inw((uint16_t)g->address)
			      : arch_inl((uint16_t)g->address);
		return 0;
	}
	if (g->space_id != ACPI_GAS_MEMORY)
		return -EOPNOTSUPP;
	va = mmio_map(g->address, n);
	if (!va)
		return -EFAULT;
	*v = n == 1 ? mmio_read8(va) : n == 2 ? mmio_read16(va) : mmio_read32(va);
	mmio_unmap(va);
	return 0;
}

/* Switch the chipset from legacy (SMM) to ACPI mode if it is not there
 * yet: write ACPI_ENABLE to SMI_CMD and wait for SCI_EN (§4.8.2.1). */
static void enable_acpi_mode(const struct acpi_fadt_info *f)
{
	uint64_t deadline;
	uint32_t v;

	if (gas_read(&f->pm1a_cnt, &v) || (v & PM1_SCI_EN))
		return;
	if (!f->smi_cmd || !f->acpi_enable || f->smi_cmd > 0xffff)
		return; /* fixed ACPI mode: nothing to switch */
	arch_outb((uint16_t)f->smi_cmd, f->acpi_enable);
	deadline = ktime_ns() + ACPI_ENABLE_TIMEOUT_MS * NSEC_PER_MSEC;
	while (ktime_ns() < deadline) {
		if (!gas_read(&f->pm1a_cnt, &v) && (v & PM1_SCI_EN))
			return;
		arch_cpu_relax();
	}
	log_warn("SCI_EN did not come on; trying S5 anyway\n");
}

/* Write SLP_TYP, then SLP_TYP | SLP_EN, keeping the other bits (§16.1.7). */
static int enter_sleep(const struct acpi_gas *cnt, uint8_t typ)
{
	uint32_t v;
	int err;

	if (!cnt->address)
		return 0;
	err = gas_read(cnt, &v);
	if (err)
		return err;
	v = (v & ~(PM1_SLP_TYP_MASK | PM1_SLP_EN)) | ((uint32_t)(typ & 7) << PM1_SLP_TYP_SHIFT);
	err = gas_write(cnt, v);
	return err ? err : gas_write(cnt, v | PM1_SLP_EN);
}

int acpi_poweroff(void)
{
	const struct acpi_fadt_info *f = acpi_fadt();
	uint8_t typa, typb;
	int err;

	arch_irq_disable();
	if (!f || acpi_s5_sleep_type(&typa, &typb))
		return -ENODEV;
	if ((f->flags & FADT_HW_REDUCED_ACPI) || !f->pm1a_cnt.address)
		return -EOPNOTSUPP;
	enable_acpi_mode(f);
	err = enter_sleep(&f->pm1a_cnt, typa);
	if (!err)
		err = enter_sleep(&f->pm1b_cnt, typb);
	if (err)
		return err;
	mdelay(POWER_SETTLE_MS);
	return -EIO;
}

int acpi_reboot(void)
{
	const struct acpi_fadt_info *f = acpi_fadt();
	int err;

	if (!f || !f->has_reset)
		return -ENODEV;
	err = gas_write(&f->reset_reg, f->reset_value);
	if (err)
		return err;
	mdelay(POWER_SETTLE_MS);
	return -EIO;
}
