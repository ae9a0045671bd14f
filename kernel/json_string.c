/* Decoding the contents of a JSON string: see json_string.h. */
#include "kernel/json_string.h"

#include <stdarg.h>
#include <stdint.h>

#include "lib/printk.h"
#include "lib/string.h"

int json_error(char *err, size_t err_len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fmt_vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
    return JSON_STRING_INVALID;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Four hex digits at text[pos..]; -1 if they are not there. */
static long read_hex4(const char *text, size_t pos, size_t end)
{
    long v = 0;
    if (end - pos < 4)
        return -1;
    for (size_t k = 0; k < 4; k++) {
        int d = hex_value(text[pos + k]);
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static size_t utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

int json_string_decode(const char *text, size_t start, size_t end, char *out, size_t out_len,
                       char *err, size_t err_len)
{
    size_t pos = start, n = 0;
    int result = 0;

    while (pos < end) {
        unsigned char c = (unsigned char)text[pos];
        char utf8[4];
        size_t len = 1;

        if (c < 0x20)
            return json_error(err, err_len,
                              "not valid JSON (control character in a string at byte %zu)", pos);
        utf8[0] = (char)c;
        if (c == '\\') {
            size_t at = pos++;
            char e = pos < end ? text[pos] : '\0';
            const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
            const char *hit = e ? strchr(from, e) : NULL;
            if (hit) {
                utf8[0] = to[hit - from];
            } else if (e == 'u') {
                long cp = read_hex4(text, pos + 1, end);
                pos += 4;
                if (cp >= 0xd800 && cp <= 0xdbff) {
                    long low = -1;
                    if (end - pos > 2 && text[pos + 1] == '\\' && text[pos + 2] == 'u')
                        low = read_hex4(text, pos + 3, end);
                    if (low < 0xdc00 || low > 0xdfff)
                        return json_error(err, err_len,
                                          "not valid JSON (unpaired surrogate at byte %zu)", at);
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
                    pos += 6;
                } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                    return json_error(err, err_len,
                                      "not valid JSON (unpaired surrogate at byte %zu)", at);
                }
                if (cp < 0)
                    return json_error(err, err_len, "not valid JSON (bad \\u escape at byte %zu)",
                                      at);
                if (cp == 0)
                    return json_error(err, err_len, "a string holds \\u0000 (at byte %zu)", at);
                len = utf8_encode((uint32_t)cp, utf8);
            } else {
                return json_error(err, err_len, "not valid JSON (bad escape at byte %zu)", at);
            }
        }
        pos++;
        if (n + len < out_len) {
            memcpy(out + n, utf8, len);
            n += len;
        } else {
            result = JSON_STRING_TOO_LONG; /* go on: a later bad escape still wins */
        }
    }
    if (out_len)
        out[n < out_len ? n : out_len - 1] = '\0';
    return result ? result : (int)n;
}
