/*
 * CPU identification and control-register decoding behind arch/arch.h, for
 * the `cpu` and `regs` shell commands: vendor and brand strings, family,
 * model and stepping, feature flags, and CR0/CR2/CR3/CR4/EFER/RFLAGS with
 * their set bits named. Reads only the calling CPU; no state, no locks.
 * References: Intel SDM Vol. 2A "CPUID" (leaves 0, 1, 7, 8000_0001-8), Vol.
 * 3A §2.5 (control registers), §2.2.1 (EFER), Vol. 1 §3.4.3 (EFLAGS).
 */
#include "arch/arch.h"

#include "arch/x86_64/cpu.h"
#include "lib/printf.h"
#include "lib/string.h"

enum { REG_EAX, REG_EBX, REG_ECX, REG_EDX };

#define LEAF_EXT_BASE 0x80000000u
#define LEAF_BRAND_FIRST 0x80000002u
#define LEAF_BRAND_LAST 0x80000004u
#define LEAF_ADDR_SIZES 0x80000008u
#define FAMILY_EXTENDED 0xf /* base family that adds the extended family */
#define FAMILY_P6 0x6	    /* base families that add the extended model */

/* One feature flag: CPUID leaf (subleaf 0), register and bit. */
struct cpu_feature {
	uint32_t leaf;
	uint8_t reg, bit;
	const char *name; /* as Linux's /proc/cpuinfo spells it */
};

static const struct cpu_feature features[] = {
	{ 1, REG_EDX, 0, "fpu" },
	{ 1, REG_EDX, 4, "tsc" },
	{ 1, REG_EDX, 5, "msr" },
	{ 1, REG_EDX, 6, "pae" },
	{ 1, REG_EDX, 8, "cx8" },
	{ 1, REG_EDX, 9, "apic" },
	{ 1, REG_EDX, 11, "sep" },
	{ 1, REG_EDX, 12, "mtrr" },
	{ 1, REG_EDX, 13, "pge" },
	{ 1, REG_EDX, 15, "cmov" },
	{ 1, REG_EDX, 16, "pat" },
	{ 1, REG_EDX, 19, "clflush" },
	{ 1, REG_EDX, 23, "mmx" },
	{ 1, REG_EDX, 24, "fxsr" },
	{ 1, REG_EDX, 25, "sse" },
	{ 1, REG_EDX, 26, "sse2" },
	{ 1, REG_EDX, 28, "ht" },
	{ 1, REG_ECX, 0, "pni" },
	{ 1, REG_ECX, 1, "pclmulqdq" },
	{ 1, REG_ECX, 3, "monitor" },
	{ 1, REG_ECX, 5, "vmx" },
	{ 1, REG_ECX, 9, "ssse3" },
	{ 1, REG_ECX, 12, "fma" },
	{ 1, REG_ECX, 13, "cx16" },
	{ 1, REG_ECX, 17, "pcid" },
	{ 1, REG_ECX, 19, "sse4_1" },
	{ 1, REG_ECX, 20, "sse4_2" },
	{ 1, REG_ECX, 21, "x2apic" },
	{ 1, REG_ECX, 22, "movbe" },
	{ 1, REG_ECX, 23, "popcnt" },
	{ 1, REG_ECX, 24, "tsc_deadline_timer" },
	{ 1, REG_ECX, 25, "aes" },
	{ 1, REG_ECX, 26, "xsave" },
	{ 1, REG_ECX, 28, "avx" },
	{ 1, REG_ECX, 29, "f16c" },
	{ 1, REG_ECX, 30, "rdrand" },
	{ 1, REG_ECX, 31, "hypervisor" },
	{ 7, REG_EBX, 0, "fsgsbase" },
	{ 7, REG_EBX, 3, "bmi1" },
	{ 7, REG_EBX, 5, "avx2" },
	{ 7, REG_EBX, 7, "smep" },
	{ 7, REG_EBX, 8, "bmi2" },
	{ 7, REG_EBX, 9, "erms" },
	{ 7, REG_EBX, 10, "invpcid" },
	{ 7, REG_EBX, 16, "avx512f" },
	{ 7, REG_EBX, 18, "rdseed" },
	{ 7, REG_EBX, 19, "adx" },
	{ 7, REG_EBX, 20, "smap" },
	{ 7, REG_EBX, 23, "clflushopt" },
	{ 7, REG_EBX, 29, "sha_ni" },
	{ 7, REG_ECX, 2, "umip" },
	{ 7, REG_ECX, 3, "pku" },
	{ 7, REG_ECX, 16, "la57" },
	{ 7, REG_ECX, 22, "rdpid" },
	{ 0x80000001, REG_EDX, 11, "syscall" },
	{ 0x80000001, REG_EDX, 20, "nx" },
	{ 0x80000001, REG_EDX, 26, "pdpe1gb" },
	{ 0x80000001, REG_EDX, 27, "rdtscp" },
	{ 0x80000001, REG_EDX, 29, "lm" },
	{ 0x80000001, REG_ECX, 0, "lahf_lm" },
	{ 0x80000001, REG_ECX, 5, "abm" },
	{ 0x80000007, REG_EDX, 8, "invariant_tsc" },
};

