#include "drivers/timer.h"
#include "arch/arch.h"
#include "arch/xen_calls.h"
#include "drivers/events.h"
#include "drivers/nmi.h"
#include "lib/log.h"

static uint64_t fired;
static evtchn_port_t timer_port;

uint64_t pvclock_read_ns(const struct vcpu_time_info *t, uint64_t tsc)
{
    uint64_t delta = tsc - t->tsc_timestamp;
    int shift = t->tsc_shift;
    /* Xen never sends a shift beyond -63..63, but shifting that far is undefined in C. */
    if (shift >= 64 || shift <= -64)
        delta = 0; /* every bit shifted out */
    else if (shift >= 0)
        delta <<= shift;
    else
        delta >>= -shift;
    return t->system_time + (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
}

uint64_t time_now_ns(void)
{
    const volatile struct vcpu_time_info *t = &events_shared_info()->vcpu_info[0].time;
    struct vcpu_time_info copy;
    uint32_t version;

    /* Xen bumps the version to odd while it updates the record. */
    do {
        version = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        copy.tsc_timestamp = t->tsc_timestamp;
        copy.system_time = t->system_time;
        copy.tsc_to_system_mul = t->tsc_to_system_mul;
        copy.tsc_shift = t->tsc_shift;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((version & 1) || version != t->version);

    return pvclock_read_ns(&copy, arch_rdtsc());
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
