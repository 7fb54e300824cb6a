/*
 * Date arithmetic for the RTC and the `date` command: decoding the CMOS
 * clock's register formats and converting to and from Unix seconds with the
 * proleptic Gregorian "days from civil" method (count days in 400-year
 * eras of 146097 days, with March as the first month so the leap day ends
 * the year). Owns no state. Pure: host-testable.
 * Reference: MC146818A data sheet; H. Hinnant, "chrono-Compatible Low-Level
 * Date Algorithms" (the era arithmetic).
 */
#include "time/calendar.h"

#include "include/uapi/errno.h"

#define SECS_PER_DAY 86400
#define DAYS_PER_ERA 146097
#define DAYS_1970_FROM_0000_03_01 719468

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

bool cal_is_valid(const struct cal_date *d)
{
	return d->year >= 1970 && d->year <= 9999 && d->month >= 1 && d->month <= 12 &&
	       d->day >= 1 && d->day <= days_in_month(d->year, d->month) && d->hour >= 0 &&
	       d->hour < 24 && d->min >= 0 && d->min < 60 && d->sec >= 0 && d->sec < 60;
}

/* Decode one register: BCD unless @binary. -1 for a malformed BCD byte. */
static int reg_value(uint8_t v, bool binary)
{
	if (binary)
		return v;
	if ((v & 0x0f) > 9 || (v >> 4) > 9)
		return -1;
	return (v >> 4) * 10 + (v & 0x0f);
}

static int decode_hour(uint8_t raw, uint8_t status_b)
{
	bool binary = status_b & RTC_B_BINARY;
	bool pm = !(status_b & RTC_B_24H) && (raw & RTC_HOUR_PM);
	int h = reg_value(status_b & RTC_B_24H ? raw : raw & ~RTC_HOUR_PM, binary);

	if (status_b & RTC_B_24H || h < 0)
		return h;
	if (h < 1 || h > 12)
		return -1;
	return (h % 12) + (pm ? 12 : 0); /* 12 AM is 0, 12 PM is 12 */
}

int rtc_decode(const struct rtc_regs *r, struct cal_date *out)
{
	bool binary = r->status_b & RTC_B_BINARY;
	int year = reg_value(r->year, binary);
	int century = r->century ? reg_value(r->century, binary) : -1;

	if (year < 0 || year > 99 || (r->century && century < 0))
		return -EINVAL;
	if (century < 0)
		century = year < 70 ? 20 : 19;
	out->year = century * 100 + year;
	out->month = reg_value(r->month, binary);
	out->day = reg_value(r->day, binary);
	out->hour = decode_hour(r->hour, r->status_b);
	out->min = reg_value(r->min, binary);
	out->sec = reg_value(r->sec, binary);
	return cal_is_valid(out) ? 0 : -EINVAL;
}

int64_t cal_to_unix(const struct cal_date *d)
{
	int y = d->year - (d->month <= 2);
	int era = y / 400; /* years are >= 1970: no negative division */
	int yoe = y - era * 400;
	int mp = (d->month + 9) % 12; /* March = 0 */
	int doy = (153 * mp + 2) / 5 + d->day - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = (int64_t)era * DAYS_PER_ERA + doe - DAYS_1970_FROM_0000_03_01;

	return days * SECS_PER_DAY + d->hour * 3600 + d->min * 60 + d->sec;
}

void cal_from_unix(int64_t secs, struct cal_date *out)
{
	int64_t days = secs / SECS_PER_DAY + DAYS_1970_FROM_0000_03_01;
	int rem = (int)(secs % SECS_PER_DAY);
	int era = (int)(days / DAYS_PER_ERA);
	int doe = (int)(days - (int64_t)era * DAYS_PER_ERA);
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;

	out->day = doy - (153 * mp + 2) / 5 + 1;
	out->month = mp < 10 ? mp + 3 : mp - 9;
	out->year = yoe + era * 400 + (out->month <= 2);
	out->hour = rem / 3600;
	out->min = rem / 60 % 60;
	out->sec = rem % 60;
}
