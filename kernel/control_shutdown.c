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

#include "kernel/status.h"
#include "lib/log.h"
#include "lib/printk.h"
#include "lib/quote.h"
#include "lib/string.h"

/* What to do about the value read from control/shutdown. */
enum decision {
    DECIDE_NOTHING,  /* "" or no key: our ack, or the watch registering */
    DECIDE_OWN_ACK,  /* the custom ack string we wrote */
    DECIDE_LEFT,     /* re-read: the request a pending command took over and left unacked */
    DECIDE_UNKNOWN,  /* not a request we know: not acked */
    DECIDE_REQUEST,  /* a request we carry out: acked with "" */
    DECIDE_TAKEOVER, /* the pending command takes the request over */
};

/*
 * One reading of control/shutdown, owned by control_shutdown_changed(): the
 * transaction body fills it (as often as the transaction is retried), the
 * caller acts on it.
 */
struct shutdown_reading {
    struct control *c;
    bool rereading; /* our own look, not a watch event: nobody wrote the key */
    struct control_value value;
    enum decision decision;
    enum command_action action; /* DECIDE_REQUEST: what the request asks */
    const char *ack;            /* what the ack left in the key; NULL: removed it */
};

static const struct {
    const char *name;
    enum command_action action;
} known_requests[] = {
    {"poweroff", COMMAND_ACTION_POWEROFF}, {"halt", COMMAND_ACTION_HALT},
    {"reboot", COMMAND_ACTION_REBOOT},     {"crash", COMMAND_ACTION_CRASH},
    {"suspend", COMMAND_ACTION_SUSPEND},
};

/* Does the value equal s (the value may hold NUL bytes)? */
static bool value_is(const struct control_value *v, const char *s)
{
    size_t n = strlen(s);
    return v->len == n && memcmp(v->bytes, s, n) == 0;
}

/* Write the ack r->ack (NULL: remove the key) in transaction tx. */
static int write_ack(struct xenstore *xs, xenstore_tx tx, const struct shutdown_reading *r)
{
    return r->ack ? xenstore_write(xs, tx, SHUTDOWN_PATH, r->ack)
                  : xenstore_rm(xs, tx, SHUTDOWN_PATH);
}

/* The transaction body: read the request, decide, ack as decided. */
static int read_and_ack(struct xenstore *xs, xenstore_tx tx, void *ctx)
{
    struct shutdown_reading *r = ctx;
    const struct control *c = r->c;

    r->decision = DECIDE_NOTHING;
    int rc = control_read_value(xs, tx, SHUTDOWN_PATH, &r->value);
    if (rc)
        return rc;

    if (c->own_ack_set && value_is(&r->value, c->own_ack)) {
        r->decision = DECIDE_OWN_ACK;
        return 1;
    }
    if (r->rereading && c->left_unacked_set && value_is(&r->value, c->left_unacked)) {
        r->decision = DECIDE_LEFT;
        return 1;
    }
    if (c->has_pending) {
        /* Any request at all: "when shutdown is requested, do this instead". */
        r->decision = DECIDE_TAKEOVER;
        switch (c->pending.ack) {
        case COMMAND_ACK_NONE:
            return 1;
        case COMMAND_ACK_DELETE:
            r->ack = NULL;
            break;
        case COMMAND_ACK_STRING:
            r->ack = c->pending.ack_string;
            break;
        default:
            r->ack = "";
            break;
        }
        return write_ack(xs, tx, r);
    }
    for (size_t i = 0; i < sizeof(known_requests) / sizeof(known_requests[0]); i++) {
        if (value_is(&r->value, known_requests[i].name)) {
            r->decision = DECIDE_REQUEST;
            r->action = known_requests[i].action;
            r->ack = "";
            return write_ack(xs, tx, r);
        }
    }
    r->decision = DECIDE_UNKNOWN; /* like Linux: ack only what we carry out */
    return 1;
}

/*
 * The commit's reply never came: xenstored may have committed the ack or
 * not.  The key tells: it shows our ack only if the commit went through.
 */
