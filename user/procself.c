/*
 * /proc/PID's fd/, cwd, root, environ, maps, statm and stat's vsize and
 * argument/environment addresses, differentially
 * (tests/qemu/test_procfs.py): the same static binary on the host's
 * Linux and in Corvid, run in a scratch directory DIR (argv[1]). It
 * prints only what holds on both - targets with DIR and pipe inode
 * numbers masked, maps as permissions, offsets and names without
 * addresses (the kernel's own [vvar], [vdso] and [vsyscall] left out) -
 * one line each, then "procself: done". Reads use read(2) into static
 * buffers, so nothing mallocs between two files that must agree.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define BIG (1 << 20)

extern char **environ;
static char dir[4096];
static char maps[BIG], statm[4096], pstat[4096], text[BIG];
static char **env0, **argv0;

static const char *yes(int ok)
{
	return ok ? "yes" : "NO";
}

static const char *err(int e)
{
	return e == ENOENT ? "ENOENT" : e == EINVAL ? "EINVAL" : e == ESRCH ? "ESRCH"
		: e == EACCES ? "EACCES" : e == ENOTDIR ? "ENOTDIR" : strerror(e);
}

/* The whole of @path into @buf (@size), NUL-terminated; -errno. */
static long slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	size_t got = 0;
	long n;

	if (fd < 0)
		return -errno;
	while (got < size - 1 && (n = read(fd, buf + got, size - 1 - got)) > 0)
		got += (size_t)n;
	n = n < 0 ? -errno : (long)got;
	close(fd);
	buf[got] = '\0';
	return n;
}

/* A link's target with DIR and pipe inode numbers masked. */
static const char *masked(const char *t)
{
	static char out[4200];
	size_t n = strlen(dir);

	if (!strncmp(t, dir, n) && (t[n] == '/' || !t[n]))
		snprintf(out, sizeof(out), "DIR%s", t + n);
	else if (!strncmp(t, "pipe:[", 6))
		snprintf(out, sizeof(out), "pipe:[N]");
	else
		snprintf(out, sizeof(out), "%s", t);
	return out;
}

static const char *link_of(const char *path)
{
	static char t[4200];
	ssize_t n = readlink(path, t, sizeof(t) - 1);

	if (n < 0)
		return err(errno);
	t[n] = '\0';
	return masked(t);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* /proc/@pid/fd's descriptors from 3 up (the harness's 0-2 differ), each
 * with its link's mode and target; the listing's own is left out. */
static void list_fds(const char *pid)
{
	char path[64];
	int fds[300], n = 0;
	DIR *d;
	struct dirent *e;

	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	if (!(d = opendir(path))) {
		printf("opendir %s: %s\n", strcmp(pid, "self") ? "/proc/CHILD/fd" : path,
		       err(errno));
		return;
	}
	while ((e = readdir(d)) && n < 300)
		if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d))
			fds[n++] = atoi(e->d_name);
	closedir(d);
	qsort(fds, (size_t)n, sizeof(int), cmp_int);
	for (int i = 0; i < n; i++) {
		struct stat st;

		if (fds[i] < 3)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd/%d", pid, fds[i]);
		if (lstat(path, &st)) {
			printf("fd %d: lstat %s\n", fds[i], err(errno));
			continue;
		}
		printf("fd %d: link %s mode %03o -> %s\n", fds[i], yes(S_ISLNK(st.st_mode)),
		       st.st_mode & 0777, link_of(path));
	}
}

static void fds_and_links(void)
{
	int p[2], fd, dupfd;
	struct stat st;
	char path[64], want[64], buf[16];

	printf("cwd is getcwd: %s\n", link_of("/proc/self/cwd"));
	printf("root: %s\n", link_of("/proc/self/root"));
	fd = open("f1", O_CREAT | O_RDWR | O_TRUNC, 0644); // 3
	write(fd, "hello\n", 6);
	pipe(p);					// 4, 5
	open("f2", O_CREAT | O_WRONLY, 0600);		// 6
	unlink("f2");
	open("/dev/null", O_RDONLY);			// 7
	dupfd = dup2(fd, 9);
	list_fds("self");
	fstat(p[0], &st);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[1]);
	snprintf(want, sizeof(want), "pipe:[%lu]", (unsigned long)st.st_ino);
	ssize_t n = readlink(path, text, 100);
	text[n > 0 ? n : 0] = '\0';
	printf("pipe link names fstat's inode: %s\n", yes(!strcmp(text, want)));
	printf("readlink into 4 bytes: %zd\n", readlink("/proc/self/fd/3", text, 4));
	printf("fd 8 (closed): %s\n", link_of("/proc/self/fd/8"));
	printf("fd 300: %s\n", link_of("/proc/self/fd/300"));
	printf("fd 03: %s\n", link_of("/proc/self/fd/03"));
	int f = open("/proc/self/fd/9", O_RDONLY);
	n = f < 0 ? -1 : read(f, buf, sizeof(buf));
	printf("open through the link reads: %s\n", yes(n == 6 && !memcmp(buf, "hello\n", 6)));
	close(f);
	close(dupfd);
	close(6);
	close(7);
	printf("after close 9: %s\n", link_of("/proc/self/fd/9"));
	close(p[0]);
	close(p[1]);
}

