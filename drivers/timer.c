#include "drivers/timer.h"
#include "arch/arch.h"
#include "arch/xen_calls.h"
#include "drivers/events.h"
#include "drivers/vm_clock.h"
#include "lib/log.h"

static uint64_t fired, nested_refused;
static unsigned int wait_depth;
static evtchn_port_t timer_port;

/* The VM's clock (drivers/vm_clock.h): every deadline the VM keeps is on it. */
static struct vm_clock clock;

/* Xen's system time now. */
static uint64_t system_time_ns(void)
{
    struct vcpu_time_info record;
    uint64_t tsc;
    pvclock_snapshot_tsc(&events_shared_info()->vcpu_info[0].time, &record, &tsc);
    return pvclock_read_ns(&record, tsc);
}

uint64_t time_now_ns(void)
{
    return vm_clock_read(&clock, system_time_ns());
}

void time_rebase(void)
{
    int64_t moved = vm_clock_rebase(&clock, system_time_ns());
    if (moved)
        log_info("timer", "clock carried on at %lu ms (Xen's system time moved by %ld ms)",
                 (unsigned long)(clock.last_ns / NS_PER_MS), (long)(moved / 1000000));
}

void time_reset_clock(void)
{
    clock = (struct vm_clock){0, 0};
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
             (unsigned long)(system_time_ns() / NS_PER_MS)); /* not yet rebased after a resume */
    return rc; /* EVENTS_STILL_BOUND after a resume of the same domain */
}

bool wait_for_event_until(uint64_t deadline_ns)
{
    if (wait_depth) {
        nested_refused++;
        return false;
    }
    wait_depth++;
    if (deadline_ns == TIME_FOREVER) {
        xen_stop_singleshot_timer();
    } else {
        /* Xen's timer is on its system time: the same distance ahead (past: fires at once). */
        xen_set_singleshot_timer(vm_clock_system_deadline(&clock, system_time_ns(), deadline_ns));
    }
    /*
     * An event that came while the loop ran (interrupts off) has set
     * evtchn_upcall_pending; Xen would deliver its upcall at arch_idle()'s
     * STI (hvm_vcpu_has_pending_irq() re-asserts the callback vector at every
     * VM entry while the flag is set).  Handling it here, interrupts still
     * off, saves the halt; the caller looks at its work again.
     */
    if (events_upcall_pending())
        events_upcall();
    else
        arch_idle();
    wait_depth--;
    return true;
}

void wait_abandoned(void)
{
    wait_depth = 0;
}

uint64_t wait_nested_refused(void)
{
    return nested_refused;
}

uint64_t timer_fired(void)
{
    return fired;
}
