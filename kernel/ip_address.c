/* IP address texts: see ip_address.h. */
#include "kernel/ip_address.h"

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool ip_is_ipv4(const char *s, size_t len)
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (i >= len || s[i] != '.')
                return false;
            i++;
        }
        size_t start = i;
        unsigned int n = 0;
        while (i < len && is_digit(s[i]) && i - start < 3)
            n = n * 10 + (unsigned int)(s[i++] - '0');
        size_t digits = i - start;
        if (digits == 0 || n > 255 || (digits > 1 && s[start] == '0'))
            return false;
        if (i < len && is_digit(s[i]))
            return false; /* a fourth digit */
    }
    return i == len;
}

bool ip_is_ipv6(const char *s, size_t len)
{
    unsigned int groups = 0; /* 16-bit groups written (an IPv4 tail counts two) */
    bool compressed = false;
    size_t i = 0;

    if (len >= 2 && s[0] == ':' && s[1] == ':') {
        compressed = true;
        i = 2;
    } else if (len >= 1 && s[0] == ':') {
        return false;
    }
    while (i < len) {
        size_t start = i;
        while (i < len && is_hex(s[i]) && i - start < 5)
            i++;
        size_t digits = i - start;
        if (i < len && s[i] == '.') {
            /* The IPv4 tail: the rest of the text, in the last two groups. */
            if (!ip_is_ipv4(s + start, len - start))
                return false;
            groups += 2;
            i = len;
            break;
        }
        if (digits == 0 || digits > 4)
            return false;
        groups++;
        if (i == len)
            break;
        if (s[i] != ':')
            return false;
        i++;
        if (i < len && s[i] == ':') {
            if (compressed)
                return false; /* a second "::" */
            compressed = true;
            i++;
        } else if (i == len) {
            return false; /* a lone ':' at the end */
        }
    }
    return compressed ? groups <= 7 : groups == 8;
}
