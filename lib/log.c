/* The two forms of a console line: see log.h. */
#include "lib/log.h"

#include "lib/printk.h"

/* Room for the message: a line less "test-vm: " and the newline. */
#define LOG_MESSAGE_MAX (PRINTK_LINE_MAX - sizeof("test-vm: \n") + 1)

const char *log_vformat(char *buf, size_t size, const char *where, bool error, const char *fmt,
                        va_list ap)
{
    int n = where ? fmt_snprintf(buf, size, "%s: %s", where, error ? "error: " : "") : 0;
    if (n >= 0 && (size_t)n < size)
        fmt_vsnprintf(buf + n, size - (size_t)n, fmt, ap);
    printk("test-vm: %.*s\n", (int)(LOG_MESSAGE_MAX - 1), buf);
    return buf;
}

static void log_line(const char *where, bool error, const char *fmt, va_list ap)
{
    char buf[LOG_MESSAGE_MAX];
    log_vformat(buf, sizeof(buf), where, error, fmt, ap);
}

void log_info(const char *where, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line(where, false, fmt, ap);
    va_end(ap);
}

void log_error(const char *where, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line(where, true, fmt, ap);
    va_end(ap);
}

void log_plain(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line(NULL, false, fmt, ap);
    va_end(ap);
}
