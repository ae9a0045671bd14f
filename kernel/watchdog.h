/*
 * watchdog=N on the kernel command line (docs/protocol.md, "Kernel command line"):
 * one of Xen's domain watchdogs (SCHEDOP_watchdog), armed at boot for N
 * seconds and petted every N/2 s by the main loop.  While the loop runs the
 * domain lives; once it stops (the "hang" action, or a real hang) Xen shuts
 * the domain down with SHUTDOWN_watchdog after at most N s, as it would a
 * hung guest that runs a watchdog daemon.
 *
 * The pet comes from the main loop, between its steps: a step that waits for
 * xenstored (up to 5 s a request when xenstored does not answer) delays it.
 * After a resume in a new domain Xen no longer knows the watchdog (the pet
 * fails with EINVAL), so the next pet arms a new one.
 */
#ifndef KERNEL_WATCHDOG_H
#define KERNEL_WATCHDOG_H

#include <stdint.h>

#define WATCHDOG_TIMEOUT_MAX 86400u /* s: a day */

struct watchdog {
    uint32_t timeout_s; /* 0: no watchdog */
    uint32_t id;        /* Xen's id (1 or 2), 0 while none is armed */
    uint64_t period_ns; /* between pets: timeout_s / 2 */
    uint64_t next_pet_ns;
    long last_error; /* of the last pet or arming, so that a failure is logged once */
};

/*
 * Arm the watchdog for timeout_s (nothing if 0) and log it.  Returns 0 or
 * Xen's -errno; after a failure the next watchdog_tick() that pets tries again.
 */
int watchdog_start(struct watchdog *w, uint32_t timeout_s, uint64_t now_ns);

/*
 * Once a turn of the main loop: pet the watchdog if its time has come, and
 * return the earlier of until and the next pet (ns), the deadline the loop
 * must wake by.  Without a watchdog it returns until.
 */
uint64_t watchdog_tick(struct watchdog *w, uint64_t now_ns, uint64_t until);

#endif
