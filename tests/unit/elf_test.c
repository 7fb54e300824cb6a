/*
 * Tests for kernel/lib/elf.c. The oracle is binutils: for a fresh static
 * musl program (ET_EXEC) and for every program in build/user, the
 * parser's type, entry point, PT_LOAD segments and PT_GNU_STACK must match
 * what `readelf -lhW` prints. Then every truncation of a real file and handcrafted broken
 * headers must be refused with -ENOEXEC (never a crash under ASan).
 * Debian's musl-gcc -static-pie gives a dynamic PIE with PT_INTERP,
 * which must be refused; the build's real static PIE (linked by hand with
 * musl's rcrt1.o, tests/tests.mk) is among the built programs checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "include/uapi/errno.h"
#include "lib/elf.h"
#include "unit.h"

#define USER_TOP 0x0000800000000000ull

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Build a tiny program with @flags into @out; false if no musl-gcc. */
static bool build(const char *flags, const char *out)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd),
		 "printf 'int x[100]; int main(void){return x[3];}\\n' | "
		 "musl-gcc %s -O2 -x c - -o %s 2>/dev/null",
		 flags, out);
	return system(cmd) == 0;
}

/* Compare the parse of @path with readelf's view of it. */
static void check_against_readelf(const char *path, unsigned int want_type)
{
	char cmd[512], line[512];
	struct elf_info in;
	const char *why = "";
	size_t len, n = 0;
	uint8_t *buf = slurp(path, &len);
	unsigned long long entry = 0;
	FILE *p;

	bool exec_stack = false;

	CHECK(buf != NULL);
	if (!buf)
		return;
	CHECKF(elf_parse(buf, len, len, USER_TOP, &in, &why) == 0, "%s: %s", path, why);
	snprintf(cmd, sizeof(cmd), "readelf -lhW %s", path);
	p = popen(cmd, "r");
	while (p && fgets(line, sizeof(line), p)) {
		unsigned long long off, va, pa, fsz, msz;
		char f1[8] = "", f2[8] = "", f3[8] = "";

		if (sscanf(line, " Entry point address: %llx", &entry) == 1)
			continue;
		if (strstr(line, "Type:") && !want_type)
			want_type = strstr(line, "DYN") ? ELF_ET_DYN : ELF_ET_EXEC;
		if (strstr(line, "GNU_STACK")) {
			exec_stack = strstr(line, "RWE") != NULL;
			continue;
		}
		if (sscanf(line, " LOAD 0x%llx 0x%llx 0x%llx 0x%llx 0x%llx %7s %7s %7s", &off, &va,
			   &pa, &fsz, &msz, f1, f2, f3) >= 6) {
			char fl[32];

			snprintf(fl, sizeof(fl), "%s%s%s", f1, f2, f3);
			unsigned int flags = (strchr(fl, 'R') ? ELF_PF_R : 0) |
					     (strchr(fl, 'W') ? ELF_PF_W : 0) |
					     (strchr(fl, 'E') ? ELF_PF_X : 0);
			CHECK(n < in.nloads);
			if (n < in.nloads) {
				CHECK_EQ(in.loads[n].offset, off);
				CHECK_EQ(in.loads[n].vaddr, va);
				CHECK_EQ(in.loads[n].filesz, fsz);
				CHECK_EQ(in.loads[n].memsz, msz);
				CHECK_EQ(in.loads[n].flags, flags);
			}
			n++;
		}
	}
	if (p)
		pclose(p);
	CHECK_EQ(in.type, want_type);
	CHECK_EQ(n, in.nloads);
	CHECK_EQ(in.entry, entry);
	CHECK(in.phdr != 0);
	CHECKF(in.exec_stack == exec_stack, "%s: PT_GNU_STACK", path);
	/* Every truncation is refused or (past the headers) still parses,
	 * but then a segment beyond the new end must be refused. */
	for (size_t cut = 0; cut < len; cut += cut < 4096 ? 1 : 997) {
		uint8_t *t = malloc(cut ? cut : 1);
		int err;

		memcpy(t, buf, cut);
		err = elf_parse(t, cut, cut, USER_TOP, &in, &why);
		CHECK(err == 0 || err == -ENOEXEC);
		free(t);
	}
	free(buf);
}

