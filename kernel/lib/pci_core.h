/*
 * PCI logic that needs no hardware: class-code names, BAR decoding and
 * sizing arithmetic, and the capability-list walk over a caller-supplied
 * config-space reader (PCI Local Bus 3.0 §6.2.5, §6.7; PCI Code and ID
 * Assignment 1.12 for the class codes).
 * Pure: host-testable.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* A human name for a class code (base, sub, prog-if): the most specific
 * match, e.g. "NVM Express", "SATA controller", "Ethernet controller";
 * "Unknown class" if the base class is unknown. */
const char *pci_class_name(uint8_t base, uint8_t sub, uint8_t prog_if);

/* A decoded base address register. */
struct pci_bar_info {
	uint64_t base; /* bus address (0: not assigned) */
	uint64_t size; /* bytes (0: the BAR is not implemented) */
	bool is_io;    /* I/O space, else memory */
	bool is_64;    /* memory BAR taking two slots */
	bool prefetchable;
};

/*
 * Decode a BAR from its original value(s) and what it read back after all
 * ones were written (@orig_hi/@mask_hi: the upper half of a 64-bit BAR,
 * ignored otherwise). Returns 0, or -EINVAL for a reserved memory type.
 */
int pci_bar_decode(uint32_t orig_lo, uint32_t mask_lo, uint32_t orig_hi, uint32_t mask_hi,
		   struct pci_bar_info *out);

/* True when @orig_lo is a 64-bit memory BAR (it uses the next slot too). */
bool pci_bar_is_64(uint32_t orig_lo);

/* Reads config byte @off of one function (the caller binds it). */
typedef uint8_t (*pci_cfg_read8_fn)(void *ctx, uint16_t off);

/*
 * Walk the capability list starting at the pointer at 0x34, returning the
 * offset of the first capability with id @cap_id after @start (0: from the
 * beginning), or 0 when there is none. Loops and pointers into the header
 * end the walk (at most 48 capabilities fit in 256 bytes).
 */
uint8_t pci_cap_find(pci_cfg_read8_fn read8, void *ctx, uint8_t cap_id, uint8_t start);

/* The most capabilities a 256-byte config space can hold (4-byte aligned,
 * after the 64-byte header): the bound on any walk. */
#define PCI_CAP_MAX_COUNT 48

/*
 * One walk of the capability list: store the offsets of the capabilities
 * with id @cap_id, in list order, in @offs (at most @max). Returns how
 * many were stored. The walk visits at most PCI_CAP_MAX_COUNT entries in
 * all, so a looping list ends; a capability seen again ends it too.
 */
unsigned int pci_cap_list(pci_cfg_read8_fn read8, void *ctx, uint8_t cap_id, uint8_t *offs,
			  unsigned int max);

/*
 * The offset from an MCFG region's base address of @bus's 1 MiB ECAM
 * window, for a region decoding buses @start..@end (PCI Firmware 3.2
 * §4.1.2, PCI Express Base §7.2.2). The MCFG's base address is that of
 * bus 0's window whatever the start bus, so this is @bus << 20. Returns 0 with *@out set, or -ERANGE
 * when @bus lies outside the region.
 */
int pci_ecam_bus_offset(uint8_t start, uint8_t end, uint8_t bus, uint64_t *out);
