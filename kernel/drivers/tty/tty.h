/*
 * The console terminal (drivers/tty/tty.c): one tty fed by the serial
 * port and the PS/2 keyboard, written to every console, with Linux's line
 * discipline (lib/ldisc.h), a controlling session and a foreground process
 * group. /dev/console and /dev/tty are its device files. See doc/tty.md.
 */
#pragma once

#include "include/types.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/compiler.h"

struct file;

/* Set up the console tty. Boot CPU, before the first process. */
void tty_init(void);

/* The kernel shell's raw input (no line discipline: the shell edits
 * itself): the next byte typed on any input device, or -1 when none
 * waits. The shell reads only at its prompt, when no program it started
 * runs in the foreground. IRQ-safe. */
int tty_shell_getc(void);

/* Whether input waits at a device (serial or keyboard): a hint to sleep
 * on with tty_input_waitqueue(). IRQ-safe. */
bool tty_input_pending(void);

struct waitqueue;
/* Woken when any input device receives bytes. */
struct waitqueue *tty_input_waitqueue(void);

/* The kernel shell waits for a program it started in the foreground:
 * until tty_foreground_end(), a kernel task runs typed input through the
 * line discipline as it arrives (echo, and ISIG's signals for a program
 * that does not read). Shell task only. May sleep. */
void tty_foreground_begin(void);
void tty_foreground_end(void);

/* file_ops halves for /dev/console (5:1) and /dev/tty (5:0). May sleep. */
/* The session whose controlling tty the console is and its foreground
 * process group, both 0 when none (/proc/PID/stat's tty_nr and tpgid). */
void tty_console_owner(int *sid, int *pgrp);

/* The console's device number as /proc/PID/stat encodes it
 * (/dev/console, 5:1: major << 8 | minor). */
#define TTY_CONSOLE_NR ((5 << 8) | 1)

int tty_open(struct file *f);
int tty_open_ctty(struct file *f);
ssize_t tty_read(struct file *f, void *buf, size_t n, int64_t off);
ssize_t tty_write(struct file *f, const void *buf, size_t n, int64_t off);
struct poll_table;
unsigned int tty_poll(struct file *f, struct poll_table *pt);

/* ioctl on a tty file: TCGETS, TCSETS, TCSETSW, TCSETSF, TCFLSH,
 * TIOCGWINSZ, TIOCSWINSZ, TIOCGPGRP, TIOCSPGRP, TIOCSCTTY, TIOCNOTTY,
 * TIOCGSID, TIOCOUTQ, FIONREAD; -ENOTTY for others. May sleep. */
long tty_ioctl(struct file *f, unsigned long cmd, unsigned long arg);
