/*
 * A simulated Xen for the host build: it implements every function of
 * arch/arch.h, so the portable drivers and kernel code run unchanged in
 * host unit tests, single-threaded and deterministic.
 *
 * The model, in one paragraph.  There is one domain with one vCPU.
 * xen_sim_reset() creates it: a domid, a console and a xenstore ring page
 * (zeroed, page-aligned heap memory, so pfn = address >> 12 as arch.h
 * assumes) with an event channel each, published as HVM params.  Event
 * channels use Xen's 2-level ABI: xen_sim_raise() sets a port's pending bit
 * and, if the port is unmasked, its selector bit and evtchn_upcall_pending,
 * exactly as Xen does.  Until the guest maps shared_info
 * (XENMEM_add_to_physmap) the sim keeps that state in a page of its own;
 * mapping copies it into the guest's page, which the sim then writes into.
 * Time is a simulated TSC; the pvclock record (vcpu_time_info) in
 * shared_info says how to turn it into nanoseconds, and xen_sim_now_ns() is
 * what that record gives for the current TSC.  Time moves only when a test
 * calls xen_sim_advance_ns() or when the guest idles with a one-shot timer
 * armed and nothing pending.
 *
 * arch_idle() is where "the rest of the world" runs: every registered
 * backend (a fake xenconsoled, a fake xenstored) gets a turn; if no upcall
 * is pending and a one-shot timer is armed, the clock jumps to its deadline
 * and VIRQ_TIMER is raised; then, if an upcall is pending and the guest set
 * a callback vector (HVM_PARAM_CALLBACK_IRQ), events_upcall_at() runs as the
 * interrupt would, resuming after the halt (but see xen_sim_lose_sti_shadow()).
 * The sim is strict, like hardware: an arch_idle() after which no upcall
 * could be delivered (nothing pending, the timer's port unbound or masked,
 * no callback vector) would sleep for ever on Xen, so the sim reports it,
 * with the stack of that arch_idle() call, and aborts the test.
 *
 * Backends also run synchronously when the guest sends on their port
 * (EVTCHNOP_send), and should notify the guest with xen_sim_raise().  They
 * must look the ring and port up (xen_sim_console_ring(), ...) each time
 * they run: both change when the domain resumes in a new domain.
 * (The kernel's port-0xe9 console is kernel-only; host tests capture the log
 * with sim/log_capture instead.)
 */
#ifndef SIM_XEN_SIM_H
#define SIM_XEN_SIM_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/xen.h"

/* ---- The domain ------------------------------------------------------ */

/*
 * A fresh domain (domid 1, generation 0): new rings and ports, no shared_info
 * mapping, no callback vector, no timer, clock at 0 with the default scale.
 * Forgets every backend, resume hook, injected failure, counter and the
 * captured debug output.  Call it first in every test's set-up.
 */
void xen_sim_reset(void);

domid_t xen_sim_domid(void);
/* 0 after xen_sim_reset(), one more after each resume in a new domain. */
unsigned int xen_sim_generation(void);

/* ---- HVM params, as the toolstack set them --------------------------- */

uint64_t xen_sim_param(uint32_t index);
/* The toolstack's view: no permission checks (e.g. set CONSOLE_EVTCHN to 0). */
void xen_sim_set_param(uint32_t index, uint64_t value);
/* The vector from HVM_PARAM_CALLBACK_IRQ if the guest chose type 2, else -1. */
int xen_sim_callback_vector(void);

/* ---- The rings of the current domain ---------------------------------- */

struct xencons_interface *xen_sim_console_ring(void);
struct xenstore_domain_interface *xen_sim_store_ring(void);
evtchn_port_t xen_sim_console_port(void);
evtchn_port_t xen_sim_store_port(void);

/* ---- shared_info -------------------------------------------------------- */

/* Where the sim keeps shared_info now: the guest's page once mapped. */
struct shared_info *xen_sim_shared_info(void);
bool xen_sim_shared_info_mapped(void);

/* ---- Event channels ----------------------------------------------------- */

#define XEN_SIM_MAX_PORTS 4096 /* the 2-level ABI's limit on 64-bit */
#define XEN_SIM_ANY_PORT  ((evtchn_port_t)~0u)

/*
 * A new interdomain-style port (as if a backend had bound one), so a test can
 * play the remote end: EVTCHNOP_send on it counts and runs its backends.
 * Returns 0 when every port is taken.
 */
