/*
 * control/shutdown: the toolstack's requests.  See docs/protocol.md, "The protocol".
 *
 * The request is read and acked inside one xenstore transaction, as Linux
 * does (drivers/xen/manage.c): if anyone writes the key between our read and
 * our ack, the commit fails with EAGAIN and we start over with the new
 * value, so an ack never wipes out a request we did not see.
 */
#include "kernel/control/control_internal.h"

#include <stdint.h>

#include "kernel/control/control_status.h"
#include "lib/log.h"
#include "lib/printk.h"
#include "lib/quote.h"
#include "lib/string.h"

/* What to do about the value read from control/shutdown. */
enum decision {
    DECIDE_NOTHING,  /* "" or no key: our ack, or the watch registering */
    DECIDE_OWN_ACK,  /* the custom ack string we wrote */
    DECIDE_LEFT,     /* re-read: the request a pending command took over and left unacked */
    DECIDE_BUSY,     /* a delayed step runs: the request is logged and left alone */
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
    bool acked;                 /* the ack was written (if the transaction commits) */
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

/* Does cmd take this request over?  Any non-empty one, unless "on" names which. */
static bool takes_over(const struct command *cmd, const struct control_value *v)
{
    return !cmd->on || control_takes_over(cmd, command_request_from(v->bytes, v->len));
}

struct command control_use_pending(struct control *c)
{
    struct command cmd = c->pending;
    if (c->pending.times <= 1)
        c->has_pending = false;
    else if (c->pending.times != COMMAND_TIMES_ALWAYS)
        c->pending.times--;
    return cmd;
}

bool control_takes_over(const struct command *cmd, int request)
{
    return !cmd->on || (request >= 0 && (cmd->on & (1u << request)));
}

/* Write the ack r->ack (NULL: remove the key) in transaction tx. */
static int write_ack(struct xenstore *xs, xenstore_tx tx, struct shutdown_reading *r)
{
    r->acked = true;
    return r->ack ? xenstore_write(xs, tx, SHUTDOWN_PATH, r->ack)
                  : xenstore_rm(xs, tx, SHUTDOWN_PATH);
}

/* The transaction body: read the request, decide, ack as decided. */
static int read_and_ack(struct xenstore *xs, xenstore_tx tx, void *ctx)
{
    struct shutdown_reading *r = ctx;
    const struct control *c = r->c;

    r->decision = DECIDE_NOTHING;
    r->acked = false;
    int rc = control_read_value(xs, tx, SHUTDOWN_PATH, &r->value);
    if (rc)
        return rc;

    if (c->own_ack_set && value_is(&r->value, c->own_ack)) {
        r->decision = DECIDE_OWN_ACK;
        return 1;
    }
    if (r->rereading && c->left_unacked_set && r->value.len == c->left_unacked_len &&
        memcmp(r->value.bytes, c->left_unacked, r->value.len) == 0) {
        r->decision = DECIDE_LEFT;
        return 1;
    }
    if (control_delay_running(c)) {
        r->decision = control_delay_holds(c, &r->value) ? DECIDE_LEFT : DECIDE_BUSY;
        return 1;
    }
    if (c->has_pending && takes_over(&c->pending, &r->value)) {
        /* "When shutdown is requested, do this instead" (any request, unless "on" says which). */
        r->decision = DECIDE_TAKEOVER;
        if (c->pending.ack_delay_ms)
            return 1; /* acked later, by control_delay.c */
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
 * The pending command replaces the request (the ack is done already, unless
 * it is to come after ack_delay_ms).  With "times" it stays pending for the
 * next requests, with one use fewer.
 */
static void take_over(struct control *c, const struct control_value *request, const char *shown)
{
    /* Static: a command's text is up to COMMAND_TEXT_MAX (~10 KiB); this never nests. */
    static char text[COMMAND_TEXT_MAX];
    struct command cmd = control_use_pending(c);

    command_format(&cmd, text, sizeof(text));
    control_log_command("control/shutdown: carrying out the pending command ", text, " instead");
    status_publish_pending(c);
    if (cmd.ack_delay_ms)
        control_delay_ack(c, &cmd, request, shown);
    else
        control_acked(c, &cmd, request, shown);
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

/* An unsure ack that landed: carry out what it acked (control_unsure.c). */
static void carry_out_unsure(struct control *c)
{
    const struct control_unsure *u = &c->unsure[CONTROL_KEY_SHUTDOWN];
    char shown[SHOWN_REQUEST_CHARS];

    quote(shown, sizeof(shown), u->request.bytes, u->request.len, QUOTE_LOG, SIZE_MAX);
    c->own_ack_set = c->left_unacked_set = false;
    switch (u->kind) {
    case UNSURE_DELAYED_ACK:
        control_acked(c, &u->cmd, &u->request, shown);
        break;
    case UNSURE_TAKEOVER:
        if (!c->has_pending) {
            status_error(c, SHUTDOWN_PATH,
                         "acked %s for a pending command that is gone: not carried out", shown);
            break;
        }
        log_info("control/shutdown", "received %s", shown);
        take_over(c, &u->request, shown);
        break;
    default:
        log_info("control/shutdown", "received %s", shown);
        log_info("control/shutdown", "acked %s (wrote \"\")", shown);
        control_act_on(c, u->action);
        break;
    }
}

/* Settle an unsure ack first; true if that is all there is to do now. */
static bool settle_unsure(struct control *c)
{
    const struct control_unsure *u = &c->unsure[CONTROL_KEY_SHUTDOWN];
    switch (control_unsure_settle(c, CONTROL_KEY_SHUTDOWN)) {
    case UNSURE_WAIT:
        return true;
    case UNSURE_LANDED:
        carry_out_unsure(c);
        return true;
    case UNSURE_NOT_LANDED:
        if (u->kind != UNSURE_DELAYED_ACK)
            return false; /* read and ack it again */
        control_delay_ack_again(c, &u->cmd, &u->request);
        return true;
    default:
        return false;
    }
}

/* The ack was written, but the commit's reply was lost: remember it and look. */
static void ack_unsure(struct control *c, const struct shutdown_reading *r)
{
    struct control_unsure *u = control_unsure_begin(c, CONTROL_KEY_SHUTDOWN, &r->value, r->ack);
    u->kind = r->decision == DECIDE_REQUEST ? UNSURE_REQUEST : UNSURE_TAKEOVER;
    u->action = r->action;
    if (!settle_unsure(c))
        control_reread_later(c, SHUTDOWN_PATH);
}

void control_shutdown_changed(struct control *c, bool rereading)
{
    /* Static: 4 KiB is too much for the kernel stack; this never runs nested. */
    static struct shutdown_reading r;
    char shown[SHOWN_REQUEST_CHARS];

    if (settle_unsure(c))
        return;
    r = (struct shutdown_reading){.c = c, .rereading = rereading};
    int rc = xenstore_transaction_retry(c->xs, read_and_ack, &r, XENSTORE_TX_MAX_TRIES);
    quote(shown, sizeof(shown), r.value.bytes, r.value.len, QUOTE_LOG, SIZE_MAX);

    if (rc == XENSTORE_COMMIT_UNKNOWN && !r.acked)
        rc = 0; /* nothing was written: what was read stands */
    if (rc == XENSTORE_COMMIT_UNKNOWN) {
        ack_unsure(c, &r);
        return;
    }
    if (rc < 0) {
        report_failure(c, &r, rc, shown);
        return;
    }
    /* What the key holds now, for the idle check: the ack, or the value left there. */
    if (r.acked)
        control_seen(c, CONTROL_KEY_SHUTDOWN, r.ack ? r.ack : "", r.ack ? strlen(r.ack) : 0);
    else
        control_seen(c, CONTROL_KEY_SHUTDOWN, r.value.bytes, r.value.len);
    if (r.decision == DECIDE_LEFT)
        return;
    if (r.decision == DECIDE_BUSY) {
        log_info("control/shutdown", "received %s while a delayed command runs; left alone", shown);
        return;
    }
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
        control_act_on(c, r.action);
        break;
    default:
        take_over(c, &r.value, shown);
        break;
    }
}
