/*
 * The control interpreter: see control.h, and docs/protocol.md for the
 * protocol and every console line printed here.
 *
 * Both watched keys are read and acked inside one xenstore transaction, as
 * Linux does (drivers/xen/manage.c): if anyone writes the key between our
 * read and our ack, the commit fails with EAGAIN and we start over with the
 * new value, so an ack never wipes out a request or command we did not see.
 */
#include "kernel/control.h"

#include <stdint.h>

#include "kernel/quote.h"
#include "kernel/status.h"
#include "lib/printk.h"
#include "lib/string.h"

#ifndef TEST_VM_VERSION
#define TEST_VM_VERSION "unknown"
#endif

#define SHUTDOWN_PATH "control/shutdown"
#define TESTING_PATH  "control/testing"

/* How many characters a received value takes at most in a console line. */
#define SHOWN_REQUEST_CHARS 100
#define SHOWN_COMMAND_CHARS 400

/* What to do about the value read from control/shutdown. */
enum decision {
    DECIDE_NOTHING,  /* "" or no key: our ack, or the watch registering */
    DECIDE_OWN_ACK,  /* the custom ack string we wrote */
    DECIDE_UNKNOWN,  /* not a request we know: not acked */
    DECIDE_REQUEST,  /* a request we carry out: acked with "" */
    DECIDE_TAKEOVER, /* the pending command takes the request over */
};

static const struct {
    const char *name;
    enum command_action action;
} known_requests[] = {
    {"poweroff", COMMAND_ACTION_POWEROFF}, {"halt", COMMAND_ACTION_HALT},
    {"reboot", COMMAND_ACTION_REBOOT},     {"crash", COMMAND_ACTION_CRASH},
    {"suspend", COMMAND_ACTION_SUSPEND},
};

/* Does the value just read equal s (the value may hold NUL bytes)? */
static bool value_is(const struct control *c, const char *s)
{
    size_t n = strlen(s);
    return c->value_len == n && memcmp(c->value, s, n) == 0;
}

/* ---- actions */

static void read_domid(struct control *c, char *buf, size_t len)
{
    char value[16];
    int n = xenstore_read(c->xs, 0, "domid", value, sizeof(value));
    if (n < 0)
        fmt_snprintf(buf, len, "unknown: %s", xenstore_error_name(n));
    else
        quote(buf, len, value, (size_t)n, QUOTE_BARE, sizeof(value));
}

static void suspend(struct control *c)
{
    struct control_status *s = &c->status;
    char domid[48];

    status_set_state(c, "suspending");
    int rc = c->power.shutdown(c->power.ctx, SHUTDOWN_suspend);
    if (rc == 0) {
        /* A new domain, with a new xenstore directory that has none of our keys. */
        s->resumes++;
        s->last_suspend = "resumed";
        c->own_ack_set = false;
        read_domid(c, domid, sizeof(domid));
        printk("test-vm: suspend: resumed in a new domain (domid %s)\n", domid);
        status_publish_features(c);
        status_publish_all(c);
        return;
    }
    if (rc > 0) {
        s->last_suspend = "cancelled";
        printk("test-vm: suspend: cancelled\n");
    } else {
        s->last_suspend = "failed";
        status_error(c, "suspend: error: SCHEDOP_shutdown failed (%d)", rc);
    }
    status_put(c, "last-suspend", s->last_suspend);
    status_set_state(c, NULL);
}

static void perform(struct control *c, enum command_action action)
{
    const char *name = command_action_name(action);
    unsigned int reason;

    if (action == COMMAND_ACTION_HALT)
        printk("test-vm: action: halt (as poweroff: Xen has no halt)\n");
    else
        printk("test-vm: action: %s\n", name);
    c->status.last_action = name;
    status_put(c, "last-action", name);

    switch (action) {
    case COMMAND_ACTION_IGNORE:
        status_set_state(c, NULL);
        return;
    case COMMAND_ACTION_SUSPEND:
        suspend(c);
        return;
    case COMMAND_ACTION_REBOOT:
        reason = SHUTDOWN_reboot;
        break;
    case COMMAND_ACTION_CRASH:
        reason = SHUTDOWN_crash;
        break;
    default:
        reason = SHUTDOWN_poweroff;
        break;
    }
    status_set_state(c, "shutting-down");
    int rc = c->power.shutdown(c->power.ctx, reason);
    /* Still here: Xen refused (or a host test's power returned). */
    if (rc < 0)
        status_error(c, "action: error: %s failed (%d)", name, rc);
    status_set_state(c, NULL);
}

/* ---- control/shutdown */

