/*
 * The suspend event channel (command line suspend-evtchn=1).  libxl, when
 * device/suspend/event-channel holds a port, suspends the guest by notifying
 * that port instead of writing "suspend" to control/shutdown, and then waits
 * for SHUTDOWN_suspend; there is no xenstore ack on this path.  A
 * notification is a suspend request: a pending onshutdown command whose "on"
 * includes suspend (or that has no "on") takes it over.
 */
#include "kernel/control/control_internal.h"

#include "drivers/xen_errno.h"
#include "kernel/control/control_status.h"
#include "lib/log.h"
#include "lib/printk.h"

#define EVTCHN_PATH "device/suspend/event-channel"

void control_offer_suspend_channel(struct control *c)
{
    uint32_t port = 0;
    char value[16];

    if (!c->cfg.suspend_evtchn)
        return;
    int rc = c->power.suspend_channel(c->power.ctx, &port);
    if (rc < 0) {
        status_error(c, "suspend-evtchn",
                     "no port for dom0 (%s): suspend goes through control/shutdown",
                     xen_errno_name(rc));
        return;
    }
    fmt_snprintf(value, sizeof(value), "%u", port);
    int err = xenstore_write(c->xs, 0, EVTCHN_PATH, value);
    if (err)
        status_error(c, "suspend-evtchn", "writing " EVTCHN_PATH " failed (%s)",
                     xenstore_error_name(err));
    else
        log_info("suspend-evtchn", "port %u in " EVTCHN_PATH, port);
}

void control_check_suspend_channel(struct control *c)
{
    /* Static: a command's text is up to COMMAND_TEXT_MAX (~10 KiB); this never nests. */
    static char text[COMMAND_TEXT_MAX];

    if (!c->cfg.suspend_evtchn || !c->power.suspend_notified(c->power.ctx))
        return;
    log_info("suspend-evtchn", "notified: a suspend request (no ack on this path)");
    if (control_delay_running(c)) {
        log_info("suspend-evtchn", "a delayed command runs; the request is left alone");
        return;
    }
    if (!c->has_pending || !control_takes_over(&c->pending, COMMAND_REQUEST_SUSPEND)) {
        control_act_on(c, COMMAND_ACTION_SUSPEND);
        return;
    }
    struct command cmd = control_use_pending(c);
    command_format(&cmd, text, sizeof(text));
    control_log_command("suspend-evtchn: carrying out the pending command ", text, " instead");
    status_publish_pending(c);
    control_act_after_delay(c, &cmd);
}
