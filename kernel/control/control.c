/*
 * The control interpreter's interface: boot, which watch fired, and what is
 * due.  See control.h, control_internal.h for its other files, and
 * docs/protocol.md, "The protocol" for the protocol and every console line.
 */
#include "kernel/control/control_internal.h"

#include <stdint.h>

#include "kernel/boot_time.h"
#include "kernel/control/control_status.h"
#include "lib/log.h"
#include "lib/printk.h"
#include "lib/quote.h"
#include "lib/string.h"

void control_log_command(const char *before, const char *command, const char *after)
{
    char shown[SHOWN_COMMAND_CHARS];
    quote(shown, sizeof(shown), command, strlen(command), QUOTE_BARE, SIZE_MAX);
    printk("test-vm: %s%s%s\n", before, shown, after);
}

int control_read_value(struct xenstore *xs, xenstore_tx tx, const char *path,
                       struct control_value *v)
{
    int n = xenstore_read(xs, tx, path, v->bytes, sizeof(v->bytes));

    v->len = 0;
    if (n == -XS_ENOENT || n == 0)
        return 1;
    if (n < 0)
        return n;
    v->len = (size_t)n;
    return 0;
}

struct read_and_blank {
    const char *path;
    struct control_value *v;
};

/* The transaction body: read the key and ack it with "". */
static int read_and_blank(struct xenstore *xs, xenstore_tx tx, void *ctx)
{
    const struct read_and_blank *r = ctx;
    int rc = control_read_value(xs, tx, r->path, r->v);
    if (rc)
        return rc;
    return xenstore_write(xs, tx, r->path, "");
}

int control_read_and_blank(struct control *c, const char *path, struct control_value *v)
{
    struct read_and_blank r = {path, v};
    return xenstore_transaction_retry(c->xs, read_and_blank, &r, XENSTORE_TX_MAX_TRIES);
}

void control_busy(struct control *c)
{
    status_set_state(c, "busy");
}

void control_keepalive(struct control *c)
{
    if (c->power.keepalive)
        c->power.keepalive(c->power.ctx);
}

void control_init(struct control *c, struct xenstore *xs, const struct control_power *power,
                  const struct control_config *cfg)
{
    memset(c, 0, sizeof(*c));
    c->xs = xs;
    c->power = *power;
    c->cfg = *cfg;
    c->status.state = "ready";
    c->status.last_action = "";
    c->status.last_suspend = "";
    c->status.last_result = "";
    c->events_dropped_seen = xenstore_events_dropped(xs);
    for (int key = 0; key < CONTROL_KEYS; key++)
        control_seen(c, (enum control_key)key, "", 0);
}

/* data/test-vm/boots survives only if a toolstack keeps data/ across a reboot. */
static unsigned long previous_boots(struct control *c)
{
    char value[24];
    unsigned long n = 0;

    if (xenstore_read(c->xs, 0, STATUS_DIR "boots", value, sizeof(value)) <= 0)
        return 0;
    for (const char *p = value; *p; p++) {
        if (*p < '0' || *p > '9' || n > 100000000)
            return 0;
        n = n * 10 + (unsigned long)(*p - '0');
    }
    return n;
}

static const char *feature_name(enum control_feature f)
{
    return f == FEATURE_OFF ? "0" : f == FEATURE_OMIT ? "omitted" : "1";
}

