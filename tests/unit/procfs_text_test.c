/*
 * Host tests of fs/procfs/procfs_text.c: the meminfo line is byte for
 * byte the host kernel's own (every " kB" line of the host's
 * /proc/meminfo is re-rendered from its key and value), overflow is
 * remembered and keeps whole appends, and the parsers the KTESTs use.
 */
#include <stdio.h>
#include <string.h>

#include "fs/procfs/procfs_text.h"
#include "unit.h"

TEST(meminfo_lines_match_host)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256], key[64], out[256];
	unsigned long v;
	int n = 0;

	if (!f)
		return; // not a Linux host: nothing to compare with
	while (fgets(line, sizeof(line), f)) {
		struct procfs_text t;

		if (!strstr(line, " kB\n") || sscanf(line, "%63[^:]: %lu", key, &v) != 2)
			continue;
		procfs_text_init(&t, out, sizeof(out));
		procfs_text_kb(&t, key, v);
		CHECK(!t.overflow);
		CHECK_STR_EQ(out, line);
		n++;
	}
	fclose(f);
	CHECK(n > 10);
}

TEST(overflow_keeps_whole_appends)
{
	char buf[16];
	struct procfs_text t;

	procfs_text_init(&t, buf, sizeof(buf));
	procfs_text_printf(&t, "%s", "0123456789");
	CHECK(!t.overflow);
	procfs_text_printf(&t, "%s", "abcdef"); // 16 with the NUL: does not fit
	CHECK(t.overflow);
	CHECK_EQ(t.len, 10);
	procfs_text_printf(&t, "x");
	CHECK_EQ(t.len, 10);
}

TEST(parsers)
{
	static const char text[] = "MemTotal:     100 kB\nMemFree:  7 kB\nprocessor\t: 0\n"
				   "processor\t: 1\nMem: 3\n";
	uint64_t v = 0;

	CHECK(procfs_parse_key(text, strlen(text), "MemFree", &v));
	CHECK_EQ(v, 7);
	CHECK(procfs_parse_key(text, strlen(text), "MemTotal", &v));
	CHECK_EQ(v, 100);
	CHECK(procfs_parse_key(text, strlen(text), "Mem", &v));
	CHECK_EQ(v, 3);
	CHECK(!procfs_parse_key(text, strlen(text), "Swap", &v));
	CHECK_EQ(procfs_count_lines(text, strlen(text), "processor\t: "), 2);
	CHECK(procfs_parse_centis("12.34 5.60\n", 11, &v));
	CHECK_EQ(v, 1234);
	CHECK(!procfs_parse_centis("12.3", 4, &v));
	CHECK(!procfs_parse_centis(".34", 3, &v));
	CHECK(!procfs_parse_centis("1x.34", 5, &v));
}
