/* Strict JSON syntax, one pass: see json_scan.h. */
#include "kernel/json_scan.h"

#include <stdbool.h>

#include "kernel/json_string.h"
#include "lib/string.h"

struct scanner {
    const char *text;
    size_t len, pos;
    char *err;
    size_t err_len;
    size_t depth;
    unsigned char in_object[JSON_MAX_DEPTH / 8]; /* per level: an object, or an array */
};

static int fail_at(struct scanner *s, size_t pos)
{
    if (pos >= s->len)
        return json_error(s->err, s->err_len, "not valid JSON (it ends too early)");
    return json_error(s->err, s->err_len, "not valid JSON (at byte %zu)", pos);
}

static void skip_space(struct scanner *s)
{
    for (char c;
         s->pos < s->len && ((c = s->text[s->pos]) == ' ' || c == '\t' || c == '\n' || c == '\r');)
        s->pos++;
}

/* The next byte, or NUL at the end (the caller has refused NUL bytes). */
static char peek(const struct scanner *s)
{
    return s->pos < s->len ? s->text[s->pos] : '\0';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A string at s->pos, its opening quote. */
static int scan_string(struct scanner *s, struct json_span *span)
{
    size_t start = s->pos + 1, i = start;
    while (i < s->len && s->text[i] != '"')
        i += s->text[i] == '\\' ? 2 : 1;
    if (i >= s->len)
        return fail_at(s, s->len);
    /* Checked only: no room to decode into. */
    if (json_string_decode(s->text, start, i, NULL, 0, s->err, s->err_len) == JSON_STRING_INVALID)
        return -1;
    *span = (struct json_span){JSON_STRING, start, i};
    s->pos = i + 1;
    return 0;
}

static void skip_digits(struct scanner *s)
{
    while (is_digit(peek(s)))
        s->pos++;
}

/* -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static int scan_number(struct scanner *s)
{
    if (peek(s) == '-')
        s->pos++;
    if (peek(s) == '0')
        s->pos++;
    else if (is_digit(peek(s)))
        skip_digits(s);
    else
        return fail_at(s, s->pos);
    if (peek(s) == '.') {
        s->pos++;
        if (!is_digit(peek(s)))
            return fail_at(s, s->pos);
        skip_digits(s);
    }
    if (peek(s) == 'e' || peek(s) == 'E') {
        s->pos++;
        if (peek(s) == '+' || peek(s) == '-')
            s->pos++;
        if (!is_digit(peek(s)))
            return fail_at(s, s->pos);
        skip_digits(s);
    }
    return 0;
}

/* true, false or null, spelt in full ("nope" fails at its "o"). */
static int scan_literal(struct scanner *s, const char *word)
{
    for (; *word; word++, s->pos++) {
        if (peek(s) != *word)
            return fail_at(s, s->pos);
    }
    return 0;
}

static bool in_object(const struct scanner *s)
{
    size_t level = s->depth - 1;
    return s->in_object[level / 8] & (1u << (level % 8));
}

/* A { or [ at s->pos. */
static int open_container(struct scanner *s, bool object)
{
    if (s->depth == JSON_MAX_DEPTH)
        return json_error(s->err, s->err_len, "too deeply nested (more than %d levels at byte %zu)",
                          JSON_MAX_DEPTH, s->pos);
    unsigned char bit = (unsigned char)(1u << (s->depth % 8));
    if (object)
        s->in_object[s->depth / 8] |= bit;
    else
        s->in_object[s->depth / 8] &= (unsigned char)~bit;
    s->depth++;
    s->pos++;
    return 0;
}

/* Any value at s->pos; *span gets its type and start (and end, unless a container). */
static int scan_value(struct scanner *s, struct json_span *span)
{
    char c = peek(s);
    *span = (struct json_span){.start = s->pos};
    switch (c) {
    case '{':
    case '[':
        span->type = c == '{' ? JSON_OBJECT : JSON_ARRAY;
        return open_container(s, c == '{');
    case '"':
        return scan_string(s, span);
    case 't':
    case 'f':
        span->type = JSON_BOOLEAN;
        break;
    case 'n':
        span->type = JSON_NULL;
        break;
    default:
        if (c != '-' && !is_digit(c))
            return fail_at(s, s->pos);
        span->type = JSON_NUMBER;
        break;
    }
    int rc = span->type == JSON_NUMBER ? scan_number(s)
             : c == 't'                ? scan_literal(s, "true")
             : c == 'f'                ? scan_literal(s, "false")
                                       : scan_literal(s, "null");
    span->end = s->pos;
    return rc;
}

/* The top-level object's pair whose value is being read, from 1; 0 if none or not noted. */
static size_t noted_pair(const struct scanner *s, const struct json_scan *out)
{
    return s->depth == 1 && out->type == JSON_OBJECT && out->npairs <= JSON_SCAN_PAIRS ? out->npairs
                                                                                       : 0;
}

static bool is_container(enum json_type type)
{
    return type == JSON_OBJECT || type == JSON_ARRAY;
}

int json_scan(const char *text, size_t len, struct json_scan *out, char *err, size_t err_len)
{
    struct scanner s = {.text = text, .len = len, .err = err, .err_len = err_len};
    enum { VALUE, KEY, AFTER } next = VALUE;

    memset(out, 0, sizeof(*out));
    for (;;) {
        struct json_span span;
        size_t pair;
        bool top;

        skip_space(&s);
        switch (next) {
        case KEY: /* in an object: "key" : */
            if (peek(&s) != '"')
                return fail_at(&s, s.pos);
            if (scan_string(&s, &span) < 0)
                return -1;
            if (s.depth == 1 && out->npairs < JSON_SCAN_PAIRS)
                out->key[out->npairs] = span;
            if (s.depth == 1)
                out->npairs++;
            skip_space(&s);
            if (peek(&s) != ':')
                return fail_at(&s, s.pos);
            s.pos++;
            next = VALUE;
            break;
        case VALUE:
            top = s.depth == 0;
            pair = noted_pair(&s, out);
            if (scan_value(&s, &span) < 0)
                return -1;
            if (top)
                out->type = span.type;
            if (pair)
                out->value[pair - 1] = span;
            next = AFTER;
            if (is_container(span.type)) {
                skip_space(&s);
                if (peek(&s) == (span.type == JSON_OBJECT ? '}' : ']')) {
                    s.pos++;
                    s.depth--;
                    if (pair)
                        out->value[pair - 1].end = s.pos;
                } else {
                    next = span.type == JSON_OBJECT ? KEY : VALUE;
                }
            }
            break;
        case AFTER: /* a value ended: , or the end of its container, or of the text */
            if (s.depth == 0) {
                if (s.pos == len)
                    return 0;
                if (out->type == JSON_OBJECT)
                    return json_error(s.err, s.err_len,
                                      "not valid JSON (text after the object at byte %zu)", s.pos);
                return fail_at(&s, s.pos);
            }
            if (peek(&s) == ',') {
                s.pos++;
                next = in_object(&s) ? KEY : VALUE;
            } else if (peek(&s) == (in_object(&s) ? '}' : ']')) {
                s.pos++;
                s.depth--;
                /* Back in the top-level object: the container closed was a pair's value. */
                pair = noted_pair(&s, out);
                if (pair)
                    out->value[pair - 1].end = s.pos;
            } else {
                return fail_at(&s, s.pos);
            }
            break;
        }
    }
}