TEST(elf_matches_readelf_static)
{
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char exe[256], pie[256], *buf;
	struct elf_info in;
	const char *why;
	size_t len;

	snprintf(exe, sizeof(exe), "%s/elf_test_exec.%d", dir, (int)getpid());
	snprintf(pie, sizeof(pie), "%s/elf_test_pie.%d", dir, (int)getpid());
	if (!build("-static", exe) || !build("-static-pie", pie)) {
		printf("musl-gcc unavailable: readelf comparison skipped\n");
		return;
	}
	check_against_readelf(exe, ELF_ET_EXEC);
	buf = (char *)slurp(pie, &len);
	CHECK(buf != NULL);
	if (buf)
		CHECK_EQ(elf_parse(buf, len, len, USER_TOP, &in, &why), -ENOEXEC);
	free(buf);
	remove(exe);
	remove(pie);
}

/* Every program the build put in build/user (what /bin holds), against
 * readelf: static ET_EXEC, the static PIE, the executable-stack one. The
 * test target builds them first; run alone without them it says so. */
TEST(elf_matches_readelf_every_built_program)
{
	const char *dir = getenv("USER_BIN_DIR") ? getenv("USER_BIN_DIR") : "build/user";
	char cmd[600], path[512];
	int seen = 0;
	FILE *ls;

	snprintf(cmd, sizeof(cmd), "ls %s 2>/dev/null", dir);
	ls = popen(cmd, "r");
	while (ls && fgets(path + strlen(dir) + 1, (int)(sizeof(path) - strlen(dir) - 1), ls)) {
		uint8_t magic[4] = { 0 };
		FILE *f;

		memcpy(path, dir, strlen(dir));
		path[strlen(dir)] = '/';
		path[strcspn(path, "\n")] = '\0';
		f = fopen(path, "rb");
		if (!f)
			continue;
		if (fread(magic, 1, 4, f) == 4 && !memcmp(magic,
							  "\x7f"
							  "ELF",
							  4)) {
			check_against_readelf(path, 0);
			seen++;
		}
		fclose(f);
	}
	if (ls)
		pclose(ls);
	if (!seen)
		printf("no programs in %s: build them first (make test does)\n", dir);
}

/* A minimal valid ET_EXEC: header, one PT_LOAD of the whole file. */
static void make_minimal(uint8_t *b, size_t size)
{
	memset(b, 0, size);
	memcpy(b,
	       "\x7f"
	       "ELF\x02\x01\x01",
	       7);
	b[16] = ELF_ET_EXEC;
	b[18] = ELF_EM_X86_64;
	b[20] = 1;			     /* e_version */
	*(uint64_t *)(b + 24) = 0x400078;    /* e_entry */
	*(uint64_t *)(b + 32) = 64;	     /* e_phoff */
	b[52] = 64;			     /* e_ehsize */
	b[54] = ELF_PHDR_SIZE;		     /* e_phentsize */
	b[56] = 1;			     /* e_phnum */
	*(uint32_t *)(b + 64) = ELF_PT_LOAD; /* p_type */
	*(uint32_t *)(b + 68) = ELF_PF_R | ELF_PF_X;
	*(uint64_t *)(b + 80) = 0x400000; /* p_vaddr */
	*(uint64_t *)(b + 96) = size;	  /* p_filesz */
	*(uint64_t *)(b + 104) = size;	  /* p_memsz */
}

/* A second program header, PT_GNU_STACK with @flags. */
static void add_gnu_stack(uint8_t *b, uint32_t flags)
{
	uint8_t *ph = b + 64 + ELF_PHDR_SIZE;

	b[56] = 2; /* e_phnum */
	memset(ph, 0, ELF_PHDR_SIZE);
	*(uint32_t *)ph = ELF_PT_GNU_STACK;
	*(uint32_t *)(ph + 4) = flags;
}

