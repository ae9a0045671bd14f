#include "sim/text_buf.h"

#include <stdlib.h>
#include <string.h>

void text_buf_append(struct text_buf *t, const char *s, size_t len)
{
    if (t->len + len + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->len + len + 1)
            cap *= 2;
        t->buf = realloc(t->buf, cap);
        if (!t->buf)
            abort();
        t->cap = cap;
    }
    memcpy(t->buf + t->len, s, len);
    t->len += len;
    t->buf[t->len] = '\0';
}

void text_buf_clear(struct text_buf *t)
{
    t->len = 0;
    if (t->buf)
        t->buf[0] = '\0';
}

void text_buf_free(struct text_buf *t)
{
    free(t->buf);
    *t = (struct text_buf){0};
}

const char *text_buf_text(const struct text_buf *t)
{
    return t->buf ? t->buf : "";
}
