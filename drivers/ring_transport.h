/*
 * How a ring driver (console, xenstore) talks to whatever sits on the other
 * side: kick the peer, wait for it, and tell the time.  The kernel passes the
 * event channel and timer drivers; host tests pass a simulated backend that
 * runs when the driver waits.
 */
#ifndef DRIVERS_RING_TRANSPORT_H
#define DRIVERS_RING_TRANSPORT_H

#include <stdbool.h>
#include <stdint.h>

struct ring_transport {
    /* Tell the peer there is something new in the ring. */
    void (*notify)(void *ctx);
    /*
     * Block until the peer may have made progress, or until deadline_ns
     * (in now_ns() time) has passed.  May return early; callers re-check.
     * Returns false if it could not wait at all (the kernel's wait was
     * entered from inside a wait: see wait_for_event_until()); the caller
     * then gives up at once (the console drops, a request times out)
     * instead of spinning or recursing.
     */
    bool (*wait)(void *ctx, uint64_t deadline_ns);
    /* Monotonic nanoseconds. */
    uint64_t (*now_ns)(void *ctx);
    void *ctx;
};

#endif
