/*
 * control/testing: the tester's commands.  See README.md, "The protocol".
 *
 * Read and acked with "" in one transaction, like a shutdown request (see
 * control_shutdown.c), so a command written between our read and our ack is
 * not wiped out by the ack.
 */
#include "kernel/control_internal.h"

#include <stdint.h>

#include "lib/quote.h"
#include "kernel/status.h"
#include "lib/printk.h"

/* The transaction body: read the command and ack it with "". */
static int read_testing_and_ack(struct xenstore *xs, xenstore_tx tx, void *ctx)
{
    struct control *c = ctx;
    int rc = control_read_value(c, xs, tx, TESTING_PATH);
    if (rc)
        return rc;
    return xenstore_write(xs, tx, TESTING_PATH, "");
}

void control_testing_changed(struct control *c)
{
    struct command *cmd = &c->parsed;
    char err[COMMAND_ERROR_MAX];

    int rc = xenstore_transaction_retry(c->xs, read_testing_and_ack, c, XENSTORE_TX_MAX_TRIES);
    if (rc > 0)
        return; /* "" or no key: our own ack, or the watch registering */
    if (rc < 0 && c->value_len && rc == -XS_EACCES) {
        /* Usually xl: dom0 made the key in control/, which the guest may only read. */
        status_error(c, "control/testing: error: acking it failed (EACCES): the VM cannot write "
                        "control/testing; make it writable by this domain "
                        "(xenstore-chmod KEY n<domid>)");
        return;
    }
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
    control_log_command("control/testing: accepted ", c->status.last_command, "");
    if (c->has_pending) {
        command_format(&c->pending, c->text, sizeof(c->text));
        control_log_command("control/testing: replaces the pending command ", c->text, "");
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
        control_act(c, cmd->action);
}
