/*
 * Integer types the kernel shares with the host unit tests that <stdint.h>
 * and <stddef.h> do not give a freestanding build. ssize_t is a byte count
 * or a negative errno (STYLE.md "Errors"); it is the same type glibc uses on
 * x86_64 (long), so a host test may include both headers.
 */
#pragma once

typedef long ssize_t;
