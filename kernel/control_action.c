/*
 * Carrying out an action: the console line, the status keys, the power
 * call, and after a suspend, what the new (or same) domain needs.
 */
#include "kernel/control_internal.h"

#include "lib/quote.h"
#include "kernel/status.h"
#include "lib/printk.h"

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

void control_act(struct control *c, enum command_action action)
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
