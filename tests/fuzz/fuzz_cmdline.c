/*
 * Fuzz the kernel command line parser (kernel/cmdline.c, kernel/config.c): the toolstack
 * writes the command line (xl's `cmdline = "..."`), so it is host input.
 *
 * Input: [len] [key_len] [key...] [command line...]
 *   len      the size of the buffer cmdline_get() fills (0..63)
 *   key_len  how many of the following bytes are the key (0..31)
 * Both strings end at their first NUL, if any, as a C string would.
 *
 * Checked, beyond "no crash" (each buffer is a heap block of exactly its
 * size, so ASan sees any byte read or written past it):
 *  - cmdline_get(), for the fuzzed key and for the kernel's own keys, agrees
 *    with a reference model of the grammar in cmdline.h (words split at
 *    white space; the last word that is `key` or starts `key=` wins);
 *  - a value it returns is NUL-terminated within the buffer, its length is
 *    the return value, and it holds no white space;
 *  - CMDLINE_TOO_LONG leaves "" (when there is room for that), and
 *    CMDLINE_NOT_FOUND leaves the buffer untouched;
 *  - cmdline_control_config() sets every feature to a member of enum
 *    control_feature, the one the model expects (and suspend-evtchn, 0 or
 *    1, likewise), returns the number of bad
 *    values, and logs exactly one whole, printable "test-vm: cmdline:
 *    error: " line for each;
 *  - the agent's words as the model says: agent=on|off, agent-version=A.B.C.D,
 *    heartbeat=N (0 to 86400), memcheck=MiB|all, and every ip= word kept exactly when libc's
 *    inet_pton() takes it as IPv4 or IPv6 (the first CONTROL_IPS_MAX of them),
 *    in order;
 *  - watchdog_cmdline() (kernel/watchdog.c) returns the model's N for a
 *    watchdog=N of at most 15 decimal digits worth 1 to 86400, else 0, with
 *    one such error line if the word is there but bad and none otherwise.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "kernel/cmdline.h"
#include "kernel/config.h"
#include "kernel/watchdog.h"
#include "lib/printk.h"

#define VAL_MAX 64
#define KEY_MAX 32

static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_cmdline: property violated: %s\n", what);
        abort();
    }
}

/* ---- the kernel log: every message one whole, printable line */

static unsigned int error_lines;

static void sink(const char *s, size_t len, void *ctx)
{
    static const char prefix[] = "test-vm: cmdline: error: ";
    (void)ctx;
    check(len >= sizeof(prefix) && memcmp(s, prefix, sizeof(prefix) - 1) == 0,
          "a log line starts with \"test-vm: cmdline: error: \"");
    check(s[len - 1] == '\n', "a log line ends with a newline");
    for (size_t i = 0; i + 1 < len; i++)
        check(s[i] >= 0x20 && s[i] < 0x7f, "a log line is printable ASCII");
    error_lines++;
}

/* ---- the reference model */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Where the value of key starts and how long it is, from the words of
 * cmdline (maximal runs of non-space characters).  False if no word is key
 * or starts with key followed by '='.
 */
static bool model_get_nth(const char *cmdline, const char *key, int nth, const char **value,
                          size_t *len)
{
    size_t key_len = strlen(key);
    bool found = false;
    int seen = 0;
    size_t i = 0, n = strlen(cmdline);

    while (i < n && (nth < 0 || !found)) {
        if (is_space(cmdline[i])) {
            i++;
            continue;
        }
        size_t start = i;
        while (i < n && !is_space(cmdline[i]))
            i++;
        const char *word = cmdline + start;
        size_t word_len = i - start;
        bool match = memcmp(word, key, word_len < key_len ? word_len : key_len) == 0 &&
                     word_len >= key_len && (word_len == key_len || word[key_len] == '=');
        if (match && nth >= 0 && seen++ != nth)
            continue;
        if (word_len == key_len && memcmp(word, key, key_len) == 0) {
            found = true;
            *value = word + word_len;
            *len = 0;
        } else if (word_len > key_len && memcmp(word, key, key_len) == 0 && word[key_len] == '=') {
            found = true;
            *value = word + key_len + 1;
            *len = word_len - key_len - 1;
        }
    }
    return found;
}

static bool model_get(const char *cmdline, const char *key, const char **value, size_t *len)
{
    return model_get_nth(cmdline, key, -1, value, len);
}

/* digits only, at least one, at most max: the whole of v[0..n). */
static bool model_number(const char *v, size_t n, unsigned long long max)
{
    unsigned long long x = 0;
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return false;
        x = x * 10 + (unsigned long long)(v[i] - '0');
        if (x > max)
            return false;
    }
    return true;
}

