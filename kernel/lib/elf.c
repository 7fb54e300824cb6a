/*
 * ELF64 executable parser (lib/elf.h). Every field read is bounds-checked
 * against the buffer and every sum against overflow, since the file comes
 * from anyone. Reference: System V gABI ch. 4-5 (e_ident, program
 * headers), x86_64 psABI §4.1 (EM_X86_64, ELFCLASS64, ELFDATA2LSB).
 * Pure: host-testable.
 */
#include "lib/elf.h"

#include "include/uapi/errno.h"
#include "lib/string.h"

#define PAGE 4096ull
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static int fail(const char **why, const char *reason)
{
	*why = reason;
	return -ENOEXEC;
}

static int check_header(const uint8_t *b, size_t len, const char **why)
{
	static const uint8_t magic[4] = { 0x7f, 'E', 'L', 'F' };

	if (len < 4 || memcmp(b, magic, 4) != 0)
		return fail(why, "not an ELF file");
	if (len < ELF_EHDR_SIZE)
		return fail(why, "truncated ELF header");
	if (b[EI_CLASS] != ELFCLASS64 || b[EI_DATA] != ELFDATA2LSB || b[EI_VERSION] != EV_CURRENT)
		return fail(why, "not a little-endian ELF64 file");
	if (rd16(b + 18) != ELF_EM_X86_64)
		return fail(why, "not an x86_64 executable");
	if (rd16(b + 16) != ELF_ET_EXEC && rd16(b + 16) != ELF_ET_DYN)
		return fail(why, "not an executable (ET_EXEC or ET_DYN)");
	if (rd16(b + 54) != ELF_PHDR_SIZE)
		return fail(why, "unexpected program header size");
	return 0;
}

static int add_load(struct elf_info *in, const uint8_t *ph, uint64_t file_size, uint64_t user_end,
		    const char **why)
{
	struct elf_load *l;
	uint64_t off = rd64(ph + 8), va = rd64(ph + 16), filesz = rd64(ph + 32);
	uint64_t memsz = rd64(ph + 40);

	if (memsz == 0)
		return 0; /* Linux skips empty segments too */
	if (in->nloads == ELF_MAX_LOADS)
		return fail(why, "too many PT_LOAD segments");
	if (filesz > memsz)
		return fail(why, "PT_LOAD file size exceeds memory size");
	if (off > file_size || filesz > file_size - off)
		return fail(why, "PT_LOAD beyond the end of the file");
	if (va >= user_end || memsz > user_end - va || va + memsz > user_end - PAGE)
		return fail(why, "PT_LOAD outside user space");
	if ((va - off) % PAGE != 0)
		return fail(why, "PT_LOAD offset and address not congruent modulo the page size");
	if (in->nloads && va < in->loads[in->nloads - 1].vaddr)
		return fail(why, "PT_LOAD segments not in address order");
	l = &in->loads[in->nloads++];
	*l = (struct elf_load){ va, memsz, off, filesz, rd32(ph + 4) & 7 };
	return 0;
}

/* AT_PHDR: PT_PHDR's address, else where a PT_LOAD maps e_phoff. */
static uint64_t find_phdr(const struct elf_info *in, uint64_t phoff, uint64_t pt_phdr)
{
	if (pt_phdr)
		return pt_phdr;
	for (size_t i = 0; i < in->nloads; i++) {
		const struct elf_load *l = &in->loads[i];
		if (phoff >= l->offset && phoff - l->offset < l->filesz)
			return l->vaddr + (phoff - l->offset);
	}
	return 0;
}

int elf_parse(const void *buf, size_t len, uint64_t file_size, uint64_t user_end,
	      struct elf_info *out, const char **why)
{
	const uint8_t *b = buf;
	uint64_t phoff, pt_phdr = 0;
	unsigned int phnum;
	int err = check_header(b, len, why);

	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	out->type = rd16(b + 16);
	out->entry = rd64(b + 24);
	phoff = rd64(b + 32);
	phnum = rd16(b + 56);
	if (phnum == 0 || phnum > ELF_MAX_PHNUM)
		return fail(why, "bad number of program headers");
	if (phoff > len || (uint64_t)phnum * ELF_PHDR_SIZE > len - phoff)
		return fail(why, "truncated program headers");
	out->phnum = phnum;
	/* No PT_GNU_STACK: a non-executable stack, as on Linux x86_64 since
	 * 5.8 ("exec-none" in arch/x86/include/asm/elf.h's table; i386 and
	 * CPUs without NX differ). */
	out->exec_stack = false;
	for (unsigned int i = 0; i < phnum; i++) {
		const uint8_t *ph = b + phoff + (uint64_t)i * ELF_PHDR_SIZE;
		uint32_t type = rd32(ph);

		if (type == ELF_PT_INTERP)
			return fail(why, "needs an interpreter (PT_INTERP): not supported");
		if (type == ELF_PT_PHDR)
			pt_phdr = rd64(ph + 16);
		if (type == ELF_PT_GNU_STACK)
			out->exec_stack = rd32(ph + 4) & ELF_PF_X;
		if (type == ELF_PT_LOAD && (err = add_load(out, ph, file_size, user_end, why)))
			return err;
	}
	if (out->nloads == 0)
		return fail(why, "no PT_LOAD segment");
	out->lo = out->loads[0].vaddr & ~(PAGE - 1);
	out->hi = 0;
	for (size_t i = 0; i < out->nloads; i++) {
		uint64_t end = out->loads[i].vaddr + out->loads[i].memsz;
		out->hi = end > out->hi ? end : out->hi;
	}
	out->hi = (out->hi + PAGE - 1) & ~(PAGE - 1);
	if (out->entry < out->lo || out->entry >= out->hi)
		return fail(why, "entry point outside the loaded segments");
	out->phdr = find_phdr(out, phoff, pt_phdr);
	return 0;
}
