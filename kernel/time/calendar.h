/*
 * Calendar arithmetic and CMOS RTC register decoding: BCD or binary,
 * 12- or 24-hour, two-digit years with or without a century register, and
 * conversion between dates and seconds since 1970-01-01 00:00:00 UTC.
 * Pure: host-testable (calendar.c).
 * Reference: MC146818A data sheet (registers A/B, data modes).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "include/compiler.h"

/* A broken-down UTC date. */
struct cal_date {
	int year;  /* e.g. 2025 */
	int month; /* 1-12 */
	int day;   /* 1-31 */
	int hour, min, sec;
};

/* The RTC's time registers as read, plus status register B. */
struct rtc_regs {
	uint8_t sec, min, hour, day, month, year;
	uint8_t century; /* 0 when the firmware names no century register */
	uint8_t status_b;
};

/* Status register B bits. */
enum {
	RTC_B_24H = 1u << 1,	/* hours 0-23 (else 1-12 with bit 7 = PM) */
	RTC_B_BINARY = 1u << 2, /* binary values (else BCD) */
};

#define RTC_HOUR_PM 0x80

/*
 * Decode @r into @out. Without a century register, years 00-69 are taken
 * as 20xx and 70-99 as 19xx. Returns 0 or -EINVAL (a field out of range or
 * a malformed BCD digit).
 */
int rtc_decode(const struct rtc_regs *r, struct cal_date *out) __must_check;

/* Is @d a valid date and time (1970 onwards)? */
bool cal_is_valid(const struct cal_date *d);

/* Seconds since the Unix epoch for a valid @d. */
int64_t cal_to_unix(const struct cal_date *d);

/* The date @secs (>= 0) seconds after the epoch. */
void cal_from_unix(int64_t secs, struct cal_date *out);