static bool model_version(const char *v, size_t n, uint32_t out[4])
{
    size_t start = 0;
    int part = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && v[i] != '.')
            continue;
        if (part == 4 || !model_number(v + start, i - start, 0xffffffffu))
            return false;
        out[part++] = (uint32_t)strtoull(v + start, NULL, 10);
        start = i + 1;
    }
    return part == 4;
}

static void check_agent(const char *cmdline, const struct control_config *cfg, int *bad)
{
    const char *v;
    size_t n;
    uint32_t version[4] = {8, 4, 0, 1}; /* CMDLINE_AGENT_VERSION */

    bool on = true;
    if (model_get(cmdline, "agent", &v, &n)) {
        if (n == 3 && memcmp(v, "off", 3) == 0)
            on = false;
        else if (!(n == 2 && memcmp(v, "on", 2) == 0))
            ++*bad;
    }
    check(cfg->agent.on == on, "agent= as the model says");

    if (model_get(cmdline, "agent-version", &v, &n)) {
        uint32_t given[4];
        if (n < 64 && model_version(v, n, given))
            memcpy(version, given, sizeof(given));
        else
            ++*bad;
    }
    check(memcmp(cfg->agent.version, version, sizeof(version)) == 0,
          "agent-version= as the model says");

    unsigned int heartbeat = 0;
    if (model_get(cmdline, "heartbeat", &v, &n)) {
        if (n < 16 && model_number(v, n, 86400))
            heartbeat = (unsigned int)strtoul(v, NULL, 10);
        else
            ++*bad;
    }
    check(cfg->heartbeat_s == heartbeat, "heartbeat= as the model says");

    bool memcheck = false, all = false;
    unsigned int mib = 0;
    if (model_get(cmdline, "memcheck", &v, &n)) {
        if (n == 3 && memcmp(v, "all", 3) == 0)
            memcheck = all = true;
        else if (n < 16 && model_number(v, n, 1048576) && strtoul(v, NULL, 10) > 0)
            memcheck = true, mib = (unsigned int)strtoul(v, NULL, 10);
        else
            ++*bad;
    }
    check(cfg->memcheck.on == memcheck && cfg->memcheck.all == all && cfg->memcheck.mib == mib,
          "memcheck= as the model says");

    unsigned int kept = 0;
    for (int i = 0; model_get_nth(cmdline, "ip", i, &v, &n); i++) {
        char text[64];
        unsigned char addr[16];
        bool ok = n > 0 && n < sizeof(text);
        if (ok) {
            memcpy(text, v, n);
            text[n] = '\0';
            ok = inet_pton(AF_INET, text, addr) == 1 || inet_pton(AF_INET6, text, addr) == 1;
        }
        if (!ok || kept == CONTROL_IPS_MAX) {
            ++*bad;
            continue;
        }
        check(kept < cfg->agent.nips && strcmp(cfg->agent.ips[kept], text) == 0,
              "each ip= that inet_pton() takes is kept, in order");
        kept++;
    }
    check(cfg->agent.nips == kept, "only the ip= words that inet_pton() takes are kept");
}

/* ---- the properties */

static void check_get(const char *cmdline, const char *key, size_t len)
{
    /* Exactly len bytes: ASan catches a write past the end (malloc(0) included). */
    char *val = malloc(len);
    check(val != NULL, "malloc");
    memset(val, 0xa5, len);

    int r = cmdline_get(cmdline, key, val, len);
    const char *want;
    size_t want_len;
    bool found = model_get(cmdline, key, &want, &want_len);

    if (!found) {
        check(r == CMDLINE_NOT_FOUND, "a key that is not there is CMDLINE_NOT_FOUND");
        for (size_t i = 0; i < len; i++)
            check((unsigned char)val[i] == 0xa5, "CMDLINE_NOT_FOUND leaves the buffer untouched");
    } else if (want_len + 1 > len) {
        check(r == CMDLINE_TOO_LONG, "a value that does not fit is CMDLINE_TOO_LONG");
        check(len == 0 || val[0] == '\0', "CMDLINE_TOO_LONG leaves \"\"");
    } else {
        check(r >= 0 && (size_t)r == want_len, "the length returned is the value's");
        check((size_t)r < len && val[r] == '\0', "the value is NUL-terminated in the buffer");
        check(strlen(val) == (size_t)r, "the value's length matches the return");
        check(memcmp(val, want, want_len) == 0, "the value is the last occurrence's");
        for (int i = 0; i < r; i++)
            check(!is_space(val[i]), "a value holds no white space");
    }
    free(val);
}

static enum control_feature model_feature(const char *cmdline, const char *key, int *bad)
{
    const char *v;
    size_t n;

