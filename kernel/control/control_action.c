/*
 * Carrying out an action: the console line, the status keys, the power
 * call, and after a suspend, what the new (or same) domain needs.
 */
#include "kernel/control/control_internal.h"

#include "drivers/xen_errno.h"
#include "lib/quote.h"
#include "kernel/control/control_status.h"
#include "lib/log.h"
#include "lib/printk.h"
#include "lib/string.h"

static void read_domid(struct control *c, char *buf, size_t len)
{
    char value[16];
    int n = xenstore_read(c->xs, 0, "domid", value, sizeof(value));
    if (n < 0)
        fmt_snprintf(buf, len, "unknown: %s", xenstore_error_name(n));
    else
        quote(buf, len, value, (size_t)n, QUOTE_BARE, sizeof(value));
}

/*
 * SHUTDOWN_suspend returned 0: resumed, in a new domain (restore, migrate)
 * whose xenstore directory has none of our keys, or in the same one (a
 * non-cooperative resume).  Either way the watches are registered again, and
 * both keys read again: a request written while we were suspended has fired
 * no event we will see.
 */
static void publish_again(struct control *c)
{
    struct control_status *s = &c->status;

    c->own_ack_set = false;
    s->published = false; /* state is written last, by status_publish_all() */
    status_publish_features(c);
    control_offer_suspend_channel(c);
    control_watches_lost(c);
    agent_publish(c);
    if (c->cfg.memcheck.on)
        control_memcheck(c);
    status_publish_all(c);
}

static void resumed(struct control *c)
{
    struct control_status *s = &c->status;
    char domid[48];

    s->resumes++;
    s->last_suspend = "resumed";
    read_domid(c, domid, sizeof(domid));
    bool same = strcmp(domid, c->domid) == 0;
    log_info("suspend", "resumed in %s domain (domid %s)", same ? "the same" : "a new", domid);
    memcpy(c->domid, domid, sizeof(c->domid));
    publish_again(c);
}

/*
 * SHUTDOWN_soft_reset returned 0: xenopsd reset the domain in place (every
 * event channel closed, the devices set up again by struct control_power):
 * the watches and keys again, as after a resume.
 */
static void reset_in_place(struct control *c)
{
    log_info("soft-reset", "reset in place (domid %s): watching and publishing again", c->domid);
    control_idle_reset(c);
    publish_again(c);
}

static void suspend(struct control *c)
{
    struct control_status *s = &c->status;

    status_set_state(c, "suspending");
    int rc = c->power.shutdown(c->power.ctx, SHUTDOWN_suspend);
    control_idle_reset(c); /* the clock may have jumped; the keys are read again below anyway */
    if (rc == 0) {
        resumed(c);
        return;
    }
    if (rc > 0) {
        s->last_suspend = "cancelled";
        log_info("suspend", "cancelled");
        /* A checkpoint: the memory went out and this copy goes on; check it all the same. */
        if (c->cfg.memcheck.on)
            control_memcheck(c);
        /* Requests may have come meanwhile; the watches still stand, but look anyway. */
        c->reread_shutdown = c->reread_testing = c->reread_sysrq = true;
        c->reread_retry = (struct control_retry){.due = true, .at = 0};
    } else {
        s->last_suspend = "failed";
        status_error(c, "suspend", "SCHEDOP_shutdown failed (%s)", xen_errno_name(rc));
    }
    status_put(c, "last-suspend", s->last_suspend);
    status_set_state(c, NULL);
}

