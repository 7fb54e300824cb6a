/*
 * Ends with a fault, for the user-fault tests: `segv` writes to an
 * unmapped address (SIGSEGV), `segv ud` runs ud2 (SIGILL), `segv div`
 * divides by zero (SIGFPE), `segv kernel` writes to a kernel address
 * (SIGSEGV), `segv exec` jumps into a non-executable page (SIGSEGV).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static volatile int zero;
static volatile uintptr_t low = 16, high = 0xffffffff80100000ul;
static char data[16];

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "null";

	printf("segv: %s\n", how);
	fflush(stdout);
	if (!strcmp(how, "ud"))
		__asm__ volatile("ud2");
	else if (!strcmp(how, "div"))
		__asm__ volatile("xorl %%edx, %%edx; divl %0" : : "r"(zero), "a"(1) : "edx");
	else if (!strcmp(how, "kernel"))
		*(volatile int *)high = 1;
	else if (!strcmp(how, "exec"))
		((void (*)(void))(void *)data)();
	else
		*(volatile int *)low = 1;
	printf("segv: survived?\n");
	return 1;
}
