/*
 * Time and waiting.  time_now_ns() reads Xen's pvclock (vcpu_time_info in
 * shared_info); a one-shot timer (VCPUOP_set_singleshot_timer) raises
 * VIRQ_TIMER so the kernel can sleep in arch_idle() with a deadline.
 */
#ifndef DRIVERS_TIMER_H
#define DRIVERS_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/xen.h"
#include "drivers/pvclock.h"

#define NS_PER_MS    1000000ull
#define NS_PER_S     1000000000ull
#define TIME_FOREVER UINT64_MAX

/*
 * The VM's clock, in ns: Xen's system time (pvclock) at boot, carried on
 * across resumes into a new domain (time_rebase()), never backwards.  Not
 * "since the domain started": Xen's system time counts from the host's boot,
 * and time spent suspended does not count.
 */
uint64_t time_now_ns(void);
/*
 * After a resume into a new domain (shared_info mapped again): the clock
 * carries on from its last reading, whatever Xen's system time did (another
 * host's time, backwards too).  Logs the jump if there was one.
 */
void time_rebase(void);
/* For host tests: a clock as at boot (offset and last reading forgotten). */
void time_reset_clock(void);
/* A consistent copy of this vCPU's pvclock record (its rate, for TSC readings taken earlier). */
void time_record(struct vcpu_time_info *copy);

/*
 * Bind VIRQ_TIMER (again, after a resume): 0, EVENTS_STILL_BOUND if Xen had
 * kept it bound (a resume of the same domain), or Xen's -errno.
 */
int timer_init(void);

/*
 * Sleep until an event arrives or deadline_ns passes, whichever is first
 * (TIME_FOREVER: no deadline).  An NMI may also end it early; the main loop
 * reports it (loop_step(), nmi_report()), never this.
 *
 * Nothing reachable from here prints or waits: event handlers only set
 * flags.  A wait entered from inside a wait (a handler that logged, and the
 * console ring full) would recurse once per wake-up, and each level costs
 * stack: so a nested call returns false at once, without waiting, and the
 * caller gives up (the console drops its line).  true: it waited.
 */
bool wait_for_event_until(uint64_t deadline_ns);

/*
 * Forget that a wait is in progress: only for a host test's simulated Xen,
 * which leaves a wait by longjmp (a hang or a panic it catches).
 */
void wait_abandoned(void);

/* Nested waits refused so far (each a bug in a handler: the tests look). */
uint64_t wait_nested_refused(void);

/* Timer interrupts seen so far.  Only the tests look: the kernel needs no count. */
uint64_t timer_fired(void);

#endif
