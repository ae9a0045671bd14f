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

/* The value of key's nth word (counting from 0), or of the last one when nth < 0. */
static int find_word(const char *cmdline, const char *key, int nth, char *val, size_t len)
{
    size_t key_len = strlen(key);
    const char *found = NULL;
    size_t found_len = 0;
    int seen = 0;

    if (!cmdline)
        return CMDLINE_NOT_FOUND;
    for (const char *p = cmdline; *p && (nth < 0 || seen <= nth);) {
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
        if (word_len != key_len && word[key_len] != '=')
            continue;
        if (nth >= 0 && seen++ != nth)
            continue;
        found = word + key_len + (word_len == key_len ? 0 : 1); /* a bare key: the value "" */
        found_len = word_len == key_len ? 0 : word_len - key_len - 1;
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

int cmdline_get(const char *cmdline, const char *key, char *val, size_t len)
{
    return find_word(cmdline, key, -1, val, len);
}

int cmdline_get_nth(const char *cmdline, const char *key, unsigned int nth, char *val, size_t len)
{
    return find_word(cmdline, key, nth > 0x7fffffff ? 0x7fffffff : (int)nth, val, len);
}

/*
 * A word whose value is one of choices[] (choices[0] the default, also when
 * the word is absent): *index gets its position.  Another value is logged,
 * "expected 1, 0 or omit; using 1", and the default kept.  Returns 1 for a
 * bad value, else 0.
 */
static int parse_choice(const char *cmdline, const char *key, const char *const *choices,
                        size_t count, size_t *index)
{
    char val[16], shown[64], expected[48];
    int n = cmdline_get(cmdline, key, val, sizeof(val));

    *index = 0;
    if (n == CMDLINE_NOT_FOUND)
        return 0;
    for (size_t i = 0; n >= 0 && i < count; i++) {
        if (strcmp(val, choices[i]) == 0) {
            *index = i;
            return 0;
        }
    }
    if (n == CMDLINE_TOO_LONG)
        fmt_snprintf(shown, sizeof(shown), "(too long)");
    else
        quote(shown, sizeof(shown), val, (size_t)n, QUOTE_BARE, sizeof(val));
    size_t len = 0;
    for (size_t i = 0; i < count && len < sizeof(expected); i++) {
        const char *sep = i == 0 ? "" : i + 1 == count ? " or " : ", ";
        len +=
            (size_t)fmt_snprintf(expected + len, sizeof(expected) - len, "%s%s", sep, choices[i]);
    }
    log_error("cmdline", "%s=%s: expected %s; using %s", key, shown, expected, choices[0]);
    return 1;
}

static int parse_feature(const char *cmdline, const char *key, enum control_feature *feature)
{
    static const char *const choices[] = {"1", "0", "omit"};
    static const enum control_feature features[] = {FEATURE_ON, FEATURE_OFF, FEATURE_OMIT};
    size_t i;
    int bad = parse_choice(cmdline, key, choices, 3, &i);
    *feature = features[i];
    return bad;
}

/* A word that is 0 (the default) or 1. */
static int parse_switch(const char *cmdline, const char *key, bool *on)
{
    static const char *const choices[] = {"0", "1"};
    size_t i;
    int bad = parse_choice(cmdline, key, choices, 2, &i);
    *on = i == 1;
    return bad;
}

int cmdline_control_config(const char *cmdline, struct control_config *cfg)
{
    int bad = parse_switch(cmdline, "suspend-evtchn", &cfg->suspend_evtchn);
    bad += parse_feature(cmdline, "feature-poweroff", &cfg->feature_poweroff);
    bad += parse_feature(cmdline, "feature-reboot", &cfg->feature_reboot);
    bad += parse_feature(cmdline, "feature-suspend", &cfg->feature_suspend);
    bad += cmdline_agent_config(cmdline, cfg);
    return bad;
}
