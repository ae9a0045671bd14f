/* fxs_alloc: see fxs_alloc.h. */
#include "sim/fxs_alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *fxs_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "fake_xenstored: out of memory\n");
        abort();
    }
    return p;
}

char *fxs_xstrndup(const char *s, size_t n)
{
    char *p = fxs_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *fxs_xstrdup(const char *s)
{
    return fxs_xstrndup(s, strlen(s));
}
