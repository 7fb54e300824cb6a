/*
 * The `bootinfo` shell command: what the loader told us (struct boot_info
 * from boot/multiboot2.c): loader and firmware, command line, memory map,
 * framebuffer, modules and the ACPI RSDP copy.
 * Reference: ACPI 6.5 §5.2.5.3 (RSDP layout: OEMID at 9, revision at 15,
 * RsdtAddress at 16, XsdtAddress at 24).
 */
#include "boot/bootinfo.h"
#include "core/console.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "shell/shell.h"

#define RSDP_OEMID 9
#define RSDP_OEMID_LEN 6
#define RSDP_REVISION 15
#define RSDP_RSDT 16
#define RSDP_XSDT 24
#define RSDP_V1_LEN 20

static const char *const bootinfo_subcmds[] = { "loader",  "cmdline", "mmap", "fb",
						"modules", "acpi",    NULL };

/* "640 KiB", "2047 MiB", "4 GiB": the largest unit that keeps it exact-ish. */
static const char *format_size(uint64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = 0;

	while (u + 1 < ARRAY_SIZE(units) && bytes >= 10240) {
		bytes >>= 10;
		u++;
	}
	ksnprintf(buf, size, "%lu %s", (unsigned long)bytes, units[u]);
	return buf;
}

static void heading(const char *text)
{
	kprintf("%s%s%s", shell_color(SHELL_COLOR_HEADING), text, shell_color(SHELL_COLOR_RESET));
}

static void show_loader(const struct boot_info *bi)
{
	heading("loader");
	kprintf("   %s, %s firmware\n", bi->loader[0] ? bi->loader : "(unnamed)",
		bi->uefi ? "UEFI" : "BIOS");
}

static void show_cmdline(const struct boot_info *bi)
{
	heading("cmdline");
	kprintf("  '%s'\n", bi->cmdline);
}

static void show_mmap(const struct boot_info *bi)
{
	uint64_t usable = 0;
	char size[24];

	for (size_t i = 0; i < bi->mmap_count; i++)
		if (bi->mmap[i].type == BOOT_MEM_USABLE)
			usable += bi->mmap[i].length;
	heading("memory map");
	kprintf(" (%zu regions, %s usable)\n", bi->mmap_count,
		format_size(usable, size, sizeof(size)));
	for (size_t i = 0; i < bi->mmap_count; i++) {
		const struct boot_mem_region *r = &bi->mmap[i];

		kprintf("  0x%016lx-0x%016lx %10s  %s\n", (unsigned long)r->base,
			(unsigned long)(r->base + r->length - (r->length ? 1 : 0)),
			format_size(r->length, size, sizeof(size)),
			bootinfo_mem_type_name(r->type));
	}
}

static void show_fb(const struct boot_info *bi)
{
	static const char *const types[] = { "indexed", "RGB", "EGA text" };
	const struct boot_framebuffer *fb = &bi->fb;

	heading("framebuffer");
	if (!bi->has_fb) {
		kprintf(" none\n");
		return;
	}
	kprintf(" %ux%u, %u bpp, pitch %u, %s, at %#lx\n", fb->width, fb->height, fb->bpp,
		fb->pitch, fb->type < ARRAY_SIZE(types) ? types[fb->type] : "unknown",
		(unsigned long)fb->addr);
	if (fb->type == BOOT_FB_RGB)
		kprintf("  red %u@%u, green %u@%u, blue %u@%u\n", fb->red_size, fb->red_pos,
			fb->green_size, fb->green_pos, fb->blue_size, fb->blue_pos);
}

static void show_modules(const struct boot_info *bi)
{
	heading("modules");
	kprintf(" %zu\n", bi->module_count);
	for (size_t i = 0; i < bi->module_count; i++)
		kprintf("  %#lx-%#lx '%s'\n", (unsigned long)bi->modules[i].start,
			(unsigned long)bi->modules[i].end, bi->modules[i].name);
}

static void show_acpi(const struct boot_info *bi)
{
	char oem[RSDP_OEMID_LEN + 1] = { 0 };
	uint32_t rsdt;
	uint64_t xsdt = 0;

	heading("ACPI RSDP");
	if (bi->rsdp_len < RSDP_V1_LEN) {
		kprintf(" none (the loader passed no RSDP)\n");
		return;
	}
	memcpy(oem, bi->rsdp + RSDP_OEMID, RSDP_OEMID_LEN);
	memcpy(&rsdt, bi->rsdp + RSDP_RSDT, sizeof(rsdt));
	if (bi->rsdp_len >= RSDP_XSDT + sizeof(xsdt))
		memcpy(&xsdt, bi->rsdp + RSDP_XSDT, sizeof(xsdt));
	kprintf(" revision %u, OEM '%s', RSDT %#x, XSDT %#lx (loader's %s tag)\n",
		bi->rsdp[RSDP_REVISION], oem, rsdt, (unsigned long)xsdt,
		bi->acpi_rev >= 2 ? "ACPI 2.0+" : "ACPI 1.0");
}

static int cmd_bootinfo(int argc, char **argv)
{
	static void (*const show[])(const struct boot_info *) = {
		show_loader, show_cmdline, show_mmap, show_fb, show_modules, show_acpi,
	};
	const struct boot_info *bi = bootinfo();

	if (argc > 2)
		return shell_usage(shell_find("bootinfo"));
	_Static_assert(ARRAY_SIZE(show) + 1 == ARRAY_SIZE(bootinfo_subcmds),
		       "one show function per sub-command");
	for (size_t i = 0; i < ARRAY_SIZE(show); i++) {
		if (argc == 1 || strcmp(argv[1], bootinfo_subcmds[i]) == 0) {
			show[i](bi);
			if (argc == 2)
				return 0;
		}
	}
	return argc == 1 ? 0 : shell_usage(shell_find("bootinfo"));
}

SHELL_COMMAND(bootinfo, .name = "bootinfo", .group = "boot",
	      .summary = "what the boot loader passed: memory map, cmdline, framebuffer, ACPI",
	      .usage = "bootinfo [loader|cmdline|mmap|fb|modules|acpi]   (all when none)",
	      .fn = cmd_bootinfo, .subcmds = bootinfo_subcmds);
