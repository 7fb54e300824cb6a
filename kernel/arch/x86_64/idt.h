/*
 * The interrupt descriptor table (Intel SDM Vol. 3 §6.10-6.11). One table
 * shared by every CPU: each vector points at its stub in entry.S.
 */
#pragma once

/* Build the IDT (once). Exceptions with their own stacks use the IST slots
 * from gdt.h; vector 3 is callable from user mode. */
void idt_init(void);

/* Load the IDT on the calling CPU. */
void idt_load(void);
