/*
 * Showing untrusted strings safely.
 *
 * Values read from xenstore can hold anything: binary junk, control
 * characters, 4 KiB of text.  A console line must stay one short printable
 * line, and the normalised command we publish must be valid JSON, so every
 * such value goes through quote() first.
 */
#ifndef LIB_QUOTE_H
#define LIB_QUOTE_H

#include <stdbool.h>
#include <stddef.h>

enum quote_style {
    /* "..." with JSON escapes (\" \\ \n \t \uXXXX); bytes >= 0x80 as they are. */
    QUOTE_JSON,
    /* "..." like JSON, but every byte outside printable ASCII as \xNN. */
    QUOTE_LOG,
    /* No quotes and no escaping of " or \: only non-printable bytes as \xNN. */
    QUOTE_BARE,
};

/* Room quote() needs for its truncation mark: `..." (4294967295 bytes)`. */
#define QUOTE_TRUNCATION_RESERVE 28

/*
 * Write s[0..len) into out (always NUL-terminated when out_len > 0) in the
 * given style, showing at most max bytes of s.  When s is longer than max, or
 * out is too small, it stops at a whole character and ends with `...` and the
 * full length, e.g. `"abc"... (4000 bytes)`.  Returns true when all of s fit.
 */
bool quote(char *out, size_t out_len, const char *s, size_t len, enum quote_style style,
           size_t max);

#endif