int control_start(struct control *c)
{
    char domid[16];
    int first_err = 0;

    control_idle_reset(c);
    int n = xenstore_read(c->xs, 0, "domid", domid, sizeof(domid));
    if (n >= 0) {
        quote(c->domid, sizeof(c->domid), domid, (size_t)n, QUOTE_BARE, sizeof(domid));
        printk("test-vm: domid %s\n", c->domid);
    } else {
        status_error(c, "domid", "reading it failed (%s)", xenstore_error_name(n));
        first_err = n;
    }
    boot_time_mark(BOOT_STAGE_DOMID);

    boot_id_draw(&c->boot_id, c->power.now_ns(c->power.ctx));
    log_info("boot-id", "%s (%s)", c->boot_id.hex, c->boot_id.source);
    control_memcheck_start(c);

    status_publish_features(c);
    control_offer_suspend_channel(c);
    log_info("features", "poweroff=%s reboot=%s suspend=%s", feature_name(c->cfg.feature_poweroff),
             feature_name(c->cfg.feature_reboot), feature_name(c->cfg.feature_suspend));
    boot_time_mark(BOOT_STAGE_FEATURES);

    int err = control_watch_keys(c);
    boot_time_mark(BOOT_STAGE_WATCHES);
    if (!first_err)
        first_err = err;

    c->status.boots = previous_boots(c) + 1;
    agent_publish(c);
    status_publish_all(c);
    printk("test-vm: %s (version %s)\n", control_watching(c) ? "ready" : "degraded",
           status_version());
    return first_err;
}

void control_handle_watch(struct control *c, const struct xenstore_watch_event *ev)
{
    if (c->hung)
        return; /* host tests only: on Xen a hung VM runs nothing */
    control_idle_reset(c);
    if (strcmp(ev->token, CONTROL_TOKEN_TESTING) == 0)
        control_testing_changed(c);
    else if (strcmp(ev->token, CONTROL_TOKEN_SHUTDOWN) == 0)
        control_shutdown_changed(c, false);
    else if (strcmp(ev->token, CONTROL_TOKEN_SYSRQ) == 0)
        control_sysrq_changed(c);

    /*
     * The client dropped a watch event (its queue was full): it may have been
     * the last one for a key, so read both as if they had fired.
     */
    unsigned long dropped = xenstore_events_dropped(c->xs);
    if (dropped != c->events_dropped_seen) {
        c->events_dropped_seen = dropped;
        log_info("xenstore", "watch events were dropped; reading every key again");
        control_testing_changed(c);
        control_shutdown_changed(c, false);
        control_sysrq_changed(c);
    }
}

static bool is_due(const struct control *c, const struct control_retry *r)
{
    return r->due && c->power.now_ns(c->power.ctx) >= r->at;
}

void control_run_due(struct control *c)
{
    if (c->hung)
        return;
    control_check_suspend_channel(c);
    control_delay_run_due(c);
    agent_run_due(c);
    if (is_due(c, &c->watch_retry))
        control_watch_keys(c);
    if (is_due(c, &c->status_retry))
        status_write_again(c);
    if (is_due(c, &c->unsure_retry))
        control_unsure_run_due(c);
    if (is_due(c, &c->reread_retry)) {
        bool testing = c->reread_testing, shutdown = c->reread_shutdown, sysrq = c->reread_sysrq;
        c->reread_retry.due = false;
        c->reread_testing = c->reread_shutdown = c->reread_sysrq = false;
        /* Either may schedule itself again. */
        if (testing)
            control_testing_changed(c);
        if (shutdown)
            control_shutdown_changed(c, true);
        if (sysrq)
            control_sysrq_changed(c);
        if (!c->reread_testing && !c->reread_shutdown && !c->reread_sysrq)
            c->reread_retry.tries = 0;
    }
    control_idle_run_due(c);
}

uint64_t control_work_deadline(const struct control *c)
{
    uint64_t next = CONTROL_NO_DEADLINE;
    if (c->watch_retry.due && c->watch_retry.at < next)
        next = c->watch_retry.at;
    if (c->reread_retry.due && c->reread_retry.at < next)
        next = c->reread_retry.at;
    if (c->status_retry.due && c->status_retry.at < next)
        next = c->status_retry.at;
    if (c->unsure_retry.due && c->unsure_retry.at < next)
        next = c->unsure_retry.at;
    if (c->delayed.step != CONTROL_STEP_NONE && c->delayed.due_ns < next)
        next = c->delayed.due_ns;
    uint64_t periodic = agent_next_deadline(c);
    if (periodic < next)
        next = periodic;
    return c->hung ? CONTROL_NO_DEADLINE : next;
}

uint64_t control_next_deadline(const struct control *c)
{
    uint64_t work = control_work_deadline(c), idle = control_idle_deadline(c);
    return work < idle ? work : idle;
}
