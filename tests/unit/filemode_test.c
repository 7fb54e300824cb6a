/*
 * Host tests of lib/filemode.c: each file type's letter, the permission
 * triples, and the set-id and sticky bits with and without execute.
 */
#include "include/uapi/stat.h"
#include "lib/filemode.h"
#include "unit.h"

static const char *mode_str(uint32_t mode)
{
	static char buf[11];

	filemode_string(mode, buf);
	return buf;
}

TEST(types)
{
	CHECK_STR_EQ(mode_str(S_IFREG | 0644), "-rw-r--r--");
	CHECK_STR_EQ(mode_str(S_IFDIR | 0755), "drwxr-xr-x");
	CHECK_STR_EQ(mode_str(S_IFLNK | 0777), "lrwxrwxrwx");
	CHECK_STR_EQ(mode_str(S_IFCHR | 0620), "crw--w----");
	CHECK_STR_EQ(mode_str(S_IFBLK | 0660), "brw-rw----");
	CHECK_STR_EQ(mode_str(S_IFIFO | 0600), "prw-------");
	CHECK_STR_EQ(mode_str(S_IFSOCK | 0755), "srwxr-xr-x");
	CHECK_STR_EQ(mode_str(0), "----------");
}

TEST(special_bits)
{
	CHECK_STR_EQ(mode_str(S_IFREG | S_ISUID | 0755), "-rwsr-xr-x");
	CHECK_STR_EQ(mode_str(S_IFREG | S_ISUID | 0644), "-rwSr--r--");
	CHECK_STR_EQ(mode_str(S_IFREG | S_ISGID | 0710), "-rwx--s---");
	CHECK_STR_EQ(mode_str(S_IFREG | S_ISGID | 0700), "-rwx--S---");
	CHECK_STR_EQ(mode_str(S_IFDIR | S_ISVTX | 0777), "drwxrwxrwt");
	CHECK_STR_EQ(mode_str(S_IFDIR | S_ISVTX | 0770), "drwxrwx--T");
	CHECK_STR_EQ(mode_str(S_IFREG | 07777), "-rwsrwsrwt");
}
