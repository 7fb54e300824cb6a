/*
 * Host tests of the pure ACPI parsers (acpi/tables.c, madt.c, fadt.c) on
 * hand-built tables: valid ones shaped like QEMU's, and damaged ones (bad
 * checksums, truncated lengths, zero-length MADT entries, random bytes).
 */
#include <stdlib.h>
#include <string.h>

#include "acpi/fadt.h"
#include "acpi/madt.h"
#include "acpi/tables.h"
#include "host_rename.h"
#include "host_unrename.h"
#include "include/uapi/errno.h"
#include "unit.h"

/* A table under construction: header + body appended byte by byte. */
struct tbuf {
	uint8_t b[1024];
	size_t len;
};

static void put(struct tbuf *t, const void *p, size_t n)
{
	memcpy(t->b + t->len, p, n);
	t->len += n;
}

static void put8(struct tbuf *t, uint8_t v)
{
	put(t, &v, 1);
}
static void put16(struct tbuf *t, uint16_t v)
{
	put(t, &v, 2);
}
static void put32(struct tbuf *t, uint32_t v)
{
	put(t, &v, 4);
}
static void put64(struct tbuf *t, uint64_t v)
{
	put(t, &v, 8);
}

static void begin(struct tbuf *t, const char *sig, uint8_t rev)
{
	memset(t, 0, sizeof(*t));
	put(t, sig, 4);
	put32(t, 0); /* length, fixed by finish() */
	put8(t, rev);
	put8(t, 0); /* checksum */
	put(t, "CORVID", 6);
	put(t, "TESTTABL", 8);
	put32(t, 1);
	put32(t, 0x43525644);
	put32(t, 1);
}

/* Set the length field and make the checksum hold. */
static void finish(struct tbuf *t)
{
	uint32_t len = (uint32_t)t->len;

	memcpy(t->b + 4, &len, 4);
	t->b[9] = 0;
	t->b[9] = (uint8_t)(0x100 - acpi_checksum(t->b, t->len));
}

static void make_rsdp(uint8_t *r, uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
	uint32_t len = 36;

	memset(r, 0, 36);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "BOCHS ", 6);
	r[15] = rev;
	memcpy(r + 16, &rsdt, 4);
	memcpy(r + 20, &len, 4);
	memcpy(r + 24, &xsdt, 8);
	r[8] = (uint8_t)(0x100 - acpi_checksum(r, 20));
	r[32] = (uint8_t)(0x100 - acpi_checksum(r, 36));
}

TEST(checksum_sums_bytes)
{
	uint8_t b[4] = { 1, 2, 3, 250 };

	CHECK_EQ(acpi_checksum(b, 4), 0);
	CHECK_EQ(acpi_checksum(b, 3), 6);
	CHECK_EQ(acpi_checksum(b, 0), 0);
}

TEST(rsdp_v1_and_v2)
{
	uint8_t r[36];
	struct acpi_root_info info;

	make_rsdp(r, 0, 0x7fe0000, 0);
	CHECK_EQ(acpi_parse_rsdp(r, 20, &info), 0);
	CHECK_EQ(info.rsdt, 0x7fe0000);
	CHECK_EQ(info.xsdt, 0);
	CHECK_STR_EQ(info.oem_id, "BOCHS ");

	make_rsdp(r, 2, 0x7fe0000, 0x7fe1000);
	CHECK_EQ(acpi_parse_rsdp(r, 36, &info), 0);
	CHECK_EQ(info.revision, 2);
	CHECK_EQ(info.xsdt, 0x7fe1000);
	/* A 2.0 RSDP given as a 20-byte copy: only the RSDT is known. */
	CHECK_EQ(acpi_parse_rsdp(r, 20, &info), 0);
	CHECK_EQ(info.xsdt, 0);
}

