/*
 * Typed hypercalls: one small function per operation the VM uses, over the
 * six multiplexed hypercalls of arch.h (sched_op, event_channel_op, hvm_op,
 * memory_op, vcpu_op, xen_version), so that callers pass values rather than
 * filling Xen's argument structs by hand.  Each returns what Xen returns: 0
 * (or a value) on success, Xen's -errno on failure.  Portable: the kernel
 * and the simulated Xen alike sit under these.
 */
#ifndef ARCH_XEN_CALLS_H
#define ARCH_XEN_CALLS_H

#include "arch/arch.h"

/* ---- sched_op */

static inline long xen_sched_shutdown(unsigned int reason)
{
    struct sched_shutdown s = {.reason = reason};
    return hypercall_sched_op(SCHEDOP_shutdown, &s);
}

/*
 * SCHEDOP_watchdog: id 0 allocates a watchdog (at most 2 a domain) and
 * returns its id; an id with a timeout re-arms (pets) it; timeout 0 removes
 * it.  When one expires Xen shuts the domain down with SHUTDOWN_watchdog.
 */
static inline long xen_sched_watchdog(uint32_t id, uint32_t timeout_s)
{
    struct sched_watchdog w = {.id = id, .timeout = timeout_s};
    return hypercall_sched_op(SCHEDOP_watchdog, &w);
}

/* ---- event_channel_op */

static inline long xen_evtchn_send(evtchn_port_t port)
{
    struct evtchn_send send = {.port = port};
    return hypercall_event_channel_op(EVTCHNOP_send, &send);
}

static inline long xen_evtchn_unmask(evtchn_port_t port)
{
    struct evtchn_unmask unmask = {.port = port};
    return hypercall_event_channel_op(EVTCHNOP_unmask, &unmask);
}

/* Bind virq on vCPU vcpu; *port gets the new port. */
static inline long xen_evtchn_bind_virq(uint32_t virq, uint32_t vcpu, evtchn_port_t *port)
{
    struct evtchn_bind_virq bind = {.virq = virq, .vcpu = vcpu};
    long rc = hypercall_event_channel_op(EVTCHNOP_bind_virq, &bind);
    if (rc == 0)
        *port = bind.port;
    return rc;
}

/* A new port of ours, unbound, that remote_dom may bind to (and notify). */
static inline long xen_evtchn_alloc_unbound(domid_t remote_dom, evtchn_port_t *port)
{
    struct evtchn_alloc_unbound a = {.dom = DOMID_SELF, .remote_dom = remote_dom};
    long rc = hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &a);
    if (rc == 0)
        *port = a.port;
    return rc;
}

/* What one of our ports is bound to. */
static inline long xen_evtchn_status(evtchn_port_t port, struct evtchn_status *st)
{
    *st = (struct evtchn_status){.dom = DOMID_SELF, .port = port};
    return hypercall_event_channel_op(EVTCHNOP_status, st);
}

/* ---- hvm_op */

static inline long xen_hvm_get_param(uint32_t index, uint64_t *value)
{
    struct xen_hvm_param p = {.domid = DOMID_SELF, .index = index};
    long rc = hypercall_hvm_op(HVMOP_get_param, &p);
    *value = rc ? 0 : p.value;
    return rc;
}

static inline long xen_hvm_set_param(uint32_t index, uint64_t value)
{
    struct xen_hvm_param p = {.domid = DOMID_SELF, .index = index, .value = value};
    return hypercall_hvm_op(HVMOP_set_param, &p);
}

/* ---- memory_op */

/* Make our page at gpfn the shared_info page (XENMEM_add_to_physmap). */
static inline long xen_map_shared_info(uint64_t gpfn)
{
    struct xen_add_to_physmap xatp = {
        .domid = DOMID_SELF,
        .space = XENMAPSPACE_shared_info,
        .idx = 0,
        .gpfn = gpfn,
    };
    return hypercall_memory_op(XENMEM_add_to_physmap, &xatp);
}

/* ---- vcpu_op (vCPU 0: the VM has one) */

static inline long xen_set_singleshot_timer(uint64_t deadline_ns)
{
    /* No VCPU_SSHOTTMR_future: a deadline already past fires at once. */
    struct vcpu_set_singleshot_timer t = {.timeout_abs_ns = deadline_ns, .flags = 0};
    return hypercall_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
}

static inline long xen_stop_singleshot_timer(void)
{
    return hypercall_vcpu_op(VCPUOP_stop_singleshot_timer, 0, 0);
}

/* ---- xen_version */

/* (major << 16) | minor */
static inline long xen_version(void)
{
    return hypercall_xen_version(XENVER_version, 0);
}

static inline long xen_extraversion(xen_extraversion_t extra)
{
    return hypercall_xen_version(XENVER_extraversion, extra);
}

#endif
