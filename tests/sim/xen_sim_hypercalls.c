/*
 * The simulated Xen's hypercalls (xen_sim_private.h): they answer the way
 * Xen answers a PVH domU, with Xen's errno values (which match Linux's); each
 * counted, and failed instead if xen_sim_fail_next() armed that.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "arch/arch.h"
#include "sim/sim_watchdog.h"
#include "sim/xen_sim.h"
#include "sim/xen_sim_private.h"

unsigned long xen_sim_calls(unsigned int hypercall, unsigned int cmd)
{
    if (hypercall >= MAX_CALL_NR || cmd >= MAX_CALL_NR)
        return 0;
    return sim.calls[hypercall][cmd];
}

void xen_sim_fail_next(unsigned int hypercall, unsigned int cmd, long rc)
{
    sim.failure = (struct failure){true, hypercall, cmd, rc};
}

/* Count the call; true (with *rc set) if an injected failure answers it. */
static bool enter(unsigned int hypercall, unsigned int cmd, long *rc)
{
    if (hypercall < MAX_CALL_NR && cmd < MAX_CALL_NR)
        sim.calls[hypercall][cmd]++;
    if (sim.failure.armed && sim.failure.hypercall == hypercall && sim.failure.cmd == cmd) {
        sim.failure.armed = false;
        *rc = sim.failure.rc;
        return true;
    }
    return false;
}

/*
 * SCHEDOP_poll, as common/sched/core.c's do_poll: sleep until one of the
 * ports is pending (masked or not: polling needs no upcall, and interrupts
 * may stay off) or Xen's clock reaches timeout (0: no timeout).  Returns at
 * once if one is pending already.  The backends run first, as other domains
 * would meanwhile.  A poll that nothing can end would sleep for ever on Xen:
 * the sim reports it, as it does for arch_idle().
 */
static long poll_ports(const struct sched_poll *p)
{
    const evtchn_port_t *ports = p->ports.p; /* a guest handle is a pointer on x86 */
    if (p->nr_ports > 128)
        return -EINVAL;
    for (unsigned int i = 0; i < p->nr_ports; i++) {
        if (!sim_port_valid(ports[i]))
            return -EINVAL;
    }
    sim.polls++;
    if (sim.shut_down)
        return 0; /* nothing runs any more */
    xen_sim_run_backends();
    for (unsigned int i = 0; i < p->nr_ports; i++) {
        if (xen_sim_port_pending(ports[i]))
            return 0;
    }
    uint64_t watchdog = sim_watchdog_next_deadline();
    if (watchdog != UINT64_MAX && (!p->timeout || watchdog <= p->timeout)) {
        if (watchdog > xen_sim_now_ns())
            sim.tsc = sim_tsc_for_ns(watchdog);
        sim_domain_watchdogs_expire();
        return 0;
    }
    if (!p->timeout)
        sim_poll_hang();
    if (p->timeout > xen_sim_now_ns())
        sim.tsc = sim_tsc_for_ns(p->timeout);
    return 0;
}

long hypercall_sched_op(unsigned int cmd, void *arg)
{
    long rc;
    if (enter(__HYPERVISOR_sched_op, cmd, &rc))
        return rc;
    switch (cmd) {
    case SCHEDOP_yield:
        return 0;
    case SCHEDOP_shutdown: {
        const struct sched_shutdown *s = arg;
        sim.shutdowns++;
        sim.last_shutdown_reason = (int)s->reason;
        if (s->reason == SHUTDOWN_soft_reset && sim.soft_reset_in_place) {
            sim_soft_reset_in_place();
            return 0;
        }
        if (s->reason != SHUTDOWN_suspend) {
            sim.shut_down = true;
            return 0;
        }
        if (sim.suspend_result == 0 && !sim.resume_same_domain)
            sim_resume_in_new_domain();
        return sim.suspend_result;
    }
    case SCHEDOP_poll:
        return poll_ports(arg);
    case SCHEDOP_watchdog: {
        const struct sched_watchdog *w = arg;
        return sim_watchdog_op(w->id, w->timeout, xen_sim_now_ns());
    }
    default:
        return -ENOSYS;
    }
}

static long bind_virq(struct evtchn_bind_virq *b)
{
    if (b->virq >= NR_VIRQS || b->vcpu != 0)
        return -EINVAL;
    if (xen_sim_virq_port(b->virq))
        return -EEXIST;
    evtchn_port_t port = sim_alloc_port(PORT_VIRQ);
    if (!port)
        return -ENOSPC;
    sim.ports[port].virq = b->virq;
    b->port = port;
    return 0;
}

static bool is_self(domid_t domid);

static long port_status(struct evtchn_status *st)
{
    if (!is_self(st->dom))
        return -ESRCH;
    if (!sim_port_valid(st->port))
        return -EINVAL;
    const struct port *p = &sim.ports[st->port];
    st->vcpu = 0;
    st->status = p->state == PORT_VIRQ          ? EVTCHNSTAT_virq
                 : p->state == PORT_INTERDOMAIN ? EVTCHNSTAT_interdomain
                                                : EVTCHNSTAT_closed;
    if (p->state == PORT_VIRQ)
        st->u.virq = p->virq;
    else if (p->state == PORT_INTERDOMAIN)
        st->u.interdomain.dom = 0;
    return 0;
}

