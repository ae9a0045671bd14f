/*
 * The kernel's log lines, in the two forms every console line of the VM takes
 * (docs/protocol.md, "Console lines"):
 *
 *   test-vm: <where>: <message>
 *   test-vm: <where>: error: <message>
 *
 * where is the part of the VM speaking ("control/shutdown", "xenstore",
 * "events", ...).  The line always ends in its newline, even when the message
 * is too long and cut short, so one call is always one whole console line.
 * Keep each message's format string on one source line, so that a console
 * line can be found with grep.
 */
#ifndef LIB_LOG_H
#define LIB_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

void log_info(const char *where, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_error(const char *where, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * "test-vm: <message>", for the few lines that name no part of the VM (the
 * start_info summary, the CPU bring-up, a fatal trap's register dump); also
 * always one whole line.
 */
void log_plain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Format "<where>: [error: ]<message>" (just "<message>" if where is NULL) into buf (the line
 * without its "test-vm: " and newline: what data/test-vm/last-error holds) and log it as one line.
 * Returns buf.
 */
const char *log_vformat(char *buf, size_t size, const char *where, bool error, const char *fmt,
                        va_list ap) __attribute__((format(printf, 5, 0)));

#endif
