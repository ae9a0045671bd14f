/*
 * A small vsnprintf.  It always NUL-terminates (when size > 0) and returns
 * the length the full output would have had, like C's snprintf.
 */
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/printk.h"
#include "lib/string.h"

struct out {
    char *buf;
    size_t size;
    size_t len; /* bytes the full output needs */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

/*
 * s[0..n): as much as fits before the NUL, all of it counted.  One copy, not
 * n put()s: the fuzzers spend much of their time formatting log lines.
 */
static void put_bytes(struct out *o, const char *s, size_t n)
{
    if (o->len + 1 < o->size) {
        size_t room = o->size - 1 - o->len;
        memcpy(o->buf + o->len, s, n < room ? n : room);
    }
    o->len += n;
}

/* s[0..n), the first `prefix` bytes of it a sign or "0x" that zero padding goes after. */
static void put_padded(struct out *o, const char *s, size_t n, size_t prefix, int width, bool left,
                       char pad)
{
    int fill = width > (int)n ? width - (int)n : 0;
    if (!left) {
        if (pad == '0') {
            put_bytes(o, s, prefix);
            s += prefix;
            n -= prefix;
        }
        while (fill--)
            put(o, pad);
    }
    put_bytes(o, s, n);
    if (left) {
        while (fill--)
            put(o, ' ');
    }
}

static size_t format_unsigned(char *tmp, unsigned long long v, unsigned int base, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char rev[24];
    size_t n = 0, i;
    do {
        rev[n++] = digits[v % base];
        v /= base;
    } while (v);
    for (i = 0; i < n; i++)
        tmp[i] = rev[n - 1 - i];
    return n;
}

/* The length modifiers: none, hh, h, l, ll, z, j, t. */
enum length {
    LEN_INT,
    LEN_CHAR,
    LEN_SHORT,
    LEN_LONG,
    LEN_LLONG,
    LEN_SIZE,
    LEN_INTMAX,
    LEN_PTRDIFF
};

/*
 * The argument of a signed conversion, as its length says (char and short
 * arrive promoted to int and are converted back, as C does).  The va_list
 * goes by pointer: one passed by value would be indeterminate in the caller
 * after va_arg here (C11 7.16).
 */
static long long signed_arg(va_list *ap, enum length length)
{
    switch (length) {
    case LEN_CHAR:
        return (signed char)va_arg(*ap, int);
    case LEN_SHORT:
        return (short)va_arg(*ap, int);
    case LEN_LONG:
        return va_arg(*ap, long);
    case LEN_LLONG:
        return va_arg(*ap, long long);
    case LEN_SIZE:
        return (long long)va_arg(*ap, size_t);
    case LEN_INTMAX:
        return va_arg(*ap, intmax_t);
    case LEN_PTRDIFF:
        return va_arg(*ap, ptrdiff_t);
    default:
        return va_arg(*ap, int);
    }
}

static unsigned long long unsigned_arg(va_list *ap, enum length length)
{
    switch (length) {
    case LEN_CHAR:
        return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_SHORT:
        return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_LONG:
        return va_arg(*ap, unsigned long);
    case LEN_LLONG:
        return va_arg(*ap, unsigned long long);
    case LEN_SIZE:
        return va_arg(*ap, size_t);
    case LEN_INTMAX:
        return va_arg(*ap, uintmax_t);
    case LEN_PTRDIFF:
        return va_arg(*ap, size_t); /* the unsigned type of ptrdiff_t's size */
    default:
        return va_arg(*ap, unsigned int);
    }
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {buf, size, 0};
    va_list args; /* a copy, so that signed_arg() and unsigned_arg() can take its address */
    va_copy(args, ap);

    while (*fmt) {
        if (*fmt != '%') {
            const char *text = fmt;
            while (*fmt && *fmt != '%')
                fmt++;
            put_bytes(&o, text, (size_t)(fmt - text));
            continue;
        }
        fmt++;

        bool left = false, plus = false, space = false, alt = false;
        char pad = ' ';
        for (;; fmt++) {
            if (*fmt == '-')
                left = true;
            else if (*fmt == '0')
                pad = '0';
            else if (*fmt == '+')
                plus = true;
            else if (*fmt == ' ')
                space = true;
            else if (*fmt == '#')
                alt = true;
            else
                break;
        }
        if (left)
            pad = ' ';

        int width = 0;
        if (*fmt == '*') {
            width = va_arg(args, int);
            fmt++;
            /* C: a negative width argument is the '-' flag and a positive width. */
            if (width < 0) {
                left = true;
                pad = ' ';
                width = width == INT_MIN ? INT_MAX : -width;
            }
        } else {
            while (*fmt >= '0' && *fmt <= '9')
                width = width * 10 + (*fmt++ - '0');
        }

        int precision = -1;
        if (*fmt == '.') {
            fmt++;
            precision = 0;
            if (*fmt == '*') {
                precision = va_arg(args, int);
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9')
                    precision = precision * 10 + (*fmt++ - '0');
            }
        }

        enum length length = LEN_INT;
        if (*fmt == 'h') {
            fmt++;
            length = LEN_SHORT;
            if (*fmt == 'h') {
                fmt++;
                length = LEN_CHAR;
            }
        } else if (*fmt == 'l') {
            length = LEN_LONG;
            while (*++fmt == 'l')
                length = LEN_LLONG;
        } else if (*fmt == 'z' || *fmt == 'j' || *fmt == 't') {
            length = *fmt == 'z' ? LEN_SIZE : *fmt == 'j' ? LEN_INTMAX : LEN_PTRDIFF;
            fmt++;
        }

        char tmp[24];
        size_t n, prefix = 0;
        char conv = *fmt ? *fmt++ : '\0';
        switch (conv) {
        case 'd':
        case 'i': {
            long long v = signed_arg(&args, length);
            unsigned long long mag = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
            if (v < 0)
                tmp[prefix++] = '-';
            else if (plus)
                tmp[prefix++] = '+';
            else if (space)
                tmp[prefix++] = ' ';
            n = prefix + format_unsigned(tmp + prefix, mag, 10, false);
            put_padded(&o, tmp, n, prefix, width, left, pad);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            unsigned long long v = unsigned_arg(&args, length);
            if (alt && conv != 'u' && v) {
                tmp[prefix++] = '0';
                tmp[prefix++] = conv;
            }
            n = prefix + format_unsigned(tmp + prefix, v, conv == 'u' ? 10 : 16, conv == 'X');
            put_padded(&o, tmp, n, prefix, width, left, pad);
            break;
        }
        case 'p': {
            uintptr_t v = (uintptr_t)va_arg(args, void *);
            tmp[0] = '0';
            tmp[1] = 'x';
            n = 2 + format_unsigned(tmp + 2, v, 16, false);
            put_padded(&o, tmp, n, 0, width, left, ' ');
            break;
        }
        case 's': {
            const char *s = va_arg(args, const char *);
            if (!s)
                s = "(null)";
            size_t len = 0;
            while ((precision < 0 || len < (size_t)precision) && s[len])
                len++;
            put_padded(&o, s, len, 0, width, left, ' ');
            break;
        }
        case 'c':
            tmp[0] = (char)va_arg(args, int);
            put_padded(&o, tmp, 1, 0, width, left, ' ');
            break;
        case '%':
            put(&o, '%');
            break;
        default:
            /* An unknown conversion is printed as it stands, to be noticed. */
            put(&o, '%');
            if (conv)
                put(&o, conv);
            break;
        }
    }

    va_end(args);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
