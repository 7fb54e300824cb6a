/*
 * Tests for kernel/acpi/discover.c: the whole discovery walk on a model of
 * physical memory made of exactly sized heap regions, so ASan reports any
 * read past what a map call asked for: a QEMU-shaped set of tables found
 * through the loader's RSDP copy and through the BIOS-area scan, and the
 * RSDP in the last slot of a search area.
 */
#include <stdlib.h>
#include <string.h>

#include "acpi/discover.h"
#include "host_rename.h"
#include "host_unrename.h"
#include "include/uapi/errno.h"
#include "unit.h"

#define MAX_REGIONS 8

struct region {
	uint64_t pa;
	uint8_t *buf;
	size_t len;
};

struct memory {
	struct region r[MAX_REGIONS];
	int n;
};

/* A region @len bytes at @pa, zeroed; returns its bytes. */
static uint8_t *mem_add(struct memory *m, uint64_t pa, size_t len)
{
	struct region *r = &m->r[m->n++];

	r->pa = pa;
	r->len = len;
	r->buf = calloc(1, len);
	return r->buf;
}

static void mem_free(struct memory *m)
{
	for (int i = 0; i < m->n; i++)
		free(m->r[i].buf);
	m->n = 0;
}

static const void *mem_map(void *ctx, uint64_t pa, size_t len)
{
	struct memory *m = ctx;

	for (int i = 0; i < m->n; i++) {
		struct region *r = &m->r[i];

		if (pa >= r->pa && pa - r->pa <= r->len && len <= r->len - (pa - r->pa))
			return r->buf + (pa - r->pa);
	}
	return NULL;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void fix_sum(uint8_t *p, size_t len, size_t at)
{
	uint8_t s = 0;

	p[at] = 0;
	for (size_t i = 0; i < len; i++)
		s += p[i];
	p[at] = (uint8_t)-s;
}

/* A revision-@rev RSDP at @p pointing at @rsdt and @xsdt. */
static void make_rsdp(uint8_t *p, uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + 9, "BOCHS ", 6);
	p[15] = rev;
	put32(p + 16, rsdt);
	fix_sum(p, 20, 8);
	if (rev < 2)
		return;
	put32(p + 20, 36);
	put64(p + 24, xsdt);
	fix_sum(p, 36, 32);
}

/* A table header at @p; the checksum is fixed by fix_table(). */
static void make_header(uint8_t *p, const char *sig, uint32_t len)
{
	memcpy(p, sig, 4);
	put32(p + 4, len);
	p[8] = 1;
	memcpy(p + 10, "BOCHS BXPC    ", 14);
}

static void fix_table(uint8_t *p)
{
	uint32_t len;

	memcpy(&len, p + 4, 4);
	fix_sum(p, len, 9);
}

/*
 * Tables at 0x7ffe0000: RSDT -> FACP (-> DSDT with \_S5) and APIC (one CPU,
 * one IOAPIC). Returns the RSDT's address.
 */
static uint32_t make_tables(struct memory *m)
{
	const uint32_t base = 0x7ffe0000, rsdt = base, facp = base + 0x100, dsdt = base + 0x200,
		       apic = base + 0x300;
	static const uint8_t s5[] = { 0x08, '_',  'S',	'5',  '_',  0x12, 0x06,
				      0x04, 0x0a, 0x05, 0x00, 0x00, 0x00 };
	uint8_t *t = mem_add(m, base, 0x400);

	make_header(t, "RSDT", 36 + 8);
	put32(t + 36, facp);
	put32(t + 40, apic);
	fix_table(t);
	make_header(t + 0x100, "FACP", 116);
	put32(t + 0x100 + 40, dsdt);
	fix_table(t + 0x100);
	make_header(t + 0x200, "DSDT", 36 + sizeof(s5));
	memcpy(t + 0x200 + 36, s5, sizeof(s5));
	fix_table(t + 0x200);
	make_header(t + 0x300, "APIC", 44 + 8 + 12);
	put32(t + 0x300 + 36, 0xfee00000);
	memcpy(t + 0x300 + 44, (uint8_t[]){ 0, 8, 0, 0, 1, 0, 0, 0 }, 8);
	memcpy(t + 0x300 + 52, (uint8_t[]){ 1, 12, 0, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0 }, 12);
	fix_table(t + 0x300);
	return rsdt;
}

