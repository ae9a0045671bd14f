/*
 * A command's delayed steps (docs/protocol.md, "Delays"): ack_delay_ms waits after
 * a request before acking it, action_delay_ms before the action.  Only one
 * command is under way at a time; while it waits the VM stays responsive:
 * a new valid command replaces it, and requests are logged and left alone.
 */
#include "kernel/control/control_internal.h"

#include <stdint.h>

#include "kernel/control/control_status.h"
#include "lib/log.h"
#include "lib/quote.h"
#include "lib/string.h"

static uint64_t now_ns(const struct control *c)
{
    return c->power.now_ns(c->power.ctx);
}

static void schedule(struct control *c, enum control_step step, const struct command *cmd,
                     uint32_t delay_ms)
{
    c->delayed.step = step;
    c->delayed.cmd = *cmd;
    c->delayed.due_ns = now_ns(c) + (uint64_t)delay_ms * 1000000u;
    status_publish_due(c);
    status_set_state(c, step == CONTROL_STEP_ACK ? "acking" : "acting");
}

void control_act_after_delay(struct control *c, const struct command *cmd)
{
    if (cmd->action_delay_ms) {
        log_info("action", "%s in %u ms (action_delay_ms)", command_action_name(cmd->action),
                 cmd->action_delay_ms);
        schedule(c, CONTROL_STEP_ACT, cmd, cmd->action_delay_ms);
        return;
    }
    control_act(c, cmd);
}

void control_acked(struct control *c, const struct command *cmd,
                   const struct control_value *request, const char *shown)
{
    char ack[SHOWN_REQUEST_CHARS];

    switch (cmd->ack) {
    case COMMAND_ACK_NONE:
        log_info("control/shutdown", "left %s unacked (ack \"none\")", shown);
        /* A look of our own later must not take it for a new request. */
        /* By length: the request may hold NUL bytes. */
        c->left_unacked_set = request->len <= sizeof(c->left_unacked);
        c->left_unacked_len = c->left_unacked_set ? request->len : 0;
        memcpy(c->left_unacked, request->bytes, c->left_unacked_len);
        break;
    case COMMAND_ACK_DELETE:
        log_info("control/shutdown", "acked %s (removed the key)", shown);
        break;
    case COMMAND_ACK_STRING:
        quote(ack, sizeof(ack), cmd->ack_string, strlen(cmd->ack_string), QUOTE_LOG, SIZE_MAX);
        log_info("control/shutdown", "acked %s (wrote %s)", shown, ack);
        memcpy(c->own_ack, cmd->ack_string, sizeof(c->own_ack));
        c->own_ack_set = true;
        break;
    default:
        log_info("control/shutdown", "acked %s (wrote \"\")", shown);
        break;
    }
    control_act_after_delay(c, cmd);
}

void control_delay_ack(struct control *c, const struct command *cmd,
                       const struct control_value *request, const char *shown)
{
    log_info("control/shutdown", "acking %s in %u ms (ack_delay_ms)", shown, cmd->ack_delay_ms);
    c->delayed.request = *request;
    schedule(c, CONTROL_STEP_ACK, cmd, cmd->ack_delay_ms);
}

void control_delay_ack_again(struct control *c, const struct command *cmd,
                             const struct control_value *request)
{
    log_info("control/shutdown", "acking it again in %lu ms", (unsigned long)CONTROL_ACK_AGAIN_MS);
    c->delayed.request = *request;
    schedule(c, CONTROL_STEP_ACK, cmd, CONTROL_ACK_AGAIN_MS);
}

bool control_delay_running(const struct control *c)
{
    return c->delayed.step != CONTROL_STEP_NONE;
}

bool control_delay_holds(const struct control *c, const struct control_value *v)
{
    const struct control_value *r = &c->delayed.request;
    return c->delayed.step == CONTROL_STEP_ACK && v->len == r->len &&
           memcmp(v->bytes, r->bytes, v->len) == 0;
}

