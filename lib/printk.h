/*
 * Formatting and the kernel log.
 *
 * fmt_vsnprintf() is a small printf: %d %i %u %x %X %p %s %c %%, the hh, h,
 * l, ll, z, j and t length modifiers, the - 0 + space and # flags (# gives
 * 0x or 0X for %x and %X), a width and a precision for %s (both also as *).  printk() formats one
 * message and hands it to every sink: the console ring and port 0xe9 in the kernel, a capture
 * buffer in host tests.
 */
#ifndef LIB_PRINTK_H
#define LIB_PRINTK_H

#include <stdarg.h>
#include <stddef.h>

#define PRINTK_MAX_SINKS 4
#define PRINTK_LINE_MAX  512

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

typedef void (*printk_sink_fn)(const char *s, size_t len, void *ctx);

/* Returns 0, or -1 when all PRINTK_MAX_SINKS slots are taken. */
int printk_add_sink(printk_sink_fn fn, void *ctx);
void printk_remove_sink(printk_sink_fn fn, void *ctx);

/*
 * The first PRINTK_HISTORY_MAX bytes ever logged are kept, so that a sink
 * that comes up late (the console ring) can still show the boot log.
 */
#define PRINTK_HISTORY_MAX 3072
void printk_replay_history(printk_sink_fn fn, void *ctx);

/* Callers end each line with "\n".  Messages longer than PRINTK_LINE_MAX - 1
 * bytes are cut short. */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
