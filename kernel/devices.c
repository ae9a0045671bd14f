#include "kernel/devices.h"
#include "arch/arch.h"
#include "arch/xen_calls.h"
#include "drivers/events.h"
#include "drivers/timer.h"
#include "drivers/xen_errno.h"
#include "kernel/boot_time.h"
#include "lib/log.h"
#include "lib/printk.h"

static void notify_port(void *ctx)
{
    events_notify(*(evtchn_port_t *)ctx);
}

static bool wait_event(void *ctx, uint64_t deadline_ns)
{
    (void)ctx;
    return wait_for_event_until(deadline_ns);
}

static uint64_t now_ns(void *ctx)
{
    (void)ctx;
    return time_now_ns();
}

struct ring_transport devices_ring_transport(evtchn_port_t *port)
{
    return (struct ring_transport){notify_port, wait_event, now_ns, port};
}

/* Waking the CPU from arch_idle() is all a ring event has to do. */
static void ring_event(evtchn_port_t port, void *ctx)
{
    (void)port;
    (void)ctx;
}

/* The ring and event channel the toolstack gave us (HVM params), bound to a handler. */
static int find_ring(const char *name, uint32_t pfn_param, uint32_t evtchn_param, void **ring,
                     evtchn_port_t *port)
{
    uint64_t pfn = 0, evtchn = 0;
    int rc = (int)xen_hvm_get_param(pfn_param, &pfn);
    if (!rc)
        rc = (int)xen_hvm_get_param(evtchn_param, &evtchn);
    if (rc) {
        log_error(name, "reading its HVM params failed (%s)", xen_errno_name(rc));
        return rc;
    }
    if (pfn == 0 || evtchn == 0) {
        log_info(name, "no ring (pfn %lu, event channel %lu)", (unsigned long)pfn,
                 (unsigned long)evtchn);
        return -XEN_ENODEV;
    }
    *ring = arch_pfn_to_ptr(pfn);
    *port = (evtchn_port_t)evtchn;
    log_info(name, "ring at pfn 0x%lx, event channel %u", (unsigned long)pfn, *port);
    return events_bind(*port, ring_event, 0);
}

/*
 * Stop logging to the console ring.  After a resume in a new domain its ring
 * and port are the old domain's: the port number may now be something else's.
 */
static void console_down(struct devices *d)
{
    if (d->console_up)
        printk_remove_sink(console_printk_sink, &d->console);
    d->console_up = false;
}

/* Find the console ring and log to it; the log still reaches port 0xe9 if not. */
static int console_up(struct devices *d)
{
    void *ring;
    console_down(d);
    if (find_ring("console", HVM_PARAM_CONSOLE_PFN, HVM_PARAM_CONSOLE_EVTCHN, &ring,
                  &d->console_port))
        return -1;
    struct ring_transport t = devices_ring_transport(&d->console_port);
    console_init(&d->console, ring, &t);
    /* The boot log, once: the first console that comes up shows it. */
    if (!d->console_history_shown) {
        printk_replay_history(console_printk_sink, &d->console);
        d->console_history_shown = true;
    }
    printk_add_sink(console_printk_sink, &d->console);
    d->console_up = true;
    return 0;
}

static int xenstore_up(struct devices *d, bool resume)
{
    void *ring;
    int rc = find_ring("xenstore", HVM_PARAM_STORE_PFN, HVM_PARAM_STORE_EVTCHN, &ring,
                       &d->xenstore_port);
    if (rc)
        return rc;
    if (resume) {
        xenstore_resume(&d->xenstore, ring, d->same_domain);
        return 0;
    }
    struct ring_transport t = devices_ring_transport(&d->xenstore_port);
    xenstore_init(&d->xenstore, ring, &t);
    d->xenstore_up = true;
    return 0;
}

static int events_and_timer_up(struct devices *d)
{
    int rc = events_init(d->upcall_vector);
    if (rc)
        return rc;
    rc = timer_init();
    /* Xen kept VIRQ_TIMER bound: the resume was of the same domain, which kept every binding. */
    d->same_domain = rc == EVENTS_STILL_BOUND;
    /* events_init() forgot every handler; a new domain has none of the old ports. */
    d->suspend_bound = false;
    if (!d->same_domain)
        d->suspend_port = 0;
    return rc < 0 ? rc : 0;
}

int devices_bring_up(struct devices *d, uint8_t upcall_vector)
{
    d->upcall_vector = upcall_vector;
    int rc = events_and_timer_up(d);
    boot_time_mark(BOOT_STAGE_EVENTS);
    if (rc)
        return rc;
    /* No console ring is survivable: the log still reaches port 0xe9. */
    console_up(d);
    boot_time_mark(BOOT_STAGE_CONSOLE);
    rc = xenstore_up(d, false);
    boot_time_mark(BOOT_STAGE_XENSTORE);
    return rc;
}

static void suspend_event(evtchn_port_t port, void *ctx)
{
    (void)port;
    ((struct devices *)ctx)->suspend_fired = true;
}

int devices_suspend_channel(struct devices *d, evtchn_port_t *port)
{
    if (!d->suspend_port) {
        long rc = xen_evtchn_alloc_unbound(0, &d->suspend_port);
        if (rc) {
            log_error("suspend-evtchn", "allocating a port for dom0 failed (%s)",
                      xen_errno_name(rc));
            d->suspend_port = 0;
            return (int)rc;
        }
        d->suspend_bound = false;
    }
    if (!d->suspend_bound) {
        int rc = events_bind(d->suspend_port, suspend_event, d);
        if (rc)
            return rc;
        d->suspend_bound = true;
    }
    *port = d->suspend_port;
    return 0;
}

bool devices_suspend_notified(struct devices *d)
{
    bool fired = d->suspend_fired;
    d->suspend_fired = false;
    return fired;
}

int devices_resume(struct devices *d)
{
    /* Until console_up() has found the new domain's ring, only port 0xe9 logs. */
    console_down(d);
    int rc = events_and_timer_up(d);
    if (rc)
        return rc;
    /* A new domain may be on another host, whose system time is another (not at boot). */
    if (!d->same_domain)
        time_rebase();
    /* A new domain without a console ring leaves it down; a later one may have one. */
    console_up(d);
    return xenstore_up(d, true);
}
