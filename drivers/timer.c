#include "drivers/timer.h"
#include "arch/arch.h"
#include "arch/xen_calls.h"
#include "drivers/events.h"
#include "lib/log.h"

static uint64_t fired, nested_refused;
static unsigned int wait_depth;
static evtchn_port_t timer_port;

/*
 * The VM's clock is Xen's system time plus clock_offset_ns (mod 2^64), which
 * time_rebase() sets after a resume into a new domain so that the clock
 * carries on from its last reading: system time is the host's, and jumps
 * (backwards too) when the domain lands on another host.  Every deadline the
 * VM keeps is on this clock.  It never goes backwards (clock_last_ns).
 */
static uint64_t clock_offset_ns, clock_last_ns;

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
    uint64_t now = system_time_ns() + clock_offset_ns;
    /*
     * Never backwards, compared as a signed difference: a reading a little
     * behind the last (pvclock records are not exactly monotonic under
     * emulation) near 0 would otherwise read as 2^64 - x, and every deadline
     * after it would wrap (every xenstore request "timed out" at once).
     */
    if ((int64_t)(now - clock_last_ns) < 0)
        now = clock_last_ns;
    clock_last_ns = now;
    return now;
}

void time_rebase(void)
{
    uint64_t last = clock_last_ns;
    clock_offset_ns = last - system_time_ns();
    if (clock_offset_ns)
        log_info("timer", "clock carried on at %lu ms (Xen's system time moved by %ld ms)",
                 (unsigned long)(last / NS_PER_MS), (long)((int64_t)-clock_offset_ns / 1000000));
}

void time_reset_clock(void)
{
    clock_offset_ns = clock_last_ns = 0;
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
        uint64_t system = system_time_ns(), now = system + clock_offset_ns;
        xen_set_singleshot_timer(system + (deadline_ns > now ? deadline_ns - now : 0));
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