TEST(rsdp_bad_input)
{
	uint8_t r[36];
	struct acpi_root_info info;

	make_rsdp(r, 2, 0x1000, 0x2000);
	CHECK_EQ(acpi_parse_rsdp(r, 19, &info), -EINVAL);
	r[0] = 'X';
	CHECK_EQ(acpi_parse_rsdp(r, 36, &info), -EINVAL);
	make_rsdp(r, 2, 0x1000, 0x2000);
	r[8] ^= 1; /* 1.0 checksum broken: unusable */
	CHECK_EQ(acpi_parse_rsdp(r, 36, &info), -EINVAL);
	make_rsdp(r, 2, 0x1000, 0x2000);
	r[32] ^= 1; /* extended checksum broken: RSDT fallback */
	CHECK_EQ(acpi_parse_rsdp(r, 36, &info), 0);
	CHECK_EQ(info.rsdt, 0x1000);
	CHECK_EQ(info.xsdt, 0);
	make_rsdp(r, 2, 0x1000, 0x2000);
	r[20] = 200; /* extended length beyond the copy */
	CHECK_EQ(acpi_parse_rsdp(r, 36, &info), 0);
	CHECK_EQ(info.xsdt, 0);
}

TEST(rsdp_scan_finds_aligned_valid_copy)
{
	static uint8_t area[4096];

	memset(area, 0, sizeof(area));
	memcpy(area + 0x40, "RSD PTR ", 8);    /* bad checksum: skipped */
	make_rsdp(area + 0x105, 0, 0x1000, 0); /* unaligned: skipped */
	CHECK_EQ(acpi_find_rsdp(area, sizeof(area)), -ENOENT);
	make_rsdp(area + 0x200, 0, 0x1000, 0);
	CHECK_EQ(acpi_find_rsdp(area, sizeof(area)), 0x200);
	make_rsdp(area + 4096 - 48, 0, 0x1000, 0);
	/* The copy at the end is cut off by the search length. */
	CHECK_EQ(acpi_find_rsdp(area + 0x300, sizeof(area) - 0x300 - 40), -ENOENT);
	CHECK_EQ(acpi_find_rsdp(area + 0x300, sizeof(area) - 0x300), 4096 - 48 - 0x300);
}

TEST(check_table_rejects_damage)
{
	struct tbuf t;

	begin(&t, "APIC", 4);
	put32(&t, 0xfee00000);
	put32(&t, 1);
	finish(&t);
	CHECK_EQ(acpi_check_table(t.b, t.len), 0);
	CHECK_EQ(acpi_check_table(t.b, sizeof(t.b)), 0);
	CHECK_EQ(acpi_check_table(t.b, t.len - 1), -EINVAL); /* truncated */
	CHECK_EQ(acpi_check_table(t.b, 35), -EINVAL);
	t.b[40] ^= 0x10;
	CHECK_EQ(acpi_check_table(t.b, t.len), -EBADMSG);
	t.b[40] ^= 0x10;
	t.b[4] = 20; /* length shorter than the header */
	CHECK_EQ(acpi_check_table(t.b, t.len), -EINVAL);
	CHECK(acpi_table_is(t.b, "APIC"));
	CHECK(!acpi_table_is(t.b, "FACP"));
}

TEST(root_tables_list_entries)
{
	struct tbuf x, r;

	begin(&x, "XSDT", 1);
	put64(&x, 0x123456789ull);
	put64(&x, 0x2000);
	put32(&x, 0xdead); /* trailing partial entry is not counted */
	finish(&x);
	CHECK_EQ(acpi_root_count(x.b, true), 2);
	CHECK_EQ(acpi_root_entry(x.b, true, 0), 0x123456789ull);
	CHECK_EQ(acpi_root_entry(x.b, true, 1), 0x2000);
	begin(&r, "RSDT", 1);
	put32(&r, 0x3000);
	put32(&r, 0x4000);
	put32(&r, 0x5000);
	finish(&r);
	CHECK_EQ(acpi_root_count(r.b, false), 3);
	CHECK_EQ(acpi_root_entry(r.b, false, 2), 0x5000);
}

