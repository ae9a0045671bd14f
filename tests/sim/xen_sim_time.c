/*
 * The simulated Xen's time (xen_sim_private.h): the TSC, the pvclock record
 * in shared_info that turns it into ns, and the one-shot timer's state.
 */
#include "sim/xen_sim.h"
#include "sim/xen_sim_private.h"

/* The pvclock formula, as Xen's public xen.h states it. */
static uint64_t scale_delta(uint64_t delta, uint32_t mul, int8_t shift)
{
    if (shift >= 0)
        delta <<= shift;
    else
        delta >>= -shift;
    return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

uint64_t xen_sim_now_ns(void)
{
    return sim.record_ns + scale_delta(sim.tsc - sim.record_tsc, sim.mul, sim.shift);
}

uint64_t xen_sim_tsc(void)
{
    return sim.tsc;
}

void sim_publish_time_record(void)
{
    struct vcpu_time_info *t = &sim.shared_info->vcpu_info[0].time;
    sim.time_version |= 1;
    __atomic_store_n(&t->version, sim.time_version, __ATOMIC_SEQ_CST);
    t->tsc_timestamp = sim.record_tsc;
    t->system_time = sim.record_ns;
    t->tsc_to_system_mul = sim.mul;
    t->tsc_shift = sim.shift;
    t->flags = XEN_PVCLOCK_TSC_STABLE_BIT;
    sim.time_version++;
    __atomic_store_n(&t->version, sim.time_version, __ATOMIC_SEQ_CST);
}

void xen_sim_update_time_record(void)
{
    sim.record_ns = xen_sim_now_ns();
    sim.record_tsc = sim.tsc;
    sim_publish_time_record();
}

void xen_sim_set_tsc_scale(uint32_t mul, int8_t shift)
{
    xen_sim_update_time_record();
    sim.mul = mul;
    sim.shift = shift;
    sim_publish_time_record();
}

uint64_t sim_tsc_for_ns(uint64_t target)
{
    if (target <= sim.record_ns)
        return sim.record_tsc;
    unsigned __int128 need = (unsigned __int128)(target - sim.record_ns) << 32;
    unsigned __int128 units = (need + sim.mul - 1) / sim.mul; /* shifted ticks */
    unsigned __int128 ticks;
    if (sim.shift >= 0)
        ticks = (units + ((unsigned __int128)1 << sim.shift) - 1) >> sim.shift;
    else
        ticks = units << -sim.shift;
    return sim.record_tsc + (uint64_t)ticks;
}

void xen_sim_advance_ns(uint64_t ns)
{
    uint64_t target = xen_sim_now_ns() + ns;
    uint64_t tsc = sim_tsc_for_ns(target);
    if (tsc > sim.tsc)
        sim.tsc = tsc;
    sim_domain_watchdogs_expire();
}

void xen_sim_advance_tsc(uint64_t ticks)
{
    sim.tsc += ticks;
    sim_domain_watchdogs_expire();
}

bool xen_sim_timer_armed(void)
{
    return sim.timer_armed;
}

uint64_t xen_sim_timer_deadline(void)
{
    return sim.timer_deadline;
}

unsigned long xen_sim_timer_fires(void)
{
    return sim.timer_fires;
}
