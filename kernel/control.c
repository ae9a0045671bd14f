/*
 * The control interpreter's interface: boot, and which watch fired.  See
 * control.h, control_internal.h for its other files, and README.md, "The protocol"
 * for the protocol and every console line.
 */
#include "kernel/control_internal.h"

#include <stdint.h>

#include "lib/quote.h"
#include "kernel/status.h"
#include "lib/printk.h"
#include "lib/string.h"

void control_log_command(const char *before, const char *command, const char *after)
{
    char shown[SHOWN_COMMAND_CHARS];
    quote(shown, sizeof(shown), command, strlen(command), QUOTE_BARE, SIZE_MAX);
    printk("test-vm: %s%s%s\n", before, shown, after);
}

int control_read_value(struct control *c, struct xenstore *xs, xenstore_tx tx, const char *path)
{
    int n = xenstore_read(xs, tx, path, c->value, sizeof(c->value));

    c->value_len = 0;
    if (n == -XS_ENOENT || n == 0)
        return 1;
    if (n < 0)
        return n;
    c->value_len = (size_t)n;
    return 0;
}

void control_init(struct control *c, struct xenstore *xs, const struct control_power *power,
                  const struct control_config *cfg)
{
    memset(c, 0, sizeof(*c));
    c->xs = xs;
    c->power = *power;
    c->cfg = *cfg;
    c->status.state = "ready";
    c->status.last_action = "";
    c->status.last_suspend = "";
    c->events_dropped_seen = xs->events_dropped;
}

/* data/test-vm/boots survives only if a toolstack keeps data/ across a reboot. */
static unsigned long previous_boots(struct control *c)
{
    char value[24];
    unsigned long n = 0;

    if (xenstore_read(c->xs, 0, STATUS_DIR "boots", value, sizeof(value)) <= 0)
        return 0;
    for (const char *p = value; *p; p++) {
        if (*p < '0' || *p > '9' || n > 100000000)
            return 0;
        n = n * 10 + (unsigned long)(*p - '0');
    }
    return n;
}

static const char *feature_name(enum control_feature f)
{
    return f == FEATURE_OFF ? "0" : f == FEATURE_OMIT ? "omitted" : "1";
}

static int watch(struct control *c, const char *path, const char *token)
{
    int err = xenstore_watch(c->xs, path, token);
    if (err)
        status_error(c, "%s: error: watching it failed (%s)", path, xenstore_error_name(err));
    return err;
}

int control_start(struct control *c)
{
    char domid[48];
    int first_err = 0;

    int n = xenstore_read(c->xs, 0, "domid", domid, sizeof(domid));
    if (n >= 0) {
        quote(c->shown, sizeof(c->shown), domid, (size_t)n, QUOTE_BARE, sizeof(domid));
        printk("test-vm: domid %s\n", c->shown);
    } else {
        status_error(c, "domid: error: reading it failed (%s)", xenstore_error_name(n));
        first_err = n;
    }

    status_publish_features(c);
    printk("test-vm: features: poweroff=%s reboot=%s suspend=%s\n",
           feature_name(c->cfg.feature_poweroff), feature_name(c->cfg.feature_reboot),
           feature_name(c->cfg.feature_suspend));

    int err_shutdown = watch(c, SHUTDOWN_PATH, CONTROL_TOKEN_SHUTDOWN);
    int err_testing = watch(c, TESTING_PATH, CONTROL_TOKEN_TESTING);
    if (!err_shutdown && !err_testing)
        printk("test-vm: watching control/shutdown and control/testing\n");
    if (!first_err)
        first_err = err_shutdown ? err_shutdown : err_testing;

    c->status.boots = previous_boots(c) + 1;
    status_publish_all(c);
    printk("test-vm: ready (version %s)\n", status_version());
    return first_err;
}

void control_handle_watch(struct control *c, const struct xenstore_watch_event *ev)
{
    if (strcmp(ev->token, CONTROL_TOKEN_TESTING) == 0)
        control_testing_changed(c);
    else if (strcmp(ev->token, CONTROL_TOKEN_SHUTDOWN) == 0)
        control_shutdown_changed(c);

    /*
     * The client dropped a watch event (its queue was full): it may have been
     * the last one for a key, so read both as if they had fired.
     */
    if (c->xs->events_dropped != c->events_dropped_seen) {
        c->events_dropped_seen = c->xs->events_dropped;
        printk("test-vm: xenstore: watch events were dropped; reading both keys again\n");
        control_testing_changed(c);
        control_shutdown_changed(c);
    }
}