TEST(elf_gnu_stack_decides_the_stack_exec_right)
{
	uint8_t b[256];
	struct elf_info in;
	const char *why;

	make_minimal(b, sizeof(b));
	add_gnu_stack(b, ELF_PF_R | ELF_PF_W | ELF_PF_X);
	CHECK_EQ(elf_parse(b, sizeof(b), sizeof(b), USER_TOP, &in, &why), 0);
	CHECK(in.exec_stack);
	add_gnu_stack(b, ELF_PF_R | ELF_PF_W);
	CHECK_EQ(elf_parse(b, sizeof(b), sizeof(b), USER_TOP, &in, &why), 0);
	CHECK(!in.exec_stack);
}

TEST(elf_refusals)
{
	uint8_t b[256];
	struct elf_info in;
	const char *why;

	make_minimal(b, sizeof(b));
	CHECK_EQ(elf_parse(b, sizeof(b), sizeof(b), USER_TOP, &in, &why), 0);
	CHECK_EQ(in.entry, 0x400078);
	CHECK_EQ(in.phdr, 0x400040); /* where the PT_LOAD maps e_phoff */
	CHECK(!in.exec_stack);	     /* no PT_GNU_STACK: not executable (Linux x86_64) */

	b[16] = ELF_ET_DYN; /* a static PIE: accepted alike */
	CHECK_EQ(elf_parse(b, sizeof(b), sizeof(b), USER_TOP, &in, &why), 0);
	CHECK_EQ(in.type, ELF_ET_DYN);
	b[16] = 1; /* ET_REL */
	CHECK_EQ(elf_parse(b, sizeof(b), sizeof(b), USER_TOP, &in, &why), -ENOEXEC);
	b[16] = ELF_ET_EXEC;
	b[18] = 3; /* EM_386 */
	CHECK_EQ(elf_parse(b, sizeof(b), sizeof(b), USER_TOP, &in, &why), -ENOEXEC);
	CHECK_STR_EQ(why, "not an x86_64 executable");
	make_minimal(b, sizeof(b));
	*(uint32_t *)(b + 64) = ELF_PT_INTERP;
	CHECK_EQ(elf_parse(b, sizeof(b), sizeof(b), USER_TOP, &in, &why), -ENOEXEC);
	make_minimal(b, sizeof(b));
	*(uint64_t *)(b + 96) = 1000; /* filesz > memsz and beyond the file */
	CHECK_EQ(elf_parse(b, sizeof(b), sizeof(b), USER_TOP, &in, &why), -ENOEXEC);
	make_minimal(b, sizeof(b));
	*(uint64_t *)(b + 80) = 0x7ffffffff000ull; /* into the last user page */
	CHECK_EQ(elf_parse(b, sizeof(b), sizeof(b), USER_TOP, &in, &why), -ENOEXEC);
	make_minimal(b, sizeof(b));
	*(uint64_t *)(b + 80) = 0xfffffffffffff000ull; /* wraps around */
	CHECK_EQ(elf_parse(b, sizeof(b), sizeof(b), USER_TOP, &in, &why), -ENOEXEC);
	make_minimal(b, sizeof(b));
	*(uint64_t *)(b + 72) = 1; /* offset not congruent with vaddr */
	*(uint64_t *)(b + 96) = 8;
	CHECK_EQ(elf_parse(b, sizeof(b), sizeof(b), USER_TOP, &in, &why), -ENOEXEC);
	make_minimal(b, sizeof(b));
	*(uint64_t *)(b + 24) = 0x100; /* entry outside the segments */
	CHECK_EQ(elf_parse(b, sizeof(b), sizeof(b), USER_TOP, &in, &why), -ENOEXEC);
	make_minimal(b, sizeof(b));
	b[56] = 200; /* program headers beyond the buffer */
	CHECK_EQ(elf_parse(b, sizeof(b), sizeof(b), USER_TOP, &in, &why), -ENOEXEC);
	CHECK_EQ(elf_parse("#!/bin/sh\n", 10, 10, USER_TOP, &in, &why), -ENOEXEC);
	CHECK_STR_EQ(why, "not an ELF file");
}
