/*
 * Multiboot2 boot information -> struct boot_info, the protocol-neutral
 * description of the machine that the rest of the kernel reads. Nothing
 * outside boot/ knows the kernel was started by GRUB.
 * Reference: Multiboot2 specification 2.0, §3.6 (boot information format).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOOT_MMAP_MAX 128
#define BOOT_MODULES_MAX 8
#define BOOT_CMDLINE_MAX 512

/* Memory-map region types (the Multiboot2/E820 numbering). */
enum boot_mem_type {
	BOOT_MEM_USABLE = 1,
	BOOT_MEM_RESERVED = 2,
	BOOT_MEM_ACPI_RECLAIMABLE = 3,
	BOOT_MEM_ACPI_NVS = 4,
	BOOT_MEM_BAD = 5,
};

struct boot_mem_region {
	uint64_t base;
	uint64_t length;
	uint32_t type; /* enum boot_mem_type; other values mean reserved */
};

struct boot_module {
	uint64_t start, end; /* physical, end exclusive */
	char name[64];
};

enum boot_fb_type {
	BOOT_FB_INDEXED = 0,
	BOOT_FB_RGB = 1,
	BOOT_FB_EGA_TEXT = 2,
};

struct boot_framebuffer {
	uint64_t addr; /* physical */
	uint32_t pitch, width, height;
	uint8_t bpp;
	uint8_t type; /* enum boot_fb_type */
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct boot_info {
	char cmdline[BOOT_CMDLINE_MAX];
	char loader[64];
	struct boot_mem_region mmap[BOOT_MMAP_MAX];
	size_t mmap_count;
	struct boot_module modules[BOOT_MODULES_MAX];
	size_t module_count;
	/* A copy of the ACPI RSDP (36 bytes for 2.0+, 20 for 1.0). */
	uint8_t rsdp[36];
	uint8_t rsdp_len; /* 0 when the loader gave none */
	uint8_t acpi_rev; /* 1 (tag 14) or 2 (tag 15) */
	bool has_fb;
	struct boot_framebuffer fb;
	bool uefi; /* an EFI system table tag was present */
	uint64_t efi_system_table;
	uint32_t mem_lower_kb, mem_upper_kb; /* basic meminfo, if given */
	uint64_t info_phys;		     /* where the raw information lies, to reserve it */
	uint32_t info_size;
	unsigned int bad_tags; /* malformed tags skipped */
};

/*
 * Parse the Multiboot2 information at @info (readable for @avail bytes) into
 * @out. Malformed or truncated tags are skipped or cut short, never read past
 * @avail or the declared total size. Returns 0, or -EINVAL when the header
 * itself is unusable or the tag list is malformed (@out then holds what was
 * parsed before the damage). Pure: host-testable.
 */
int mb2_parse(const void *info, size_t avail, struct boot_info *out);
