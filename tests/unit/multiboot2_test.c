/*
 * Tests for kernel/boot/multiboot2.c: hand-built Multiboot2 information
 * blocks, well-formed and damaged (truncated, zero-sized and overlong tags,
 * missing end tag, bad entry sizes, too many entries), parsed from exactly
 * sized heap copies so ASan catches any read past the end.
 */
#include <stdlib.h>
#include <string.h>

#include "boot/multiboot2.h"
#include "include/uapi/errno.h"
#include "unit.h"

struct builder {
	uint8_t buf[4096];
	uint32_t len;
};

static void b_init(struct builder *b)
{
	memset(b, 0, sizeof(*b));
	b->len = 8; /* total_size, reserved */
}

static void b_put32(struct builder *b, uint32_t off, uint32_t v)
{
	memcpy(b->buf + off, &v, 4);
}

/* Append a tag with @payload; pads to 8 bytes. Returns its offset. */
static uint32_t b_tag(struct builder *b, uint32_t type, const void *payload, uint32_t n)
{
	uint32_t off = b->len;

	b_put32(b, off, type);
	b_put32(b, off + 4, 8 + n);
	if (n)
		memcpy(b->buf + off + 8, payload, n);
	b->len = (off + 8 + n + 7) & ~7u;
	return off;
}

static void b_end(struct builder *b)
{
	b_tag(b, 0, NULL, 0);
	b_put32(b, 0, b->len);
}

/* Parse a heap copy of exactly @len bytes. */
static int parse(const struct builder *b, uint32_t len, struct boot_info *bi)
{
	uint8_t *copy = malloc(len ? len : 1);
	int r;

	memcpy(copy, b->buf, len);
	r = mb2_parse(copy, len, bi);
	free(copy);
	return r;
}

static void add_mmap(struct builder *b, int entries, uint32_t esize)
{
	uint8_t p[8 + 64 * 32] = { 0 };

	memcpy(p, &esize, 4);
	for (int i = 0; i < entries; i++) {
		uint64_t base = (uint64_t)i << 20, len = 1 << 20;
		uint32_t type = 1 + i % 2;

		memcpy(p + 8 + i * esize, &base, 8);
		memcpy(p + 8 + i * esize + 8, &len, 8);
		memcpy(p + 8 + i * esize + 16, &type, 4);
	}
	b_tag(b, 6, p, 8 + entries * esize);
}

TEST(parses_a_full_block)
{
	struct builder b;
	struct boot_info bi;
	uint8_t rsdp2[36] = "RSD PTR ";
	uint8_t efi[8] = { 0x11, 0x22 };
	uint8_t fb[24 + 6] = { 0 };
	uint64_t fbaddr = 0xfd000000;
	uint32_t pitch = 4096, w = 1024, h = 768;

	b_init(&b);
	b_tag(&b, 1, "test mm; pci", 13);
	b_tag(&b, 2, "GRUB 2.06", 10);
	add_mmap(&b, 3, 24);
	memcpy(fb, &fbaddr, 8);
	memcpy(fb + 8, &pitch, 4);
	memcpy(fb + 12, &w, 4);
	memcpy(fb + 16, &h, 4);
	fb[20] = 32;
	fb[21] = 1;
	fb[24] = 16, fb[25] = 8, fb[26] = 8, fb[27] = 8, fb[28] = 0, fb[29] = 8;
	b_tag(&b, 8, fb, sizeof(fb));
	b_tag(&b, 12, efi, 8);
	b_tag(&b, 15, rsdp2, 36);
	b_end(&b);

	CHECK_EQ(parse(&b, b.len, &bi), 0);
	CHECK_STR_EQ(bi.cmdline, "test mm; pci");
	CHECK_STR_EQ(bi.loader, "GRUB 2.06");
	CHECK_EQ(bi.mmap_count, 3);
	CHECK_EQ(bi.mmap[2].base, 2 << 20);
	CHECK_EQ(bi.mmap[1].type, 2);
	CHECK(bi.has_fb);
	CHECK_EQ(bi.fb.width, 1024);
	CHECK_EQ(bi.fb.pitch, 4096);
	CHECK_EQ(bi.fb.red_pos, 16);
	CHECK(bi.uefi);
	CHECK_EQ(bi.efi_system_table, 0x2211);
	CHECK_EQ(bi.rsdp_len, 36);
	CHECK_EQ(bi.acpi_rev, 2);
	CHECK_EQ(bi.bad_tags, 0);
	CHECK_EQ(bi.info_size, b.len);
}

