/*
 * Undoes host_rename.h for the rest of a test file: after it, memcpy is
 * glibc's again and the kernel's is reached as k_memcpy. Keep the two lists
 * in step.
 */
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef memchr
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strrchr
#undef strstr
#undef strlcpy
#undef strlcat
#undef str_has_any_prefix