/* The transaction body: read the request, decide, ack as decided. */
static int read_shutdown_and_ack(struct xenstore *xs, xenstore_tx tx, void *ctx)
{
    struct control *c = ctx;
    int n = xenstore_read(xs, tx, SHUTDOWN_PATH, c->value, sizeof(c->value));

    c->decision = DECIDE_NOTHING;
    c->value_len = 0;
    if (n == -XS_ENOENT || n == 0)
        return 1;
    if (n < 0)
        return n;
    c->value_len = (size_t)n;

    if (c->own_ack_set && value_is(c, c->own_ack)) {
        c->decision = DECIDE_OWN_ACK;
        return 1;
    }
    if (c->has_pending) {
        /* Any request at all: "when shutdown is requested, do this instead". */
        c->decision = DECIDE_TAKEOVER;
        switch (c->pending.ack) {
        case COMMAND_ACK_NONE:
            return 1;
        case COMMAND_ACK_DELETE:
            return xenstore_rm(xs, tx, SHUTDOWN_PATH);
        case COMMAND_ACK_STRING:
            return xenstore_write(xs, tx, SHUTDOWN_PATH, c->pending.ack_string);
        default:
            return xenstore_write(xs, tx, SHUTDOWN_PATH, "");
        }
    }
    for (size_t i = 0; i < sizeof(known_requests) / sizeof(known_requests[0]); i++) {
        if (value_is(c, known_requests[i].name)) {
            c->decision = DECIDE_REQUEST;
            c->parsed.action = known_requests[i].action;
            return xenstore_write(xs, tx, SHUTDOWN_PATH, "");
        }
    }
    c->decision = DECIDE_UNKNOWN; /* like Linux: ack only what we carry out */
    return 1;
}

/* The pending command replaces the request (the ack is already done). */
static void take_over(struct control *c)
{
    char ack[SHOWN_REQUEST_CHARS];

    c->parsed = c->pending;
    c->has_pending = false; /* a command fires once */
    command_format(&c->parsed, c->text, sizeof(c->text));
    printk("test-vm: control/shutdown: carrying out the pending command %s instead\n", c->text);

    switch (c->parsed.ack) {
    case COMMAND_ACK_NONE:
        printk("test-vm: control/shutdown: left %s unacked (ack \"none\")\n", c->shown);
        break;
    case COMMAND_ACK_DELETE:
        printk("test-vm: control/shutdown: acked %s (removed the key)\n", c->shown);
        break;
    case COMMAND_ACK_STRING:
        quote(ack, sizeof(ack), c->parsed.ack_string, strlen(c->parsed.ack_string), QUOTE_LOG,
              SIZE_MAX);
        printk("test-vm: control/shutdown: acked %s (wrote %s)\n", c->shown, ack);
        memcpy(c->own_ack, c->parsed.ack_string, sizeof(c->own_ack));
        c->own_ack_set = true;
        break;
    default:
        printk("test-vm: control/shutdown: acked %s (wrote \"\")\n", c->shown);
        break;
    }
    status_publish_pending(c);
    perform(c, c->parsed.action);
}

static void handle_shutdown(struct control *c)
{
    int rc = xenstore_transaction_retry(c->xs, read_shutdown_and_ack, c, XENSTORE_TX_MAX_TRIES);

    quote(c->shown, SHOWN_REQUEST_CHARS, c->value, c->value_len, QUOTE_LOG, SIZE_MAX);
    if (rc < 0) {
        if (c->decision == DECIDE_NOTHING)
            status_error(c, "control/shutdown: error: reading it failed (%s)",
                         xenstore_error_name(rc));
        else
            status_error(c, "control/shutdown: error: acking %s failed (%s); not carried out",
                         c->shown, xenstore_error_name(rc));
        return;
    }
    if (c->decision == DECIDE_NOTHING) {
        c->own_ack_set = false; /* the key moved on from our custom ack */
        return;
    }
    if (c->decision == DECIDE_OWN_ACK) {
        printk("test-vm: control/shutdown: ignored %s (our own ack)\n", c->shown);
        return;
    }
    c->own_ack_set = false;
    printk("test-vm: control/shutdown: received %s\n", c->shown);
    switch (c->decision) {
    case DECIDE_UNKNOWN:
        status_error(c, "control/shutdown: error: unknown request %s, not acked", c->shown);
        break;
    case DECIDE_REQUEST:
        printk("test-vm: control/shutdown: acked %s (wrote \"\")\n", c->shown);
        perform(c, c->parsed.action);
        break;
    default:
        take_over(c);
        break;
    }
}

/* ---- control/testing */

