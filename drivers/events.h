/*
 * Event channels: shared_info, the upcall, and per-port handlers.
 *
 * Xen raises EVENT upcalls on one interrupt vector (HVM_PARAM_CALLBACK_IRQ,
 * "vector" type); events_upcall() then scans the classic two-level pending
 * bitmap and calls the handler bound to each pending, unmasked port.
 * Handlers run with interrupts off, from arch_idle() (or wait_for_event_until()
 * for an upcall still pending before the halt); they should only note
 * that something happened.  The main loop does the work.
 */
#ifndef DRIVERS_EVENTS_H
#define DRIVERS_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/xen.h"

#define EVENTS_MAX_BINDINGS 8 /* ports with a handler at once (any port of the ABI) */
/* Ports the 2-level ABI has: the bits of shared_info's evtchn_mask. */
#define EVENTS_2L_PORTS ((evtchn_port_t)(sizeof(((struct shared_info *)0)->evtchn_mask) * 8))

typedef void (*event_handler_fn)(evtchn_port_t port, void *ctx);

/*
 * Map shared_info onto our own page and ask for upcalls on `vector`.
 * Called again after resuming in a new domain: the old bindings are gone.
 */
int events_init(uint8_t vector);
struct shared_info *events_shared_info(void);

/*
 * Bind a handler to a port (any port from 1 to EVENTS_2L_PORTS - 1; binding a
 * bound port again replaces its handler) and unmask it.  Returns 0,
 * -XEN_EINVAL for a port outside the ABI, or -XEN_ENOSPC when
 * EVENTS_MAX_BINDINGS ports are bound already.
 */
int events_bind(evtchn_port_t port, event_handler_fn fn, void *ctx);
void events_unbind(evtchn_port_t port);
/*
 * Bind virq on vCPU 0 and a handler to its port (*port).  If Xen says it is
 * bound already (EEXIST: a resume in the same domain keeps every binding),
 * its port is looked up (EVTCHNOP_status; *port, the port it had, first) and
 * used, and EVENTS_STILL_BOUND returned.  Otherwise 0 or Xen's -errno (or
 * events_bind()'s error).
 */
#define EVENTS_STILL_BOUND 1
int events_bind_virq(uint32_t virq, event_handler_fn fn, void *ctx, evtchn_port_t *port);

/* A port >= EVENTS_2L_PORTS is ignored, logged and counted (events_bad_ports). */
void events_mask(evtchn_port_t port);
void events_unmask(evtchn_port_t port);
int events_notify(evtchn_port_t port);

/*
 * Called from the upcall vector (or the simulated Xen in host tests), and by
 * wait_for_event_until() for an upcall still pending before it halts.
 */
void events_upcall(void);
/* vCPU 0's evtchn_upcall_pending: an event is marked that no upcall has handled yet. */
bool events_upcall_pending(void);
/*
 * The upcall vector's entry: events_upcall(), then, if *resume (where the
 * interrupted code carries on) is arch_idle_halt, make it arch_idle_woken.
 * Back on the halt, the CPU would sleep with this upcall's wake-up already
 * consumed, until some later event: for a xenstore reply, its 5 s deadline.
 */
void events_upcall_at(uintptr_t *resume);

/* Counters, for the log and for tests. */
uint64_t events_upcalls(void);
uint64_t events_spurious(void);
uint64_t events_bad_ports(void);  /* masks and unmasks ignored: port beyond the ABI */
uint64_t events_halt_skips(void); /* upcalls that came before the idle halt (arch.h) */

#endif
