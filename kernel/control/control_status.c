/* Publishing the control interpreter's status: see control_status.h. */
#include "kernel/control/control_status.h"

#include "drivers/timer.h"
#include "kernel/boot_time.h"
#include "kernel/control/control_internal.h"
#include "lib/log.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "version.h" /* generated: build/version.h */

const char *status_version(void)
{
    return TEST_VM_VERSION;
}

/*
 * A key xenstored did not take (its reply timed out, EACCES, EQUOTA, ...):
 * its group of keys is written again after the watch retries' back-off,
 * until all land.  A toolstack waits for "state" and the feature keys, and
 * one lost write must not leave it waiting for ever while the VM answers
 * commands.
 */
static void write_again_later(struct control *c, unsigned int group)
{
    c->status_unwritten |= group;
    if (c->status_retry.due)
        return;
    control_retry_schedule(c, &c->status_retry);
    log_info("status", "a key was not written; writing its keys again in %lu ms",
             (unsigned long)control_retry_delay_ms(c->status_retry.tries));
}

void status_write_again(struct control *c)
{
    unsigned int tries = c->status_retry.tries, groups = c->status_unwritten;
    c->status_retry.due = false;
    c->status_unwritten = 0;
    if (groups & STATUS_GROUP_FEATURES)
        status_publish_features(c);
    if (groups & STATUS_GROUP_AGENT)
        agent_publish(c);
    if (groups & STATUS_GROUP_STATUS)
        status_publish_all(c);
    if (c->status_retry.due)
        return; /* a write failed again, and scheduled the next try */
    log_info("status", "keys written again (try %u)", tries + 1);
    c->status_retry.tries = 0;
}

static void put_path(struct control *c, unsigned int group, const char *path, const char *value)
{
    int err = xenstore_write(c->xs, 0, path, value);
    if (!err)
        return;
    log_error("xenstore", "writing %s failed (%s)", path, xenstore_error_name(err));
    write_again_later(c, group);
}

void status_write(struct control *c, const char *path, const char *value)
{
    put_path(c, STATUS_GROUP_AGENT, path, value);
}

void status_put(struct control *c, const char *key, const char *value)
{
    char path[64];
    fmt_snprintf(path, sizeof(path), STATUS_DIR "%s", key);
    put_path(c, STATUS_GROUP_STATUS, path, value);
}

void status_put_number(struct control *c, const char *key, unsigned long n)
{
    char value[24];
    fmt_snprintf(value, sizeof(value), "%lu", n);
    status_put(c, key, value);
}

static const char *feature_value(enum control_feature f)
{
    return f == FEATURE_OFF ? "0" : f == FEATURE_OMIT ? NULL : "1";
}

void status_publish_features(struct control *c)
{
    static const char *const keys[] = {"control/feature-poweroff", "control/feature-reboot",
                                       "control/feature-suspend"};
    const enum control_feature features[] = {c->cfg.feature_poweroff, c->cfg.feature_reboot,
                                             c->cfg.feature_suspend};

    for (int i = 0; i < 3; i++) {
        const char *value = feature_value(features[i]);
        if (value)
            put_path(c, STATUS_GROUP_FEATURES, keys[i], value);
    }
}

void status_publish_pending(struct control *c)
{
    /* Static: a command's text is up to COMMAND_TEXT_MAX (~10 KiB); this never nests. */
    static char text[COMMAND_TEXT_MAX];
    text[0] = '\0';
    if (c->has_pending)
        command_format(&c->pending, text, sizeof(text));
    status_put(c, "pending", text);
}

void status_set_state(struct control *c, const char *state)
{
    if (!state && c->delayed.step != CONTROL_STEP_NONE)
        state = c->delayed.step == CONTROL_STEP_ACK ? "acking" : "acting";
    if (!state)
        state = !control_watching(c) ? "degraded" : c->has_pending ? "pending" : "ready";
    c->status.state = state;
    /* Until status_publish_all() has run, "state" waits: it is written last. */
    if (c->status.published)
        status_put(c, "state", state);
}

void status_publish_due(struct control *c)
{
    if (c->delayed.step == CONTROL_STEP_NONE)
        status_put(c, "due-ms", "");
    else
        status_put_number(c, "due-ms", (unsigned long)(c->delayed.due_ns / 1000000u));
}

/*
 * The boot time, once: at the first status_publish_all() after boot (not
 * after a resume), just before "state".  boot_time_report() marks "ready".
 */
static void publish_boot_time(struct control *c)
{
    struct vcpu_time_info rate;
    char stages[BOOT_TIME_REPORT_MAX];
    unsigned long us = 0;

    time_record(&rate);
    if (!boot_time_report(&rate, stages, &us))
        return;
    log_info("boot", "%lu us from entry to ready (%s)", us, stages);
    status_put_number(c, "boot-us", us);
    status_put(c, "boot-stages", stages);
}

void status_publish_all(struct control *c)
{
    const struct control_status *s = &c->status;

    c->status_unwritten &= ~STATUS_GROUP_STATUS; /* this pass writes them all */

    status_put(c, "version", status_version());
    status_put(c, "boot-id", c->boot_id.hex);
    status_put_number(c, "boots", s->boots);
    status_put_number(c, "resumes", s->resumes);
    status_put_number(c, "commands", s->commands);
    status_put_number(c, "errors", s->errors);
    status_publish_pending(c);
    status_put(c, "last-command", s->last_command);
    status_put(c, "last-action", s->last_action);
    status_put(c, "last-suspend", s->last_suspend);
    status_put(c, "last-error", s->last_error);
    /* There from boot: a flood that used up the quota can still update them. */
    status_put(c, "last-result", s->last_result);
    status_put_number(c, "flood-written", s->flood_written);
    status_put_number(c, "missed-watch-events", c->idle.missed);
    status_publish_due(c);
    publish_boot_time(c);
    /*
     * "state" last, and only when every other key landed: "ready" means they
     * are all there.  Otherwise it waits for the retry (write_again_later()),
     * which writes them all again, state last.
     */
    c->status.published = !(c->status_unwritten & STATUS_GROUP_STATUS);
    status_set_state(c, NULL);
}

void status_error(struct control *c, const char *where, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vformat(c->status.last_error, sizeof(c->status.last_error), where, true, fmt, ap);
    va_end(ap);
    c->status.errors++;
    status_put(c, "last-error", c->status.last_error);
    status_put_number(c, "errors", c->status.errors);
}
