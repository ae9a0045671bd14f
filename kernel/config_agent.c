/*
 * The command line words of the guest agent, the heartbeat and memcheck=:
 * see config.h, cmdline_agent_config().
 */
#include "kernel/config.h"
#include "kernel/cmdline.h"

#include "kernel/ip_address.h"
#include "lib/log.h"
#include "lib/quote.h"
#include "lib/printk.h"
#include "lib/string.h"

/* A value for an error line: quoted, or "(too long)". */
static const char *shown(char *buf, size_t len, const char *val, int n, size_t val_size)
{
    if (n == CMDLINE_TOO_LONG)
        fmt_snprintf(buf, len, "(too long)");
    else
        quote(buf, len, val, (size_t)n, QUOTE_BARE, val_size);
    return buf;
}

/* A decimal number from 0 to max, the whole of s. */
static bool parse_number(const char **s, unsigned long max, uint32_t *out)
{
    unsigned long n = 0;
    const char *p = *s;
    if (!(*p >= '0' && *p <= '9'))
        return false;
    while (*p >= '0' && *p <= '9') {
        n = n * 10 + (unsigned long)(*p++ - '0');
        if (n > max)
            return false;
    }
    *out = (uint32_t)n;
    *s = p;
    return true;
}

/* "A.B.C.D", each a number up to 4294967295 (xapi reads them as integers). */
static bool parse_version(const char *s, uint32_t version[4])
{
    uint32_t v[4];
    for (int i = 0; i < 4; i++) {
        if (i > 0 && *s++ != '.')
            return false;
        if (!parse_number(&s, 0xffffffffu, &v[i]))
            return false;
    }
    if (*s)
        return false;
    memcpy(version, v, sizeof(v));
    return true;
}

static int parse_agent(const char *cmdline, struct control_agent_config *a)
{
    char val[64], buf[96];
    int bad = 0;

    a->on = true;
    int n = cmdline_get(cmdline, "agent", val, sizeof(val));
    if (n >= 0 && strcmp(val, "off") == 0) {
        a->on = false;
    } else if (n != CMDLINE_NOT_FOUND && !(n >= 0 && strcmp(val, "on") == 0)) {
        log_error("cmdline", "agent=%s: expected on or off; using on",
                  shown(buf, sizeof(buf), val, n, sizeof(val)));
        bad++;
    }

    parse_version(CMDLINE_AGENT_VERSION, a->version);
    n = cmdline_get(cmdline, "agent-version", val, sizeof(val));
    if (n != CMDLINE_NOT_FOUND && !(n >= 0 && parse_version(val, a->version))) {
        log_error("cmdline", "agent-version=%s: expected four numbers A.B.C.D; using %s",
                  shown(buf, sizeof(buf), val, n, sizeof(val)), CMDLINE_AGENT_VERSION);
        bad++;
    }
    return bad;
}

static int parse_ips(const char *cmdline, struct control_agent_config *a)
{
    char val[CONTROL_IP_MAX + 8], buf[96];
    int bad = 0;

    a->nips = 0;
    for (unsigned int i = 0;; i++) {
        int n = cmdline_get_nth(cmdline, "ip", i, val, sizeof(val));
        if (n == CMDLINE_NOT_FOUND)
            break;
        bool ok = n > 0 && n < CONTROL_IP_MAX &&
                  (ip_is_ipv4(val, (size_t)n) || ip_is_ipv6(val, (size_t)n));
        if (!ok) {
            log_error("cmdline", "ip=%s: not an IPv4 or IPv6 address; left out",
                      shown(buf, sizeof(buf), val, n, sizeof(val)));
            bad++;
        } else if (a->nips == CONTROL_IPS_MAX) {
            log_error("cmdline", "ip=%s: more than %d addresses; left out", val, CONTROL_IPS_MAX);
            bad++;
        } else {
            memcpy(a->ips[a->nips++], val, (size_t)n + 1);
        }
    }
    return bad;
}

static int parse_heartbeat(const char *cmdline, unsigned int *seconds)
{
    char val[16], buf[64];
    uint32_t s = 0;

    *seconds = 0;
    int n = cmdline_get(cmdline, "heartbeat", val, sizeof(val));
    if (n == CMDLINE_NOT_FOUND)
        return 0;
    const char *p = val;
    if (n >= 0 && parse_number(&p, CMDLINE_HEARTBEAT_MAX, &s) && !*p) {
        *seconds = s;
        return 0;
    }
    log_error("cmdline", "heartbeat=%s: expected seconds from 0 to %u; no heartbeat",
              shown(buf, sizeof(buf), val, n, sizeof(val)), CMDLINE_HEARTBEAT_MAX);
    return 1;
}

static int parse_memcheck(const char *cmdline, struct control_memcheck_config *m)
{
    char val[16], buf[64];
    uint32_t mib = 0;

    m->on = m->all = false;
    m->mib = 0;
    int n = cmdline_get(cmdline, "memcheck", val, sizeof(val));
    if (n == CMDLINE_NOT_FOUND)
        return 0;
    const char *p = val;
    if (n >= 0 && strcmp(val, "all") == 0) {
        m->on = m->all = true;
        return 0;
    }
    if (n >= 0 && parse_number(&p, CMDLINE_MEMCHECK_MAX_MIB, &mib) && !*p && mib > 0) {
        m->on = true;
        m->mib = mib;
        return 0;
    }
    log_error("cmdline", "memcheck=%s: expected MiB from 1 to %u, or all; no memcheck",
              shown(buf, sizeof(buf), val, n, sizeof(val)), CMDLINE_MEMCHECK_MAX_MIB);
    return 1;
}

int cmdline_agent_config(const char *cmdline, struct control_config *cfg)
{
    int bad = parse_agent(cmdline, &cfg->agent);
    bad += parse_memcheck(cmdline, &cfg->memcheck);
    bad += parse_ips(cmdline, &cfg->agent);
    bad += parse_heartbeat(cmdline, &cfg->heartbeat_s);
    return bad;
}