/* The misbehaviours: only watchdog comes back on real Xen. */
static void misbehave(struct control *c, const struct command *cmd)
{
    void *ctx = c->power.ctx;

    switch (cmd->action) {
    case COMMAND_ACTION_HANG:
        /* The last thing the toolstack sees from this VM. */
        status_set_state(c, "hung");
        c->hung = true;
        c->power.hang(ctx);
        return;
    case COMMAND_ACTION_WATCHDOG: {
        int rc =
            c->power.watchdog(ctx, cmd->timeout_s ? cmd->timeout_s : COMMAND_TIMEOUT_S_DEFAULT);
        if (rc < 0)
            status_error(c, "action", "watchdog failed (%s)", xen_errno_name(rc));
        status_set_state(c, NULL);
        return;
    }
    case COMMAND_ACTION_FAULT:
        status_set_state(c, "crashing");
        c->power.fault(ctx);
        break;
    default:
        status_set_state(c, "crashing");
        c->power.triple_fault(ctx);
        break;
    }
    /* Still here: only a host test's power returns. */
    status_set_state(c, NULL);
}

static void log_action(enum command_action action, const struct command *cmd)
{
    const char *name = command_action_name(action);

    switch (action) {
    case COMMAND_ACTION_HALT:
        log_info("action", "halt (as poweroff: Xen has no halt)");
        break;
    case COMMAND_ACTION_HANG:
        log_info("action", "hang (from now on this VM does nothing a toolstack can see)");
        break;
    case COMMAND_ACTION_WATCHDOG:
        log_info("action",
                 "watchdog (armed for %u s and never petted: Xen then shuts the domain down)",
                 cmd->timeout_s ? cmd->timeout_s : COMMAND_TIMEOUT_S_DEFAULT);
        break;
    case COMMAND_ACTION_FAULT:
        log_info("action", "fault (reading unmapped address 0x800000000)");
        break;
    case COMMAND_ACTION_TRIPLE_FAULT:
        log_info("action",
                 "triple-fault (an exception with no IDT: Xen decides what becomes of the domain)");
        break;
    default:
        log_info("action", "%s", name);
        break;
    }
}

void control_act(struct control *c, const struct command *cmd)
{
    enum command_action action = cmd->action;
    const char *name = command_action_name(action);
    unsigned int reason;

    log_action(action, cmd);
    c->status.last_action = name;
    status_put(c, "last-action", name);

    switch (action) {
    case COMMAND_ACTION_IGNORE:
        status_set_state(c, NULL);
        return;
    case COMMAND_ACTION_SUSPEND:
        suspend(c);
        return;
    case COMMAND_ACTION_HANG:
    case COMMAND_ACTION_WATCHDOG:
    case COMMAND_ACTION_FAULT:
    case COMMAND_ACTION_TRIPLE_FAULT:
        misbehave(c, cmd);
        return;
    case COMMAND_ACTION_XENSTORE_WRITE:
    case COMMAND_ACTION_XENSTORE_RM:
    case COMMAND_ACTION_XENSTORE_FLOOD:
    case COMMAND_ACTION_XENSTORE_UNWATCH:
        control_xenstore_op(c, cmd);
        status_set_state(c, NULL);
        return;
    case COMMAND_ACTION_MEMCHECK:
        control_memcheck(c);
        status_set_state(c, NULL);
        return;
    case COMMAND_ACTION_REBOOT:
        reason = SHUTDOWN_reboot;
        break;
    case COMMAND_ACTION_CRASH:
        reason = SHUTDOWN_crash;
        break;
    case COMMAND_ACTION_SOFT_RESET:
        reason = SHUTDOWN_soft_reset;
        break;
    default:
        reason = SHUTDOWN_poweroff;
        break;
    }
    status_set_state(c, "shutting-down");
    int rc = c->power.shutdown(c->power.ctx, reason);
    if (reason == SHUTDOWN_soft_reset && rc == 0) {
        reset_in_place(c);
        return;
    }
    /* Still here: Xen refused (or a host test's power returned). */
    if (rc < 0)
        status_error(c, "action", "%s failed (%s)", name, xen_errno_name(rc));
    status_set_state(c, NULL);
}

void control_act_on(struct control *c, enum command_action action)
{
    struct command cmd = {.action = action, .times = 1, .timeout_s = COMMAND_TIMEOUT_S_DEFAULT};
    control_act(c, &cmd);
}
