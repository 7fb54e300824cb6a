/*
 * time_init(): the order matters. The arch registers its counters and its
 * timer; unknown frequencies are calibrated against the HPET and ktime
 * moves to the best source; only then is the LAPIC timer calibrated (it is
 * measured against ktime), and the RTC read last so its timestamp is on the
 * final clock. Owns no state.
 */
#include "time/time.h"

#include "arch/arch.h"
#include "core/log.h"
#include "time/clocksource.h"
#include "time/ktime.h"
#include "time/rtc.h"
#include "time/tick.h"

#define LOG_PREFIX "time: "

void time_init(void)
{
	const struct clocksource *cs;
	struct cal_date d;
	int err;

	arch_init_clocks();
	cs = clocksource_select();
	if (!cs)
		log_warn("no calibrated clock source: ktime stays on the boot estimate\n");
	err = tick_init();
	if (err)
		log_err("no periodic tick (%d)\n", err);
	rtc_init();
	if (rtc_boot_date(&d) == 0)
		log_info(
			"ktime on %s (TSC %lu kHz), tick %u Hz, RTC %04d-%02d-%02d %02d:%02d:%02d UTC\n",
			ktime_source_name(), (unsigned long)(ktime_cycles_hz() / 1000), tick_hz(),
			d.year, d.month, d.day, d.hour, d.min, d.sec);
	else
		log_info("ktime on %s (TSC %lu kHz), tick %u Hz, no RTC\n", ktime_source_name(),
			 (unsigned long)(ktime_cycles_hz() / 1000), tick_hz());
}