static bool ack_committed(struct control *c, const struct shutdown_reading *r)
{
    static char now[XENSTORE_PAYLOAD_MAX + 1]; /* 4 KiB: not on the kernel stack */
    int n = xenstore_read(c->xs, 0, SHUTDOWN_PATH, now, sizeof(now));
    if (!r->ack)
        return n == -XS_ENOENT;
    return n >= 0 && (size_t)n == strlen(r->ack) && memcmp(now, r->ack, (size_t)n) == 0;
}

/* The pending command replaces the request (the ack is already done). */
static void take_over(struct control *c, const struct control_value *request, const char *shown)
{
    char text[COMMAND_TEXT_MAX], ack[SHOWN_REQUEST_CHARS];
    struct command cmd = c->pending;

    c->has_pending = false; /* a command fires once */
    command_format(&cmd, text, sizeof(text));
    control_log_command("control/shutdown: carrying out the pending command ", text, " instead");

    switch (cmd.ack) {
    case COMMAND_ACK_NONE:
        log_info("control/shutdown", "left %s unacked (ack \"none\")", shown);
        /* A look of our own later must not take it for a new request. */
        c->left_unacked_set = request->len < sizeof(c->left_unacked);
        memcpy(c->left_unacked, request->bytes, c->left_unacked_set ? request->len + 1 : 0);
        break;
    case COMMAND_ACK_DELETE:
        log_info("control/shutdown", "acked %s (removed the key)", shown);
        break;
    case COMMAND_ACK_STRING:
        quote(ack, sizeof(ack), cmd.ack_string, strlen(cmd.ack_string), QUOTE_LOG, SIZE_MAX);
        log_info("control/shutdown", "acked %s (wrote %s)", shown, ack);
        memcpy(c->own_ack, cmd.ack_string, sizeof(c->own_ack));
        c->own_ack_set = true;
        break;
    default:
        log_info("control/shutdown", "acked %s (wrote \"\")", shown);
        break;
    }
    status_publish_pending(c);
    control_act(c, cmd.action);
}

/* The transaction failed: say so, and read the key again later if that may help. */
static void report_failure(struct control *c, const struct shutdown_reading *r, int rc,
                           const char *shown)
{
    if (r->decision == DECIDE_NOTHING)
        status_error(c, SHUTDOWN_PATH, "reading it failed (%s)", xenstore_error_name(rc));
    else
        status_error(c, SHUTDOWN_PATH, "acking %s failed (%s); not carried out", shown,
                     xenstore_error_name(rc));
    if (rc != -XS_EACCES && rc != -XS_E2BIG && rc != -XS_EINVAL)
        control_reread_later(c, SHUTDOWN_PATH);
}

void control_shutdown_changed(struct control *c, bool rereading)
{
    /* Static: 4 KiB is too much for the kernel stack; this never runs nested. */
    static struct shutdown_reading r;
    char shown[SHOWN_REQUEST_CHARS];

    r = (struct shutdown_reading){.c = c, .rereading = rereading};
    int rc = xenstore_transaction_retry(c->xs, read_and_ack, &r, XENSTORE_TX_MAX_TRIES);
    quote(shown, sizeof(shown), r.value.bytes, r.value.len, QUOTE_LOG, SIZE_MAX);

    if (rc == XENSTORE_COMMIT_UNKNOWN && r.decision != DECIDE_NOTHING && ack_committed(c, &r)) {
        log_info("control/shutdown",
                 "the reply to the ack's commit timed out, but the key shows the ack");
        rc = 0;
    }
    if (rc < 0) {
        report_failure(c, &r, rc, shown);
        return;
    }
    if (r.decision == DECIDE_LEFT)
        return;
    if (r.decision == DECIDE_NOTHING) {
        c->own_ack_set = c->left_unacked_set = false; /* the key moved on from what we left */
        return;
    }
    if (r.decision == DECIDE_OWN_ACK) {
        log_info("control/shutdown", "ignored %s (our own ack)", shown);
        return;
    }
    c->own_ack_set = c->left_unacked_set = false;
    log_info("control/shutdown", "received %s", shown);
    switch (r.decision) {
    case DECIDE_UNKNOWN:
        status_error(c, SHUTDOWN_PATH, "unknown request %s, not acked", shown);
        break;
    case DECIDE_REQUEST:
        log_info("control/shutdown", "acked %s (wrote \"\")", shown);
        control_act(c, r.action);
        break;
    default:
        take_over(c, &r.value, shown);
        break;
    }
}
