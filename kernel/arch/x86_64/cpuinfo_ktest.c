/*
 * In-kernel tests of arch/x86_64/cpuinfo.c on the CPU we run on: a kernel
 * in long mode must see its own mode in CPUID and in the registers.
 */
#include "arch/arch.h"
#include "ktest/ktest.h"
#include "lib/string.h"

static bool has_feature(const char *name)
{
	const char *names[128];
	size_t n = arch_cpu_features(names, ARRAY_SIZE(names));

	for (size_t i = 0; i < n && i < ARRAY_SIZE(names); i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

KTEST(arch_cpuinfo_identify)
{
	struct arch_cpu_ident id;

	arch_cpu_identify(&id);
	KASSERT_EQ(strlen(id.vendor), 12);
	KASSERT(id.max_leaf >= 1);
	KASSERT(id.max_ext_leaf >= 0x80000001);
	KASSERT(id.family != 0);
	KASSERT(id.phys_addr_bits >= 32 && id.phys_addr_bits <= 52);
	KASSERT(has_feature("lm") && has_feature("fpu") && has_feature("tsc"));
	KASSERT(!has_feature("no_such_flag"));
}

KTEST(arch_cpuinfo_control_regs)
{
	struct arch_reg_desc regs[8];
	size_t n = arch_describe_control_regs(regs, ARRAY_SIZE(regs));

	KASSERT_EQ(n, 6);
	KASSERT(strcmp(regs[0].name, "cr0") == 0);
	KASSERT(strstr(regs[0].decoded, "PE") && strstr(regs[0].decoded, "PG"));
	KASSERT(strstr(regs[3].decoded, "PAE"));
	KASSERT(strcmp(regs[4].name, "efer") == 0 && strstr(regs[4].decoded, "LMA"));
	KASSERT(strstr(regs[5].decoded, "IOPL=0"));
	KASSERT_EQ(arch_describe_control_regs(regs, 2), 2); /* @max respected */
}
