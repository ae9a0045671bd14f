#include "drivers/timer.h"
#include "arch/arch.h"
#include "arch/xen_calls.h"
#include "drivers/events.h"
#include "drivers/nmi.h"
#include "lib/log.h"

static uint64_t fired;
static evtchn_port_t timer_port;

uint64_t time_now_ns(void)
{
    struct vcpu_time_info now;
    time_record(&now);
    return pvclock_read_ns(&now, arch_rdtsc());
}

void time_record(struct vcpu_time_info *copy)
{
    pvclock_snapshot(&events_shared_info()->vcpu_info[0].time, copy);
}

static void timer_event(evtchn_port_t port, void *ctx)
{
    (void)port;
    (void)ctx;
    fired++;
}

int timer_init(void)
{
    int rc = events_bind_virq(VIRQ_TIMER, timer_event, 0, &timer_port);
    if (rc < 0)
        return rc;
    log_info("timer", "VIRQ_TIMER on port %u, clock at %lu ms", timer_port,
             (unsigned long)(time_now_ns() / NS_PER_MS));
    return rc; /* EVENTS_STILL_BOUND after a resume of the same domain */
}

void wait_for_event_until(uint64_t deadline_ns)
{
    if (deadline_ns == TIME_FOREVER) {
        xen_stop_singleshot_timer();
    } else {
        xen_set_singleshot_timer(deadline_ns); /* a deadline already past fires at once */
    }
    /*
     * Xen wakes a halted vCPU as evtchn_upcall_pending goes from 0 to 1, and
     * delivers the upcall once interrupts allow.  Were the flag left at 1 with
     * no upcall delivered, a halt would sleep through every later event (the
     * lab has seen VMs stop for good, on both Xen versions, once after two
     * NMIs).  An upcall already pending is handled here, interrupts still off,
     * and the caller looks again; normally arch_idle() would have taken it at
     * once anyway.
     */
    if (events_upcall_pending())
        events_upcall();
    else
        arch_idle();
    nmi_report(); /* an NMI ends the idle too: see arch.h */
}

uint64_t timer_fired(void)
{
    return fired;
}
