/* Xen's domain watchdog, armed and petted: see watchdog.h (the watchdog=N word: config.c). */
#include "kernel/watchdog.h"

#include <stdbool.h>

#include "arch/xen_calls.h"
#include "drivers/timer.h"
#include "drivers/xen_errno.h"
#include "kernel/cmdline.h"
#include "lib/log.h"
#include "lib/printk.h"
#include "lib/quote.h"
#include "lib/string.h"

/* Allocate one of Xen's watchdogs (id 0), armed for timeout_s. */
static long arm(struct watchdog *w)
{
    long rc = xen_sched_watchdog(0, w->timeout_s);
    if (rc > 0)
        w->id = (uint32_t)rc;
    return rc;
}

/* A failure is logged when it first happens, not at every pet. */
static void failed(struct watchdog *w, const char *what, long rc)
{
    if (rc != w->last_error)
        log_error("watchdog", "%s failed (%s); trying again every %lu ms", what, xen_errno_name(rc),
                  (unsigned long)(w->period_ns / NS_PER_MS));
    w->last_error = rc;
}

int watchdog_start(struct watchdog *w, uint32_t timeout_s, uint64_t now_ns)
{
    *w = (struct watchdog){.timeout_s = timeout_s};
    if (!timeout_s)
        return 0;
    w->period_ns = (uint64_t)timeout_s * NS_PER_S / 2;
    w->next_pet_ns = now_ns + w->period_ns;
    long rc = arm(w);
    if (rc <= 0) {
        failed(w, "arming it", rc ? rc : -XEN_EINVAL);
        return rc ? (int)rc : -XEN_EINVAL;
    }
    log_info("watchdog", "armed for %u s (Xen's watchdog %u), petted every %lu ms", timeout_s,
             w->id, (unsigned long)(w->period_ns / NS_PER_MS));
    return 0;
}

static void pet(struct watchdog *w)
{
    long rc;
    if (w->id) {
        rc = xen_sched_watchdog(w->id, w->timeout_s);
        if (rc != -XEN_EINVAL) {
            if (rc < 0)
                failed(w, "petting it", rc);
            else
                w->last_error = 0;
            return;
        }
        /* Xen does not know it: this is a new domain (restored or migrated). */
        log_info("watchdog",
                 "Xen no longer knows watchdog %u (EINVAL: a new domain); arming another", w->id);
        w->id = 0;
    }
    rc = arm(w);
    if (rc <= 0) {
        failed(w, "arming it", rc ? rc : -XEN_EINVAL);
        return;
    }
    w->last_error = 0;
    log_info("watchdog", "armed for %u s (Xen's watchdog %u)", w->timeout_s, w->id);
}

uint64_t watchdog_tick(struct watchdog *w, uint64_t now_ns, uint64_t until)
{
    if (!w->timeout_s)
        return until;
    if (now_ns >= w->next_pet_ns) {
        pet(w);
        w->next_pet_ns = now_ns + w->period_ns;
    }
    return w->next_pet_ns < until ? w->next_pet_ns : until;
}
