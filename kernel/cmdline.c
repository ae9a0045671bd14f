/* Kernel command line parsing: see cmdline.h. */
#include "kernel/cmdline.h"

#include <stdbool.h>

#include "lib/quote.h"
#include "lib/log.h"
#include "lib/printk.h"
#include "lib/string.h"

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int cmdline_get(const char *cmdline, const char *key, char *val, size_t len)
{
    size_t key_len = strlen(key);
    const char *found = NULL;
    size_t found_len = 0;

    if (!cmdline)
        return CMDLINE_NOT_FOUND;
    for (const char *p = cmdline; *p;) {
        while (is_space(*p))
            p++;
        if (!*p)
            break; /* trailing white space: no word, not an empty one */
        const char *word = p;
        while (*p && !is_space(*p))
            p++;
        size_t word_len = (size_t)(p - word);
        if (word_len < key_len || memcmp(word, key, key_len) != 0)
            continue;
        if (word_len == key_len) {
            found = word + key_len; /* a bare key: the value "" */
            found_len = 0;
        } else if (word[key_len] == '=') {
            found = word + key_len + 1;
            found_len = word_len - key_len - 1;
        }
    }
    if (!found)
        return CMDLINE_NOT_FOUND;
    if (found_len + 1 > len) {
        if (len)
            val[0] = '\0';
        return CMDLINE_TOO_LONG;
    }
    memcpy(val, found, found_len);
    val[found_len] = '\0';
    return (int)found_len;
}

static int parse_feature(const char *cmdline, const char *key, enum control_feature *feature)
{
    char val[16], shown[64];
    int n = cmdline_get(cmdline, key, val, sizeof(val));

    *feature = FEATURE_ON;
    if (n == CMDLINE_NOT_FOUND)
        return 0;
    if (n >= 0 && strcmp(val, "1") == 0)
        return 0;
    if (n >= 0 && strcmp(val, "0") == 0) {
        *feature = FEATURE_OFF;
        return 0;
    }
    if (n >= 0 && strcmp(val, "omit") == 0) {
        *feature = FEATURE_OMIT;
        return 0;
    }
    if (n == CMDLINE_TOO_LONG)
        fmt_snprintf(shown, sizeof(shown), "(too long)");
    else
        quote(shown, sizeof(shown), val, (size_t)n, QUOTE_BARE, sizeof(val));
    log_error("cmdline", "%s=%s: expected 1, 0 or omit; using 1", key, shown);
    return 1;
}

/* A word that is 1 or 0 (absent: 0). */
static int parse_switch(const char *cmdline, const char *key, bool *on)
{
    char val[16], shown[64];
    int n = cmdline_get(cmdline, key, val, sizeof(val));

    *on = false;
    if (n == CMDLINE_NOT_FOUND || (n >= 0 && strcmp(val, "0") == 0))
        return 0;
    if (n >= 0 && strcmp(val, "1") == 0) {
        *on = true;
        return 0;
    }
    if (n == CMDLINE_TOO_LONG)
        fmt_snprintf(shown, sizeof(shown), "(too long)");
    else
        quote(shown, sizeof(shown), val, (size_t)n, QUOTE_BARE, sizeof(val));
    log_error("cmdline", "%s=%s: expected 1 or 0; using 0", key, shown);
    return 1;
}

int cmdline_control_config(const char *cmdline, struct control_config *cfg)
{
    int bad = parse_switch(cmdline, "suspend-evtchn", &cfg->suspend_evtchn);
    bad += parse_feature(cmdline, "feature-poweroff", &cfg->feature_poweroff);
    bad += parse_feature(cmdline, "feature-reboot", &cfg->feature_reboot);
    bad += parse_feature(cmdline, "feature-suspend", &cfg->feature_suspend);
    return bad;
}
