#include "sim/log_capture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/printk.h"
#include "sim/text_buf.h"

static struct {
    bool running;
    struct text_buf log;
} lc;

static void sink(const char *s, size_t len, void *ctx)
{
    (void)ctx;
    text_buf_append(&lc.log, s, len);
}

void log_capture_start(void)
{
    log_capture_clear();
    if (lc.running)
        return;
    if (printk_add_sink(sink, NULL)) {
        fprintf(stderr, "log_capture: every printk sink slot is taken\n");
        abort();
    }
    lc.running = true;
}

void log_capture_stop(void)
{
    if (lc.running)
        printk_remove_sink(sink, NULL);
    lc.running = false;
}

void log_capture_clear(void)
{
    text_buf_clear(&lc.log);
}

const char *log_capture_text(void)
{
    return text_buf_text(&lc.log);
}

size_t log_capture_len(void)
{
    return lc.log.len;
}

bool log_capture_contains(const char *needle)
{
    return strstr(log_capture_text(), needle) != NULL;
}

size_t log_capture_count(const char *needle)
{
    size_t n = 0, step = strlen(needle);
    if (!step)
        return 0;
    for (const char *p = log_capture_text(); (p = strstr(p, needle)); p += step)
        n++;
    return n;
}

static bool printable(char c)
{
    return c >= 0x20 && c < 0x7f;
}

bool log_line_is_whole(const char *s, size_t len)
{
    static const char prefix[] = "test-vm: ";
    if (len <= sizeof(prefix) - 1 || memcmp(s, prefix, sizeof(prefix) - 1) != 0 ||
        s[len - 1] != '\n')
        return false;
    for (size_t i = 0; i + 1 < len; i++) {
        if (!printable(s[i]))
            return false;
    }
    return true;
}

void log_line_check_sink(const char *s, size_t len, void *ctx)
{
    if (log_line_is_whole(s, len))
        return;
    fprintf(stderr, "%s: bad log line (not \"test-vm: \", printable ASCII, \"\\n\"): \"",
            ctx ? (const char *)ctx : "log");
    for (size_t i = 0; i < len; i++)
        fprintf(stderr, printable(s[i]) ? "%c" : "\\x%02x", (unsigned char)s[i]);
    fprintf(stderr, "\"\n");
    abort();
}