TEST(acpi_new_tag_wins_over_old)
{
	struct builder b;
	struct boot_info bi;
	uint8_t v1[20] = "RSD PTR v1", v2[36] = "RSD PTR v2";

	b_init(&b);
	b_tag(&b, 15, v2, 36);
	b_tag(&b, 14, v1, 20);
	b_end(&b);
	CHECK_EQ(parse(&b, b.len, &bi), 0);
	CHECK_EQ(bi.acpi_rev, 2);
	CHECK(memcmp(bi.rsdp, "RSD PTR v2", 10) == 0);
}

TEST(truncated_buffers_never_overread)
{
	struct builder b;
	struct boot_info bi;

	b_init(&b);
	b_tag(&b, 1, "a long enough command line", 27);
	add_mmap(&b, 4, 24);
	b_end(&b);
	/* Every shorter buffer claiming the full size is rejected up front. */
	for (uint32_t len = 0; len < b.len; len++)
		CHECK_EQ(parse(&b, len, &bi), -EINVAL);
	/* A header that declares less than is there: stops at the declared end. */
	for (uint32_t total = 8; total < b.len; total += 4) {
		b_put32(&b, 0, total);
		CHECK_EQ(parse(&b, b.len, &bi), -EINVAL);
		CHECK(bi.mmap_count <= 4);
	}
}

TEST(zero_sized_tag_stops_the_walk)
{
	struct builder b;
	struct boot_info bi;
	uint32_t off;

	b_init(&b);
	off = b_tag(&b, 1, "x", 2);
	b_put32(&b, off + 4, 0); /* size 0 would loop forever */
	b_end(&b);
	CHECK_EQ(parse(&b, b.len, &bi), -EINVAL);
}

TEST(overlong_tag_is_refused)
{
	struct builder b;
	struct boot_info bi;
	uint32_t off;

	b_init(&b);
	off = b_tag(&b, 2, "GRUB", 5);
	b_end(&b);
	b_put32(&b, off + 4, 0xfffffff0);
	CHECK_EQ(parse(&b, b.len, &bi), -EINVAL);
}

TEST(missing_end_tag)
{
	struct builder b;
	struct boot_info bi;

	b_init(&b);
	b_tag(&b, 1, "no end", 7);
	b_put32(&b, 0, b.len);
	CHECK_EQ(parse(&b, b.len, &bi), -EINVAL);
	CHECK_STR_EQ(bi.cmdline, "no end"); /* kept what was readable */
}

