/*
 * Boot parameters taken off the command line (see bootargs.h).
 */
#include "lib/bootargs.h"

#include "lib/string.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Is the word at @w (ending at a blank or NUL) "key=value"? */
static bool is_param(const char *w, size_t *klen, size_t *wlen)
{
	size_t n = 0;

	*klen = 0;
	while (w[n] && !is_blank(w[n])) {
		if (w[n] == '=' && !*klen)
			*klen = n;
		n++;
	}
	*wlen = n;
	return *klen > 0;
}

bool bootargs_take(char *line, const char *key, char *val, size_t vsize)
{
	size_t keylen = strlen(key);
	char *w = line;

	for (;;) {
		size_t klen, wlen, vlen, end;

		while (is_blank(*w))
			w++;
		if (!*w || !is_param(w, &klen, &wlen))
			return false;
		if (klen != keylen || memcmp(w, key, keylen)) {
			w += wlen;
			continue;
		}
		vlen = wlen - klen - 1;
		if (vsize) {
			size_t n = vlen < vsize - 1 ? vlen : vsize - 1;

			memcpy(val, w + klen + 1, n);
			val[n] = '\0';
		}
		end = wlen;
		while (is_blank(w[end]))
			end++;
		memmove(w, w + end, strlen(w + end) + 1);
		return true;
	}
}
