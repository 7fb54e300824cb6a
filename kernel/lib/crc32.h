/*
 * CRC-32 as zlib, gzip, PNG and Python's zlib.crc32() compute it (the
 * reflected IEEE 802.3 polynomial 0xEDB88320, initial value and final
 * XOR all ones), so the host can check what the kernel reads.
 * Pure: host-testable.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Continue a CRC over @n more bytes: start with crc32_update(0, ...) and
 * feed each next chunk the previous result. */
uint32_t crc32_update(uint32_t crc, const void *data, size_t n);
