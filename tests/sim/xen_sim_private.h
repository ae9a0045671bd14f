/*
 * The simulated Xen's insides, shared by its files; tests use xen_sim.h
 * only.  By concern:
 *
 *   xen_sim.c             the domain: its state, pages, params and rings,
 *                         reset, shutdown, resume in a new domain, watchdogs
 *   xen_sim_time.c        the TSC, the pvclock record, the one-shot timer's state
 *   xen_sim_events.c      event channels (common/event_2l.c)
 *   xen_sim_backends.c    backends and resume hooks
 *   xen_sim_hypercalls.c  the hypercalls of arch/arch.h
 *   xen_sim_cpu.c         the TSC read, arch_idle() and the hangs it reports,
 *                         the interrupt window, misbehaviour counted
 *   xen_sim_panic.c       panic()
 *   sim_watchdog.c        the domain watchdogs of SCHEDOP_watchdog
 */
#ifndef SIM_XEN_SIM_PRIVATE_H
#define SIM_XEN_SIM_PRIVATE_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "sim/xen_sim.h"

#define MAX_BACKENDS 16
#define MAX_HOOKS    8
#define MAX_PAGES    64 /* ring pages over every generation since the reset */
#define MAX_CALL_NR  64 /* hypercall numbers and commands counted */

enum port_state { PORT_FREE, PORT_INTERDOMAIN, PORT_VIRQ };

struct port {
    enum port_state state;
    uint32_t virq;
    unsigned long sends;
};

struct backend {
    evtchn_port_t port;
    xen_sim_backend_fn run;
    void *ctx;
};

struct hook {
    xen_sim_backend_fn fn;
    void *ctx;
};

struct failure {
    bool armed;
    unsigned int hypercall, cmd;
    long rc;
};

/* The whole of the simulated Xen: one domain, its vCPU and the world around it. */
struct xen_sim_state {
    domid_t domid;
    unsigned int generation;
    uint64_t params[HVM_NR_PARAMS];

    /* shared_info: our own page until the guest maps one. */
    struct shared_info own_shared_info;
    struct shared_info *shared_info;

    struct port ports[XEN_SIM_MAX_PORTS];
    evtchn_port_t next_port;
    evtchn_port_t console_port, store_port;
    void *console_page, *store_page;
    void *pages[MAX_PAGES];
    unsigned int n_pages;

    /* The clock: the TSC and the record that turns it into ns. */
    uint64_t tsc, record_tsc, record_ns;
    uint32_t mul;
    int8_t shift;
    uint32_t time_version;
    bool timer_armed;
    uint64_t timer_deadline;
    unsigned long timer_fires;

    struct backend backends[MAX_BACKENDS];
    struct hook hooks[MAX_HOOKS];

    long suspend_result;
    bool resume_same_domain;
    int64_t resume_clock_jump_ns; /* xen_sim_set_resume_clock_jump() */
    bool soft_reset_in_place;     /* xen_sim_soft_reset_in_place() */
    unsigned long soft_resets;
    unsigned long shutdowns;
    int last_shutdown_reason;
    bool shut_down;              /* by a reason other than suspend: Xen ignores a watchdog then */
    unsigned int watchdog_fired; /* the watchdog that shut it down, or 0 */

    unsigned long calls[MAX_CALL_NR][MAX_CALL_NR];
    struct failure failure;

    unsigned long idles, upcalls, polls;
    unsigned long hangs, faults, triple_faults;
    jmp_buf *hang_env;
    char hang_message[160];
    bool lose_sti_shadow;

    jmp_buf *panic_env;
    char panic_message[512];
};

/* Defined in xen_sim.c, zeroed by every xen_sim_reset(). */
extern struct xen_sim_state sim;

/* ---- xen_sim.c */

/* The domain resumes in a new one (SCHEDOP_shutdown(SHUTDOWN_suspend) returning 0). */
void sim_resume_in_new_domain(void);
/* SHUTDOWN_soft_reset in place: the same domain, its devices afresh. */
void sim_soft_reset_in_place(void);
/* Time moved: a watchdog whose deadline passed shuts the domain down, as Xen's timer does. */
void sim_domain_watchdogs_expire(void);

/* ---- xen_sim_time.c */

/* Write the record into shared_info the way Xen does: version odd while writing. */
void sim_publish_time_record(void);
/* Smallest TSC at which the record gives at least target ns. */
uint64_t sim_tsc_for_ns(uint64_t target);

/* ---- xen_sim_events.c */

bool sim_port_valid(evtchn_port_t port);
/* A free port, now in state; 0 when every port is taken. */
evtchn_port_t sim_alloc_port(enum port_state state);
/* EVTCHNOP_unmask: a port pending meanwhile now sets its selector and the upcall. */
void sim_unmask(evtchn_port_t port);
bool sim_upcall_pending(void);

/* ---- xen_sim_backends.c */

/* Run the backends of port (XEN_SIM_ANY_PORT: every backend). */
void sim_run_backends_on(evtchn_port_t port);

/* ---- xen_sim_cpu.c */

/* A SCHEDOP_poll that nothing can end: reported as arch_idle()'s hangs are. */
void sim_poll_hang(void);

#endif
