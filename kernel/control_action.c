/*
 * Carrying out an action: the console line, the status keys, the power
 * call, and after a suspend, what the new (or same) domain needs.
 */
#include "kernel/control_internal.h"

#include "drivers/xen_errno.h"
#include "lib/quote.h"
#include "kernel/status.h"
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
static void resumed(struct control *c)
{
    struct control_status *s = &c->status;
    char domid[48];

    s->resumes++;
    s->last_suspend = "resumed";
    c->own_ack_set = false;
    read_domid(c, domid, sizeof(domid));
    bool same = strcmp(domid, c->domid) == 0;
    log_info("suspend", "resumed in %s domain (domid %s)", same ? "the same" : "a new", domid);
    memcpy(c->domid, domid, sizeof(c->domid));
    s->published = false; /* state is written last, by status_publish_all() */
    status_publish_features(c);
    control_watches_lost(c);
    status_publish_all(c);
}

static void suspend(struct control *c)
{
    struct control_status *s = &c->status;

    status_set_state(c, "suspending");
    int rc = c->power.shutdown(c->power.ctx, SHUTDOWN_suspend);
    if (rc == 0) {
        resumed(c);
        return;
    }
    if (rc > 0) {
        s->last_suspend = "cancelled";
        log_info("suspend", "cancelled");
        /* Requests may have come meanwhile; the watches still stand, but look anyway. */
        c->reread_shutdown = c->reread_testing = true;
        c->reread_retry = (struct control_retry){.due = true, .at = 0};
    } else {
        s->last_suspend = "failed";
        status_error(c, "suspend", "SCHEDOP_shutdown failed (%s)", xen_errno_name(rc));
    }
    status_put(c, "last-suspend", s->last_suspend);
    status_set_state(c, NULL);
}

void control_act(struct control *c, enum command_action action)
{
    const char *name = command_action_name(action);
    unsigned int reason;

    if (action == COMMAND_ACTION_HALT)
        log_info("action", "halt (as poweroff: Xen has no halt)");
    else
        log_info("action", "%s", name);
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
        status_error(c, "action", "%s failed (%s)", name, xen_errno_name(rc));
    status_set_state(c, NULL);
}
