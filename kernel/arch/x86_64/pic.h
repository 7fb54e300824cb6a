/*
 * The legacy 8259A pair: remapped away from the exception vectors and
 * fully masked, since every interrupt goes through the APICs. Spurious
 * IRQ 7/15 can still arrive on the remapped vectors; irq.c counts them.
 * Reference: Intel 8259A data sheet (ICW1-4, OCW1, OCW3).
 */
#pragma once

#include <stdbool.h>

/* First vector of the remapped master and slave PICs (8 each). */
#define PIC_VECTOR_BASE 0x20
#define PIC_VECTOR_COUNT 16

/* Remap both PICs to PIC_VECTOR_BASE and mask every line. Boot CPU,
 * interrupts off. */
void pic_init(void);

/* Is @vector a remapped PIC line (a PIC spurious interrupt when masked)? */
bool pic_is_vector(unsigned int vector);
