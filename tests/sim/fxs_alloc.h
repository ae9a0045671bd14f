/*
 * Allocation for the fake xenstored and its store (host-only code): on
 * failure they say so and abort, so that callers need no error paths.
 */
#ifndef SIM_FXS_ALLOC_H
#define SIM_FXS_ALLOC_H

#include <stddef.h>

void *fxs_xmalloc(size_t n);
/* The first n bytes of s (which may hold NULs) and a NUL after them. */
char *fxs_xstrndup(const char *s, size_t n);
char *fxs_xstrdup(const char *s);

#endif