static long send(evtchn_port_t port)
{
    if (!sim_port_valid(port) || sim.ports[port].state != PORT_INTERDOMAIN)
        return -EINVAL;
    sim.ports[port].sends++;
    sim_run_backends_on(port);
    return 0;
}

long hypercall_event_channel_op(unsigned int cmd, void *arg)
{
    long rc;
    if (enter(__HYPERVISOR_event_channel_op, cmd, &rc))
        return rc;
    switch (cmd) {
    case EVTCHNOP_bind_virq:
        return bind_virq(arg);
    case EVTCHNOP_send:
        return send(((struct evtchn_send *)arg)->port);
    case EVTCHNOP_unmask: {
        evtchn_port_t port = ((struct evtchn_unmask *)arg)->port;
        if (port >= XEN_SIM_MAX_PORTS)
            return -EINVAL;
        sim_unmask(port);
        return 0;
    }
    case EVTCHNOP_status:
        return port_status(arg);
    case EVTCHNOP_close: {
        evtchn_port_t port = ((struct evtchn_close *)arg)->port;
        if (!sim_port_valid(port) || sim.ports[port].state == PORT_FREE)
            return -EINVAL;
        sim.ports[port].state = PORT_FREE;
        return 0;
    }
    default:
        return -ENOSYS;
    }
}

/* The one domain there is, by its domid or as DOMID_SELF. */
static bool is_self(domid_t domid)
{
    return domid == DOMID_SELF || domid == sim.domid;
}

/* What get_param and set_param check first: our own domain, a param that exists. */
static long check_param(const struct xen_hvm_param *p)
{
    if (!is_self(p->domid))
        return -ESRCH;
    return p->index < HVM_NR_PARAMS ? 0 : -EINVAL;
}

long hypercall_hvm_op(unsigned int cmd, void *arg)
{
    long rc;
    if (enter(__HYPERVISOR_hvm_op, cmd, &rc))
        return rc;
    struct xen_hvm_param *p = arg;
    switch (cmd) {
    case HVMOP_get_param:
        rc = check_param(p);
        if (!rc)
            p->value = sim.params[p->index];
        return rc;
    case HVMOP_set_param:
        rc = check_param(p);
        if (rc)
            return rc;
        /* A guest may set its callback; the ring params are the toolstack's. */
        if (p->index != HVM_PARAM_CALLBACK_IRQ)
            return -EPERM;
        sim.params[p->index] = p->value;
        return 0;
    default:
        return -ENOSYS;
    }
}

/*
 * The guest's page becomes shared_info: it now shows what Xen holds.  The
 * whole 4 KiB frame is Xen's: what the guest kept after struct shared_info
 * in that page is gone (Xen's page is zero there).  The sim writes all of
 * it, so that a guest whose page is smaller than 4 KiB (other variables
 * sharing it) trips AddressSanitizer here.
 */
static long map_shared_info(const struct xen_add_to_physmap *x)
{
    if (!is_self(x->domid))
        return -ESRCH;
    if (x->space != XENMAPSPACE_shared_info || x->idx != 0)
        return -EINVAL;
    struct shared_info *page = arch_pfn_to_ptr(x->gpfn);
    if (page != sim.shared_info) {
        memcpy(page, sim.shared_info, sizeof(*page));
        memset((char *)page + sizeof(*page), 0, 4096 - sizeof(*page));
    }
    sim.shared_info = page;
    xen_sim_update_time_record();
    return 0;
}

long hypercall_memory_op(unsigned int cmd, void *arg)
{
    long rc;
    if (enter(__HYPERVISOR_memory_op, cmd, &rc))
        return rc;
    if (cmd == XENMEM_add_to_physmap)
        return map_shared_info(arg);
    return -ENOSYS;
}

long hypercall_vcpu_op(unsigned int cmd, unsigned int vcpu, void *arg)
{
    long rc;
    if (enter(__HYPERVISOR_vcpu_op, cmd, &rc))
        return rc;
    if (vcpu != 0)
        return -ENOENT;
    switch (cmd) {
    case VCPUOP_set_singleshot_timer: {
        const struct vcpu_set_singleshot_timer *t = arg;
        if ((t->flags & VCPU_SSHOTTMR_future) && t->timeout_abs_ns < xen_sim_now_ns())
            return -ETIME;
        sim.timer_armed = true;
        sim.timer_deadline = t->timeout_abs_ns;
        return 0;
    }
    case VCPUOP_stop_singleshot_timer:
        sim.timer_armed = false;
        return 0;
    default:
        return -ENOSYS;
    }
}

long hypercall_xen_version(unsigned int cmd, void *arg)
{
    long rc;
    if (enter(__HYPERVISOR_xen_version, cmd, &rc))
        return rc;
    switch (cmd) {
    case XENVER_version:
        return (4 << 16) | 17;
    case XENVER_extraversion:
        snprintf(arg, sizeof(xen_extraversion_t), ".0-sim");
        return 0;
    default:
        return -ENOSYS;
    }
}
