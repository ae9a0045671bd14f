/*
 * Checking that a text is one JSON value (RFC 8259), strictly: no trailing
 * commas, no single quotes, literals spelt in full, numbers by the grammar,
 * every string checked by json_string_decode(), white space only where JSON
 * allows it.  For a top-level object it also notes where its first pairs are,
 * so that a caller can interpret them without a second parse.
 *
 * Nothing is kept per value but one bit per level of nesting, so a text of
 * any length and any number of values is checked to its end: the first
 * syntax error is the one reported, wherever it is.
 */
#ifndef KERNEL_JSON_SCAN_H
#define KERNEL_JSON_SCAN_H

#include <stddef.h>

enum json_type { JSON_OBJECT, JSON_ARRAY, JSON_STRING, JSON_NUMBER, JSON_BOOLEAN, JSON_NULL };

/* A value's text: text[start..end), for a string its contents between the quotes. */
struct json_span {
    enum json_type type;
    size_t start, end;
};

/* Pairs of a top-level object noted, in order (a command has 12 fields: a 13th is always an
 * error). */
#define JSON_SCAN_PAIRS 13
/* Deeper nesting is refused (xenstore's 4096-byte values cannot nest deeper). */
#define JSON_MAX_DEPTH 4096

struct json_scan {
    enum json_type type; /* the top-level value's */
    size_t npairs;       /* the number of pairs in it, when an object */
    struct json_span key[JSON_SCAN_PAIRS], value[JSON_SCAN_PAIRS]; /* the first ones */
};

/*
 * Check text[0..len): one JSON value with optional white space around it.
 * Returns 0 and fills *out, or -1 with a one-line reason in err:
 * "not valid JSON (at byte N)", "not valid JSON (it ends too early)",
 * "not valid JSON (text after the object at byte N)", a string's error from
 * json_string_decode(), or "too deeply nested (more than 4096 levels at byte N)".
 */
int json_scan(const char *text, size_t len, struct json_scan *out, char *err, size_t err_len);

#endif
