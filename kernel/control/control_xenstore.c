/*
 * The guest's own xenstore operations on command (docs/protocol.md, "Guest-side
 * xenstore operations"): xenstore-write, xenstore-rm, xenstore-flood and
 * xenstore-unwatch.  Each is done as the guest (relative paths under its home, absolute ones where
 * xenstored lets it), and its result goes to data/test-vm/last-result: "ok"
 * or the error's name, with a console line.  A flood writes one key after
 * another, waiting for each reply, and stops at the first error: the VM does
 * nothing else meanwhile, so it is bounded (COMMAND_COUNT_MAX keys).
 */
#include "kernel/control/control_internal.h"

#include "kernel/control/control_status.h"
#include "lib/log.h"
#include "lib/printk.h"
#include "lib/quote.h"
#include "lib/string.h"

static const char *result_name(int rc)
{
    return rc == 0 ? "ok" : xenstore_error_name(rc);
}

static void publish_result(struct control *c, int rc)
{
    c->status.last_result = result_name(rc);
    status_put(c, "last-result", c->status.last_result);
}

/* A flood's value: size bytes of a pattern that shows the key's number. */
static void flood_value(char *buf, uint32_t size, uint32_t index)
{
    char digits[12];
    int n = fmt_snprintf(digits, sizeof(digits), "%u:", index);
    for (uint32_t i = 0; i < size; i++)
        buf[i] = digits[i % (uint32_t)n];
    buf[size] = '\0';
}

#define FLOOD_KEEPALIVE_KEYS 64 /* a key takes ~1 ms in the lab: a pet every ~64 ms at worst */

static void flood(struct control *c, const struct command *cmd, const char *shown)
{
    /* Static: a value may be as large as a xenstore payload. */
    static char value[COMMAND_SIZE_MAX + 1];
    char path[COMMAND_PATH_MAX + 16];
    uint32_t written = 0;
    int rc = 0;

    control_busy(c); /* up to COMMAND_COUNT_MAX writes: the loop does not run meanwhile */
    for (; written < cmd->count; written++) {
        if (written % FLOOD_KEEPALIVE_KEYS == 0)
            control_keepalive(c);
        fmt_snprintf(path, sizeof(path), "%s/%u", cmd->path, written);
        flood_value(value, cmd->size, written);
        rc = xenstore_write(c->xs, 0, path, value);
        if (rc)
            break;
    }
    c->status.flood_written = written;
    status_put_number(c, "flood-written", written);
    publish_result(c, rc);
    log_info("xenstore-flood", "wrote %u of %u keys of %u bytes under %s: %s", written, cmd->count,
             cmd->size, shown, result_name(rc));
}

/*
 * xenstore-unwatch: xenstored drops the three control watches while the VM
 * still counts on them, as if it had lost them; only the idle check can then
 * find a request (control_idle_check.c), and it registers them again.
 */
static void unwatch(struct control *c)
{
    static const char *const watches[][2] = {
        {SHUTDOWN_PATH, CONTROL_TOKEN_SHUTDOWN},
        {TESTING_PATH, CONTROL_TOKEN_TESTING},
        {SYSRQ_PATH, CONTROL_TOKEN_SYSRQ},
    };
    int rc = 0;
    for (size_t i = 0; i < sizeof(watches) / sizeof(watches[0]); i++) {
        int err = xenstore_unwatch_server_only(c->xs, watches[i][0], watches[i][1]);
        if (err && !rc)
            rc = err;
    }
    publish_result(c, rc);
    log_info(
        "xenstore-unwatch",
        "control/shutdown, control/testing and control/sysrq (the VM still counts on them): %s",
        result_name(rc));
}

void control_xenstore_op(struct control *c, const struct command *cmd)
{
    char shown[SHOWN_REQUEST_CHARS];
    int rc;

    quote(shown, sizeof(shown), cmd->path, strlen(cmd->path), QUOTE_LOG, SIZE_MAX);
    switch (cmd->action) {
    case COMMAND_ACTION_XENSTORE_WRITE:
        rc = xenstore_write(c->xs, 0, cmd->path, cmd->value);
        publish_result(c, rc);
        log_info("xenstore-write", "%s (%zu bytes): %s", shown, strlen(cmd->value),
                 result_name(rc));
        break;
    case COMMAND_ACTION_XENSTORE_RM:
        rc = xenstore_rm(c->xs, 0, cmd->path);
        publish_result(c, rc);
        log_info("xenstore-rm", "%s: %s", shown, result_name(rc));
        break;
    case COMMAND_ACTION_XENSTORE_UNWATCH:
        unwatch(c);
        break;
    default:
        flood(c, cmd, shown);
        break;
    }
}