evtchn_port_t xen_sim_alloc_port(void);
/* Hand out ports from this one on (e.g. make a new domain's ring ports >= 256). */
void xen_sim_set_next_port(evtchn_port_t port);
/* The remote end notifies: set pending as Xen does (no-op on a bad port). */
void xen_sim_raise(evtchn_port_t port);
bool xen_sim_port_pending(evtchn_port_t port);
bool xen_sim_port_masked(evtchn_port_t port);
/* EVTCHNOP_send calls on port since the domain started. */
unsigned long xen_sim_sends(evtchn_port_t port);
/* The port VIRQ virq is bound to, or 0. */
evtchn_port_t xen_sim_virq_port(uint32_t virq);

/* ---- Backends (the other side of the rings) ------------------------------ */

typedef void (*xen_sim_backend_fn)(void *ctx);

/*
 * run(ctx) is called on every arch_idle() and whenever the guest sends on
 * port (any port with XEN_SIM_ANY_PORT).  A backend registered on the console
 * or xenstore port follows that ring to its new port when the domain resumes
 * in a new domain, as xenconsoled and xenstored reconnect.  Returns 0, or -1
 * when the table (16 entries) is full.
 */
int xen_sim_register_backend(evtchn_port_t port, xen_sim_backend_fn run, void *ctx);
void xen_sim_unregister_backend(xen_sim_backend_fn run, void *ctx);
/* Give every backend one turn, as arch_idle() does. */
void xen_sim_run_backends(void);

/*
 * fn(ctx) runs when the domain has resumed in a new domain (rings, ports and
 * params are the new ones), before SCHEDOP_shutdown returns 0 to the guest.
 * Returns 0, or -1 when the table (8 entries) is full.
 */
int xen_sim_register_resume_hook(xen_sim_backend_fn fn, void *ctx);

/* ---- Time ----------------------------------------------------------------- */

uint64_t xen_sim_now_ns(void); /* what the pvclock record gives for the TSC now */
uint64_t xen_sim_tsc(void);
/* Move the TSC forward so that xen_sim_now_ns() grows by at least ns. */
void xen_sim_advance_ns(uint64_t ns);
/* Move the TSC forward by exactly ticks (for tests of what the guest makes of TSC readings). */
void xen_sim_advance_tsc(uint64_t ticks);
/*
 * Change the TSC's scale (ns = ((tsc delta << shift) * mul) >> 32, shift may
 * be negative) and publish a fresh pvclock record.  Default: a 2.5 GHz TSC,
 * mul 0xcccccccd, shift -1.
 */
void xen_sim_set_tsc_scale(uint32_t mul, int8_t shift);
/* Publish a fresh pvclock record for the current TSC, as Xen does now and then. */
void xen_sim_update_time_record(void);

bool xen_sim_timer_armed(void);
uint64_t xen_sim_timer_deadline(void); /* of the armed one-shot timer */
unsigned long xen_sim_timer_fires(void);

/* ---- Idling ----------------------------------------------------------------- */

unsigned long xen_sim_idles(void);
/*
 * SCHEDOP_poll calls so far.  A poll returns once one of its ports is
 * pending (the backends run first), at its timeout (the clock jumps there),
 * or when a watchdog fires first; with no timeout and nothing pending it is
 * a hang, reported like arch_idle()'s (xen_sim_catch_hang() catches it).
 */
unsigned long xen_sim_polls(void);
/*
 * Model a virtual CPU that loses STI's one-instruction shadow (QEMU's TCG SVM,
 * under the lab's Xen): an upcall pending when arch_idle() starts is then
 * delivered before its halt instruction runs, through events_upcall_at() with
 * arch_idle_halt as the resume address.  Unless the guest moves that past the
 * halt, the halt then runs and sleeps until the next event or the one-shot
 * timer.  Off after xen_sim_reset().
 */
void xen_sim_lose_sti_shadow(bool lose);
/*
 * Open the guest's interrupt window for a moment without halting ("sti; nop;
 * cli"): every backend gets a turn and every upcall that can be delivered is.
 * Returns true if one was.  For tests of event delivery that must also see
 * "nothing was delivered", which arch_idle() reports as a hang.
 */
bool xen_sim_interrupt_window(void);
/*
 * Instead of aborting when the guest would hang in arch_idle(), longjmp() to
 * *env (value 1) and keep the reason (a test that checks the sim itself, or
 * that a hang is what a broken guest gets).  One-shot; NULL restores abort().
 */
void xen_sim_catch_hang(jmp_buf *env);
const char *xen_sim_hang_message(void);
/* Upcalls (events_upcall_at() calls) made by arch_idle(). */
unsigned long xen_sim_upcalls(void);

/* ---- Shutdown, suspend and resume --------------------------------------------- */

