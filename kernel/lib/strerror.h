/*
 * Messages for Linux errno values, worded as glibc's strerror() words
 * them, so the shell's "CMD: PATH: message" lines read like Linux's.
 * Pure: host-testable.
 */
#pragma once

/* The message for @err (positive or negated). Values without an entry
 * give "Unknown error". Never NULL. */
const char *kstrerror(int err);
