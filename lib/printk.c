/* The kernel log: one formatted message, handed to every registered sink. */
#include "lib/printk.h"

struct sink {
    printk_sink_fn fn;
    void *ctx;
};

static struct sink sinks[PRINTK_MAX_SINKS];
static char history[PRINTK_HISTORY_MAX];
static size_t history_len;

void printk_replay_history(printk_sink_fn fn, void *ctx)
{
    if (history_len)
        fn(history, history_len, ctx);
}

static void remember(const char *s, size_t len)
{
    size_t room = sizeof(history) - history_len;
    size_t n = len < room ? len : room;
    for (size_t i = 0; i < n; i++)
        history[history_len + i] = s[i];
    history_len += n;
}

int printk_add_sink(printk_sink_fn fn, void *ctx)
{
    for (int i = 0; i < PRINTK_MAX_SINKS; i++) {
        if (!sinks[i].fn) {
            sinks[i].fn = fn;
            sinks[i].ctx = ctx;
            return 0;
        }
    }
    return -1;
}

void printk_remove_sink(printk_sink_fn fn, void *ctx)
{
    for (int i = 0; i < PRINTK_MAX_SINKS; i++) {
        if (sinks[i].fn == fn && sinks[i].ctx == ctx)
            sinks[i].fn = 0;
    }
}

void printk(const char *fmt, ...)
{
    char line[PRINTK_LINE_MAX];
    va_list ap;

    va_start(ap, fmt);
    int n = fmt_vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    size_t len = n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1;

    remember(line, len);
    for (int i = 0; i < PRINTK_MAX_SINKS; i++) {
        if (sinks[i].fn)
            sinks[i].fn(line, len, sinks[i].ctx);
    }
}