/*
 * What SCHEDOP_shutdown(SHUTDOWN_suspend) returns: 1 (default) as when the
 * suspend was cancelled or checkpointed, 0 to resume in a new domain (new
 * domid, rings, ports and params; shared_info unmapped and fresh; callback
 * vector, VIRQ bindings and timer gone; TSC on a new base with the clock
 * carrying on), or a negative error.  Before switching domains every backend
 * gets one last turn on the old rings.
 */
void xen_sim_set_suspend_result(long rc);
/*
 * With a result of 0: resume in the same domain instead, as libxc's
 * non-cooperative xc_domain_resume(fast=0) does: the suspend returns 0, yet
 * Xen keeps everything (shared_info mapping, callback vector, every event
 * channel and VIRQ binding: binding VIRQ_TIMER again fails with EEXIST) and
 * xenstored keeps the connection and its watches.  Off after xen_sim_reset().
 */
void xen_sim_resume_same_domain(bool same);
/*
 * The next resumes into a new domain land on a host whose system time is
 * jump_ns off the old one's (negative: behind, as a host that booted later),
 * as Xen's pvclock is the host's time (collect_time_info()).  At most back
 * to 0.  0 after xen_sim_reset(): the clock carries on.
 */
void xen_sim_set_resume_clock_jump(int64_t jump_ns);
/*
 * SHUTDOWN_soft_reset as xenopsd's Domain.soft_reset does it, in place: the
 * call returns 0 in the same domain (same domid) with every event channel
 * closed, shared_info replaced (unmapped: the guest must map it again), the
 * timer stopped, and the console and xenstore rings and ports new (Xen's
 * domain_soft_reset(), then the toolstack's set-up).  Off after
 * xen_sim_reset(): the domain then shuts down with reason soft_reset, as
 * under xl.
 */
void xen_sim_soft_reset_in_place(bool in_place);
unsigned long xen_sim_soft_resets(void);

/* Other reasons only record the call and return 0 (the guest is "dead"). */
unsigned long xen_sim_shutdowns(void);
int xen_sim_last_shutdown_reason(void); /* SHUTDOWN_*, or -1 if none yet */

/* ---- Watchdogs (SCHEDOP_watchdog) ------------------------------------------------ */

/*
 * As Xen's common/sched/core.c: at most XEN_SIM_WATCHDOGS a domain; id 0
 * allocates one, armed for timeout s, and returns its id (1 or 2; -ENOSPC
 * when both are taken); a known id with a timeout re-arms it from now;
 * timeout 0 frees it; any other id is -EINVAL.  When time reaches an armed
 * deadline (xen_sim_advance_ns(), or the clock jumping while the guest
 * idles), the domain shuts down with SHUTDOWN_watchdog, recorded like any
 * shutdown (xen_sim_shutdowns(), xen_sim_last_shutdown_reason()), unless it
 * had already shut down (Xen then ignores it).  An idle guest whose one-shot
 * timer, if any, is due after a watchdog's deadline is shut down by the
 * watchdog instead of woken; from then on the domain is dead: arch_idle()
 * returns at once.  A resume in a new domain has no watchdogs; a resume in
 * the same domain keeps them.
 */
#define XEN_SIM_WATCHDOGS 2
bool xen_sim_watchdog_in_use(unsigned int id);
bool xen_sim_watchdog_armed(unsigned int id);
uint64_t xen_sim_watchdog_deadline(unsigned int id); /* ns; 0 if not armed */
/* The id of the watchdog that shut the domain down, or 0. */
unsigned int xen_sim_watchdog_fired(void);

/* ---- Hypercall accounting and failure injection ------------------------------- */

/* Calls of hypercall (__HYPERVISOR_*) with cmd since the last reset. */
unsigned long xen_sim_calls(unsigned int hypercall, unsigned int cmd);
/* Make the next call of hypercall with cmd fail with rc (e.g. -EINVAL). */
void xen_sim_fail_next(unsigned int hypercall, unsigned int cmd, long rc);

/* ---- Misbehaviour (arch_hang, arch_fault, arch_triple_fault only count here) ---- */

unsigned long xen_sim_hangs(void);
unsigned long xen_sim_faults(void);
unsigned long xen_sim_triple_faults(void);

/* ---- The debug port and panic --------------------------------------------------- */

/*
 * panic() prints to stderr and abort()s, unless a test asked to catch it:
 * then it keeps the message and longjmp()s to *env (with value 1).  NULL
 * restores abort().  The catch is one-shot: it is cleared when taken.
 */
void xen_sim_catch_panic(jmp_buf *env);
const char *xen_sim_panic_message(void); /* the last caught panic's message */

#endif
