/*
 * Forced into every kernel source built for the host unit tests (gcc
 * -include): renames the kernel's functions that share a name with libc, so
 * kernel/lib/string.c defines k_memcpy instead of fighting glibc's memcpy,
 * and a test can call both and compare them. A test that wants the k_*
 * declarations includes the host's <string.h> first, then this file, then
 * "lib/string.h", then host_unrename.h to get the libc names back.
 */
#pragma once

#define memcpy k_memcpy
#define memmove k_memmove
#define memset k_memset
#define memcmp k_memcmp
#define memchr k_memchr
#define strlen k_strlen
#define strnlen k_strnlen
#define strcmp k_strcmp
#define strncmp k_strncmp
#define strchr k_strchr
#define strrchr k_strrchr
#define strstr k_strstr
#define strlcpy k_strlcpy
#define strlcat k_strlcat
#define str_has_any_prefix k_str_has_any_prefix
