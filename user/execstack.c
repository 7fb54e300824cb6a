/*
 * PT_GNU_STACK with PF_X (linked with -z execstack, tests/tests.mk):
 * `execstack` runs a `mov $42, %eax; ret`
 * written into its stack and prints what it returned; `execstack off`
 * first makes that stack page read/write only (mprotect) and so dies of
 * SIGSEGV on the call. tests/qemu/test_proc_mm.py compares both with the
 * host's Linux.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static const unsigned char ret42[] = { 0xb8, 42, 0, 0, 0, 0xc3 };
	unsigned char code[sizeof(ret42)];
	volatile unsigned char *dst = code;

	(void)argv;
	for (size_t i = 0; i < sizeof(ret42); i++)
		dst[i] = ret42[i];
	if (argc > 1 &&
	    syscall(SYS_mprotect, (uintptr_t)code & ~(uintptr_t)4095, 4096, PROT_READ | PROT_WRITE))
		return 2;
	printf("stack code returned %d\n", ((int (*)(void))(void *)code)());
	return 0;
}