/* The transaction body: read the command and ack it with "". */
static int read_testing_and_ack(struct xenstore *xs, xenstore_tx tx, void *ctx)
{
    struct control *c = ctx;
    int n = xenstore_read(xs, tx, TESTING_PATH, c->value, sizeof(c->value));

    c->value_len = 0;
    if (n == -XS_ENOENT || n == 0)
        return 1;
    if (n < 0)
        return n;
    c->value_len = (size_t)n;
    return xenstore_write(xs, tx, TESTING_PATH, "");
}

static void handle_testing(struct control *c)
{
    struct command *cmd = &c->parsed;
    char err[COMMAND_ERROR_MAX];

    int rc = xenstore_transaction_retry(c->xs, read_testing_and_ack, c, XENSTORE_TX_MAX_TRIES);
    if (rc > 0)
        return; /* "" or no key: our own ack, or the watch registering */
    if (rc < 0) {
        status_error(c, "control/testing: error: %s it failed (%s)",
                     c->value_len ? "acking" : "reading", xenstore_error_name(rc));
        return;
    }
    quote(c->shown, SHOWN_COMMAND_CHARS, c->value, c->value_len, QUOTE_BARE, SIZE_MAX);
    printk("test-vm: control/testing: received %s\n", c->shown);
    printk("test-vm: control/testing: acked (wrote \"\")\n");

    if (command_parse(c->value, c->value_len, cmd, err, sizeof(err)) < 0) {
        /* The pending command, if any, stays. */
        status_error(c, "control/testing: error: %s", err);
        return;
    }
    c->status.commands++;
    command_format(cmd, c->status.last_command, sizeof(c->status.last_command));
    printk("test-vm: control/testing: accepted %s\n", c->status.last_command);
    if (c->has_pending) {
        command_format(&c->pending, c->text, sizeof(c->text));
        printk("test-vm: control/testing: replaces the pending command %s\n", c->text);
        c->has_pending = false;
    }
    if (cmd->when == COMMAND_WHEN_ONSHUTDOWN) {
        c->pending = *cmd;
        c->has_pending = true;
    }
    status_put_number(c, "commands", c->status.commands);
    status_put(c, "last-command", c->status.last_command);
    status_publish_pending(c);
    status_set_state(c, NULL);
    if (cmd->when == COMMAND_WHEN_NOW)
        perform(c, cmd->action);
}

/* ---- the interface */

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
    c->events_dropped_seen = xs->events_dropped;
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

static int watch(struct control *c, const char *path, const char *token)
{
    int err = xenstore_watch(c->xs, path, token);
    if (err)
        status_error(c, "%s: error: watching it failed (%s)", path, xenstore_error_name(err));
    return err;
}

int control_start(struct control *c)
{
    char domid[48];
    int first_err = 0;

    int n = xenstore_read(c->xs, 0, "domid", domid, sizeof(domid));
    if (n >= 0) {
        quote(c->shown, sizeof(c->shown), domid, (size_t)n, QUOTE_BARE, sizeof(domid));
        printk("test-vm: domid %s\n", c->shown);
    } else {
        status_error(c, "domid: error: reading it failed (%s)", xenstore_error_name(n));
        first_err = n;
    }

    status_publish_features(c);
    printk("test-vm: features: poweroff=%s reboot=%s suspend=%s\n",
           feature_name(c->cfg.feature_poweroff), feature_name(c->cfg.feature_reboot),
           feature_name(c->cfg.feature_suspend));

    int err_shutdown = watch(c, SHUTDOWN_PATH, CONTROL_TOKEN_SHUTDOWN);
    int err_testing = watch(c, TESTING_PATH, CONTROL_TOKEN_TESTING);
    if (!err_shutdown && !err_testing)
        printk("test-vm: watching control/shutdown and control/testing\n");
    if (!first_err)
        first_err = err_shutdown ? err_shutdown : err_testing;

    c->status.boots = previous_boots(c) + 1;
    status_publish_all(c);
    printk("test-vm: ready (version %s)\n", TEST_VM_VERSION);
    return first_err;
}

void control_handle_watch(struct control *c, const struct xenstore_watch_event *ev)
{
    if (strcmp(ev->token, CONTROL_TOKEN_TESTING) == 0)
        handle_testing(c);
    else if (strcmp(ev->token, CONTROL_TOKEN_SHUTDOWN) == 0)
        handle_shutdown(c);

    /*
     * The client dropped a watch event (its queue was full): it may have been
     * the last one for a key, so read both as if they had fired.
     */
    if (c->xs->events_dropped != c->events_dropped_seen) {
        c->events_dropped_seen = c->xs->events_dropped;
        printk("test-vm: xenstore: watch events were dropped; reading both keys again\n");
        handle_testing(c);
        handle_shutdown(c);
    }
}
