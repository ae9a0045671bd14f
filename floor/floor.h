/*
 * The floor guest (build/floor.xen, `make floor`): the least a PVH guest can
 * do and still be driven like one, so that what xl and Xen cost on their own
 * shows beside the test VM (docs/lab.md, "The floor guest").  It watches
 * control/shutdown and control/sysrq, writes control/feature-poweroff = "1"
 * (its one "ready" write), and then sleeps in SCHEDOP_poll on its xenstore
 * event channel.  It acks (writes "") control/sysrq whatever it holds, and
 * control/shutdown when it holds poweroff, halt, reboot or crash, then shuts
 * down with that reason (halt as poweroff: Xen has none).  Nothing else: no
 * console, no upcalls, no timer, no transactions (a plain read, then a
 * plain write of the ack).
 *
 * Portable: the same code runs in the host tests against the simulated Xen;
 * only its entry (floor/start.c: the hypercall page) is kernel-only.
 */
#ifndef FLOOR_FLOOR_H
#define FLOOR_FLOOR_H

#include "drivers/xenstore/xenstore.h"

#define FLOOR_TOKEN_SHUTDOWN "floor:shutdown"
#define FLOOR_TOKEN_SYSRQ    "floor:sysrq"

struct floor {
    struct xenstore xs;
    evtchn_port_t store_port;
    struct shared_info *shared;
    unsigned long dropped_seen; /* the client's dropped watch events, as last handled */
};

/*
 * Bring-up: map shared_info onto frame (a page of 4 KiB, all of it given up
 * to Xen's), connect to xenstore (HVM params), watch both keys, write
 * control/feature-poweroff = "1".  Returns 0, or Xen's or xenstore's
 * negative error from the step that failed.
 */
int floor_start(struct floor *f, void *frame);

/*
 * Handle every watch event the client has (or can read without waiting).
 * Returns the SHUTDOWN_* reason of a request it acked and carried out
 * (SCHEDOP_shutdown returned: only the host tests get here), or -1.
 */
int floor_handle_events(struct floor *f);

/* Sleep in SCHEDOP_poll until the xenstore port is pending (no timeout), and clear it. */
void floor_wait(struct floor *f);

/*
 * floor_start(), then handle events and wait, for ever on Xen.  A failed
 * start crashes the domain (SHUTDOWN_crash: there is no console to say why,
 * and a guest that never says ready must not look alive).  Returns only when
 * a SCHEDOP_shutdown returned (the host tests), with its reason.
 */
int floor_run(struct floor *f, void *frame);

#endif
