/*
 * What a guest agent publishes, for toolstacks that show it (xapi's
 * VM_guest_metrics): the layout of XenServer's Linux agent,
 * xe-guest-utilities' xe-daemon (docs/protocol.md, "Guest-agent keys"), with this
 * VM's own figures; and the heartbeat (heartbeat=N).  Both are periodic:
 * their deadlines join control_next_deadline(), so the main loop sleeps on
 * the one-shot timer until they are due, and nothing polls.
 */
#include "kernel/control/control_internal.h"

#include "kernel/control/control_status.h"
#include "lib/log.h"
#include "lib/printk.h"
#include "lib/string.h"

#define NS_PER_MS 1000000ull
#define NS_PER_S  1000000000ull

static uint64_t now_ns(const struct control *c)
{
    return c->power.now_ns(c->power.ctx);
}

static void put_number(struct control *c, const char *path, unsigned long long n)
{
    char value[24];
    fmt_snprintf(value, sizeof(value), "%llu", n);
    status_write(c, path, value);
}

/* "0.1.0-abc1234": its first two numbers, for data/os_majorver and os_minorver. */
static void version_numbers(const char *v, unsigned long *major, unsigned long *minor)
{
    unsigned long *out[2] = {major, minor};
    *major = *minor = 0;
    for (int i = 0; i < 2 && *v >= '0' && *v <= '9'; i++) {
        while (*v >= '0' && *v <= '9')
            *out[i] = *out[i] * 10 + (unsigned long)(*v++ - '0');
        if (*v == '.')
            v++;
    }
}

static uint64_t mem_free_kib(const struct control_agent_config *a)
{
    return a->mem_total_kib > a->mem_used_kib ? a->mem_total_kib - a->mem_used_kib : 0;
}

/* What xe-daemon writes every time round: the memory figures, then data/updated. */
static void refresh(struct control *c)
{
    const struct control_agent_config *a = &c->cfg.agent;
    put_number(c, "data/meminfo_total", a->mem_total_kib);
    put_number(c, "data/meminfo_free", mem_free_kib(a));
    /* xe-daemon writes its local time; this VM has no calendar, only its clock. */
    put_number(c, "data/updated", now_ns(c) / NS_PER_MS);
}

static void publish_agent(struct control *c)
{
    const struct control_agent_config *a = &c->cfg.agent;
    static const char *const version_keys[4] = {
        "attr/PVAddons/MajorVersion", "attr/PVAddons/MinorVersion", "attr/PVAddons/MicroVersion",
        "attr/PVAddons/BuildVersion"};
    char text[64], path[48];
    unsigned long major, minor;
    unsigned int n4 = 0, n6 = 0;

    status_write(c, "attr/PVAddons/Installed", "1");
    for (int i = 0; i < 4; i++)
        put_number(c, version_keys[i], a->version[i]);

    fmt_snprintf(text, sizeof(text), "xen-test-vm %s", status_version());
    status_write(c, "data/os_name", text);
    status_write(c, "data/os_uname", status_version());
    status_write(c, "data/os_distro", "xen-test-vm");
    version_numbers(status_version(), &major, &minor);
    put_number(c, "data/os_majorver", major);
    put_number(c, "data/os_minorver", minor);

    for (unsigned int i = 0; i < a->nips; i++) {
        bool v6 = strchr(a->ips[i], ':') != NULL;
        fmt_snprintf(path, sizeof(path), "attr/vif/0/%s/%u", v6 ? "ipv6" : "ipv4",
                     v6 ? n6++ : n4++);
        status_write(c, path, a->ips[i]);
    }
    refresh(c);
    log_info("agent",
             "PVAddons %u.%u.%u.%u, os \"%s\", memory %llu KiB (%llu KiB free), %u address%s",
             a->version[0], a->version[1], a->version[2], a->version[3], text,
             (unsigned long long)a->mem_total_kib, (unsigned long long)mem_free_kib(a), a->nips,
             a->nips == 1 ? "" : "es");
}

static void beat(struct control *c)
{
    put_number(c, STATUS_DIR "heartbeat", c->heartbeats);
    put_number(c, STATUS_DIR "uptime-ms", now_ns(c) / NS_PER_MS);
}

void agent_publish(struct control *c)
{
    uint64_t now = now_ns(c);

    if (c->cfg.agent.on) {
        publish_agent(c);
        c->agent_due_ns = now + CONTROL_AGENT_REFRESH_S * NS_PER_S;
    }
    if (c->cfg.heartbeat_s) {
        beat(c);
        c->heartbeat_due_ns = now + c->cfg.heartbeat_s * NS_PER_S;
    }
}

/*
 * The next due time after one that has come: a period on, or from now if
 * the clock jumped past it (a VM paused for minutes beats once, not for
 * every missed period).
 */
static uint64_t next_due(uint64_t due, uint64_t period_ns, uint64_t now)
{
    due += period_ns;
    return due > now ? due : now + period_ns;
}

void agent_run_due(struct control *c)
{
    uint64_t now = now_ns(c);

    if (c->cfg.agent.on && now >= c->agent_due_ns) {
        refresh(c);
        c->agent_due_ns = next_due(c->agent_due_ns, CONTROL_AGENT_REFRESH_S * NS_PER_S, now);
    }
    if (c->cfg.heartbeat_s && now >= c->heartbeat_due_ns) {
        c->heartbeats++;
        beat(c);
        c->heartbeat_due_ns = next_due(c->heartbeat_due_ns, c->cfg.heartbeat_s * NS_PER_S, now);
    }
}

uint64_t agent_next_deadline(const struct control *c)
{
    uint64_t next = CONTROL_NO_DEADLINE;
    if (c->cfg.agent.on)
        next = c->agent_due_ns;
    if (c->cfg.heartbeat_s && c->heartbeat_due_ns < next)
        next = c->heartbeat_due_ns;
    return next;
}