static void check_environ(void)
{
	long n = slurp("/proc/self/environ", text, sizeof(text));
	size_t off = 0;
	int ok = n >= 0, count = 0;

	for (char **e = env0; ok && *e; e++, count++) {
		size_t len = strlen(*e) + 1;

		ok = off + len <= (size_t)n && !memcmp(text + off, *e, len);
		off += len;
	}
	printf("environ is envp: %s\n", yes(ok && off == (size_t)n));
	printf("environ ends in NUL: %s\n", yes(n == 0 || text[n - 1] == '\0'));
}

/* maps without addresses: perms, offset (files only) and name, DIR and
 * the program's directory masked; the kernel's own pages left out. */
static unsigned long print_maps(const char *self)
{
	unsigned long total = 0, last_end = 0;
	int sorted = 1, column = 1;
	char *line = maps, *nl;

	for (; *line; line = nl + 1) {
		unsigned long s, e, off, ino;
		char perms[8], name[4200] = "";
		int dmaj, dmin, at = 0;

		nl = strchr(line, '\n');
		if (!nl)
			break;
		*nl = '\0';
		if (sscanf(line, "%lx-%lx %7s %lx %x:%x %lu %n", &s, &e, perms, &off, &dmaj, &dmin,
			   &ino, &at) < 7) {
			printf("maps line shape: %s\n", line);
			continue;
		}
		if (line[at])
			snprintf(name, sizeof(name), "%s", line + at);
		if (name[0] && (at != 73 || line[72] != ' '))
			column = 0;
		sorted &= s >= last_end && s < e;
		last_end = e;
		if (strcmp(name, "[vsyscall]")) // not a region of the process (total_vm)
			total += e - s;
		if (!strcmp(name, "[vvar]") || !strcmp(name, "[vdso]") ||
		    !strcmp(name, "[vsyscall]") || !strcmp(name, "[vvar_vclock]"))
			continue;
		if (!strcmp(name, self))
			snprintf(name, sizeof(name), "PROGRAM");
		if (name[0] == '/' || !strcmp(name, "PROGRAM"))
			printf("map %s %08lx %s\n", perms, off, masked(name));
		else
			printf("map %s %s\n", perms, name);
	}
	printf("maps sorted, disjoint: %s\n", yes(sorted));
	printf("maps names at column 74: %s\n", yes(column));
	return total;
}

