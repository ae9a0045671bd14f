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
    arch_idle();
    nmi_report(); /* an NMI ends the idle too: see arch.h */
}

uint64_t timer_fired(void)
{
    return fired;
}
