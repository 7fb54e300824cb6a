/*
 * Shell commands that inspect the CPU through the arch seam: `cpu` (CPUID
 * summary: vendor, brand, family/model/stepping, address sizes, feature
 * flags) and `regs` (control registers and flags, decoded). The x86
 * knowledge lives in arch/x86_64/cpuinfo.c; this file only prints.
 */
#include "arch/arch.h"
#include "core/console.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "shell/shell.h"

#define FEATURES_MAX 96
#define FEATURE_LINE 72 /* wrap the flag list at this column */

static void print_features(void)
{
	const char *names[FEATURES_MAX];
	size_t n = arch_cpu_features(names, FEATURES_MAX);
	size_t col = 0;

	if (n > FEATURES_MAX)
		n = FEATURES_MAX;
	kprintf("%sflags%s   ", shell_color(SHELL_COLOR_NAME), shell_color(SHELL_COLOR_RESET));
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(names[i]) + 1;

		if (col && col + len > FEATURE_LINE) {
			kprintf("\n        ");
			col = 0;
		}
		kprintf("%s ", names[i]);
		col += len;
	}
	kprintf("\n");
}

static int cmd_cpu(int argc, char **argv)
{
	struct arch_cpu_ident id;
	const char *name = shell_color(SHELL_COLOR_NAME);
	const char *reset = shell_color(SHELL_COLOR_RESET);

	if (argc != 1)
		return shell_usage(shell_find("cpu"));
	arch_cpu_identify(&id);
	kprintf("%svendor%s  %s\n", name, reset, id.vendor);
	kprintf("%sbrand%s   %s\n", name, reset, id.brand[0] ? id.brand : "(none)");
	kprintf("%smodel%s   family %u (%#x), model %u (%#x), stepping %u\n", name, reset,
		id.family, id.family, id.model, id.model, id.stepping);
	kprintf("%saddr%s    %u bits physical, %u bits virtual\n", name, reset, id.phys_addr_bits,
		id.virt_addr_bits);
	kprintf("%scpuid%s   max leaf %#x, max extended leaf %#x, APIC ID %u\n", name, reset,
		id.max_leaf, id.max_ext_leaf, id.apic_id);
	print_features();
	return 0;
}

SHELL_COMMAND(cpu, .name = "cpu", .group = "arch",
	      .summary = "CPU identification and feature flags (CPUID)", .usage = "cpu",
	      .fn = cmd_cpu);

#define REGS_MAX 8

static int cmd_regs(int argc, char **argv)
{
	struct arch_reg_desc *regs;
	size_t n;

	if (argc != 1)
		return shell_usage(shell_find("regs"));
	regs = kmalloc(REGS_MAX * sizeof(*regs)); /* 1 KiB: too big for a stack frame */
	if (!regs) {
		kprintf("regs: out of memory\n");
		return 1;
	}
	n = arch_describe_control_regs(regs, REGS_MAX);
	for (size_t i = 0; i < n; i++)
		kprintf("%s%-6s%s 0x%016lx  %s\n", shell_color(SHELL_COLOR_NAME), regs[i].name,
			shell_color(SHELL_COLOR_RESET), (unsigned long)regs[i].value,
			regs[i].decoded);
	kfree(regs);
	return 0;
}

SHELL_COMMAND(regs, .name = "regs", .group = "arch",
	      .summary = "control registers and flags, decoded", .usage = "regs", .fn = cmd_regs);
