/*
 * ls [-l] [-a] [PATH...]: lists directories (names sorted, dot files only
 * with -a) or names files. -l adds the mode, link count and size, as
 * "drwxr-xr-x   2     4096 name". Reads directories with getdents64
 * through opendir/readdir.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int opt_long, opt_all;

static void mode_string(mode_t m, char out[11])
{
	const char *rwx = "rwxrwxrwx";

	out[0] = S_ISDIR(m)    ? 'd'
		 : S_ISLNK(m)  ? 'l'
		 : S_ISCHR(m)  ? 'c'
		 : S_ISBLK(m)  ? 'b'
		 : S_ISFIFO(m) ? 'p'
		 : S_ISSOCK(m) ? 's'
			       : '-';
	for (int i = 0; i < 9; i++)
		out[i + 1] = (m & (0400 >> i)) ? rwx[i] : '-';
	out[10] = '\0';
}

/* Prints one entry; @path is what to lstat, @name what to show. */
static int show(const char *path, const char *name)
{
	struct stat st;
	char mode[11];

	if (!opt_long) {
		printf("%s\n", name);
		return 0;
	}
	if (lstat(path, &st) < 0) {
		fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
		return 1;
	}
	mode_string(st.st_mode, mode);
	printf("%s %3lu %8lld %s\n", mode, (unsigned long)st.st_nlink, (long long)st.st_size, name);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_dir(const char *dir)
{
	DIR *d = opendir(dir);
	char **names = NULL, path[4096];
	size_t n = 0, cap = 0;
	struct dirent *e;
	int err = 0;

	if (!d) {
		fprintf(stderr, "ls: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' && !opt_all)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof(*names));
			if (!names)
				return 1;
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		err |= show(path, names[i]);
		free(names[i]);
	}
	free(names);
	return err;
}

static int list(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
		return 1;
	}
	return S_ISDIR(st.st_mode) ? list_dir(path) : show(path, path);
}

int main(int argc, char **argv)
{
	int i = 1, err = 0, paths;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++)
		for (const char *o = argv[i] + 1; *o; o++) {
			if (*o == 'l')
				opt_long = 1;
			else if (*o == 'a')
				opt_all = 1;
			else {
				fprintf(stderr, "usage: ls [-la] [PATH...]\n");
				return 2;
			}
		}
	paths = argc - i;
	if (!paths)
		return list(".");
	for (; i < argc; i++) {
		if (paths > 1)
			printf("%s:\n", argv[i]);
		err |= list(argv[i]);
	}
	return err;
}
