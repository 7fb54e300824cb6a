/*
 * PCI configuration-space access: ECAM (memory-mapped, from the ACPI MCFG;
 * PCI Express Base 4.0 §7.2.2) when the platform has it, else the legacy
 * 0xCF8/0xCFC mechanism #1 (PCI Local Bus 3.0 §3.2.2.3.2), which reaches
 * only the first 256 bytes of each function.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Choose the mechanism (ECAM if the MCFG has a region for segment 0).
 * Returns true for ECAM. Boot CPU, once. */
bool pci_config_init(void);

/* The name of the mechanism in use ("ECAM" or "port I/O"). */
const char *pci_config_method(void);

/* Read/write config space of bus:dev.fn at @off (naturally aligned).
 * Reads of absent functions or unreachable offsets return all ones;
 * writes to them are dropped. Any context; serialised internally. */
uint32_t pci_cfg_read32(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off);
uint16_t pci_cfg_read16(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off);
uint8_t pci_cfg_read8(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off);
void pci_cfg_write32(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, uint32_t v);
void pci_cfg_write16(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, uint16_t v);
