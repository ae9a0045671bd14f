/*
 * The interpreter's two watches, and its retries.  A watch that xenstored
 * refused or never answered (EAGAIN, EQUOTA, a lost reply) at boot or after
 * a resume is registered again after a back-off, until it works; meanwhile
 * data/test-vm/state says "degraded" and last-error says why.
 */
#include "kernel/control/control_internal.h"

#include "kernel/control/control_status.h"
#include "lib/log.h"
#include "lib/printk.h"
#include "lib/string.h"

uint64_t control_retry_delay_ms(unsigned int try)
{
    uint64_t ms = 100;
    for (unsigned int i = 1; i < try && ms < CONTROL_RETRY_MAX_MS; i++)
        ms *= 2;
    return ms < CONTROL_RETRY_MAX_MS ? ms : CONTROL_RETRY_MAX_MS;
}

void control_retry_schedule(struct control *c, struct control_retry *r)
{
    r->tries++;
    r->due = true;
    r->at = c->power.now_ns(c->power.ctx) + control_retry_delay_ms(r->tries) * 1000000ull;
}

bool control_watching(const struct control *c)
{
    return c->watching_shutdown && c->watching_testing && c->watching_sysrq;
}

/* Register one watch if it is missing: 0, or the error (logged; *first keeps the first). */
static int watch_one(struct control *c, bool *watching, const char *path, const char *token,
                     int *first)
{
    if (*watching)
        return 0;
    int err = xenstore_watch(c->xs, path, token);
    if (err == 0 || err == -XS_EEXIST) {
        *watching = true;
        return 0;
    }
    status_error(c, path, "watching it failed (%s); try %u, next in %lu ms",
                 xenstore_error_name(err), c->watch_retry.tries + 1,
                 (unsigned long)control_retry_delay_ms(c->watch_retry.tries + 1));
    if (!*first)
        *first = err;
    return err;
}

int control_watch_keys(struct control *c)
{
    bool was_watching = control_watching(c);
    int first = 0;
    watch_one(c, &c->watching_shutdown, SHUTDOWN_PATH, CONTROL_TOKEN_SHUTDOWN, &first);
    watch_one(c, &c->watching_testing, TESTING_PATH, CONTROL_TOKEN_TESTING, &first);
    watch_one(c, &c->watching_sysrq, SYSRQ_PATH, CONTROL_TOKEN_SYSRQ, &first);

    if (first) {
        control_retry_schedule(c, &c->watch_retry);
        status_set_state(c, NULL); /* "degraded" */
        return first;
    }
    c->watch_retry = (struct control_retry){0};
    if (was_watching)
        return 0;
    printk("test-vm: watching control/shutdown, control/testing and control/sysrq\n");
    /* The keys may have changed while we were not watching, or while suspended. */
    c->reread_shutdown = c->reread_testing = c->reread_sysrq = true;
    c->reread_retry = (struct control_retry){.due = true, .at = 0};
    status_set_state(c, NULL);
    return 0;
}

void control_watches_lost(struct control *c)
{
    c->watching_shutdown = c->watching_testing = c->watching_sysrq = false;
    c->watch_retry = (struct control_retry){0};
    control_watch_keys(c);
}

void control_reread_later(struct control *c, const char *path)
{
    bool testing = strcmp(path, TESTING_PATH) == 0, sysrq = strcmp(path, SYSRQ_PATH) == 0;
    if (c->reread_retry.tries >= CONTROL_REREAD_TRIES) {
        log_error(path, "still failing after %u tries; reading it again at its next change",
                  CONTROL_REREAD_TRIES);
        c->reread_retry.tries = 0;
        return;
    }
    if (testing)
        c->reread_testing = true;
    else if (sysrq)
        c->reread_sysrq = true;
    else
        c->reread_shutdown = true;
    control_retry_schedule(c, &c->reread_retry);
    log_info(path, "reading it again in %lu ms",
             (unsigned long)control_retry_delay_ms(c->reread_retry.tries));
}