static void check_tables(const struct acpi_state *st)
{
	CHECK_EQ(st->err, 0);
	CHECK_EQ(st->table_count, 3); /* FACP, APIC, then the DSDT */
	CHECK(st->have_fadt);
	CHECK(st->have_s5);
	CHECK_EQ(st->s5_typa, 5);
	CHECK(st->have_madt);
	CHECK_EQ(st->madt.cpu_count, 1);
	CHECK_EQ(st->madt.ioapic_count, 1);
	CHECK(!st->have_hpet);
}

TEST(discover_through_the_loader_copy)
{
	struct memory m = { 0 };
	struct acpi_mem mem = { .map = mem_map, .ctx = &m };
	static struct acpi_state st;
	uint8_t rsdp[36] = { 0 };

	make_rsdp(rsdp, 0, make_tables(&m), 0);
	acpi_discover(&mem, rsdp, 20, false, &st);
	check_tables(&st);
	CHECK(!st.rsdp_scanned);
	CHECK(!st.root_is_xsdt);
	mem_free(&m);
}

TEST(discover_by_scanning_the_bios_rom)
{
	struct memory m = { 0 };
	struct acpi_mem mem = { .map = mem_map, .ctx = &m };
	static struct acpi_state st;
	uint8_t *rom;

	mem_add(&m, 0, 0x500); /* the BDA: EBDA segment 0, nothing there */
	rom = mem_add(&m, ACPI_BIOS_ROM_START, ACPI_BIOS_ROM_LEN);
	make_rsdp(rom + 0x15a40, 0, make_tables(&m), 0);
	acpi_discover(&mem, NULL, 0, true, &st);
	check_tables(&st);
	CHECK(st.rsdp_scanned);
	/* UEFI: no BIOS areas to search. */
	acpi_discover(&mem, NULL, 0, false, &st);
	CHECK_EQ(st.err, -ENOENT);
	mem_free(&m);
}

/*
 * acpi_find_rsdp() validates a candidate with the bytes left in the area,
 * but the caller re-read it as a full 36-byte RSDP: a revision-2 RSDP in
 * the last slot (32 bytes before the end) was read 4 bytes past the area.
 * Found by the acpi fuzzer (tests/fuzz/corpus/acpi/crash-rsdp-last-slot).
 */
TEST(rsdp_in_the_last_slot_of_a_search_area)
{
	struct memory m = { 0 };
	struct acpi_mem mem = { .map = mem_map, .ctx = &m };
	static struct acpi_state st;
	uint8_t *bda, *ebda, *rom, rsdp[36] = { 0 };
	uint32_t rsdt = make_tables(&m);

	/* In the BIOS ROM area. */
	bda = mem_add(&m, 0, 0x500);
	rom = mem_add(&m, ACPI_BIOS_ROM_START, ACPI_BIOS_ROM_LEN);
	make_rsdp(rsdp, 2, rsdt, 0x7fff0000);
	memcpy(rom + ACPI_BIOS_ROM_LEN - 32, rsdp, 32); /* the area ends there */
	acpi_discover(&mem, NULL, 0, true, &st);
	CHECK_EQ(st.err, 0);
	CHECK_EQ(st.root.rsdt, rsdt);
	CHECK_EQ(st.root.xsdt, 0); /* its 2.0 part is beyond the area */
	/* In the EBDA (segment 0x9fc0). */
	bda[ACPI_BDA_EBDA_SEGMENT] = 0xc0;
	bda[ACPI_BDA_EBDA_SEGMENT + 1] = 0x9f;
	ebda = mem_add(&m, 0x9fc00, ACPI_EBDA_SEARCH_LEN);
	memcpy(ebda + ACPI_EBDA_SEARCH_LEN - 32, rsdp, 32);
	memset(rom + ACPI_BIOS_ROM_LEN - 32, 0, 32);
	acpi_discover(&mem, NULL, 0, true, &st);
	CHECK_EQ(st.err, 0);
	CHECK_EQ(st.root.rsdt, rsdt);
	mem_free(&m);
}
