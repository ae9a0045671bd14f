/* Quoting untrusted strings for console lines and JSON: see quote.h. */
#include "lib/quote.h"

#include "lib/printk.h"

static const char hex_digits[] = "0123456789abcdef";

/* The escaped form of byte c in the given style; returns its length (1..6). */
static size_t escape_byte(unsigned char c, enum quote_style style, char esc[8])
{
    bool printable = c >= 0x20 && c < 0x7f;

    if (style == QUOTE_BARE) {
        if (printable) {
            esc[0] = (char)c;
            return 1;
        }
    } else {
        switch (c) {
        case '"':
        case '\\':
            esc[0] = '\\';
            esc[1] = (char)c;
            return 2;
        case '\n':
            esc[0] = '\\';
            esc[1] = 'n';
            return 2;
        case '\r':
            esc[0] = '\\';
            esc[1] = 'r';
            return 2;
        case '\t':
            esc[0] = '\\';
            esc[1] = 't';
            return 2;
        }
        if (printable || (style == QUOTE_JSON && c >= 0x80)) {
            esc[0] = (char)c;
            return 1;
        }
        if (style == QUOTE_JSON) {
            esc[0] = '\\';
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex_digits[c >> 4];
            esc[5] = hex_digits[c & 0xf];
            return 6;
        }
    }
    esc[0] = '\\';
    esc[1] = 'x';
    esc[2] = hex_digits[c >> 4];
    esc[3] = hex_digits[c & 0xf];
    return 4;
}

bool quote(char *out, size_t out_len, const char *s, size_t len, enum quote_style style, size_t max)
{
    size_t qlen = style == QUOTE_BARE ? 0 : 1;
    size_t pos = 0, i;

    if (out_len == 0)
        return false;
    if (out_len < qlen * 2 + 1 + QUOTE_TRUNCATION_RESERVE) {
        out[0] = '\0';
        return len == 0;
    }

    if (qlen)
        out[pos++] = '"';
    for (i = 0; i < len && i < max; i++) {
        char esc[8];
        size_t n = escape_byte((unsigned char)s[i], style, esc);
        /* Keep room for the closing quote and a truncation mark. */
        if (pos + n + qlen + QUOTE_TRUNCATION_RESERVE >= out_len)
            break;
        for (size_t k = 0; k < n; k++)
            out[pos++] = esc[k];
    }
    if (qlen)
        out[pos++] = '"';
    out[pos] = '\0';

    if (i == len)
        return true;
    fmt_snprintf(out + pos, out_len - pos, "... (%zu bytes)", len);
    return false;
}
