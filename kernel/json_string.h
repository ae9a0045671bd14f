/*
 * Decoding the contents of a JSON string (RFC 8259, section 7): the escapes
 * \" \\ \/ \b \f \n \r \t and \uXXXX (surrogate pairs joined, UTF-8
 * out).  Raw control characters are invalid, as JSON says; \u0000 is refused
 * too, as the result must be a C string.  Other bytes pass as they are.
 */
#ifndef KERNEL_JSON_STRING_H
#define KERNEL_JSON_STRING_H

#include <stddef.h>

#define JSON_STRING_INVALID  (-1)
#define JSON_STRING_TOO_LONG (-2)

/*
 * Decode text[start..end) (a string's contents between its quotes, as json_scan
 * delimits them) into out, NUL-terminated.  Returns the decoded length;
 * JSON_STRING_INVALID with a one-line reason in err (byte offsets count from
 * text); or JSON_STRING_TOO_LONG if the result does not fit in out_len - 1
 * bytes, unless a later escape is invalid: the reason a tester sees does not
 * depend on the size of our buffer.
 */
/*
 * Write a one-line reason into err (cut to err_len, NUL-terminated) and
 * return JSON_STRING_INVALID (-1): how every JSON error here is reported.
 */
int json_error(char *err, size_t err_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

int json_string_decode(const char *text, size_t start, size_t end, char *out, size_t out_len,
                       char *err, size_t err_len);

#endif
