/*
 * String and memory functions.  The kernel has no libc, so lib/string.c
 * provides these; the host build uses libc's (the sanitizers intercept them)
 * and compiles lib/string.c under k_ names so its code is still tested.
 */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <stddef.h>

#ifdef HOST_BUILD
#include <string.h>
#define KSTRING_FN(name) k_##name
#else
#define KSTRING_FN(name) name
#endif

void *KSTRING_FN(memcpy)(void *dst, const void *src, size_t n);
void *KSTRING_FN(memmove)(void *dst, const void *src, size_t n);
void *KSTRING_FN(memset)(void *dst, int c, size_t n);
int KSTRING_FN(memcmp)(const void *a, const void *b, size_t n);
size_t KSTRING_FN(strlen)(const char *s);
size_t KSTRING_FN(strnlen)(const char *s, size_t max);
int KSTRING_FN(strcmp)(const char *a, const char *b);
int KSTRING_FN(strncmp)(const char *a, const char *b, size_t n);
char *KSTRING_FN(strchr)(const char *s, int c);

#endif
