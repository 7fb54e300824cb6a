/*
 * Glue between the loader and the Multiboot2 parser: reads the information
 * block through the direct map, parses it, and logs what was found.
 * Owns the one struct boot_info (immutable after init).
 */
#include "boot/bootinfo.h"

#include "arch/arch.h"
#include "core/log.h"
#include "core/panic.h"
#include "lib/string.h"

#define LOG_PREFIX "boot: "
#define MB2_INFO_MAX (1u << 20) /* sanity cap on the declared size */

static struct boot_info info;

const struct boot_info *bootinfo(void)
{
	return &info;
}

const char *bootinfo_mem_type_name(uint32_t type)
{
	switch (type) {
	case BOOT_MEM_USABLE:
		return "usable";
	case BOOT_MEM_ACPI_RECLAIMABLE:
		return "ACPI reclaimable";
	case BOOT_MEM_ACPI_NVS:
		return "ACPI NVS";
	case BOOT_MEM_BAD:
		return "bad";
	default:
		return "reserved";
	}
}

void bootinfo_init(uint32_t magic, uint64_t info_phys)
{
	const uint8_t *raw = phys_to_virt(info_phys);
	uint32_t total;
	uint64_t usable = 0;

	if (magic != MB2_BOOTLOADER_MAGIC)
		panic("boot: bad Multiboot2 magic %#x", magic); /* boot.S checked */
	memcpy(&total, raw, sizeof(total));
	if (mb2_parse(raw, total < MB2_INFO_MAX ? total : MB2_INFO_MAX, &info) < 0)
		log_warn("malformed Multiboot2 information; using what was readable\n");
	info.info_phys = info_phys;
	if (info.bad_tags)
		log_warn("%u malformed Multiboot2 tags skipped\n", info.bad_tags);
	for (size_t i = 0; i < info.mmap_count; i++)
		if (info.mmap[i].type == BOOT_MEM_USABLE)
			usable += info.mmap[i].length;
	log_info("loader '%s', %s, %lu MiB usable in %zu regions, cmdline '%s'\n", info.loader,
		 info.uefi ? "UEFI" : "BIOS", (unsigned long)(usable >> 20), info.mmap_count,
		 info.cmdline);
}
