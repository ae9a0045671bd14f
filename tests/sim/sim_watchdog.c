/* The simulated domain watchdogs: see sim_watchdog.h. */
#include "sim/sim_watchdog.h"

#include <errno.h>

#include "sim/xen_sim.h"

#define NS_PER_S 1000000000ull

static struct {
    bool in_use, armed;
    uint64_t deadline_ns;
} dogs[XEN_SIM_WATCHDOGS];

void sim_watchdog_reset(void)
{
    for (unsigned int i = 0; i < XEN_SIM_WATCHDOGS; i++)
        dogs[i].in_use = dogs[i].armed = false;
}

static void arm(unsigned int i, uint32_t timeout_s, uint64_t now_ns)
{
    dogs[i].armed = true;
    dogs[i].deadline_ns = now_ns + (uint64_t)timeout_s * NS_PER_S;
}

long sim_watchdog_op(uint32_t id, uint32_t timeout_s, uint64_t now_ns)
{
    if (id > XEN_SIM_WATCHDOGS)
        return -EINVAL;
    if (id == 0) {
        /* As Xen: even a timeout of 0 allocates, and then fires at once. */
        for (unsigned int i = 0; i < XEN_SIM_WATCHDOGS; i++) {
            if (!dogs[i].in_use) {
                dogs[i].in_use = true;
                arm(i, timeout_s, now_ns);
                return (long)i + 1;
            }
        }
        return -ENOSPC;
    }
    unsigned int i = id - 1;
    if (!dogs[i].in_use)
        return -EINVAL;
    if (timeout_s == 0)
        dogs[i].in_use = dogs[i].armed = false;
    else
        arm(i, timeout_s, now_ns);
    return 0;
}

uint64_t sim_watchdog_next_deadline(void)
{
    uint64_t next = UINT64_MAX;
    for (unsigned int i = 0; i < XEN_SIM_WATCHDOGS; i++) {
        if (dogs[i].armed && dogs[i].deadline_ns < next)
            next = dogs[i].deadline_ns;
    }
    return next;
}

unsigned int sim_watchdog_expire(uint64_t now_ns)
{
    unsigned int fired = 0;
    uint64_t first = UINT64_MAX;
    for (unsigned int i = 0; i < XEN_SIM_WATCHDOGS; i++) {
        /* Xen's timer is one-shot: once fired, the watchdog stays allocated but unarmed. */
        if (dogs[i].armed && dogs[i].deadline_ns <= now_ns) {
            dogs[i].armed = false;
            if (dogs[i].deadline_ns < first) {
                first = dogs[i].deadline_ns;
                fired = i + 1;
            }
        }
    }
    return fired;
}

bool sim_watchdog_in_use(unsigned int id)
{
    return id >= 1 && id <= XEN_SIM_WATCHDOGS && dogs[id - 1].in_use;
}

bool sim_watchdog_armed(unsigned int id)
{
    return sim_watchdog_in_use(id) && dogs[id - 1].armed;
}

uint64_t sim_watchdog_deadline(unsigned int id)
{
    return sim_watchdog_armed(id) ? dogs[id - 1].deadline_ns : 0;
}