/* CPUID @leaf (subleaf 0) into @r, or zeros when the CPU lacks the leaf. */
static void cpuid_leaf(uint32_t leaf, uint32_t r[4])
{
	uint32_t max, unused;

	cpuid(leaf & LEAF_EXT_BASE, 0, &max, &unused, &unused, &unused);
	if (leaf > max) {
		r[0] = r[1] = r[2] = r[3] = 0;
		return;
	}
	cpuid(leaf, 0, &r[REG_EAX], &r[REG_EBX], &r[REG_ECX], &r[REG_EDX]);
}

static void read_brand(char *brand, size_t size)
{
	char raw[49] = { 0 };
	const char *p = raw;

	for (uint32_t leaf = LEAF_BRAND_FIRST; leaf <= LEAF_BRAND_LAST; leaf++) {
		uint32_t r[4];

		cpuid_leaf(leaf, r);
		memcpy(raw + (leaf - LEAF_BRAND_FIRST) * 16, r, 16);
	}
	while (*p == ' ')
		p++;
	strlcpy(brand, p, size);
	for (size_t n = strlen(brand); n > 0 && brand[n - 1] == ' '; n--)
		brand[n - 1] = '\0';
}

void arch_cpu_identify(struct arch_cpu_ident *id)
{
	uint32_t r[4], base_family;

	memset(id, 0, sizeof(*id));
	cpuid(0, 0, &id->max_leaf, &r[REG_EBX], &r[REG_ECX], &r[REG_EDX]);
	memcpy(id->vendor, &r[REG_EBX], 4); /* the string is EBX, EDX, ECX */
	memcpy(id->vendor + 4, &r[REG_EDX], 4);
	memcpy(id->vendor + 8, &r[REG_ECX], 4);
	cpuid(LEAF_EXT_BASE, 0, &id->max_ext_leaf, &r[1], &r[2], &r[3]);

	cpuid_leaf(1, r);
	base_family = (r[REG_EAX] >> 8) & 0xf;
	id->stepping = r[REG_EAX] & 0xf;
	id->model = (r[REG_EAX] >> 4) & 0xf;
	id->family = base_family;
	if (base_family == FAMILY_EXTENDED)
		id->family += (r[REG_EAX] >> 20) & 0xff;
	if (base_family == FAMILY_EXTENDED || base_family == FAMILY_P6)
		id->model += ((r[REG_EAX] >> 16) & 0xf) << 4;
	id->apic_id = r[REG_EBX] >> 24;

	read_brand(id->brand, sizeof(id->brand));
	cpuid_leaf(LEAF_ADDR_SIZES, r);
	id->phys_addr_bits = r[REG_EAX] & 0xff;
	id->virt_addr_bits = (r[REG_EAX] >> 8) & 0xff;
}

size_t arch_cpu_features(const char **names, size_t max)
{
	uint32_t r[4] = { 0 }, cached_leaf = 0; /* no feature is in leaf 0 */
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(features); i++) {
		const struct cpu_feature *f = &features[i];

		if (f->leaf != cached_leaf) {
			cpuid_leaf(f->leaf, r);
			cached_leaf = f->leaf;
		}
		if (!(r[f->reg] & (1u << f->bit)))
			continue;
		if (n < max)
			names[n] = f->name;
		n++;
	}
	return n;
}

