/*
 * The simulated Xen's CPU (xen_sim_private.h): the TSC the guest reads, its
 * idle halt (where the rest of the world runs and the timer fires), the
 * upcalls it takes, the hangs the sim reports, and misbehaviour counted.
 */
#include <stdio.h>
#include <stdlib.h>

#include "arch/arch.h"
#include "drivers/events.h"
#include "drivers/timer.h"
#include "sim/sim_watchdog.h"
#include "sim/xen_sim.h"
#include "sim/xen_sim_private.h"

/* The sanitizers' runtime, when linked in: prints the current stack. */
extern void __sanitizer_print_stack_trace(void) __attribute__((weak));

#define MAX_UPCALLS_PER_IDLE 16

uint64_t arch_rdtsc(void)
{
    return sim.tsc;
}

static void fire_timer(void)
{
    sim.timer_armed = false;
    if (sim.timer_deadline > xen_sim_now_ns())
        sim.tsc = sim_tsc_for_ns(sim.timer_deadline);
    sim.timer_fires++;
    xen_sim_update_time_record(); /* Xen refreshes the record as the timer fires */
    evtchn_port_t port = xen_sim_virq_port(VIRQ_TIMER);
    if (port)
        xen_sim_raise(port);
}

/* Stand-ins for the addresses of the kernel's idle halt and the instruction after it. */
const char arch_idle_halt[1], arch_idle_woken[1];

static bool upcall_deliverable(void)
{
    return sim_upcall_pending() && xen_sim_callback_vector() >= 0;
}

/* Why nothing can wake the halted guest, for the hang report. */
static const char *why_undeliverable(bool timer_fired)
{
    if (xen_sim_callback_vector() < 0)
        return "the guest set no callback vector (HVM_PARAM_CALLBACK_IRQ)";
    if (timer_fired) {
        evtchn_port_t port = xen_sim_virq_port(VIRQ_TIMER);
        if (!port)
            return "the one-shot timer fired, but VIRQ_TIMER is bound to no port";
        if (xen_sim_port_masked(port))
            return "the one-shot timer fired, but VIRQ_TIMER's port is masked";
        return "the one-shot timer fired, but no upcall became pending";
    }
    if (sim_upcall_pending())
        return "an upcall is pending but cannot be delivered";
    return "no event is pending and no one-shot timer is armed";
}

/*
 * A halted vCPU that no upcall can reach sleeps for ever on Xen.  Report
 * which arch_idle() call did it (the stack, under the sanitizers) and fail.
 */
static void hang_because(const char *why, const char *call)
{
    snprintf(sim.hang_message, sizeof(sim.hang_message), "%s", why);
    jmp_buf *env = sim.hang_env;
    if (env) {
        sim.hang_env = NULL;
        wait_abandoned(); /* the longjmp may leave a wait_for_event_until() */
        longjmp(*env, 1);
    }
    fprintf(stderr,
            "xen_sim: the guest halted in %s and nothing can wake it: %s; "
            "on Xen it would hang for ever.  The %s call:\n",
            call, why, call);
    if (__sanitizer_print_stack_trace)
        __sanitizer_print_stack_trace();
    abort();
}

static void hang(bool timer_fired)
{
    hang_because(why_undeliverable(timer_fired), "arch_idle()");
}

void sim_poll_hang(void)
{
    hang_because("none of its ports is pending and it has no timeout", "SCHEDOP_poll");
}

/* "sti; hlt; cli", as the guest's upcall entry sees it. */
void arch_idle(void)
{
    bool woke = false, timer_fired = false;
    uintptr_t at = (uintptr_t)arch_idle_halt;

    sim.idles++;
    if (sim.watchdog_fired)
        return; /* the watchdog shut the domain down: nothing runs any more */
    xen_sim_run_backends();
    /*
     * An NMI that no idle has seen ends this one at once, as traps.S's
     * arch_idle (nmi_idle_seen) does: like the NMI count, never reset.
     */
    static unsigned long nmi_idle_seen;
    if (arch_nmi_count() != nmi_idle_seen) {
        nmi_idle_seen = arch_nmi_count();
        return;
    }
    /* Without STI's shadow, an upcall already pending comes before the halt runs. */
    if (sim.lose_sti_shadow && upcall_deliverable()) {
        sim.upcalls++;
        events_upcall_at(&at);
    }
    if (at == (uintptr_t)arch_idle_woken)
        woke = true;
    else if (!upcall_deliverable()) {
        /* The halt runs: only a new event, the timer, or a watchdog ends it. */
        uint64_t watchdog = sim_watchdog_next_deadline();
        if (watchdog != UINT64_MAX && (!sim.timer_armed || watchdog <= sim.timer_deadline)) {
            if (watchdog > xen_sim_now_ns())
                sim.tsc = sim_tsc_for_ns(watchdog);
            sim_domain_watchdogs_expire();
            if (sim.watchdog_fired)
                return;
        }
        if (sim.timer_armed) {
            fire_timer();
            timer_fired = true;
        }
    }
    /* Interrupts are on until the halt returns: the upcall may come again. */
    for (int i = 0; i < MAX_UPCALLS_PER_IDLE && upcall_deliverable(); i++) {
        uintptr_t after = (uintptr_t)arch_idle_woken;
        sim.upcalls++;
        events_upcall_at(&after);
        woke = true;
    }
    /* Strict, like hardware: only a delivered upcall ends the halt. */
    if (!woke)
        hang(timer_fired);
}

bool xen_sim_interrupt_window(void)
{
    bool delivered = false;
    xen_sim_run_backends();
    for (int i = 0; i < MAX_UPCALLS_PER_IDLE && upcall_deliverable(); i++) {
        uintptr_t after = (uintptr_t)arch_idle_woken;
        sim.upcalls++;
        events_upcall_at(&after);
        delivered = true;
    }
    return delivered;
}

void xen_sim_catch_hang(jmp_buf *env)
{
    sim.hang_env = env;
}

const char *xen_sim_hang_message(void)
{
    return sim.hang_message;
}

void arch_hang(void)
{
    sim.hangs++;
}

void arch_fault(void)
{
    sim.faults++;
}

/* debug=stack-overflow: counted with the faults (no stack to overflow here). */
void arch_stack_overflow(void)
{
    sim.faults++;
}

void arch_triple_fault(void)
{
    sim.triple_faults++;
}

unsigned long xen_sim_hangs(void)
{
    return sim.hangs;
}

unsigned long xen_sim_faults(void)
{
    return sim.faults;
}

unsigned long xen_sim_triple_faults(void)
{
    return sim.triple_faults;
}

void xen_sim_lose_sti_shadow(bool lose)
{
    sim.lose_sti_shadow = lose;
}

unsigned long xen_sim_polls(void)
{
    return sim.polls;
}

unsigned long xen_sim_idles(void)
{
    return sim.idles;
}

unsigned long xen_sim_upcalls(void)
{
    return sim.upcalls;
}
