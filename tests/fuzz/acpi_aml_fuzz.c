/*
 * Fuzz the \_S5 lookup (acpi_find_s5() in kernel/acpi/fadt.c) on raw AML,
 * as discover.c calls it on the DSDT body: an exactly sized heap copy, so
 * ASan reports a read one past the AML. The whole-walk harness (acpi_fuzz)
 * reaches it too, but only through valid tables; this one mutates the AML
 * byte stream directly.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acpi/fadt.h"
#include "include/uapi/errno.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *aml = malloc(size ? size : 1);
	uint8_t a, b;
	int rc;

	memcpy(aml, data, size);
	rc = acpi_find_s5(aml, size, &a, &b);
	assert(rc == 0 || rc == -EINVAL || rc == -ENOENT);
	free(aml);
	return 0;
}
