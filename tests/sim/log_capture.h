/*
 * A printk sink that keeps the kernel log in memory, for assertions:
 *
 *     log_capture_start();
 *     ... code that logs ...
 *     assert_true(log_capture_contains("ring at pfn"));
 *     log_capture_stop();
 */
#ifndef SIM_LOG_CAPTURE_H
#define SIM_LOG_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>

/* Register the sink (once) and start from an empty log. */
void log_capture_start(void);
void log_capture_stop(void);
void log_capture_clear(void);

/* The log since the last start or clear, NUL-terminated. */
const char *log_capture_text(void);
size_t log_capture_len(void);
bool log_capture_contains(const char *needle);
/* Non-overlapping occurrences of needle. */
size_t log_capture_count(const char *needle);

/*
 * True if s[0..len) is one whole kernel log line, as every printk must be:
 * "test-vm: ", printable ASCII, and a single "\n" at the end.
 */
bool log_line_is_whole(const char *s, size_t len);

/*
 * A printk sink for fuzz targets: on a message that is not one whole line it
 * prints the message (non-printable bytes as \xNN), prefixed with the name
 * given as ctx (a const char *), and aborts.
 */
void log_line_check_sink(const char *s, size_t len, void *ctx);

#endif
