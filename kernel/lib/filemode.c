/*
 * ls -l's ten-character mode string (POSIX ls, "Long format": the type
 * letter, then rwx for owner, group and others, with s/S and t/T for the
 * set-id and sticky bits).
 * Pure: host-testable.
 */
#include "lib/filemode.h"

#include "include/uapi/stat.h"

void filemode_string(uint32_t mode, char buf[11])
{
	static const char types[16] = { [S_IFDIR >> 12] = 'd', [S_IFLNK >> 12] = 'l',
					[S_IFCHR >> 12] = 'c', [S_IFBLK >> 12] = 'b',
					[S_IFIFO >> 12] = 'p', [S_IFSOCK >> 12] = 's' };
	static const char rwx[] = "rwxrwxrwx";
	char t = types[(mode & S_IFMT) >> 12];

	buf[0] = t ? t : '-';
	for (int i = 0; i < 9; i++)
		buf[1 + i] = mode & (0400u >> i) ? rwx[i] : '-';
	if (mode & S_ISUID)
		buf[3] = mode & 0100 ? 's' : 'S';
	if (mode & S_ISGID)
		buf[6] = mode & 0010 ? 's' : 'S';
	if (mode & S_ISVTX)
		buf[9] = mode & 0001 ? 't' : 'T';
	buf[10] = '\0';
}
