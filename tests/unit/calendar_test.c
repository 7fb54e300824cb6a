/*
 * Host tests of time/calendar.c: RTC register decoding (BCD and binary,
 * 12- and 24-hour, century register or not, garbage) and the conversion
 * between dates and Unix seconds (known dates, leap years, round trips).
 */
#include "include/uapi/errno.h"
#include "time/calendar.h"
#include "unit.h"

static struct rtc_regs bcd_regs(void)
{
	/* 2024-02-29 23:59:58 in BCD, 24-hour mode, century register 0x20. */
	return (struct rtc_regs){ .sec = 0x58,
				  .min = 0x59,
				  .hour = 0x23,
				  .day = 0x29,
				  .month = 0x02,
				  .year = 0x24,
				  .century = 0x20,
				  .status_b = RTC_B_24H };
}

TEST(decode_bcd_24h)
{
	struct rtc_regs r = bcd_regs();
	struct cal_date d;

	CHECK_EQ(rtc_decode(&r, &d), 0);
	CHECK_EQ(d.year, 2024);
	CHECK_EQ(d.month, 2);
	CHECK_EQ(d.day, 29);
	CHECK_EQ(d.hour, 23);
	CHECK_EQ(d.min, 59);
	CHECK_EQ(d.sec, 58);
}

TEST(decode_binary_and_12h)
{
	struct rtc_regs r = { .sec = 5,
			      .min = 7,
			      .hour = 12,
			      .day = 1,
			      .month = 12,
			      .year = 25,
			      .status_b = RTC_B_BINARY };
	struct cal_date d;

	CHECK_EQ(rtc_decode(&r, &d), 0);
	CHECK_EQ(d.year, 2025); /* no century register: 00-69 is 20xx */
	CHECK_EQ(d.hour, 0);	/* 12 AM */
	r.hour = 12 | RTC_HOUR_PM;
	CHECK_EQ(rtc_decode(&r, &d), 0);
	CHECK_EQ(d.hour, 12); /* 12 PM */
	r.hour = 1 | RTC_HOUR_PM;
	CHECK_EQ(rtc_decode(&r, &d), 0);
	CHECK_EQ(d.hour, 13);
	r.status_b = 0; /* BCD, 12-hour */
	r.hour = 0x11 | RTC_HOUR_PM;
	r.sec = 0x05, r.min = 0x07, r.day = 0x01, r.month = 0x12, r.year = 0x99;
	CHECK_EQ(rtc_decode(&r, &d), 0);
	CHECK_EQ(d.hour, 23);
	CHECK_EQ(d.year, 1999);
}

TEST(decode_rejects_garbage)
{
	struct rtc_regs r = bcd_regs();
	struct cal_date d;

	r.min = 0x5a; /* not a BCD digit */
	CHECK_EQ(rtc_decode(&r, &d), -EINVAL);
	r = bcd_regs();
	r.month = 0x13;
	CHECK_EQ(rtc_decode(&r, &d), -EINVAL);
	r = bcd_regs();
	r.year = 0x23; /* 2023-02-29 does not exist */
	CHECK_EQ(rtc_decode(&r, &d), -EINVAL);
	r = bcd_regs();
	r.status_b = 0;
	r.hour = 0x13; /* 12-hour mode: 13 is invalid */
	CHECK_EQ(rtc_decode(&r, &d), -EINVAL);
	r.hour = 0x00;
	CHECK_EQ(rtc_decode(&r, &d), -EINVAL);
	r = bcd_regs();
	r.century = 0xff;
	CHECK_EQ(rtc_decode(&r, &d), -EINVAL);
	r = (struct rtc_regs){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, RTC_B_BINARY };
	CHECK_EQ(rtc_decode(&r, &d), -EINVAL);
}

TEST(unix_known_dates)
{
	struct cal_date epoch = { 1970, 1, 1, 0, 0, 0 };
	struct cal_date y2k = { 2000, 1, 1, 0, 0, 0 };
	struct cal_date leap = { 2024, 2, 29, 12, 34, 56 };
	struct cal_date d;

	CHECK_EQ(cal_to_unix(&epoch), 0);
	CHECK_EQ(cal_to_unix(&y2k), 946684800);
	CHECK_EQ(cal_to_unix(&leap), 1709210096);
	cal_from_unix(1709210096, &d);
	CHECK_EQ(d.year, 2024);
	CHECK_EQ(d.month, 2);
	CHECK_EQ(d.day, 29);
	CHECK_EQ(d.hour, 12);
	CHECK_EQ(d.min, 34);
	CHECK_EQ(d.sec, 56);
	cal_from_unix(4107542400, &d); /* 2100-03-01: 2100 is not a leap year */
	CHECK_EQ(d.year, 2100);
	CHECK_EQ(d.month, 3);
	CHECK_EQ(d.day, 1);
}

TEST(unix_round_trip)
{
	for (int i = 0; i < 100000; i++) {
		int64_t s = (int64_t)unit_rand_below(253402300800ull); /* < year 10000 */
		struct cal_date d;

		cal_from_unix(s, &d);
		CHECK(cal_is_valid(&d));
		CHECK_EQ(cal_to_unix(&d), s);
	}
}