static void check_maps(void)
{
	char self[4200];
	ssize_t sn = readlink("/proc/self/exe", self, sizeof(self) - 1);
	long pages = sysconf(_SC_PAGESIZE);
	char *anon = mmap(NULL, 3 * pages, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	int fd = open("f1", O_RDONLY);
	char *file = mmap(NULL, pages, PROT_READ, MAP_SHARED, fd, 0);
	unsigned long total, vsize = 0, size = 0, resident = 0;
	char *p;

	self[sn > 0 ? sn : 0] = '\0';
	close(fd);
	mprotect(anon + pages, pages, PROT_READ); // one region becomes three
	anon[0] = 1;
	slurp("/proc/self/maps", maps, sizeof(maps));
	slurp("/proc/self/statm", statm, sizeof(statm));
	slurp("/proc/self/stat", pstat, sizeof(pstat));
	char start[32];
	snprintf(start, sizeof(start), "%lx-", (unsigned long)anon);
	printf("maps has the mmap: %s\n", yes(strstr(maps, start) != NULL));
	total = print_maps(self);
	sscanf(statm, "%lu %lu", &size, &resident);
	printf("statm fields: %d\n", ({
		       int k = 0;
		       for (char *q = strtok(statm, " \n"); q; q = strtok(NULL, " \n"))
			       k++;
		       k;
	       }));
	printf("statm size is maps' total: %s\n", yes(size * (unsigned long)pages == total));
	printf("statm resident <= size: %s\n", yes(resident > 0 && resident <= size));
	p = strrchr(pstat, ')');
	unsigned long f[60] = { 0 };
	int k = 3;
	for (char *q = strtok(p + 2, " \n"); q && k < 60; q = strtok(NULL, " \n"))
		f[k++] = strtoul(q, NULL, 10);
	vsize = f[23];
	printf("stat fields: %d\n", k - 1);
	printf("stat vsize is maps' total: %s\n", yes(vsize == total));
	printf("stat arg_start is argv[0]: %s\n", yes(f[48] == (unsigned long)argv0[0]));
	printf("stat env range holds envp: %s\n",
	       yes(!env0[0] || (f[50] <= (unsigned long)env0[0] && (unsigned long)env0[0] < f[51])));
	munmap(anon, 3 * pages);
	munmap(file, pages);
}

/* Until @pid has ended but is not reaped (stat's state Z). */
static void wait_zombie(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	for (int i = 0; i < 10000; i++) {
		char *p;

		if (slurp(path, pstat, sizeof(pstat)) > 0 && (p = strrchr(pstat, ')')) && p[2] == 'Z')
			return;
		usleep(1000);
	}
	printf("no zombie\n");
}

/* Another process's directory while it runs, as a zombie and reaped. */
static void check_child(void)
{
	int go[2], ready[2];
	char pid[16], path[64], c;
	pid_t child;

	pipe(go);
	pipe(ready);
	mkdir("sub", 0755);
	child = fork();
	if (!child) {
		close(go[1]);
		close(ready[0]);
		chdir("sub");
		write(ready[1], "r", 1);
		read(go[0], &c, 1);
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	read(ready[0], &c, 1);
	snprintf(pid, sizeof(pid), "%d", child);
	snprintf(path, sizeof(path), "/proc/%d/cwd", child);
	printf("child cwd: %s\n", link_of(path));
	snprintf(path, sizeof(path), "/proc/%d/root", child);
	printf("child root: %s\n", link_of(path));
	list_fds(pid);
	snprintf(path, sizeof(path), "/proc/%d/environ", child);
	long n = slurp(path, text, sizeof(text));
	long m = slurp("/proc/self/environ", maps, sizeof(maps));
	printf("child environ is ours: %s\n", yes(n == m && !memcmp(text, maps, (size_t)n)));
	close(go[1]);
	wait_zombie(child);
	snprintf(path, sizeof(path), "/proc/%d/cwd", child);
	printf("zombie cwd: %s\n", link_of(path));
	list_fds(pid);
	snprintf(path, sizeof(path), "/proc/%d/maps", child);
	printf("zombie maps bytes: %ld\n", slurp(path, text, sizeof(text)));
	snprintf(path, sizeof(path), "/proc/%d/environ", child);
	printf("zombie environ bytes: %ld\n", slurp(path, text, sizeof(text)));
	waitpid(child, NULL, 0);
	snprintf(path, sizeof(path), "/proc/%d/cwd", child);
	printf("reaped cwd: %s\n", link_of(path));
	snprintf(path, sizeof(path), "/proc/%d/maps", child);
	printf("reaped maps: %s\n", err((int)-slurp(path, text, sizeof(text))));
	list_fds(pid);
	close(ready[0]);
	rmdir("sub");
}

/* Odd reads: one byte at a time gives the same text, past the end 0. */
static void check_reads(void)
{
	int fd = open("/proc/self/maps", O_RDONLY);
	size_t got = 0;
	char c;

	while (read(fd, &c, 1) == 1 && got < sizeof(text))
		text[got++] = c;
	close(fd);
	slurp("/proc/self/maps", maps, sizeof(maps));
	printf("byte reads match: %s\n", yes(got == strlen(maps) && !memcmp(maps, text, got)));
	DIR *d = opendir("/proc/self/fd");

	seekdir(d, 1l << 40); // Linux refuses it, Corvid lists nothing: only survive it
	while (readdir(d))
		;
	closedir(d);
	fd = open("/proc/self/environ", O_RDONLY);
	printf("pread past the end: %zd\n", pread(fd, text, 100, 1ll << 40));
	printf("lseek back: %ld\n", (long)lseek(fd, 0, SEEK_SET));
	close(fd);
}

/* Children that exit while we read their files: nothing must break. */
static void race(void)
{
	char path[64];

	for (int i = 0; i < 100; i++) {
		pid_t child = fork();
		static const char *files[] = { "maps", "environ", "statm", "stat", "cwd", "fd" };

		if (!child)
			_exit(0);
		for (int j = 0; j < 6; j++) {
			snprintf(path, sizeof(path), "/proc/%d/%s", child, files[j]);
			if (j == 4)
				link_of(path);
			else if (j == 5) {
				DIR *d = opendir(path);
				if (d) {
					while (readdir(d))
						;
					closedir(d);
				}
				snprintf(path, sizeof(path), "/proc/%d/fd/0", child);
				link_of(path);
			} else
				slurp(path, text, sizeof(text));
		}
		waitpid(child, NULL, 0);
	}
	printf("race: done\n");
}

/* /proc is the kernel's: new names do not exist, old ones stay. */
static void check_refusals(void)
{
	int fd = open("/proc/new", O_CREAT | O_WRONLY, 0644);

	printf("create in /proc: %s\n", fd < 0 ? err(errno) : "created");
	if (fd >= 0)
		close(fd);
	printf("mkdir in /proc: %s\n", mkdir("/proc/x", 0755) ? err(errno) : "made");
	printf("unlink /proc/uptime: %s\n",
	       unlink("/proc/uptime") ? (errno == EPERM ? "EPERM" : err(errno)) : "removed");
}

int main(int argc, char **argv)
{
	env0 = environ;
	argv0 = argv;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	if (argc < 2 || chdir(argv[1]) || !getcwd(dir, sizeof(dir))) {
		printf("usage: procself DIR\n");
		return 1;
	}
	fds_and_links();
	check_environ();
	check_maps();
	check_child();
	check_reads();
	race();
	check_refusals();
	unlink("f1");
	printf("procself: done\n");
	return 0;
}
