/*
 * Tests for kernel/lib/shebang.c against what Linux's binfmt_script does:
 * name only, name and one argument with inner blanks kept, trailing
 * blanks dropped, blank lines refused (a bare "#!" is an empty name), a line longer than the
 * buffer kept when the name is whole and refused when the name is cut.
 */
#include <string.h>

#include "include/uapi/errno.h"
#include "lib/shebang.h"
#include "unit.h"

static char buf[SHEBANG_BUF];

static int parse(const char *text, char **name, char **arg)
{
	memset(buf, 0, sizeof(buf));
	memcpy(buf, text, strlen(text) < sizeof(buf) ? strlen(text) : sizeof(buf));
	return shebang_parse(buf, name, arg);
}

TEST(shebang_name_and_argument)
{
	char *name, *arg;

	CHECK_EQ(parse("#!/bin/sh\necho hi\n", &name, &arg), 0);
	CHECK_STR_EQ(name, "/bin/sh");
	CHECK(arg == NULL);
	CHECK_EQ(parse("#! \t/bin/prog  -x  two words \t\nrest", &name, &arg), 0);
	CHECK_STR_EQ(name, "/bin/prog");
	CHECK_STR_EQ(arg, "-x  two words");
	CHECK_EQ(parse("#!/bin/prog   \n", &name, &arg), 0);
	CHECK_STR_EQ(name, "/bin/prog");
	CHECK(arg == NULL);
	CHECK_EQ(parse("#!/bin/prog", &name, &arg), 0); /* no newline, NUL padded */
	CHECK_STR_EQ(name, "/bin/prog");
}

TEST(shebang_refusals)
{
	char *name, *arg;

	CHECK_EQ(parse("#!\n", &name, &arg), -ENOEXEC);
	CHECK_EQ(parse("#!   \t\n", &name, &arg), -ENOEXEC);
	/* A bare "#!" with no newline: the NUL padding is an empty name, as
	 * on Linux (whose exec then fails to open "": -ENOENT). */
	CHECK_EQ(parse("#!", &name, &arg), 0);
	CHECK_STR_EQ(name, "");
}

TEST(shebang_long_lines)
{
	char text[400], *name, *arg;

	/* The name is whole, its argument runs past the buffer: cut there. */
	memset(text, 'a', sizeof(text));
	memcpy(text, "#!/bin/prog ", 12);
	text[sizeof(text) - 1] = 0;
	CHECK_EQ(parse(text, &name, &arg), 0);
	CHECK_STR_EQ(name, "/bin/prog");
	CHECK_EQ(strlen(arg), SHEBANG_BUF - 1 - 12);
	/* The name itself runs past the buffer: refused. */
	memset(text, 'a', sizeof(text));
	memcpy(text, "#!/", 3);
	text[sizeof(text) - 1] = 0;
	CHECK_EQ(parse(text, &name, &arg), -ENOEXEC);
}