/* ---- control registers -------------------------------------------------- */

/* Names of bits 0..63 of a register; NULL for reserved or unnamed ones. */
static const char *const cr0_bits[64] = {
	[0] = "PE",  [1] = "MP",  [2] = "EM",  [3] = "TS",  [4] = "ET",	 [5] = "NE",
	[16] = "WP", [18] = "AM", [29] = "NW", [30] = "CD", [31] = "PG",
};
static const char *const cr4_bits[64] = {
	[0] = "VME",	     [1] = "PVI",    [2] = "TSD",      [3] = "DE",    [4] = "PSE",
	[5] = "PAE",	     [6] = "MCE",    [7] = "PGE",      [8] = "PCE",   [9] = "OSFXSR",
	[10] = "OSXMMEXCPT", [11] = "UMIP",  [12] = "LA57",    [13] = "VMXE", [14] = "SMXE",
	[16] = "FSGSBASE",   [17] = "PCIDE", [18] = "OSXSAVE", [20] = "SMEP", [21] = "SMAP",
	[22] = "PKE",	     [23] = "CET",   [24] = "PKS",
};
static const char *const efer_bits[64] = {
	[0] = "SCE",   [8] = "LME",    [10] = "LMA",   [11] = "NXE",
	[12] = "SVME", [13] = "LMSLE", [14] = "FFXSR", [15] = "TCE",
};
static const char *const rflags_bits[64] = {
	[0] = "CF",  [2] = "PF",   [4] = "AF",	 [6] = "ZF",  [7] = "SF",  [8] = "TF",
	[9] = "IF",  [10] = "DF",  [11] = "OF",	 [14] = "NT", [16] = "RF", [17] = "VM",
	[18] = "AC", [19] = "VIF", [20] = "VIP", [21] = "ID",
};

#define RFLAGS_IOPL_SHIFT 12
#define CR3_PCD (1ull << 4)
#define CR3_PWT (1ull << 3)
#define CR3_ADDR_MASK 0x000ffffffffff000ull

/* Append to @out (@size bytes) the names of the bits set in @v. */
static void decode_bits(uint64_t v, const char *const names[64], char *out, size_t size)
{
	out[0] = '\0';
	for (unsigned int bit = 0; bit < 64; bit++) {
		if (!(v & (1ull << bit)) || !names[bit])
			continue;
		if (out[0])
			strlcat(out, " ", size);
		strlcat(out, names[bit], size);
	}
}

static void describe(struct arch_reg_desc *d, const char *name, uint64_t v,
		     const char *const bits[64])
{
	d->name = name;
	d->value = v;
	if (bits)
		decode_bits(v, bits, d->decoded, sizeof(d->decoded));
	else
		d->decoded[0] = '\0';
}

size_t arch_describe_control_regs(struct arch_reg_desc *regs, size_t max)
{
	struct arch_reg_desc all[6];
	uint64_t cr3 = read_cr3(), rflags = read_rflags();
	size_t n = ARRAY_SIZE(all) < max ? ARRAY_SIZE(all) : max;
	size_t len;

	describe(&all[0], "cr0", read_cr0(), cr0_bits);
	describe(&all[1], "cr2", read_cr2(), NULL);
	describe(&all[2], "cr3", cr3, NULL);
	ksnprintf(all[2].decoded, sizeof(all[2].decoded), "PML4 at %#lx%s%s",
		  (unsigned long)(cr3 & CR3_ADDR_MASK), cr3 & CR3_PWT ? " PWT" : "",
		  cr3 & CR3_PCD ? " PCD" : "");
	describe(&all[3], "cr4", read_cr4(), cr4_bits);
	describe(&all[4], "efer", rdmsr(MSR_EFER), efer_bits);
	describe(&all[5], "rflags", rflags, rflags_bits);
	len = strlen(all[5].decoded);
	ksnprintf(all[5].decoded + len, sizeof(all[5].decoded) - len, "%sIOPL=%lu", len ? " " : "",
		  (unsigned long)((rflags >> RFLAGS_IOPL_SHIFT) & 3));
	memcpy(regs, all, n * sizeof(all[0]));
	return n;
}
