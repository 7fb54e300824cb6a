/*
 * Host tests of lib/bootargs.c: root= taken from the leading parameters,
 * the rest of the line left for the shell, words after the first command
 * never taken, values cut to the buffer.
 */
#include <string.h>

#include "lib/bootargs.h"
#include "unit.h"

TEST(takes_leading_param)
{
	char line[64] = "root=vdb test ext2";
	char val[8];

	CHECK(bootargs_take(line, "root", val, sizeof(val)));
	CHECK_STR_EQ(val, "vdb");
	CHECK_STR_EQ(line, "test ext2");
	CHECK(!bootargs_take(line, "root", val, sizeof(val)));
	CHECK_STR_EQ(line, "test ext2");
}

TEST(among_other_params)
{
	char line[64] = "  quiet=1 root=vdc\tx=y  echo hi";
	char val[8];

	CHECK(bootargs_take(line, "root", val, sizeof(val)));
	CHECK_STR_EQ(val, "vdc");
	CHECK_STR_EQ(line, "  quiet=1 x=y  echo hi");
	CHECK(!bootargs_take(line, "roo", val, sizeof(val)));
}

TEST(not_after_a_command)
{
	char line[64] = "echo root=vdb";
	char val[8] = "";

	CHECK(!bootargs_take(line, "root", val, sizeof(val)));
	CHECK_STR_EQ(line, "echo root=vdb");
	strcpy(line, "=x root=vdb");
	CHECK(!bootargs_take(line, "root", val, sizeof(val)));
}

TEST(value_cut_and_empty)
{
	char line[64] = "root=verylongname";
	char val[5];

	CHECK(bootargs_take(line, "root", val, sizeof(val)));
	CHECK_STR_EQ(val, "very");
	CHECK_STR_EQ(line, "");
	strcpy(line, "root=");
	CHECK(bootargs_take(line, "root", val, sizeof(val)));
	CHECK_STR_EQ(val, "");
}
