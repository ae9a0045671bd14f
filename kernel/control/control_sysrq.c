/*
 * control/sysrq: the magic SysRq key a toolstack sends (`xl sysrq DOM KEY`
 * writes one character; libxl makes the key guest-writable).  Read and acked
 * with "" in one transaction, as Linux does (drivers/xen/manage.c), then
 * handled: b reboots, o powers off, c crashes; any other key is logged and
 * ignored.  A pending onshutdown command never takes a key over.
 */
#include "kernel/control/control_internal.h"

#include <stdint.h>

#include "kernel/control/control_status.h"
#include "lib/log.h"
#include "lib/quote.h"

void control_sysrq_changed(struct control *c)
{
    /* Static: 4 KiB is too much for the kernel stack; this never runs nested. */
    static struct control_value value;
    char shown[SHOWN_REQUEST_CHARS];
    const struct control_unsure *u = &c->unsure[CONTROL_KEY_SYSRQ];

    /* An ack whose commit's reply was lost is settled first (control_unsure.c). */
    enum control_unsure_outcome outcome = control_unsure_settle(c, CONTROL_KEY_SYSRQ);
    if (outcome == UNSURE_WAIT)
        return;
    int rc;
    if (outcome == UNSURE_LANDED) {
        value = u->request;
        rc = 0;
    } else {
        rc = control_read_and_blank(c, SYSRQ_PATH, &value);
        if (rc == XENSTORE_COMMIT_UNKNOWN && !value.len)
            rc = 1; /* nothing was written: the key was "" or absent */
        if (rc == XENSTORE_COMMIT_UNKNOWN) {
            control_unsure_begin(c, CONTROL_KEY_SYSRQ, &value, "")->kind = UNSURE_SYSRQ;
            outcome = control_unsure_settle(c, CONTROL_KEY_SYSRQ);
            if (outcome == UNSURE_NOT_LANDED)
                control_reread_later(c, SYSRQ_PATH);
            if (outcome != UNSURE_LANDED)
                return;
            rc = 0;
        }
    }
    /* What the key holds now, for the idle check: "" once acked, the key if the ack failed. */
    if (rc >= 0)
        control_seen(c, CONTROL_KEY_SYSRQ, "", 0);
    else if (rc == -XS_EACCES && value.len)
        control_seen(c, CONTROL_KEY_SYSRQ, value.bytes, value.len);
    if (rc > 0)
        return; /* "" or no key: our own ack, or the watch registering */
    quote(shown, sizeof(shown), value.bytes, value.len, QUOTE_LOG, SIZE_MAX);
    if (rc < 0) {
        status_error(c, SYSRQ_PATH, "%s %s failed (%s)", value.len ? "acking" : "reading",
                     value.len ? shown : "it", xenstore_error_name(rc));
        if (rc != -XS_EACCES)
            control_reread_later(c, SYSRQ_PATH);
        return;
    }
    log_info("control/sysrq", "received %s, acked (wrote \"\")", shown);

    /* Like Linux, the first character is the key. */
    switch (value.bytes[0]) {
    case 'b':
        log_info("control/sysrq", "key b: reboot");
        control_act_on(c, COMMAND_ACTION_REBOOT);
        break;
    case 'o':
        log_info("control/sysrq", "key o: poweroff");
        control_act_on(c, COMMAND_ACTION_POWEROFF);
        break;
    case 'c':
        log_info("control/sysrq", "key c: crash");
        control_act_on(c, COMMAND_ACTION_CRASH);
        break;
    default:
        log_info("control/sysrq", "key %s ignored (only b, o and c do anything)", shown);
        break;
    }
}
