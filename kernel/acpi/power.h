/*
 * ACPI power control: soft-off (S5) through the FADT's PM1 control blocks
 * and reset through the FADT reset register. arch_poweroff()/arch_reboot()
 * try these first and fall back to legacy methods.
 */
#pragma once

#include "include/compiler.h"

/*
 * Enter S5: enable ACPI mode if the firmware left it off, then write
 * SLP_TYPa/b (from \_S5) with SLP_EN to PM1a/PM1b control. Returns only on
 * failure: -ENODEV (no FADT or no \_S5), -EOPNOTSUPP (hardware-reduced
 * ACPI or an unsupported register space) or -EIO (the machine stayed on).
 * Interrupts are disabled on return. Boot CPU or any CPU; does not sleep.
 */
int acpi_poweroff(void) __must_check;

/*
 * Write the FADT reset value to the reset register. Returns only on
 * failure: -ENODEV (no reset register), -EOPNOTSUPP or -EIO.
 */
int acpi_reboot(void) __must_check;