/* A MADT like QEMU q35's with two CPUs, plus an x2APIC entry. */
static void make_madt(struct tbuf *t)
{
	begin(t, "APIC", 3);
	put32(t, 0xfee00000);
	put32(t, MADT_PCAT_COMPAT);
	for (uint8_t cpu = 0; cpu < 2; cpu++) {
		put8(t, MADT_LAPIC);
		put8(t, 8);
		put8(t, cpu);
		put8(t, cpu);
		put32(t, MADT_LAPIC_ENABLED);
	}
	put8(t, MADT_LAPIC);
	put8(t, 8);
	put8(t, 9);
	put8(t, 9);
	put32(t, 0); /* disabled and not online-capable: ignored */
	put8(t, MADT_IOAPIC);
	put8(t, 12);
	put8(t, 0);
	put8(t, 0);
	put32(t, 0xfec00000);
	put32(t, 0);
	put8(t, MADT_ISO);
	put8(t, 10);
	put8(t, 0);
	put8(t, 0);
	put32(t, 2);
	put16(t, 0);
	put8(t, MADT_ISO);
	put8(t, 10);
	put8(t, 0);
	put8(t, 9);
	put32(t, 9);
	put16(t, MPS_POLARITY_HIGH | MPS_TRIGGER_LEVEL);
	put8(t, MADT_LAPIC_NMI);
	put8(t, 6);
	put8(t, 0xff);
	put16(t, 0);
	put8(t, 1);
	put8(t, MADT_X2APIC);
	put8(t, 16);
	put16(t, 0);
	put32(t, 300);
	put32(t, MADT_LAPIC_ONLINE_CAPABLE);
	put32(t, 42);
	put8(t, 0x7f);
	put8(t, 4);
	put16(t, 0); /* unknown type */
}

TEST(madt_qemu_like)
{
	struct tbuf t;
	static struct acpi_madt_info m;
	uint16_t flags;

	make_madt(&t);
	finish(&t);
	CHECK_EQ(acpi_parse_madt(t.b, &m), 0);
	CHECK_EQ(m.lapic_address, 0xfee00000);
	CHECK_EQ(m.flags, MADT_PCAT_COMPAT);
	CHECK_EQ(m.cpu_count, 3);
	CHECK_EQ(m.cpus[1].apic_id, 1);
	CHECK(m.cpus[1].enabled);
	CHECK_EQ(m.cpus[2].apic_id, 300);
	CHECK_EQ(m.cpus[2].uid, 42);
	CHECK(!m.cpus[2].enabled);
	CHECK_EQ(m.ioapic_count, 1);
	CHECK_EQ(m.ioapics[0].address, 0xfec00000);
	CHECK_EQ(m.override_count, 2);
	CHECK_EQ(m.nmi_count, 1);
	CHECK_EQ(m.nmis[0].uid, MADT_NMI_ALL_CPUS);
	CHECK_EQ(m.nmis[0].lint, 1);
	CHECK_EQ(m.unknown, 1);
	CHECK_EQ(acpi_isa_to_gsi(&m, 0, &flags), 2);
	CHECK_EQ(flags, 0);
	CHECK_EQ(acpi_isa_to_gsi(&m, 9, &flags), 9);
	CHECK_EQ(flags & MPS_TRIGGER_MASK, MPS_TRIGGER_LEVEL);
	CHECK_EQ(acpi_isa_to_gsi(&m, 4, &flags), 4);
	CHECK_EQ(acpi_isa_to_gsi(NULL, 1, &flags), 1);
}

TEST(madt_zero_length_entry_stops)
{
	struct tbuf t;
	static struct acpi_madt_info m;

	make_madt(&t);
	put8(&t, MADT_LAPIC);
	put8(&t, 0); /* would loop forever if trusted */
	put(&t, "\0\0\0\0\0\0", 6);
	finish(&t);
	CHECK_EQ(acpi_parse_madt(t.b, &m), -EINVAL);
	CHECK_EQ(m.cpu_count, 3); /* what came before is kept */
	make_madt(&t);
	put8(&t, MADT_IOAPIC);
	put8(&t, 1);
	finish(&t);
	CHECK_EQ(acpi_parse_madt(t.b, &m), -EINVAL);
}

