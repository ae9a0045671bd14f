/*
 * The simulated Xen's domain watchdogs (SCHEDOP_watchdog), as Xen's
 * common/sched/core.c has them: at most XEN_SIM_WATCHDOGS a domain; id 0
 * allocates the first free one, arms it for timeout s and returns its id
 * (1-based; -ENOSPC when both are taken); a known id with a timeout re-arms
 * it from now; with timeout 0 it is stopped and freed; an id above the
 * limit, or one not allocated, is -EINVAL.  When simulated time reaches a
 * deadline, Xen shuts the domain down with SHUTDOWN_watchdog (unless it has
 * already shut down).  Internal to tests/sim: xen_sim*.c drive it; tests use
 * the xen_sim_watchdog_*() accessors in xen_sim.h.
 */
#ifndef SIM_SIM_WATCHDOG_H
#define SIM_SIM_WATCHDOG_H

#include <stdbool.h>
#include <stdint.h>

/* Forget every watchdog (a fresh domain, or a resume in a new one). */
void sim_watchdog_reset(void);

/* SCHEDOP_watchdog(id, timeout) at time now_ns: what Xen returns. */
long sim_watchdog_op(uint32_t id, uint32_t timeout_s, uint64_t now_ns);

/* The earliest deadline of an armed watchdog, or UINT64_MAX. */
uint64_t sim_watchdog_next_deadline(void);

/*
 * Time is now_ns: stop every watchdog whose deadline has passed and return
 * the id (1-based) of the first that fired, or 0.
 */
unsigned int sim_watchdog_expire(uint64_t now_ns);

/* Accessors for xen_sim.h. */
bool sim_watchdog_in_use(unsigned int id);
bool sim_watchdog_armed(unsigned int id);
uint64_t sim_watchdog_deadline(unsigned int id);

#endif
