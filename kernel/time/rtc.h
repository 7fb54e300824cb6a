/*
 * The CMOS real-time clock: read once at boot to give the wall-clock time,
 * which then advances with ktime.
 */
#pragma once

#include <stdint.h>

#include "include/compiler.h"
#include "time/calendar.h"

/* Read the RTC now (update-in-progress check, two matching reads).
 * Returns 0, -ENODEV (the FADT says there is no CMOS RTC), -ETIMEDOUT or
 * -EINVAL (implausible contents). May busy-wait ~10 ms; any context. */
int rtc_read(struct cal_date *out) __must_check;

/* Read the RTC and remember the boot wall-clock time. Boot CPU. */
void rtc_init(void);

/* Seconds since the epoch now (boot RTC time + ktime since the read), or
 * -1 when the RTC could not be read. */
int64_t rtc_unix_now(void);

/* Nanoseconds since the epoch now, as rtc_unix_now(); -1 without a clock. */
int64_t rtc_unix_now_ns(void);

/* The date read at boot; returns -ENOENT when there is none. */
int rtc_boot_date(struct cal_date *out) __must_check;
