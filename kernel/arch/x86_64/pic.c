/*
 * 8259A remap and mask. The PICs are programmed once so that a stray or
 * spurious interrupt lands on vectors 0x20-0x2f instead of an exception
 * vector, then masked for good: the IOAPIC delivers the ISA IRQs. No state.
 * Reference: Intel 8259A data sheet, "Programming the 8259A".
 */
#include "arch/x86_64/pic.h"

#include "arch/x86_64/cpu.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1

#define ICW1_INIT_ICW4 0x11 /* edge triggered, cascade, ICW4 follows */
#define ICW3_MASTER_SLAVE_ON_IR2 0x04
#define ICW3_SLAVE_ID 0x02
#define ICW4_8086 0x01
#define OCW1_MASK_ALL 0xff

void pic_init(void)
{
	outb(PIC1_CMD, ICW1_INIT_ICW4);
	io_wait();
	outb(PIC2_CMD, ICW1_INIT_ICW4);
	io_wait();
	outb(PIC1_DATA, PIC_VECTOR_BASE);
	io_wait();
	outb(PIC2_DATA, PIC_VECTOR_BASE + 8);
	io_wait();
	outb(PIC1_DATA, ICW3_MASTER_SLAVE_ON_IR2);
	io_wait();
	outb(PIC2_DATA, ICW3_SLAVE_ID);
	io_wait();
	outb(PIC1_DATA, ICW4_8086);
	io_wait();
	outb(PIC2_DATA, ICW4_8086);
	io_wait();
	outb(PIC1_DATA, OCW1_MASK_ALL);
	outb(PIC2_DATA, OCW1_MASK_ALL);
}

bool pic_is_vector(unsigned int vector)
{
	return vector >= PIC_VECTOR_BASE && vector < PIC_VECTOR_BASE + PIC_VECTOR_COUNT;
}
