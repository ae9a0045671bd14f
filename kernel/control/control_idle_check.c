/*
 * The idle check (docs/protocol.md, "Never deaf"): the VM does not rely on watch
 * events alone.  While none comes, it reads control/testing,
 * control/shutdown and control/sysrq itself: CONTROL_IDLE_FIRST_MS after the
 * last event, then after 10, 20 and 40 s more, then every 60 s.  A key that
 * holds a value other than what the VM left there at its last look got a
 * value whose watch event never came (xenstored lost the event, or the
 * watch): it is counted, logged, handled as its watch would have, and the
 * watches are registered again.
 *
 * Xenstored sends the event for a write before its reply to any later read,
 * so a value whose event is on its way is never taken for a miss: once an
 * event is queued, the check stops and the main loop handles the events.
 */
#include "kernel/control/control_internal.h"

#include <stdint.h>

#include "kernel/control/control_status.h"
#include "lib/log.h"
#include "lib/string.h"

static const char *const key_paths[CONTROL_KEYS] = {
    [CONTROL_KEY_TESTING] = TESTING_PATH,
    [CONTROL_KEY_SHUTDOWN] = SHUTDOWN_PATH,
    [CONTROL_KEY_SYSRQ] = SYSRQ_PATH,
};

uint64_t control_hash(const char *bytes, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)bytes[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static uint64_t now_ns(const struct control *c)
{
    return c->power.now_ns(c->power.ctx);
}

/* The wait after check n since the last event (0: the event itself): 5, 10, 20, 40, then 60 s. */
static uint64_t idle_delay_ms(unsigned int checks)
{
    uint64_t ms = CONTROL_IDLE_FIRST_MS;
    for (unsigned int i = 0; i < checks && ms < CONTROL_IDLE_MAX_MS; i++)
        ms *= 2;
    return ms < CONTROL_IDLE_MAX_MS ? ms : CONTROL_IDLE_MAX_MS;
}

void control_idle_reset(struct control *c)
{
    c->idle.last_event_ns = now_ns(c);
    c->idle.checks = 0;
    c->idle.due_ns = c->idle.last_event_ns + CONTROL_IDLE_FIRST_MS * 1000000ull;
}

void control_seen(struct control *c, enum control_key key, const char *bytes, size_t len)
{
    c->idle.seen_hash[key] = control_hash(bytes, len);
}

uint64_t control_idle_deadline(const struct control *c)
{
    return c->hung ? CONTROL_NO_DEADLINE : c->idle.due_ns;
}

/* A value with no watch event: say so, handle it, and register the watches again. */
static void missed(struct control *c, enum control_key key, uint64_t since_ms)
{
    c->idle.missed++;
    log_info(
        key_paths[key],
        "a value came with no watch event (found by the idle check %lu ms after the last event); handling it now",
        (unsigned long)since_ms);
    status_put_number(c, "missed-watch-events", c->idle.missed);
    switch (key) {
    case CONTROL_KEY_TESTING:
        control_testing_changed(c);
        break;
    case CONTROL_KEY_SHUTDOWN:
        control_shutdown_changed(c, true);
        break;
    default:
        control_sysrq_changed(c);
        break;
    }
    /*
     * xenstored may have lost the watches, not just one event: register them
     * again for real (it says EEXIST if it still has them, which is fine).
     * That reads every key once more too.
     */
    xenstore_watches_maybe_lost(c->xs);
    control_watches_lost(c);
    /* Look again soon: more may come unannounced. */
    c->idle.checks = 0;
    c->idle.due_ns = now_ns(c) + CONTROL_IDLE_FIRST_MS * 1000000ull;
}

void control_idle_run_due(struct control *c)
{
    /* Static: 4 KiB is too much for the kernel stack; this never runs nested. */
    static char value[XENSTORE_PAYLOAD_MAX + 1];

    if (c->hung || now_ns(c) < c->idle.due_ns)
        return;
    if (c->reread_retry.due || c->watch_retry.due) {
        /* The keys are being read again anyway (a read failed, a watch is missing): later. */
        c->idle.due_ns = now_ns(c) + CONTROL_IDLE_FIRST_MS * 1000000ull;
        return;
    }
    uint64_t since_ms = (now_ns(c) - c->idle.last_event_ns) / 1000000u;
    /* The next one first: whatever happens below, the checks go on. */
    c->idle.checks++;
    c->idle.due_ns = now_ns(c) + idle_delay_ms(c->idle.checks) * 1000000ull;

    for (int key = 0; key < CONTROL_KEYS; key++) {
        if (xenstore_watch_event_queued(c->xs))
            return; /* the main loop handles it (and that resets the schedule) */
        int n = xenstore_read(c->xs, 0, key_paths[key], value, sizeof(value));
        if (xenstore_watch_event_queued(c->xs))
            return; /* its event came before this reply: not a miss */
        if (n == -XS_ENOENT)
            n = 0;
        if (n < 0) {
            log_error("idle-check", "reading %s failed (%s); next check in %lu ms", key_paths[key],
                      xenstore_error_name(n), (unsigned long)idle_delay_ms(c->idle.checks));
            return;
        }
        if (n > 0 && control_hash(value, (size_t)n) != c->idle.seen_hash[key]) {
            missed(c, (enum control_key)key, since_ms);
            return;
        }
    }
}
