/*
 * The boot information, parsed once at boot from whatever the loader gave
 * (today: Multiboot2 from GRUB). Read-only after bootinfo_init().
 */
#pragma once

#include <stdint.h>

#include "boot/multiboot2.h"

/* Parse the loader's information. @magic and @info_phys are what boot.S
 * received in EAX and EBX. Logs a summary and any damage; never fails (a
 * missing or broken tag list leaves the fields empty). Boot CPU, once. */
void bootinfo_init(uint32_t magic, uint64_t info_phys);

/* The parsed information. */
const struct boot_info *bootinfo(void);

/* Human-readable name of a memory-map type ("usable", "ACPI NVS"...). */
const char *bootinfo_mem_type_name(uint32_t type);