    if (!model_get(cmdline, key, &v, &n))
        return FEATURE_ON;
    if (n == 1 && v[0] == '1')
        return FEATURE_ON;
    if (n == 1 && v[0] == '0')
        return FEATURE_OFF;
    if (n == 4 && memcmp(v, "omit", 4) == 0)
        return FEATURE_OMIT;
    ++*bad;
    return FEATURE_ON;
}

/* suspend-evtchn: "0" (also when absent) or "1"; anything else is bad and means 0. */
static bool model_switch(const char *cmdline, const char *key, int *bad)
{
    const char *v;
    size_t n;

    if (!model_get(cmdline, key, &v, &n))
        return false;
    if (n == 1 && (v[0] == '0' || v[0] == '1'))
        return v[0] == '1';
    ++*bad;
    return false;
}

static bool is_feature(enum control_feature f)
{
    return f == FEATURE_ON || f == FEATURE_OFF || f == FEATURE_OMIT;
}

static void check_config(const char *cmdline)
{
    struct control_config cfg;
    int bad = 0;

    memset(&cfg, 0x5a, sizeof(cfg)); /* not a member of the enum */
    error_lines = 0;
    int r = cmdline_control_config(cmdline, &cfg);

    check(is_feature(cfg.feature_poweroff) && is_feature(cfg.feature_reboot) &&
              is_feature(cfg.feature_suspend),
          "every feature is a member of enum control_feature");
    check(cfg.feature_poweroff == model_feature(cmdline, "feature-poweroff", &bad),
          "feature-poweroff as the model says");
    check(cfg.feature_reboot == model_feature(cmdline, "feature-reboot", &bad),
          "feature-reboot as the model says");
    check(cfg.feature_suspend == model_feature(cmdline, "feature-suspend", &bad),
          "feature-suspend as the model says");
    check(cfg.suspend_evtchn == model_switch(cmdline, "suspend-evtchn", &bad),
          "suspend-evtchn as the model says");
    check_agent(cmdline, &cfg, &bad);
    check(r == bad, "the return counts the bad values");
    check(error_lines == (unsigned int)bad, "one error line per bad value");
}

/* watchdog=N: the model of kernel/watchdog.c's rules (its buffer holds 15 bytes). */
static uint32_t model_watchdog(const char *cmdline, bool *bad)
{
    const char *v;
    size_t n;
    uint64_t seconds = 0;

    *bad = false;
    if (!model_get(cmdline, "watchdog", &v, &n))
        return 0;
    *bad = true;
    if (n == 0 || n > 15)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return 0;
        seconds = seconds * 10 + (uint64_t)(v[i] - '0');
    }
    if (seconds < 1 || seconds > WATCHDOG_TIMEOUT_MAX)
        return 0;
    *bad = false;
    return (uint32_t)seconds;
}

static void check_watchdog(const char *cmdline)
{
    bool bad;
    error_lines = 0;
    uint32_t seconds = watchdog_cmdline(cmdline);
    check(seconds == model_watchdog(cmdline, &bad), "watchdog=N as the model says");
    check(error_lines == (bad ? 1u : 0u), "one error line for a bad watchdog=N, none otherwise");
}

/* A NUL-terminated copy in a heap block of exactly its size. */
static char *copy_string(const uint8_t *data, size_t size)
{
    size_t n = strnlen((const char *)data, size);
    char *s = malloc(n + 1);
    check(s != NULL, "malloc");
    memcpy(s, data, n);
    s[n] = '\0';
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool sink_added;
    static const char *const kernel_keys[] = {"feature-poweroff",
                                              "feature-reboot",
                                              "feature-suspend",
                                              "debug",
                                              "agent",
                                              "agent-version",
                                              "heartbeat",
                                              "ip",
                                              "watchdog"};

    if (!sink_added) {
        check(printk_add_sink(sink, NULL) == 0, "a free printk sink");
        sink_added = true;
    }
    if (size < 2)
        return 0;

    size_t len = data[0] % VAL_MAX;
    size_t key_len = data[1] % KEY_MAX;
    if (key_len > size - 2)
        key_len = size - 2;
    char *key = copy_string(data + 2, key_len);
    char *cmdline = copy_string(data + 2 + key_len, size - 2 - key_len);

    check(cmdline_get(NULL, key, NULL, 0) == CMDLINE_NOT_FOUND, "a NULL command line");
    check_get(cmdline, key, len);
    for (size_t i = 0; i < sizeof(kernel_keys) / sizeof(kernel_keys[0]); i++) {
        check_get(cmdline, kernel_keys[i], len);
        check_get(cmdline, kernel_keys[i], 16); /* parse_feature's buffer */
    }
    check_config(cmdline);
    check_watchdog(cmdline);

    free(cmdline);
    free(key);
    return 0;
}
