/*
 * The file-system benchmark as a user program, for comparing Corvid with
 * Linux in the same QEMU (tools/bench.py boots Debian's Linux with this as
 * /init). It does what kernel/fs/fs_bench.c does inside Corvid, through
 * system calls, on a fresh tmpfs at /tmp, and prints the same
 * "METRIC name value unit" lines:
 *   fs_tmpfs_create_unlink        open(O_CREAT|O_EXCL)+close+unlink of 10,000 names
 *   fs_lookup_10_components_warm  stat() of /tmp/fsbench/d1/.../d8, warm
 *   fs_tmpfs_seq_write_64m / _read_64m   64 MiB in 64 KiB write()/read() calls
 *   fs_tmpfs_ls_l_10k             getdents64 + lstat of every entry of a 10,000-name directory
 *   syscall_getppid               one trivial system call, the entry/exit cost
 *                                 included in each of the others
 * As PID 1 it mounts /tmp itself and powers the machine off at the end;
 * run by hand (any other PID) it uses the /tmp it finds and just exits.
 * Static musl: musl-gcc -static -O2.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define TOP "/tmp/fsbench"
#define NFILES 10000
#define LOOKUPS 20000
#define DEEP TOP "/d1/d2/d3/d4/d5/d6/d7/d8"
#define SEQ_BYTES (64ull << 20)
#define CHUNK (64u << 10)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t per_second(uint64_t n, uint64_t ns)
{
	return ns ? n * 1000000000ull / ns : 0;
}

static void metric(const char *name, uint64_t value, const char *unit)
{
	printf("METRIC %s %llu %s\n", name, (unsigned long long)value, unit);
	fflush(stdout);
}

static void die(const char *what)
{
	fprintf(stderr, "fsbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void bench_syscall(void)
{
	uint64_t start = now_ns();

	for (int i = 0; i < LOOKUPS; i++)
		syscall(SYS_getppid);
	metric("syscall_getppid", (now_ns() - start) / LOOKUPS, "ns");
}

static void bench_create_unlink(void)
{
	char name[64];
	uint64_t start = now_ns();

	for (int i = 0; i < NFILES; i++) {
		int fd;

		snprintf(name, sizeof(name), TOP "/c%d", i);
		fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0 || close(fd) || unlink(name))
			die(name);
	}
	metric("fs_tmpfs_create_unlink", per_second(NFILES, now_ns() - start), "pairs/s");
}

static void bench_lookup(void)
{
	static const char *const dirs[] = { TOP "/d1",
					    TOP "/d1/d2",
					    TOP "/d1/d2/d3",
					    TOP "/d1/d2/d3/d4",
					    TOP "/d1/d2/d3/d4/d5",
					    TOP "/d1/d2/d3/d4/d5/d6",
					    TOP "/d1/d2/d3/d4/d5/d6/d7",
					    DEEP };
	struct stat st;
	uint64_t start;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (mkdir(dirs[i], 0755))
			die(dirs[i]);
	if (stat(DEEP, &st))
		die(DEEP);
	start = now_ns();
	for (int i = 0; i < LOOKUPS; i++)
		if (stat(DEEP, &st))
			die(DEEP);
	metric("fs_lookup_10_components_warm", (now_ns() - start) / LOOKUPS, "ns");
	for (size_t i = sizeof(dirs) / sizeof(dirs[0]); i-- > 0;)
		rmdir(dirs[i]);
}

static void bench_sequential(void)
{
	char *buf = calloc(1, CHUNK);
	uint64_t start, n;
	int fd = open(TOP "/seq", O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (!buf || fd < 0)
		die(TOP "/seq");
	start = now_ns();
	for (n = 0; n < SEQ_BYTES; n += CHUNK)
		if (write(fd, buf, CHUNK) != CHUNK)
			die("write");
	metric("fs_tmpfs_seq_write_64m", per_second(SEQ_BYTES, now_ns() - start) >> 20, "MiB/s");
	if (lseek(fd, 0, SEEK_SET))
		die("lseek");
	start = now_ns();
	for (n = 0; n < SEQ_BYTES; n += CHUNK)
		if (read(fd, buf, CHUNK) != CHUNK)
			die("read");
	metric("fs_tmpfs_seq_read_64m", per_second(SEQ_BYTES, now_ns() - start) >> 20, "MiB/s");
	close(fd);
	unlink(TOP "/seq");
	free(buf);
}

static void bench_ls(void)
{
	char name[300];
	struct stat st;
	struct dirent *e;
	uint64_t start;
	int seen = 0;
	DIR *d;

	if (mkdir(TOP "/ls", 0755))
		die(TOP "/ls");
	for (int i = 0; i < NFILES; i++) {
		int fd;

		snprintf(name, sizeof(name), TOP "/ls/file-%05d", i);
		fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0 || close(fd))
			die(name);
	}
	start = now_ns();
	d = opendir(TOP "/ls");
	if (!d)
		die(TOP "/ls");
	while ((e = readdir(d))) {
		snprintf(name, sizeof(name), TOP "/ls/%s", e->d_name);
		if (lstat(name, &st))
			die(name);
		seen++;
	}
	closedir(d);
	metric("fs_tmpfs_ls_l_10k", (now_ns() - start) / 1000000, "ms");
	if (seen != NFILES + 2)
		fprintf(stderr, "fsbench: ls saw %d entries\n", seen);
	for (int i = 0; i < NFILES; i++) {
		snprintf(name, sizeof(name), TOP "/ls/file-%05d", i);
		unlink(name);
	}
	rmdir(TOP "/ls");
}

int main(void)
{
	bool init = getpid() == 1;

	if (init) {
		mkdir("/tmp", 01777);
		if (mount("none", "/tmp", "tmpfs", 0, NULL))
			die("mount /tmp");
	}
	if (mkdir(TOP, 0755) && errno != EEXIST)
		die(TOP);
	bench_syscall();
	bench_create_unlink();
	bench_lookup();
	bench_sequential();
	bench_ls();
	rmdir(TOP);
	printf("fsbench: done\n");
	fflush(stdout);
	if (init)
		reboot(RB_POWER_OFF);
	return 0;
}
