/*
 * Character classes for the "C" locale, as static inline functions with the
 * standard <ctype.h> names. ASCII only: bytes >= 0x80 belong to no class.
 * Pure: host-testable (header only; do not include it next to the host's
 * <ctype.h>, whose macros use the same names).
 */
#pragma once

#include <stdbool.h>

static inline bool isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static inline bool islower(int c)
{
	return c >= 'a' && c <= 'z';
}

static inline bool isupper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static inline bool isalpha(int c)
{
	return islower(c) || isupper(c);
}

static inline bool isalnum(int c)
{
	return isalpha(c) || isdigit(c);
}

static inline bool isxdigit(int c)
{
	return isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Space, \t, \n, \v, \f and \r, like the C locale's isspace(). */
static inline bool isspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Printable ASCII, space included (0x20..0x7e). */
static inline bool isprint(int c)
{
	return c >= ' ' && c <= '~';
}

static inline int tolower(int c)
{
	return isupper(c) ? c - 'A' + 'a' : c;
}

static inline int toupper(int c)
{
	return islower(c) ? c - 'a' + 'A' : c;
}
