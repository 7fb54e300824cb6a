/*
 * echo [-n] [ARGS...]: prints its arguments separated by spaces and
 * followed by a newline (none with -n), as POSIX echo without escapes.
 */
#include <string.h>
#include <unistd.h>

static int put(const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(1, s, n);

		if (w <= 0)
			return 1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1, newline = 1, err = 0;

	if (argc > 1 && !strcmp(argv[1], "-n")) {
		newline = 0;
		i++;
	}
	for (; i < argc; i++) {
		err |= put(argv[i], strlen(argv[i]));
		if (i + 1 < argc)
			err |= put(" ", 1);
	}
	if (newline)
		err |= put("\n", 1);
	return err;
}
