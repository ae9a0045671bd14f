/*
 * control/testing: the tester's commands.  See docs/protocol.md, "The protocol".
 *
 * Read and acked with "" in one transaction, like a shutdown request (see
 * control_shutdown.c), so a command written between our read and our ack is
 * not wiped out by the ack.
 */
#include "kernel/control/control_internal.h"

#include <stdint.h>

#include "kernel/control/control_status.h"
#include "lib/log.h"
#include "lib/printk.h"
#include "lib/quote.h"
#include "lib/string.h"

/*
 * Settle an unsure ack (control_unsure.c): true with the command in *v if
 * it landed; *again if it did not, and the key is to be read again.
 */
static bool settle_unsure(struct control *c, struct control_value *v, bool *again)
{
    enum control_unsure_outcome outcome = control_unsure_settle(c, CONTROL_KEY_TESTING);
    *again = outcome == UNSURE_NOT_LANDED;
    if (outcome != UNSURE_LANDED)
        return false;
    *v = c->unsure[CONTROL_KEY_TESTING].request;
    return true;
}

/* Read and ack the key; true with the command in *v, false if there is none or it failed. */
static bool take_command(struct control *c, struct control_value *v)
{
    bool again;
    if (c->unsure[CONTROL_KEY_TESTING].set) {
        if (settle_unsure(c, v, &again))
            return true;
        if (c->unsure[CONTROL_KEY_TESTING].set)
            return false; /* the look failed: it is tried again later */
    }
    int rc = control_read_and_blank(c, TESTING_PATH, v);
    if (rc == XENSTORE_COMMIT_UNKNOWN && !v->len)
        rc = 1; /* nothing was written: the key was "" or absent */
    if (rc == XENSTORE_COMMIT_UNKNOWN) {
        control_unsure_begin(c, CONTROL_KEY_TESTING, v, "")->kind = UNSURE_COMMAND;
        if (settle_unsure(c, v, &again))
            return true;
        if (again)
            control_reread_later(c, TESTING_PATH);
        return false;
    }
    /* What the key holds now, for the idle check: "" once acked, the command if the ack failed. */
    if (rc >= 0)
        control_seen(c, CONTROL_KEY_TESTING, "", 0);
    else if (rc == -XS_EACCES && v->len)
        control_seen(c, CONTROL_KEY_TESTING, v->bytes, v->len);
    if (rc > 0)
        return false; /* "" or no key: our own ack, or the watch registering */
    if (rc == -XS_EACCES && v->len) {
        /* Usually xl: dom0 made the key in control/, which the guest may only read. */
        status_error(c, TESTING_PATH,
                     "acking it failed (EACCES): the VM cannot write control/testing; make it "
                     "writable by this domain (xenstore-chmod KEY n<domid>)");
        return false;
    }
    if (rc < 0) {
        status_error(c, TESTING_PATH, "%s it failed (%s)", v->len ? "acking" : "reading",
                     xenstore_error_name(rc));
        if (rc != -XS_EACCES)
            control_reread_later(c, TESTING_PATH);
        return false;
    }
    return true;
}

/* An accepted command: publish it, and keep it pending or carry it out. */
static void accept(struct control *c, const struct command *cmd)
{
    c->status.commands++;
    command_format(cmd, c->status.last_command, sizeof(c->status.last_command));
    control_log_command("control/testing: accepted ", c->status.last_command, "");
    control_delay_cancel(c);
    if (c->has_pending) {
        /* Static: a command's text is up to COMMAND_TEXT_MAX (~10 KiB); this never nests. */
        static char replaced[COMMAND_TEXT_MAX];
        command_format(&c->pending, replaced, sizeof(replaced));
        control_log_command("control/testing: replaces the pending command ", replaced, "");
        c->has_pending = false;
    }
    if (cmd->when == COMMAND_WHEN_ONSHUTDOWN) {
        c->pending = *cmd;
        c->has_pending = true;
    }
    /*
     * The verdict's text and what follows from it first, the counter last: a
     * tester (test-vm-ctl) waits for commands to go up, then reads the rest.
     */
    status_put(c, "last-command", c->status.last_command);
    status_publish_pending(c);
    status_set_state(c, NULL);
    status_put_number(c, "commands", c->status.commands);
    if (cmd->when == COMMAND_WHEN_NOW)
        control_act_after_delay(c, cmd);
}

void control_testing_changed(struct control *c)
{
    /* Static: 4 KiB is too much for the kernel stack; this never runs nested. */
    static struct control_value value;
    char shown[SHOWN_COMMAND_CHARS], err[COMMAND_ERROR_MAX];
    struct command cmd;

    if (!take_command(c, &value))
        return;
    quote(shown, sizeof(shown), value.bytes, value.len, QUOTE_BARE, SIZE_MAX);
    log_info("control/testing", "received %s", shown);
    log_info("control/testing", "acked (wrote \"\")");

    if (command_parse(value.bytes, value.len, &cmd, err, sizeof(err)) < 0) {
        /* The pending command, if any, stays. */
        status_error(c, TESTING_PATH, "%s", err);
        return;
    }
    accept(c, &cmd);
}
