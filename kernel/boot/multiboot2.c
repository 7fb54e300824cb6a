/*
 * Multiboot2 tag parser. Walks the 8-byte-aligned tag list, checking every
 * size against both the tag's own minimum and the space left, and copies
 * what the kernel needs into struct boot_info. A zero-sized or overlong
 * tag ends the walk with -EINVAL rather than looping or over-reading.
 * Pure: host-testable. Reference: Multiboot2 spec §3.6.
 */
#include "boot/multiboot2.h"

#include "include/uapi/errno.h"
#include "lib/string.h"

enum mb2_tag_type {
	TAG_END = 0,
	TAG_CMDLINE = 1,
	TAG_LOADER = 2,
	TAG_MODULE = 3,
	TAG_MEMINFO = 4,
	TAG_MMAP = 6,
	TAG_FRAMEBUFFER = 8,
	TAG_EFI64 = 12,
	TAG_ACPI_OLD = 14,
	TAG_ACPI_NEW = 15,
};

#define TAG_HEADER 8u
#define MMAP_HEADER 16u
#define MMAP_ENTRY_MIN 24u
#define FB_COMMON 32u /* GRUB's layout: 16-bit reserved after type */
#define MODULE_HEADER 16u
#define RSDP_V1_LEN 20u
#define RSDP_V2_LEN 36u

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* Copy a possibly unterminated string of at most @n bytes. */
static void copy_str(char *dst, size_t dstsz, const uint8_t *src, size_t n)
{
	size_t len = strnlen((const char *)src, n);

	if (len >= dstsz)
		len = dstsz - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static int parse_mmap(const uint8_t *t, uint32_t size, struct boot_info *bi)
{
	uint32_t esize;

	if (size < MMAP_HEADER)
		return -EINVAL;
	esize = rd32(t + 8);
	if (esize < MMAP_ENTRY_MIN)
		return -EINVAL;
	/* off <= size throughout, so `size - off` cannot wrap where
	 * `off + esize` would for an entry size near 4 GiB. */
	for (uint32_t off = MMAP_HEADER; esize <= size - off; off += esize) {
		struct boot_mem_region *r;

		if (bi->mmap_count == BOOT_MMAP_MAX)
			return -EINVAL;
		r = &bi->mmap[bi->mmap_count++];
		r->base = rd64(t + off);
		r->length = rd64(t + off + 8);
		r->type = rd32(t + off + 16);
		if (r->base + r->length < r->base) /* clip at 2^64: the end must not wrap */
			r->length = UINT64_MAX - r->base;
	}
	return 0;
}

static int parse_fb(const uint8_t *t, uint32_t size, struct boot_info *bi)
{
	struct boot_framebuffer *fb = &bi->fb;

	if (size < FB_COMMON)
		return -EINVAL;
	fb->addr = rd64(t + 8);
	fb->pitch = rd32(t + 16);
	fb->width = rd32(t + 20);
	fb->height = rd32(t + 24);
	fb->bpp = t[28];
	fb->type = t[29];
	if (fb->type == BOOT_FB_RGB) {
		if (size < FB_COMMON + 6)
			return -EINVAL;
		fb->red_pos = t[32];
		fb->red_size = t[33];
		fb->green_pos = t[34];
		fb->green_size = t[35];
		fb->blue_pos = t[36];
		fb->blue_size = t[37];
	}
	bi->has_fb = true;
	return 0;
}

static int parse_module(const uint8_t *t, uint32_t size, struct boot_info *bi)
{
	struct boot_module *m;

	if (size < MODULE_HEADER)
		return -EINVAL;
	if (bi->module_count == BOOT_MODULES_MAX || rd32(t + 12) < rd32(t + 8))
		return -EINVAL; /* full, or a module that ends before it starts */
	m = &bi->modules[bi->module_count++];
	m->start = rd32(t + 8);
	m->end = rd32(t + 12);
	copy_str(m->name, sizeof(m->name), t + MODULE_HEADER, size - MODULE_HEADER);
	return 0;
}

static int parse_acpi(const uint8_t *t, uint32_t size, uint8_t rev, struct boot_info *bi)
{
	uint32_t need = rev == 1 ? RSDP_V1_LEN : RSDP_V2_LEN;

	if (size < TAG_HEADER + need)
		return -EINVAL;
	/* Prefer the 2.0+ RSDP when both tags are present. */
	if (bi->acpi_rev > rev)
		return 0;
	memcpy(bi->rsdp, t + TAG_HEADER, need);
	bi->rsdp_len = need;
	bi->acpi_rev = rev;
	return 0;
}

static int parse_tag(uint32_t type, const uint8_t *t, uint32_t size, struct boot_info *bi)
{
	switch (type) {
	case TAG_CMDLINE:
		copy_str(bi->cmdline, sizeof(bi->cmdline), t + 8, size - 8);
		return 0;
	case TAG_LOADER:
		copy_str(bi->loader, sizeof(bi->loader), t + 8, size - 8);
		return 0;
	case TAG_MODULE:
		return parse_module(t, size, bi);
	case TAG_MEMINFO:
		if (size < 16)
			return -EINVAL;
		bi->mem_lower_kb = rd32(t + 8);
		bi->mem_upper_kb = rd32(t + 12);
		return 0;
	case TAG_MMAP:
		return parse_mmap(t, size, bi);
	case TAG_FRAMEBUFFER:
		return parse_fb(t, size, bi);
	case TAG_EFI64:
		if (size < 16)
			return -EINVAL;
		bi->uefi = true;
		bi->efi_system_table = rd64(t + 8);
		return 0;
	case TAG_ACPI_OLD:
		return parse_acpi(t, size, 1, bi);
	case TAG_ACPI_NEW:
		return parse_acpi(t, size, 2, bi);
	default:
		return 0; /* tags we do not need */
	}
}

int mb2_parse(const void *info, size_t avail, struct boot_info *out)
{
	const uint8_t *base = info;
	uint32_t total;

	memset(out, 0, sizeof(*out));
	if (!info || avail < 8)
		return -EINVAL;
	total = rd32(base);
	if (total < 8 || total > avail)
		return -EINVAL;
	out->info_size = total;

	for (uint32_t off = 8; off + TAG_HEADER <= total;) {
		uint32_t type = rd32(base + off);
		uint32_t size = rd32(base + off + 4);

		if (size < TAG_HEADER || size > total - off)
			return -EINVAL;
		if (type == TAG_END)
			return 0;
		if (parse_tag(type, base + off, size, out) < 0)
			out->bad_tags++;
		off += (size + 7) & ~7u;
	}
	return -EINVAL; /* ran out of space without an end tag */
}
