/*
 * The simulated Xen's event channels (xen_sim_private.h), as Xen's
 * common/event_2l.c has them: ports, their pending and mask bits in
 * shared_info, the selector and the upcall flag.
 */
#include "sim/xen_sim.h"
#include "sim/xen_sim_private.h"

#define BITS_PER_WORD (sizeof(xen_ulong_t) * 8)

bool sim_port_valid(evtchn_port_t port)
{
    return port > 0 && port < XEN_SIM_MAX_PORTS;
}

static xen_ulong_t bit(evtchn_port_t port)
{
    return (xen_ulong_t)1 << (port % BITS_PER_WORD);
}

static bool test_bit(const xen_ulong_t *words, evtchn_port_t port)
{
    return __atomic_load_n(&words[port / BITS_PER_WORD], __ATOMIC_SEQ_CST) & bit(port);
}

/* Set the selector bit and evtchn_upcall_pending, unless already set. */
static void mark_selector(evtchn_port_t port)
{
    struct vcpu_info *v = &sim.shared_info->vcpu_info[0];
    xen_ulong_t sel = (xen_ulong_t)1 << (port / BITS_PER_WORD);
    if (!(__atomic_fetch_or(&v->evtchn_pending_sel, sel, __ATOMIC_SEQ_CST) & sel))
        __atomic_store_n(&v->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
}

void xen_sim_raise(evtchn_port_t port)
{
    if (!sim_port_valid(port) || sim.ports[port].state == PORT_FREE)
        return;
    xen_ulong_t *pending = &sim.shared_info->evtchn_pending[port / BITS_PER_WORD];
    if (__atomic_fetch_or(pending, bit(port), __ATOMIC_SEQ_CST) & bit(port))
        return;
    if (!test_bit(sim.shared_info->evtchn_mask, port))
        mark_selector(port);
}

void sim_unmask(evtchn_port_t port)
{
    xen_ulong_t *mask = &sim.shared_info->evtchn_mask[port / BITS_PER_WORD];
    if ((__atomic_fetch_and(mask, ~bit(port), __ATOMIC_SEQ_CST) & bit(port)) &&
        test_bit(sim.shared_info->evtchn_pending, port))
        mark_selector(port);
}

bool xen_sim_port_pending(evtchn_port_t port)
{
    return port < XEN_SIM_MAX_PORTS && test_bit(sim.shared_info->evtchn_pending, port);
}

bool xen_sim_port_masked(evtchn_port_t port)
{
    return port < XEN_SIM_MAX_PORTS && test_bit(sim.shared_info->evtchn_mask, port);
}

unsigned long xen_sim_sends(evtchn_port_t port)
{
    return port < XEN_SIM_MAX_PORTS ? sim.ports[port].sends : 0;
}

evtchn_port_t sim_alloc_port(enum port_state state)
{
    for (unsigned int tries = 1; tries < XEN_SIM_MAX_PORTS; tries++) {
        evtchn_port_t port = sim.next_port;
        sim.next_port = port + 1 < XEN_SIM_MAX_PORTS ? port + 1 : 1;
        if (sim.ports[port].state == PORT_FREE) {
            sim.ports[port] = (struct port){.state = state};
            return port;
        }
    }
    return 0;
}

evtchn_port_t xen_sim_alloc_port(void)
{
    return sim_alloc_port(PORT_INTERDOMAIN);
}

evtchn_port_t xen_sim_virq_port(uint32_t virq)
{
    for (evtchn_port_t p = 1; p < XEN_SIM_MAX_PORTS; p++) {
        if (sim.ports[p].state == PORT_VIRQ && sim.ports[p].virq == virq)
            return p;
    }
    return 0;
}

bool sim_upcall_pending(void)
{
    return __atomic_load_n(&sim.shared_info->vcpu_info[0].evtchn_upcall_pending, __ATOMIC_SEQ_CST);
}

void xen_sim_set_next_port(evtchn_port_t port)
{
    if (sim_port_valid(port))
        sim.next_port = port;
}