TEST(madt_truncated_and_short_entries)
{
	struct tbuf t;
	static struct acpi_madt_info m;

	make_madt(&t);
	put8(&t, MADT_IOAPIC);
	put8(&t, 12);
	put16(&t, 0); /* runs past the end */
	finish(&t);
	CHECK_EQ(acpi_parse_madt(t.b, &m), -EINVAL);
	CHECK_EQ(m.ioapic_count, 1);
	make_madt(&t);
	put8(&t, MADT_IOAPIC);
	put8(&t, 6);
	put32(&t, 0xfec01000); /* too short */
	finish(&t);
	CHECK_EQ(acpi_parse_madt(t.b, &m), 0);
	CHECK_EQ(m.bad_entries, 1);
	CHECK_EQ(m.ioapic_count, 1);
	make_madt(&t);
	put8(&t, MADT_LAPIC); /* a lone type byte */
	finish(&t);
	CHECK_EQ(acpi_parse_madt(t.b, &m), -EINVAL);
	begin(&t, "APIC", 3);
	finish(&t); /* no fixed part */
	CHECK_EQ(acpi_parse_madt(t.b, &m), -EINVAL);
}

TEST(madt_caps_cpus_at_maximum)
{
	struct tbuf t;
	static struct acpi_madt_info m;

	begin(&t, "APIC", 3);
	put32(&t, 0xfee00000);
	put32(&t, 0);
	for (int i = 0; i < ACPI_MAX_CPUS + 5; i++) {
		put8(&t, MADT_LAPIC);
		put8(&t, 8);
		put8(&t, (uint8_t)i);
		put8(&t, (uint8_t)i);
		put32(&t, MADT_LAPIC_ENABLED);
	}
	put8(&t, MADT_LAPIC_ADDR);
	put8(&t, 12);
	put16(&t, 0);
	put64(&t, 0x1fee00000ull);
	finish(&t);
	CHECK_EQ(acpi_parse_madt(t.b, &m), 0);
	CHECK_EQ(m.cpu_count, ACPI_MAX_CPUS);
	CHECK_EQ(m.dropped, 5);
	CHECK_EQ(m.lapic_address, 0x1fee00000ull);
}

TEST(hpet_and_mcfg)
{
	struct tbuf t;
	struct acpi_hpet_info h;
	struct acpi_mcfg_info mc;

	begin(&t, "HPET", 1);
	put32(&t, 0x8086a201);
	put8(&t, ACPI_GAS_MEMORY);
	put8(&t, 64);
	put8(&t, 0);
	put8(&t, 0);
	put64(&t, 0xfed00000);
	put8(&t, 0);
	put16(&t, 128);
	put8(&t, 0);
	finish(&t);
	CHECK_EQ(acpi_parse_hpet(t.b, &h), 0);
	CHECK_EQ(h.address, 0xfed00000);
	CHECK_EQ(h.min_tick, 128);
	t.b[40] = ACPI_GAS_IO;
	CHECK_EQ(acpi_parse_hpet(t.b, &h), -EINVAL);
	t.b[40] = ACPI_GAS_MEMORY;
	t.b[4] = 50; /* shorter than an HPET table */
	CHECK_EQ(acpi_parse_hpet(t.b, &h), -EINVAL);

	begin(&t, "MCFG", 1);
	put64(&t, 0);
	put64(&t, 0xb0000000);
	put16(&t, 0);
	put8(&t, 0);
	put8(&t, 255);
	put32(&t, 0);
	put64(&t, 0xc0000000);
	put16(&t, 1);
	put8(&t, 0);
	put8(&t, 15);
	put32(&t, 0);
	put64(&t, 0xd0000000); /* partial third entry */
	finish(&t);
	CHECK_EQ(acpi_parse_mcfg(t.b, &mc), 0);
	CHECK_EQ(mc.count, 2);
	CHECK_EQ(mc.entries[0].base, 0xb0000000);
	CHECK_EQ(mc.entries[0].bus_end, 255);
	CHECK_EQ(mc.entries[1].segment, 1);
	t.b[4] = 40;
	CHECK_EQ(acpi_parse_mcfg(t.b, &mc), -EINVAL);
}