void control_delay_cancel(struct control *c)
{
    /* Static: a command's text is up to COMMAND_TEXT_MAX (~10 KiB); this never nests. */
    static char text[COMMAND_TEXT_MAX];
    if (c->delayed.step == CONTROL_STEP_NONE)
        return;
    command_format(&c->delayed.cmd, text, sizeof(text));
    control_log_command(c->delayed.step == CONTROL_STEP_ACK
                            ? "control/testing: cancels the delayed ack of "
                            : "control/testing: cancels the delayed action of ",
                        text, "");
    c->delayed.step = CONTROL_STEP_NONE;
    status_publish_due(c);
}

/* The transaction body of a delayed ack: only if the key still holds the request. */
static int ack_if_unchanged(struct xenstore *xs, xenstore_tx tx, void *ctx)
{
    struct control *c = ctx;
    static struct control_value now; /* 4 KiB: not on the kernel stack */
    const struct command *cmd = &c->delayed.cmd;

    int rc = control_read_value(xs, tx, SHUTDOWN_PATH, &now);
    if (rc < 0)
        return rc;
    if (!control_delay_holds(c, &now))
        return XENSTORE_VALUE_CHANGED;
    switch (cmd->ack) {
    case COMMAND_ACK_NONE:
        return 0;
    case COMMAND_ACK_DELETE:
        return xenstore_rm(xs, tx, SHUTDOWN_PATH);
    case COMMAND_ACK_STRING:
        return xenstore_write(xs, tx, SHUTDOWN_PATH, cmd->ack_string);
    default:
        return xenstore_write(xs, tx, SHUTDOWN_PATH, "");
    }
}

static void run_ack(struct control *c)
{
    char shown[SHOWN_REQUEST_CHARS];
    struct command cmd = c->delayed.cmd;
    struct control_value *request = &c->delayed.request;

    quote(shown, sizeof(shown), request->bytes, request->len, QUOTE_LOG, SIZE_MAX);
    int rc = xenstore_transaction_retry(c->xs, ack_if_unchanged, c, XENSTORE_TX_MAX_TRIES);
    c->delayed.step = CONTROL_STEP_NONE;
    status_publish_due(c);
    if (rc == XENSTORE_COMMIT_UNKNOWN && cmd.ack == COMMAND_ACK_NONE)
        rc = 0; /* nothing was written: what was read stands */
    if (rc == XENSTORE_COMMIT_UNKNOWN) {
        /* Settled by control/shutdown's handler: carried out, acked again later, or reported. */
        struct control_unsure *u =
            control_unsure_begin(c, CONTROL_KEY_SHUTDOWN, request,
                                 cmd.ack == COMMAND_ACK_DELETE   ? NULL
                                 : cmd.ack == COMMAND_ACK_STRING ? cmd.ack_string
                                                                 : "");
        u->kind = UNSURE_DELAYED_ACK;
        u->cmd = cmd;
        control_shutdown_changed(c, true);
        return;
    }
    if (rc == XENSTORE_VALUE_CHANGED) {
        log_info("control/shutdown", "%s was changed or removed before its delayed ack: not acked",
                 shown);
        control_act_after_delay(c, &cmd);
    } else if (rc < 0) {
        status_error(c, SHUTDOWN_PATH, "acking %s failed (%s); not carried out", shown,
                     xenstore_error_name(rc));
        status_set_state(c, NULL);
    } else {
        control_acked(c, &cmd, request, shown);
    }
}

void control_delay_run_due(struct control *c)
{
    if (c->delayed.step == CONTROL_STEP_NONE || now_ns(c) < c->delayed.due_ns)
        return;
    if (c->delayed.step == CONTROL_STEP_ACK) {
        run_ack(c);
        return;
    }
    struct command cmd = c->delayed.cmd;
    c->delayed.step = CONTROL_STEP_NONE;
    status_publish_due(c);
    control_act(c, &cmd);
}
