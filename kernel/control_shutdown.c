/*
 * control/shutdown: the toolstack's requests.  See README.md, "The protocol".
 *
 * The request is read and acked inside one xenstore transaction, as Linux
 * does (drivers/xen/manage.c): if anyone writes the key between our read and
 * our ack, the commit fails with EAGAIN and we start over with the new
 * value, so an ack never wipes out a request we did not see.
 */
#include "kernel/control_internal.h"

#include <stdint.h>

#include "lib/quote.h"
#include "kernel/status.h"
#include "lib/printk.h"
#include "lib/string.h"

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

/* The transaction body: read the request, decide, ack as decided. */
static int read_shutdown_and_ack(struct xenstore *xs, xenstore_tx tx, void *ctx)
{
    struct control *c = ctx;

    c->decision = DECIDE_NOTHING;
    int rc = control_read_value(c, xs, tx, SHUTDOWN_PATH);
    if (rc)
        return rc;

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
    control_log_command("control/shutdown: carrying out the pending command ", c->text, " instead");

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
    control_act(c, c->parsed.action);
}

void control_shutdown_changed(struct control *c)
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
        control_act(c, c->parsed.action);
        break;
    default:
        take_over(c);
        break;
    }
}
