/*
 * The arithmetic of the vmalloc area search: does an area of a given size,
 * with its guard page below it, fit into a free gap of the address space?
 * mm/vmalloc.c owns the area list and its lock; this file only answers
 * the question, for sizes and addresses anywhere in the 64-bit range.
 * Pure: host-testable.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Fit @guard bytes of guard followed by @size mapped bytes into the free
 * gap [@gap, @limit). On success stores the first mapped byte (@gap +
 * @guard) in *@start and returns true; returns false when they do not fit,
 * including when @limit < @gap. No sum can wrap around: a size close to
 * SIZE_MAX is refused, never wrapped into a small one.
 */
bool vmarea_fit(uintptr_t gap, uintptr_t limit, size_t guard, size_t size, uintptr_t *start);
