/*
 * The vmalloc area search's fit test (see vmarea.h). Differences, never
 * sums: each subtraction is checked against what it subtracts from, so no
 * quantity can wrap, whatever the gap, guard and size.
 * Pure: host-testable.
 */
#include "mm/vmarea.h"

bool vmarea_fit(uintptr_t gap, uintptr_t limit, size_t guard, size_t size, uintptr_t *start)
{
	uintptr_t room;

	if (limit < gap)
		return false;
	room = limit - gap;
	if (guard > room || size > room - guard)
		return false;
	*start = gap + guard;
	return true;
}
