/*
 * cat [FILE...]: copies each file (or standard input, also for "-") to
 * standard output. Exits 1 if a file could not be opened or read.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char buf[65536];

static int copy(int fd, const char *name)
{
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "cat: %s: %s\n", name, strerror(errno));
			return 1;
		}
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(1, buf + off, (size_t)(n - off));

			if (w < 0) {
				fprintf(stderr, "cat: write: %s\n", strerror(errno));
				return 1;
			}
			off += w;
		}
	}
}

int main(int argc, char **argv)
{
	int err = 0;

	if (argc < 2)
		return copy(0, "stdin");
	for (int i = 1; i < argc; i++) {
		int fd = strcmp(argv[i], "-") ? open(argv[i], O_RDONLY) : 0;

		if (fd < 0) {
			fprintf(stderr, "cat: %s: %s\n", argv[i], strerror(errno));
			err = 1;
			continue;
		}
		err |= copy(fd, argv[i]);
		if (fd > 0)
			close(fd);
	}
	return err;
}
