#include "sim/log_capture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/printk.h"

static struct {
    bool running;
    char *buf;
    size_t len, cap;
} lc;

static void sink(const char *s, size_t len, void *ctx)
{
    (void)ctx;
    if (lc.len + len + 1 > lc.cap) {
        size_t cap = lc.cap ? lc.cap : 4096;
        while (cap < lc.len + len + 1)
            cap *= 2;
        lc.buf = realloc(lc.buf, cap);
        if (!lc.buf)
            abort();
        lc.cap = cap;
    }
    memcpy(lc.buf + lc.len, s, len);
    lc.len += len;
    lc.buf[lc.len] = '\0';
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
    lc.len = 0;
    if (lc.buf)
        lc.buf[0] = '\0';
}

const char *log_capture_text(void)
{
    return lc.buf ? lc.buf : "";
}

size_t log_capture_len(void)
{
    return lc.len;
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