/* A FADT of @len bytes with PM1a at port 0x604 and a reset register. */
static void make_fadt(struct tbuf *t, size_t len, uint8_t rev)
{
	begin(t, "FACP", rev);
	memset(t->b + 36, 0, len - 36);
	t->len = len;
	memcpy(t->b + 40, &(uint32_t){ 0x7fe0040 }, 4);
	memcpy(t->b + 46, &(uint16_t){ 9 }, 2);
	memcpy(t->b + 48, &(uint32_t){ 0xb2 }, 4);
	t->b[52] = 0xf1;
	memcpy(t->b + 64, &(uint32_t){ 0x604 }, 4);
	t->b[89] = 2;
	t->b[108] = 0x32;
	if (len >= 129) {
		memcpy(t->b + 112, &(uint32_t){ FADT_RESET_REG_SUP }, 4);
		t->b[116] = ACPI_GAS_IO;
		t->b[117] = 8;
		memcpy(t->b + 120, &(uint64_t){ 0xcf9 }, 8);
		t->b[128] = 0x0f;
	}
	finish(t);
}

TEST(fadt_revisions)
{
	struct tbuf t;
	struct acpi_fadt_info f;

	make_fadt(&t, 116, 1);
	CHECK_EQ(acpi_parse_fadt(t.b, &f), 0);
	CHECK_EQ(f.dsdt, 0x7fe0040);
	CHECK_EQ(f.pm1a_cnt.space_id, ACPI_GAS_IO);
	CHECK_EQ(f.pm1a_cnt.address, 0x604);
	CHECK_EQ(f.pm1b_cnt.address, 0);
	CHECK_EQ(f.century, 0x32);
	CHECK(!f.has_reset);

	make_fadt(&t, 276, 6);
	memcpy(t.b + 140, &(uint64_t){ 0x17fe0040ull }, 8);
	t.b[172] = ACPI_GAS_MEMORY;
	memcpy(t.b + 176, &(uint64_t){ 0xfe000604ull }, 8);
	finish(&t);
	CHECK_EQ(acpi_parse_fadt(t.b, &f), 0);
	CHECK_EQ(f.dsdt, 0x17fe0040ull);
	CHECK_EQ(f.pm1a_cnt.space_id, ACPI_GAS_MEMORY);
	CHECK_EQ(f.pm1a_cnt.address, 0xfe000604ull);
	CHECK(f.has_reset);
	CHECK_EQ(f.reset_reg.address, 0xcf9);
	CHECK_EQ(f.reset_value, 0x0f);
	CHECK_EQ(f.sci_irq, 9);

	make_fadt(&t, 116, 1);
	t.b[4] = 100;
	CHECK_EQ(acpi_parse_fadt(t.b, &f), -EINVAL);
}

TEST(s5_found_in_aml)
{
	/* DefScope noise, then Name (_S5, Package (4) { 5, Zero, Zero, Zero }). */
	static const uint8_t aml[] = {
		0x10, 0x05, '_', 'S', 'B', '_',	 0x00, /* a scope */
		0x70, '_',  'S', '5', '_', 0x60,       /* a reference: not a Name */
		0x08, '_',  'S', '5', '_', 0x12, 0x07, 0x04, 0x0a, 0x05, 0x00, 0x00, 0x00,
	};
	static const uint8_t rooted[] = {
		0x08, 0x5c, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x01, 0x0b, 0x07, 0x00,
	};
	/* Two-byte PkgLength: 0x41 0x01 is 1 | 0x01 << 4 = 17 bytes. */
	uint8_t longpkg[40] = { 0x08, '_',  'S',  '5',	'_',  0x12, 0x41,
				0x01, 0x02, 0x0a, 0x03, 0x0a, 0x04 };
	uint8_t a = 0xee, b = 0xee;

	CHECK_EQ(acpi_find_s5(aml, sizeof(aml), &a, &b), 0);
	CHECK_EQ(a, 5);
	CHECK_EQ(b, 0);
	CHECK_EQ(acpi_find_s5(rooted, sizeof(rooted), &a, &b), 0);
	CHECK_EQ(a, 1);
	CHECK_EQ(b, 7);
	CHECK_EQ(acpi_find_s5(longpkg, sizeof(longpkg), &a, &b), 0);
	CHECK_EQ(a, 3);
	CHECK_EQ(b, 4);
}

