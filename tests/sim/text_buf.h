/*
 * A growing byte buffer, always NUL-terminated after its contents: what the
 * sim keeps of the debug port, the fake console's output and the captured
 * kernel log.  A zeroed struct text_buf is an empty one.
 */
#ifndef SIM_TEXT_BUF_H
#define SIM_TEXT_BUF_H

#include <stddef.h>

struct text_buf {
    char *buf;
    size_t len, cap;
};

/* Append len bytes (which may hold NULs); aborts if memory runs out. */
void text_buf_append(struct text_buf *t, const char *s, size_t len);
/* Empty it, keeping the memory. */
void text_buf_clear(struct text_buf *t);
/* Give the memory back: it is then a zeroed, empty buffer. */
void text_buf_free(struct text_buf *t);
/* The contents, NUL-terminated ("" if nothing was ever appended). */
const char *text_buf_text(const struct text_buf *t);

#endif
