/*
 * Acks whose commit reply never came (XENSTORE_COMMIT_UNKNOWN): xenstored
 * may have committed the ack or not, and the toolstack may already have seen
 * it.  One mechanism for every key (control/shutdown, its delayed ack,
 * control/testing, control/sysrq): remember "the ack of V is unsure", look at
 * the key, and
 *   - the key shows the ack: it landed, so V is carried out (by the key's
 *     own file: UNSURE_LANDED), exactly once;
 *   - the key still holds V: it did not land, V is handled again;
 *   - the key holds something else: the ack may have landed and V is not
 *     carried out: reported as an error, the new value handled as usual;
 *   - the look fails too (time-outs come in runs under load): looked at
 *     again after the retry back-off, as long as it takes.  Until it is
 *     settled the key's other work waits.
 */
#include "kernel/control/control_internal.h"

#include "kernel/control/control_status.h"
#include "lib/log.h"
#include "lib/quote.h"
#include "lib/string.h"

static const char *const key_paths[CONTROL_KEYS] = {
    [CONTROL_KEY_TESTING] = TESTING_PATH,
    [CONTROL_KEY_SHUTDOWN] = SHUTDOWN_PATH,
    [CONTROL_KEY_SYSRQ] = SYSRQ_PATH,
};

struct control_unsure *control_unsure_begin(struct control *c, enum control_key key,
                                            const struct control_value *request, const char *ack)
{
    struct control_unsure *u = &c->unsure[key];
    u->set = true;
    u->request = *request;
    u->ack_removes = ack == NULL;
    size_t n = ack ? strlen(ack) : 0;
    if (n >= sizeof(u->ack))
        n = sizeof(u->ack) - 1;
    memcpy(u->ack, ack ? ack : "", n);
    u->ack[n] = '\0';
    u->ack_len = n;
    log_info(key_paths[key], "the reply to the ack's commit was lost; looking at the key");
    return u;
}

bool control_unsure_pending(const struct control *c)
{
    for (int key = 0; key < CONTROL_KEYS; key++) {
        if (c->unsure[key].set)
            return true;
    }
    return false;
}

void control_unsure_run_due(struct control *c)
{
    c->unsure_retry.due = false;
    if (c->unsure[CONTROL_KEY_TESTING].set)
        control_testing_changed(c);
    if (c->unsure[CONTROL_KEY_SHUTDOWN].set)
        control_shutdown_changed(c, true);
    if (c->unsure[CONTROL_KEY_SYSRQ].set)
        control_sysrq_changed(c);
    if (!control_unsure_pending(c))
        c->unsure_retry.tries = 0;
}

static bool value_equals(const char *bytes, size_t len, const struct control_value *v)
{
    return len == v->len && memcmp(bytes, v->bytes, len) == 0;
}

enum control_unsure_outcome control_unsure_settle(struct control *c, enum control_key key)
{
    static char now[XENSTORE_PAYLOAD_MAX + 1]; /* 4 KiB: not on the kernel stack */
    struct control_unsure *u = &c->unsure[key];
    const char *path = key_paths[key];
    char shown[SHOWN_REQUEST_CHARS];

    if (!u->set)
        return UNSURE_NONE;
    int n = xenstore_read(c->xs, 0, path, now, sizeof(now));
    if (n < 0 && n != -XS_ENOENT) {
        /* One back-off for every unsure key; it starts again once none is left. */
        if (!c->unsure_retry.due)
            control_retry_schedule(c, &c->unsure_retry);
        log_error(path, "looking whether the ack landed failed (%s); looking again in %lu ms",
                  xenstore_error_name(n),
                  (unsigned long)control_retry_delay_ms(c->unsure_retry.tries));
        return UNSURE_WAIT;
    }
    u->set = false;
    quote(shown, sizeof(shown), u->request.bytes, u->request.len, QUOTE_LOG, SIZE_MAX);
    bool landed = u->ack_removes
                      ? n == -XS_ENOENT
                      : n >= 0 && (size_t)n == u->ack_len && memcmp(now, u->ack, u->ack_len) == 0;
    if (landed) {
        log_info(path, "the key shows the ack of %s: it landed; carrying it out", shown);
        control_seen(c, key, now, n > 0 ? (size_t)n : 0);
        return UNSURE_LANDED;
    }
    if (n >= 0 && value_equals(now, (size_t)n, &u->request)) {
        log_info(path, "the key still holds %s: the ack did not land; handling it again", shown);
        return UNSURE_NOT_LANDED;
    }
    status_error(c, path,
                 "the ack of %s may have landed (its commit's reply was lost), but the key now "
                 "holds something else: not carried out",
                 shown);
    return UNSURE_NONE;
}