TEST(s5_bad_aml)
{
	static const uint8_t none[] = { 0x08, '_', 'S', '4', '_', 0x12, 0x04, 0x01, 0x00 };
	static const uint8_t cut[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0a };
	static const uint8_t one[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x03, 0x01, 0x00 };
	static const uint8_t notint[] = { 0x08, '_',  'S',  '5', '_', 0x12,
					  0x05, 0x02, 0x0d, 'x', 0x00 };
	uint8_t a, b;

	CHECK_EQ(acpi_find_s5(none, sizeof(none), &a, &b), -ENOENT);
	CHECK_EQ(acpi_find_s5(cut, sizeof(cut), &a, &b), -EINVAL);
	CHECK_EQ(acpi_find_s5(one, sizeof(one), &a, &b), -EINVAL);
	CHECK_EQ(acpi_find_s5(notint, sizeof(notint), &a, &b), -EINVAL);
	CHECK_EQ(acpi_find_s5(cut, 4, &a, &b), -ENOENT);
	CHECK_EQ(acpi_find_s5(cut, 0, &a, &b), -ENOENT);
}

/* Random bytes behind valid headers: the parsers must stay in bounds (ASan)
 * and terminate. */
TEST(random_tables_stay_in_bounds)
{
	static struct acpi_madt_info m;
	struct acpi_fadt_info f;
	struct acpi_mcfg_info mc;

	for (int iter = 0; iter < 2000; iter++) {
		size_t len = 36 + unit_rand_below(300);
		uint8_t *buf = malloc(len);
		uint8_t a, b;

		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t)unit_rand();
		memcpy(buf + 4, &(uint32_t){ (uint32_t)len }, 4);
		int rc = acpi_parse_madt(buf, &m);

		CHECK(rc == 0 || rc == -EINVAL);
		rc = acpi_parse_mcfg(buf, &mc);
		CHECK(rc == 0 || (len < 44 && rc == -EINVAL));
		CHECK(mc.count <= ACPI_MCFG_MAX);
		if (len >= 116)
			CHECK_EQ(acpi_parse_fadt(buf, &f), 0);
		if (len >= 56)
			CHECK(acpi_parse_hpet(buf, &(struct acpi_hpet_info){ 0 }) <= 0);
		rc = acpi_find_s5(buf, len, &a, &b);
		CHECK(rc == 0 || rc == -EINVAL || rc == -ENOENT);
		CHECK(m.cpu_count <= ACPI_MAX_CPUS);
		free(buf);
	}
}

/*
 * `_S5_` and a PackageOp as the last bytes of the DSDT: pkg_length() read
 * its lead byte before checking that one was left, one past the AML. Found
 * by the acpi_aml fuzzer (tests/fuzz/corpus/acpi_aml/crash-s5-package-at-end).
 */
TEST(s5_package_op_at_the_very_end)
{
	static const uint8_t tails[][7] = {
		{ 0x08, '_', 'S', '5', '_', 0x12 },
		{ 0x08, '\\', '_', 'S', '5', '_', 0x12 },
	};
	static const size_t lens[] = { 6, 7 };
	uint8_t a, b;

	for (size_t i = 0; i < 2; i++) {
		uint8_t *aml = malloc(lens[i]); /* exactly sized: ASan sees p[len] */

		memcpy(aml, tails[i], lens[i]);
		CHECK_EQ(acpi_find_s5(aml, lens[i], &a, &b), -EINVAL);
		free(aml);
	}
}
