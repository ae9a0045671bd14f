/*
 * The Xen devices the kernel drives, brought up in order at boot and set up
 * again after resuming in a new domain: event channels (shared_info and the
 * upcall), the timer, the PV console ring and the xenstore ring.
 */
#ifndef KERNEL_DEVICES_H
#define KERNEL_DEVICES_H

#include <stdint.h>

#include "drivers/console.h"
#include "drivers/xenstore/xenstore.h"

struct watchdog;

struct devices {
    uint8_t upcall_vector;
    evtchn_port_t console_port, xenstore_port;
    struct console console;
    struct xenstore xenstore;
    bool console_up, xenstore_up;
    bool same_domain;           /* the last resume was of the same domain (Xen kept the bindings) */
    bool console_history_shown; /* the boot log went to a console ring */
    /* The suspend event channel, once asked for: 0 if none (yet, or since a new domain). */
    evtchn_port_t suspend_port;
    bool suspend_bound;          /* its handler is bound (events_init forgets it) */
    volatile bool suspend_fired; /* dom0 notified it; set by the handler */
    struct watchdog *watchdog;   /* watchdog=N's, petted by power_keepalive(); NULL: none */
};

/*
 * How a ring driver talks to its backend over event channel *port: notify
 * sends on the port, wait sleeps until an event or the deadline, now_ns
 * reads the clock.  *port is read at every notify, so it must outlive the
 * driver.
 */
struct ring_transport devices_ring_transport(evtchn_port_t *port);

/*
 * Boot: events, timer, console (then the console is a printk sink), xenstore.
 * Returns 0, or Xen's -errno (-XEN_ENODEV: no ring) if a device the VM
 * cannot work without is missing; each failing step logs its own line.
 */
int devices_bring_up(struct devices *d, uint8_t upcall_vector);

/*
 * After SHUTDOWN_suspend returned 0, set every device up again.  Usually the
 * domain is new, and so are shared_info, every event channel and the rings'
 * ports; after a non-cooperative resume it is the same domain, and Xen kept
 * every binding (found out from VIRQ_TIMER: d->same_domain).  The xenstore
 * client keeps its watch list, but the caller must register the watches
 * again.  The console is a printk sink again only once its new ring is found
 * (never if the new domain has none).  Returns 0 or Xen's -errno, like
 * devices_bring_up(); it may be called again after a failure.
 */
int devices_resume(struct devices *d);

/*
 * The suspend event channel: allocate an unbound port for dom0 (again after
 * a resume into a new domain) and bind a handler that notes each
 * notification.  Returns 0 with the port in *port, or Xen's -errno.
 */
int devices_suspend_channel(struct devices *d, evtchn_port_t *port);
/* True once for each time dom0 notified the suspend event channel. */
bool devices_suspend_notified(struct devices *d);

#endif
