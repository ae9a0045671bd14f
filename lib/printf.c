/*
 * A small vsnprintf.  It always NUL-terminates (when size > 0) and returns
 * the length the full output would have had, like C's snprintf.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/printk.h"

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

static void put_padded(struct out *o, const char *s, size_t n, int width, bool left, char pad)
{
    int fill = width > (int)n ? width - (int)n : 0;
    if (!left) {
        /* Zero padding goes after a sign. */
        if (pad == '0' && n && *s == '-') {
            put(o, *s++);
            n--;
        }
        while (fill--)
            put(o, pad);
    }
    while (n--)
        put(o, *s++);
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

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {buf, size, 0};

    while (*fmt) {
        if (*fmt != '%') {
            put(&o, *fmt++);
            continue;
        }
        fmt++;

        bool left = false;
        char pad = ' ';
        for (;; fmt++) {
            if (*fmt == '-')
                left = true;
            else if (*fmt == '0')
                pad = '0';
            else
                break;
        }
        if (left)
            pad = ' ';

        int width = 0;
        if (*fmt == '*') {
            width = va_arg(ap, int);
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
                precision = va_arg(ap, int);
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9')
                    precision = precision * 10 + (*fmt++ - '0');
            }
        }

        int longs = 0;
        bool size_t_arg = false;
        while (*fmt == 'l') {
            longs++;
            fmt++;
        }
        if (*fmt == 'z') {
            size_t_arg = true;
            fmt++;
        }

        char tmp[24];
        size_t n;
        char conv = *fmt ? *fmt++ : '\0';
        switch (conv) {
        case 'd':
        case 'i': {
            long long v;
            if (size_t_arg)
                v = (long long)va_arg(ap, size_t);
            else if (longs >= 2)
                v = va_arg(ap, long long);
            else if (longs == 1)
                v = va_arg(ap, long);
            else
                v = va_arg(ap, int);
            unsigned long long mag = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
            n = 0;
            if (v < 0)
                tmp[n++] = '-';
            n += format_unsigned(tmp + n, mag, 10, false);
            put_padded(&o, tmp, n, width, left, pad);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            unsigned long long v;
            if (size_t_arg)
                v = va_arg(ap, size_t);
            else if (longs >= 2)
                v = va_arg(ap, unsigned long long);
            else if (longs == 1)
                v = va_arg(ap, unsigned long);
            else
                v = va_arg(ap, unsigned int);
            n = format_unsigned(tmp, v, conv == 'u' ? 10 : 16, conv == 'X');
            put_padded(&o, tmp, n, width, left, pad);
            break;
        }
        case 'p': {
            uintptr_t v = (uintptr_t)va_arg(ap, void *);
            tmp[0] = '0';
            tmp[1] = 'x';
            n = 2 + format_unsigned(tmp + 2, v, 16, false);
            put_padded(&o, tmp, n, width, left, ' ');
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            size_t len = 0;
            while ((precision < 0 || len < (size_t)precision) && s[len])
                len++;
            put_padded(&o, s, len, width, left, ' ');
            break;
        }
        case 'c':
            tmp[0] = (char)va_arg(ap, int);
            put_padded(&o, tmp, 1, width, left, ' ');
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
