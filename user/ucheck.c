/*
 * A differential test: checks what the system calls of a simple program
 * do and prints one line per observation, with nothing that differs
 * between runs or machines (no pids, addresses or times). tests/qemu
 * runs it in Corvid and on the host's Linux and compares the outputs.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

static void check(const char *what, long ret)
{
	printf("%-28s %s\n", what, ret < 0 ? strerror(errno) : "ok");
}

static void raw(const char *what, long ret)
{
	printf("%-28s %ld\n", what, ret);
}

static void memory(void)
{
	size_t len = 8 << 20;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long sum = 0;
	char *heap;

	check("mmap 8 MiB", p == MAP_FAILED ? -1 : 0);
	for (size_t i = 0; i < len; i += 4096)
		sum += p[i]; /* zero-filled on first touch */
	for (size_t i = 0; i < len; i += 4096)
		p[i] = 1;
	for (size_t i = 0; i < len; i += 4096)
		sum += p[i];
	printf("%-28s %lu\n", "mmap pages touched", sum);
	check("munmap", munmap(p, len));
	/* musl's brk() always fails; the system call is what is tested. */
	heap = (char *)syscall(SYS_brk, 0);
	check("brk grow 1 MiB",
	      syscall(SYS_brk, heap + (1 << 20)) == (long)(heap + (1 << 20)) ? 0 : -1);
	memset(heap, 7, 1 << 20);
	printf("%-28s %d\n", "heap byte", heap[12345]);
	check("brk shrink", syscall(SYS_brk, heap) == (long)heap ? 0 : -1);
	p = malloc(3 << 20);
	memset(p, 3, 3 << 20);
	printf("%-28s %d\n", "malloc 3 MiB", p[(3 << 20) - 1]);
	free(p);
}

static void bad_pointers(void)
{
	errno = 0;
	check("write NULL", write(1, NULL, 10));
	check("write kernel pointer", write(1, (void *)0xffffffff80000000ul, 10));
	check("write non-canonical", write(1, (void *)0x0000900000000000ul, 10));
	check("read into NULL", read(0, NULL, 0) < 0 ? -1 : 0);
	check("open NULL path", syscall(SYS_open, NULL, O_RDONLY));
	check("open kernel path", syscall(SYS_open, 0xffff800000000000ul, O_RDONLY));
	check("uname kernel pointer", syscall(SYS_uname, 0xffffffff80000000ul));
	check("clock_gettime unmapped", syscall(SYS_clock_gettime, 0, (void *)4096));
	check("unknown syscall 999", syscall(999));
	check("close -1", close(-1));
	check("close 77", close(77));
}

static void files(void)
{
	struct stat st;
	char buf[64];
	int fd = open("/etc/hostname", O_RDONLY);
	ssize_t n;

	check("open /etc/hostname", fd);
	check("fstat", fstat(fd, &st));
	printf("%-28s %s\n", "is regular", S_ISREG(st.st_mode) ? "yes" : "no");
	n = read(fd, buf, sizeof(buf) - 1);
	printf("%-28s %s\n", "read something", n > 0 ? "yes" : "no");
	raw("lseek to 0", lseek(fd, 0, SEEK_SET));
	raw("lseek bad whence", lseek(fd, 0, 42) < 0 ? -errno : 0);
	check("close", close(fd));
	check("read closed fd", read(fd, buf, 1));
	check("open missing", open("/no/such/file", O_RDONLY));
	check("stat /etc", stat("/etc", &st));
	printf("%-28s %s\n", "is directory", S_ISDIR(st.st_mode) ? "yes" : "no");
	check("stat missing", stat("/nope", &st));
	fd = open("/", O_RDONLY | O_DIRECTORY);
	check("open / directory", fd);
	check("fstatat etc via dirfd", fstatat(fd, "etc", &st, 0));
	close(fd);
	DIR *d = opendir("/etc");
	int found = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		found += !strcmp(e->d_name, "hostname");
	printf("%-28s %d\n", "readdir /etc hostname", found);
	if (d)
		closedir(d);
}

static void misc(int argc, char **argv, char **envp)
{
	struct utsname u;
	volatile double x = 1.5;
	int envc = 0;

	while (envp[envc])
		envc++;
	printf("%-28s %d %s\n", "argc argv[1]", argc, argc > 1 ? argv[1] : "-");
	printf("%-28s %s\n", "envp present", envc > 0 ? "yes" : "no");
	printf("%-28s %lu\n", "AT_PAGESZ", getauxval(AT_PAGESZ));
	printf("%-28s %s\n", "AT_RANDOM set", getauxval(AT_RANDOM) ? "yes" : "no");
	printf("%-28s %s\n", "AT_PHDR set", getauxval(AT_PHDR) ? "yes" : "no");
	printf("%-28s %lu\n", "AT_PHENT", getauxval(AT_PHENT));
	printf("%-28s %s\n", "AT_ENTRY set", getauxval(AT_ENTRY) ? "yes" : "no");
	printf("%-28s %s\n", "stack 16-byte aligned",
	       ((uintptr_t)__builtin_frame_address(0) & 15) == 0 ? "yes" : "no");
	check("uname", uname(&u));
	printf("%-28s %s\n", "machine", u.machine);
	printf("%-28s %s\n", "pid positive", getpid() > 0 ? "yes" : "no");
	printf("%-28s %s\n", "gettid == getpid", syscall(SYS_gettid) == getpid() ? "yes" : "no");
	printf("%-28s %.3f\n", "float math", x * x + 0.25);
	struct winsize ws;
	check("TIOCGWINSZ on a file", ioctl(open("/etc/hostname", O_RDONLY), TIOCGWINSZ, &ws));
}

int main(int argc, char **argv, char **envp)
{
	misc(argc, argv, envp);
	files();
	memory();
	bad_pointers();
	printf("ucheck done\n");
	return 3;
}
