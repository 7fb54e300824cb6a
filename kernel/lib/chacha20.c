/*
 * ChaCha20 block function and stream XOR, from RFC 8439 §2.1-2.4: a 4x4
 * state of 32-bit words (four constants, eight key words, the counter,
 * three nonce words), ten double rounds of quarter rounds on columns then
 * diagonals, plus the input state. Tested in tests/unit/chacha20_test.c
 * against the RFC's vectors (§2.3.2, §2.4.2).
 * Pure: host-testable.
 */
#include "lib/chacha20.h"

#define CHACHA20_DOUBLE_ROUNDS 10 // 20 rounds

static inline uint32_t rotl32(uint32_t v, unsigned int n)
{
	return (v << n) | (v >> (32 - n));
}

/* The quarter round of §2.1 on four words of the state. */
static void quarter_round(uint32_t *s, int a, int b, int c, int d)
{
	s[a] += s[b];
	s[d] = rotl32(s[d] ^ s[a], 16);
	s[c] += s[d];
	s[b] = rotl32(s[b] ^ s[c], 12);
	s[a] += s[b];
	s[d] = rotl32(s[d] ^ s[a], 8);
	s[c] += s[d];
	s[b] = rotl32(s[b] ^ s[c], 7);
}

void chacha20_block(const uint32_t key[CHACHA20_KEY_WORDS], uint32_t counter,
		    const uint32_t nonce[CHACHA20_NONCE_WORDS], uint8_t out[CHACHA20_BLOCK_SIZE])
{
	/* §2.3: "expand 32-byte k" as four little-endian words. */
	uint32_t in[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };
	uint32_t s[16];

	for (int i = 0; i < CHACHA20_KEY_WORDS; i++)
		in[4 + i] = key[i];
	in[12] = counter;
	for (int i = 0; i < CHACHA20_NONCE_WORDS; i++)
		in[13 + i] = nonce[i];
	for (int i = 0; i < 16; i++)
		s[i] = in[i];
	for (int i = 0; i < CHACHA20_DOUBLE_ROUNDS; i++) {
		quarter_round(s, 0, 4, 8, 12); // columns
		quarter_round(s, 1, 5, 9, 13);
		quarter_round(s, 2, 6, 10, 14);
		quarter_round(s, 3, 7, 11, 15);
		quarter_round(s, 0, 5, 10, 15); // diagonals
		quarter_round(s, 1, 6, 11, 12);
		quarter_round(s, 2, 7, 8, 13);
		quarter_round(s, 3, 4, 9, 14);
	}
	for (int i = 0; i < 16; i++) {
		uint32_t w = s[i] + in[i];

		out[4 * i] = (uint8_t)w;
		out[4 * i + 1] = (uint8_t)(w >> 8);
		out[4 * i + 2] = (uint8_t)(w >> 16);
		out[4 * i + 3] = (uint8_t)(w >> 24);
	}
}

void chacha20_xor(const uint32_t key[CHACHA20_KEY_WORDS], uint32_t counter,
		  const uint32_t nonce[CHACHA20_NONCE_WORDS], uint8_t *buf, size_t len)
{
	uint8_t ks[CHACHA20_BLOCK_SIZE];

	while (len) {
		size_t n = len < CHACHA20_BLOCK_SIZE ? len : CHACHA20_BLOCK_SIZE;

		chacha20_block(key, counter++, nonce, ks);
		for (size_t i = 0; i < n; i++)
			buf[i] ^= ks[i];
		buf += n;
		len -= n;
	}
}
