/*
 * Every kernel command-line word but the guest agent's (config_agent.c),
 * turned into configuration: see config.h.
 */
#include "kernel/config.h"

#include "kernel/cmdline.h"
#include "kernel/watchdog.h"
#include "lib/log.h"
#include "lib/printk.h"
#include "lib/quote.h"
#include "lib/string.h"

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

/* Decimal digits only, 1..WATCHDOG_TIMEOUT_MAX; 0 if anything else. */
static uint32_t parse_seconds(const char *s)
{
    uint32_t n = 0;
    if (!*s)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        n = n * 10 + (uint32_t)(*s - '0');
        if (n > WATCHDOG_TIMEOUT_MAX)
            return 0;
    }
    return n;
}

uint32_t watchdog_cmdline(const char *cmdline)
{
    char val[16], shown[64];
    int n = cmdline_get(cmdline, "watchdog", val, sizeof(val));
    if (n == CMDLINE_NOT_FOUND)
        return 0;
    uint32_t seconds = n >= 0 ? parse_seconds(val) : 0;
    if (seconds)
        return seconds;
    if (n == CMDLINE_TOO_LONG)
        fmt_snprintf(shown, sizeof(shown), "(too long)");
    else
        quote(shown, sizeof(shown), val, (size_t)n, QUOTE_BARE, sizeof(val));
    log_error("cmdline",
              "watchdog=%s: expected a whole number of seconds from 1 to %u; no watchdog", shown,
              WATCHDOG_TIMEOUT_MAX);
    return 0;
}

/* debug=fault, debug=stack-overflow; anything else (debug=none...) is no misbehaviour. */
static enum vm_debug parse_debug(const char *cmdline)
{
    char value[16];
    if (cmdline_get(cmdline, "debug", value, sizeof(value)) <= 0)
        return VM_DEBUG_NONE;
    if (!strcmp(value, "fault"))
        return VM_DEBUG_FAULT;
    if (!strcmp(value, "stack-overflow"))
        return VM_DEBUG_STACK_OVERFLOW;
    return VM_DEBUG_NONE;
}

int config_from_cmdline(const char *cmdline, struct vm_config *cfg)
{
    int bad = cmdline_control_config(cmdline, &cfg->control);
    cfg->watchdog_s = watchdog_cmdline(cmdline);
    cfg->debug = parse_debug(cmdline);
    return bad;
}
