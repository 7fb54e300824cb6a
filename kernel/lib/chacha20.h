/*
 * ChaCha20 (RFC 8439 §2.3): the block function that turns a 256-bit key,
 * a 32-bit block counter and a 96-bit nonce into 64 bytes of keystream,
 * and a helper that XORs a keystream into a buffer (§2.4). Used by devfs's
 * random generator; no lock, no state of its own.
 * Pure: host-testable.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define CHACHA20_KEY_WORDS 8
#define CHACHA20_NONCE_WORDS 3
#define CHACHA20_BLOCK_SIZE 64

/* One keystream block for (@key, @counter, @nonce) into @out, serialised
 * little-endian as §2.3 says. */
void chacha20_block(const uint32_t key[CHACHA20_KEY_WORDS], uint32_t counter,
		    const uint32_t nonce[CHACHA20_NONCE_WORDS], uint8_t out[CHACHA20_BLOCK_SIZE]);

/* XOR @len bytes of keystream starting at block @counter into @buf (§2.4:
 * encryption and decryption are the same). The counter wraps at 2^32. */
void chacha20_xor(const uint32_t key[CHACHA20_KEY_WORDS], uint32_t counter,
		  const uint32_t nonce[CHACHA20_NONCE_WORDS], uint8_t *buf, size_t len);

/* Little-endian words from bytes (keys and nonces given as bytes). */
static inline uint32_t chacha20_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
