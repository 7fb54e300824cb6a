/*
 * CMOS RTC reader. The clock updates once a second; while status A's UIP
 * bit is set the registers may be mid-update, so the reader waits for UIP
 * clear, reads every register, and repeats until two reads agree. The
 * century register is the one the FADT names (if any).
 * The index port's bit 7 is the chipset's NMI mask on PC platforms (write
 * only: the ICH9 of QEMU's q35, like most chipsets, cannot read it back).
 * Every index write leaves it clear, i.e. NMIs enabled: masking them only
 * matters when an NMI handler touches the CMOS between an index write and
 * the data read, and ours never does. (The reader used to write it set and
 * clear it only at the end, so NMIs stayed masked for a whole read, UIP
 * waits and preemptions included, and another CPU's read re-enabled them
 * in the middle.)
 * Locking: cmos_lock (IRQ-safe leaf) makes each index write + data read
 * one step; the index/data pair is a single shared register pair.
 * State: the boot date is written once by rtc_init(), then read-only.
 * Reference: MC146818A data sheet; ACPI 6.5 §5.2.9 (FADT CENTURY,
 * IAPC_BOOT_ARCH "CMOS RTC not present").
 */
#include "time/rtc.h"

#include <stdbool.h>

#include "acpi/acpi.h"
#include "arch/arch.h"
#include "core/log.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "sync/spinlock.h"
#include "time/ktime.h"

#define LOG_PREFIX "rtc: "

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CMOS_NMI_DISABLE 0x80 /* index bit 7: never set (see above) */
enum {
	CMOS_SEC = 0x00,
	CMOS_MIN = 0x02,
	CMOS_HOUR = 0x04,
	CMOS_DAY = 0x07,
	CMOS_MONTH = 0x08,
	CMOS_YEAR = 0x09,
	CMOS_STATUS_A = 0x0a,
	CMOS_STATUS_B = 0x0b,
};
#define STATUS_A_UIP 0x80
#define UIP_TIMEOUT_NS (20 * NSEC_PER_MSEC)
#define READ_ATTEMPTS 5

/* Written once by rtc_init(). */
static bool have_boot;
static struct cal_date boot_date;
static int64_t boot_unix;
static uint64_t boot_read_ns;

static struct spinlock cmos_lock = SPINLOCK_INIT("cmos", LOCK_RANK_LEAF);

static uint8_t cmos_read(uint8_t reg)
{
	unsigned long flags = spin_lock_irqsave(&cmos_lock);
	uint8_t v;

	arch_outb(CMOS_INDEX, reg & ~CMOS_NMI_DISABLE);
	v = arch_inb(CMOS_DATA);
	spin_unlock_irqrestore(&cmos_lock, flags);
	return v;
}

static int read_regs(struct rtc_regs *r, uint8_t century_reg)
{
	uint64_t deadline = ktime_ns() + UIP_TIMEOUT_NS;

	/* The clock is taken before UIP is read: a vCPU stalled between the
	 * two (8 vCPUs on 2 busy host cores) must not turn one slow read of
	 * a short update into a time-out (it did, in smp8_uefi_suite). */
	for (;;) {
		bool late = ktime_ns() > deadline;

		if (!(cmos_read(CMOS_STATUS_A) & STATUS_A_UIP))
			break;
		if (late)
			return -ETIMEDOUT;
	}
	r->sec = cmos_read(CMOS_SEC);
	r->min = cmos_read(CMOS_MIN);
	r->hour = cmos_read(CMOS_HOUR);
	r->day = cmos_read(CMOS_DAY);
	r->month = cmos_read(CMOS_MONTH);
	r->year = cmos_read(CMOS_YEAR);
	r->century = century_reg ? cmos_read(century_reg) : 0;
	r->status_b = cmos_read(CMOS_STATUS_B);
	return 0;
}

int rtc_read(struct cal_date *out)
{
	const struct acpi_fadt_info *f = acpi_fadt();
	uint8_t century_reg = f ? f->century : 0;
	struct rtc_regs a, b;
	int err;

	if (f && (f->boot_arch & FADT_BOOT_NO_CMOS_RTC))
		return -ENODEV;
	err = read_regs(&a, century_reg);
	for (int i = 0; !err && i < READ_ATTEMPTS; i++) {
		err = read_regs(&b, century_reg);
		if (!err && memcmp(&a, &b, sizeof(a)) == 0)
			break;
		a = b;
	}
	return err ? err : rtc_decode(&a, out);
}

void rtc_init(void)
{
	int err = rtc_read(&boot_date);

	if (err) {
		log_warn("cannot read the clock (%d): no wall-clock time\n", err);
		return;
	}
	boot_read_ns = ktime_ns();
	boot_unix = cal_to_unix(&boot_date);
	have_boot = true;
}

int64_t rtc_unix_now(void)
{
	if (!have_boot)
		return -1;
	return boot_unix + (int64_t)((ktime_ns() - boot_read_ns) / NSEC_PER_SEC);
}

int64_t rtc_unix_now_ns(void)
{
	if (!have_boot)
		return -1;
	return boot_unix * (int64_t)NSEC_PER_SEC + (int64_t)(ktime_ns() - boot_read_ns);
}

int rtc_boot_date(struct cal_date *out)
{
	if (!have_boot)
		return -ENOENT;
	*out = boot_date;
	return 0;
}
