/*
 * System calls with the Linux x86_64 numbers and rules: one dispatcher
 * (table.c) reached from the arch entry (arch/x86_64/entry.S via
 * syscall.c), and the sys_* functions grouped one file per family (fs.c,
 * proc.c, mm.c, time.c). Each returns >= 0 or -errno, which goes to the
 * program's rax unchanged; each reaches user memory only through
 * mm/usercopy.h. Unknown numbers give -ENOSYS, logged once per number.
 */
#pragma once

/* Run system call @nr with arguments @a[0..5] for the calling process;
 * returns the value for rax. Interrupts on; may sleep. */
long syscall_dispatch(unsigned long nr, const unsigned long a[6]);
