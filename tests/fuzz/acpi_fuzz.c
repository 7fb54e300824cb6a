/*
 * Fuzz ACPI discovery end to end: acpi_discover() (kernel/acpi/discover.c,
 * the code acpi_init() runs) on a model of physical memory built from the
 * input, so the RSDP scan, the root table walk, the table checks and the
 * MADT, HPET, MCFG, FADT and \_S5 parsers all run with their real callers.
 * Every map call returns a fresh heap copy of exactly the bytes it asked
 * for: reading past what was mapped is an ASan report, as in the kernel it
 * would be a read past the table or the search area.
 *
 * Input: one flag byte, the loader's RSDP copy (36 bytes, if FLAG_COPY),
 * then chunks "u32 phys, u16 length, bytes" placed in memory. Low memory
 * (the BDA, EBDA and BIOS ROM area, below 1 MiB) reads as zeros where no
 * chunk lies; above it only chunks are mapped. With FLAG_FIX_SUMS every
 * chunk that starts with a table header or an RSDP gets correct checksums,
 * so mutations get past the checks to the parsers.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acpi/discover.h"
#include "include/uapi/errno.h"

enum {
	FLAG_COPY = 1 << 0,	/* the loader gave an RSDP copy */
	FLAG_COPY_V2 = 1 << 1,	/* ... of 36 bytes (else 20) */
	FLAG_BIOS = 1 << 2,	/* BIOS boot: the legacy areas may be searched */
	FLAG_FIX_SUMS = 1 << 3, /* correct the checksums of every chunk */
};

#define LOW_MEM (1u << 20)
#define MAX_CHUNKS 32
#define MAX_MAPS 4096

struct chunk {
	uint64_t pa;
	uint8_t *buf;
	size_t len;
};

static uint8_t low[LOW_MEM];
static struct chunk chunks[MAX_CHUNKS];
static int nchunks;
static void *maps[MAX_MAPS];
static int nmaps;

static const void *copy_out(const uint8_t *src, size_t len)
{
	uint8_t *p;

	if (nmaps == MAX_MAPS)
		return NULL;
	p = malloc(len ? len : 1);
	memcpy(p, src, len);
	maps[nmaps++] = p;
	return p;
}

/* The glue's rules (pa 0 is never a table) plus the model's extent. */
static const void *model_map(void *ctx, uint64_t pa, size_t len)
{
	if (!pa)
		return NULL;
	if (pa < LOW_MEM && len <= LOW_MEM - pa)
		return copy_out(low + pa, len);
	for (int i = 0; i < nchunks; i++) {
		const struct chunk *c = &chunks[i];

		if (pa >= c->pa && pa - c->pa <= c->len && len <= c->len - (pa - c->pa))
			return copy_out(c->buf + (pa - c->pa), len);
	}
	return NULL;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void fix_sum(uint8_t *p, size_t len, size_t at)
{
	uint8_t s = 0;

	p[at] = 0;
	for (size_t i = 0; i < len; i++)
		s += p[i];
	p[at] = (uint8_t)-s;
}

static void fix_sums(uint8_t *p, size_t len)
{
	if (len >= 20 && memcmp(p, "RSD PTR ", 8) == 0) {
		fix_sum(p, 20, 8);
		if (len >= 36 && p[15] >= 2 && rd32(p + 20) >= 36 && rd32(p + 20) <= len)
			fix_sum(p, rd32(p + 20), 32);
	} else if (len >= 36 && rd32(p + 4) >= 36 && rd32(p + 4) <= len) {
		fix_sum(p, rd32(p + 4), 9);
	}
}

/* Lay the chunks out; a chunk cut short by the input's end keeps what is there. */
static void load(const uint8_t *d, size_t n, bool fix)
{
	while (n >= 6 && nchunks < MAX_CHUNKS) {
		uint64_t pa = rd32(d);
		size_t len = (size_t)(d[4] | d[5] << 8);
		struct chunk *c;

		d += 6, n -= 6;
		if (len > n)
			len = n;
		c = &chunks[nchunks++];
		c->pa = pa;
		c->len = len;
		c->buf = malloc(len ? len : 1);
		memcpy(c->buf, d, len);
		if (fix)
			fix_sums(c->buf, len);
		if (pa < LOW_MEM)
			memcpy(low + pa, c->buf, len <= LOW_MEM - pa ? len : LOW_MEM - pa);
		d += len, n -= len;
	}
}

static void check(const struct acpi_state *st)
{
	assert(st->err <= 0);
	assert(st->table_count <= ACPI_MAX_TABLES);
	assert(st->madt.cpu_count <= ACPI_MAX_CPUS);
	assert(st->madt.ioapic_count <= ACPI_MAX_IOAPICS);
	assert(st->madt.override_count <= ACPI_MAX_OVERRIDES);
	assert(st->madt.nmi_count <= ACPI_MAX_LAPIC_NMIS);
	assert(st->mcfg.count <= ACPI_MCFG_MAX);
	for (size_t i = 0; i < st->table_count; i++)
		assert(st->tables[i].valid == (st->tables[i].err == 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct acpi_state st;
	uint8_t rsdp[36] = { 0 };
	size_t rsdp_len = 0;
	uint8_t flags;

	if (size < 1)
		return 0;
	flags = data[0];
	data++, size--;
	if (flags & FLAG_COPY) {
		rsdp_len = flags & FLAG_COPY_V2 ? 36 : 20;
		if (size < rsdp_len)
			return 0;
		memcpy(rsdp, data, rsdp_len);
		if (flags & FLAG_FIX_SUMS)
			fix_sums(rsdp, rsdp_len);
		data += rsdp_len, size -= rsdp_len;
	}
	load(data, size, flags & FLAG_FIX_SUMS);

	acpi_discover(&(struct acpi_mem){ .map = model_map }, rsdp_len ? rsdp : NULL, rsdp_len,
		      flags & FLAG_BIOS, &st);
	check(&st);

	for (int i = 0; i < nmaps; i++)
		free(maps[i]);
	nmaps = 0;
	for (int i = 0; i < nchunks; i++) {
		if (chunks[i].pa < LOW_MEM)
			memset(low + chunks[i].pa, 0,
			       chunks[i].len <= LOW_MEM - chunks[i].pa ? chunks[i].len
								       : LOW_MEM - chunks[i].pa);
		free(chunks[i].buf);
	}
	nchunks = 0;
	return 0;
}
