/*
 * TSC calibration. CPUID leaf 0x15 gives the TSC/crystal ratio and, on
 * newer CPUs, the crystal frequency; leaf 0x16 gives the base frequency in
 * MHz. QEMU's TCG CPUs report neither, so the usual path is to count TSC
 * cycles while PIT channel 2 (1.193182 MHz, gated through port 0x61) counts
 * down a known interval. Reference: Intel SDM Vol. 3 §18.7.3; 8254 data
 * sheet (mode 0, "interrupt on terminal count").
 */
#include "arch/x86_64/tsc.h"

#include "arch/arch.h"
#include "arch/x86_64/cpu.h"

#define PIT_HZ 1193182u
#define PIT_CH2_DATA 0x42
#define PIT_COMMAND 0x43
#define PIT_GATE_PORT 0x61 /* bit 0: ch2 gate, bit 1: speaker, bit 5: out */
#define PIT_CMD_CH2_MODE0_LOHI 0xb0

uint64_t tsc_hz_from_cpuid(void)
{
	uint32_t a, b, c, d;

	cpuid(0, 0, &a, &b, &c, &d);
	if (a >= 0x15) {
		uint32_t den, num, crystal;

		cpuid(0x15, 0, &den, &num, &crystal, &d);
		if (den && num && crystal)
			return (uint64_t)crystal * num / den;
	}
	if (a >= 0x16) {
		cpuid(0x16, 0, &a, &b, &c, &d);
		if (a & 0xffff)
			return (uint64_t)(a & 0xffff) * 1000000;
	}
	return 0;
}

uint64_t tsc_hz_from_pit(unsigned int ms)
{
	uint32_t count = PIT_HZ * ms / 1000;
	uint64_t start, end;
	uint8_t gate;

	/* Gate on, speaker off; program channel 2 for a one-shot count. */
	gate = inb(PIT_GATE_PORT);
	outb(PIT_GATE_PORT, (gate & ~0x02) | 0x01);
	outb(PIT_COMMAND, PIT_CMD_CH2_MODE0_LOHI);
	outb(PIT_CH2_DATA, count & 0xff);
	outb(PIT_CH2_DATA, (count >> 8) & 0xff);
	/* Restart the count by toggling the gate (rising edge reloads). */
	outb(PIT_GATE_PORT, (gate & ~0x03));
	outb(PIT_GATE_PORT, (gate & ~0x02) | 0x01);

	start = rdtsc();
	while (!(inb(PIT_GATE_PORT) & 0x20))
		cpu_pause();
	end = rdtsc();
	outb(PIT_GATE_PORT, gate);
	return (end - start) * 1000 / ms;
}

uint64_t arch_calibrate_cycles(void)
{
	uint64_t hz = tsc_hz_from_cpuid();

	return hz ? hz : tsc_hz_from_pit(10);
}