TEST(unterminated_strings_are_cut)
{
	struct builder b;
	struct boot_info bi;
	char big[600];

	memset(big, 'a', sizeof(big)); /* no NUL, longer than BOOT_CMDLINE_MAX */
	b_init(&b);
	b_tag(&b, 1, big, sizeof(big));
	b_end(&b);
	CHECK_EQ(parse(&b, b.len, &bi), 0);
	CHECK_EQ(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
}

TEST(bad_tags_are_counted_and_skipped)
{
	struct builder b;
	struct boot_info bi;
	uint8_t small_fb[8] = { 0 };
	uint8_t short_rsdp[10] = { 0 };

	b_init(&b);
	add_mmap(&b, 2, 16);	       /* entry size below 24 */
	b_tag(&b, 8, small_fb, 8);     /* framebuffer tag too short */
	b_tag(&b, 15, short_rsdp, 10); /* RSDP truncated */
	b_tag(&b, 2, "still parsed", 13);
	b_end(&b);
	CHECK_EQ(parse(&b, b.len, &bi), 0);
	CHECK_EQ(bi.bad_tags, 3);
	CHECK_EQ(bi.mmap_count, 0);
	CHECK(!bi.has_fb);
	CHECK_EQ(bi.rsdp_len, 0);
	CHECK_STR_EQ(bi.loader, "still parsed");
}

TEST(too_many_mmap_entries)
{
	static struct builder b;
	struct boot_info bi;
	uint8_t p[8 + (BOOT_MMAP_MAX + 1) * 24] = { 0 };
	uint32_t esize = 24;

	memcpy(p, &esize, 4);
	b_init(&b);
	b_tag(&b, 6, p, sizeof(p));
	b_end(&b);
	CHECK_EQ(parse(&b, b.len, &bi), 0);
	CHECK_EQ(bi.mmap_count, BOOT_MMAP_MAX);
	CHECK_EQ(bi.bad_tags, 1);
}

TEST(random_garbage_never_crashes)
{
	struct builder b;
	struct boot_info bi;

	for (int iter = 0; iter < 20000; iter++) {
		uint32_t len = 8 + unit_rand_below(256);

		for (uint32_t i = 0; i < len; i++)
			b.buf[i] = (uint8_t)unit_rand();
		/* Small sizes so the walk goes somewhere. */
		b_put32(&b, 0, (uint32_t)unit_rand_below(len + 16));
		for (uint32_t off = 8; off + 8 <= len; off += 8)
			if (unit_rand_below(2))
				b_put32(&b, off + 4, (uint32_t)unit_rand_below(64));
		(void)parse(&b, len, &bi);
		CHECK(bi.mmap_count <= BOOT_MMAP_MAX);
	}
}

/*
 * An entry size of 0xfffffff0 or more made `off + esize` wrap in 32 bits:
 * the loop read a 24-byte entry past a 16-byte tag (here into the end tag
 * and beyond the buffer) and invented regions. Found by the multiboot2
 * fuzzer (tests/fuzz/corpus/multiboot2/crash-mmap-esize-wrap).
 */
TEST(mmap_entry_size_near_4g_does_not_wrap)
{
	static const uint32_t esizes[] = { 0xfffffff0, 0xfffffff8, 0xffffffff };
	struct builder b;
	struct boot_info bi;

	for (size_t i = 0; i < sizeof(esizes) / sizeof(esizes[0]); i++) {
		uint8_t p[8 + 24] = { 0 };

		memcpy(p, &esizes[i], 4);
		/* No entry bytes: the tag is its 16-byte header alone. */
		b_init(&b);
		b_tag(&b, 6, p, 8);
		b_end(&b);
		CHECK_EQ(parse(&b, b.len, &bi), 0);
		CHECK_EQ(bi.mmap_count, 0);
		/* Room for one real entry, but not for one of that size. */
		b_init(&b);
		b_tag(&b, 6, p, sizeof(p));
		b_end(&b);
		CHECK_EQ(parse(&b, b.len, &bi), 0);
		CHECK_EQ(bi.mmap_count, 0);
	}
}

/* A region whose base + length wraps past 2^64 is clipped at the top of
 * the address space, so pmm sees an ordinary range (a wrapped end would
 * be below the start: a reserved region that reserves nothing). */
TEST(mmap_region_past_2_64_is_clipped)
{
	uint8_t p[8 + 24] = { 0 };
	uint32_t esize = 24, type = 2;
	uint64_t base = 0x100000, len = ~0ull - 0xfff;
	struct builder b;
	struct boot_info bi;

	memcpy(p, &esize, 4);
	memcpy(p + 8, &base, 8);
	memcpy(p + 16, &len, 8);
	memcpy(p + 24, &type, 4);
	b_init(&b);
	b_tag(&b, 6, p, sizeof(p));
	b_end(&b);
	CHECK_EQ(parse(&b, b.len, &bi), 0);
	CHECK_EQ(bi.mmap_count, 1);
	CHECK_EQ(bi.mmap[0].base, base);
	CHECK(bi.mmap[0].base + bi.mmap[0].length >= bi.mmap[0].base);
	CHECK_EQ(bi.mmap[0].length, ~0ull - base);
}

/* A module that ends before it starts is refused and counted: pmm would
 * otherwise reserve nothing for it and hand its frames out. */
TEST(module_ending_before_its_start_is_refused)
{
	uint8_t p[8 + 4] = { 0 };
	uint32_t start = 0x200000, end = 0x100000;
	struct builder b;
	struct boot_info bi;

	memcpy(p, &start, 4);
	memcpy(p + 4, &end, 4);
	memcpy(p + 8, "rd", 3);
	b_init(&b);
	b_tag(&b, 3, p, sizeof(p));
	b_end(&b);
	CHECK_EQ(parse(&b, b.len, &bi), 0);
	CHECK_EQ(bi.module_count, 0);
	CHECK_EQ(bi.bad_tags, 1);
}
