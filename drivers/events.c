#include "drivers/events.h"
#include "arch/arch.h"
#include "arch/xen_calls.h"
#include "drivers/xen_errno.h"
#include "lib/log.h"
#include "lib/string.h"

#define BITS_PER_WORD (sizeof(xen_ulong_t) * 8)

/*
 * A handler per bound port.  The VM binds a handful of ports, but Xen may
 * hand out any port of the 2-level ABI (a busy host, or a new domain after a
 * migration), so this is a short list searched by port rather than a table
 * indexed by it.
 */
struct binding {
    evtchn_port_t port; /* 0: free */
    event_handler_fn fn;
    void *ctx;
};

/*
 * Our page that Xen's shared_info replaces (XENMEM_add_to_physmap): all 4 KiB
 * of it.  struct shared_info is smaller (3 KiB); had other variables shared
 * the frame, mapping Xen's page over it would have swapped them for Xen's
 * zeros (the timer's port, the NMI count...).
 */
static union {
    struct shared_info info;
    uint8_t frame[4096];
} shared_frame __attribute__((aligned(4096)));
static struct binding bindings[EVENTS_MAX_BINDINGS];
static uint64_t upcall_count, spurious_count, bad_port_count, halt_skips;

struct shared_info *events_shared_info(void)
{
    return &shared_frame.info;
}

int events_init(uint8_t vector)
{
    uint64_t gpfn = arch_ptr_to_pfn(&shared_frame.info);
    long rc = xen_map_shared_info(gpfn);
    if (rc) {
        log_error("events", "mapping shared_info failed (%s)", xen_errno_name(rc));
        return (int)rc;
    }

    memset(bindings, 0, sizeof(bindings));
    /* Start with every port masked; events_bind() unmasks what we use. */
    for (unsigned int i = 0; i < sizeof(shared_frame.info.evtchn_mask) / sizeof(xen_ulong_t); i++)
        __atomic_store_n(&shared_frame.info.evtchn_mask[i], ~(xen_ulong_t)0, __ATOMIC_SEQ_CST);

    /* Type 2 (bits 63:56): deliver upcalls as this interrupt vector. */
    rc = xen_hvm_set_param(HVM_PARAM_CALLBACK_IRQ, (2ull << 56) | vector);
    if (rc) {
        log_error("events", "setting the upcall vector failed (%s)", xen_errno_name(rc));
        return (int)rc;
    }
    log_info("events", "shared_info at pfn 0x%lx, upcall vector 0x%x", (unsigned long)gpfn, vector);
    return 0;
}

static struct binding *binding_of(evtchn_port_t port)
{
    for (unsigned int i = 0; i < EVENTS_MAX_BINDINGS; i++) {
        if (bindings[i].port == port)
            return &bindings[i];
    }
    return NULL;
}

int events_bind(evtchn_port_t port, event_handler_fn fn, void *ctx)
{
    if (port == 0 || port >= EVENTS_2L_PORTS) {
        log_error("events", "cannot bind port %u: the 2-level ABI has ports 1 to %u", port,
                  (unsigned int)EVENTS_2L_PORTS - 1);
        return -XEN_EINVAL;
    }
    struct binding *b = binding_of(port);
    if (!b)
        b = binding_of(0);
    if (!b) {
        log_error("events", "cannot bind port %u: all %u handlers are in use", port,
                  (unsigned int)EVENTS_MAX_BINDINGS);
        return -XEN_ENOSPC;
    }
    *b = (struct binding){port, fn, ctx};
    events_unmask(port);
    return 0;
}

void events_unbind(evtchn_port_t port)
{
    struct binding *b = port ? binding_of(port) : NULL;
    if (b) {
        events_mask(port);
        *b = (struct binding){0, 0, 0};
    }
}

/* Is port bound to virq on vCPU 0 (EVTCHNOP_status)? */
static bool port_has_virq(evtchn_port_t port, uint32_t virq)
{
    struct evtchn_status st;
    return port && xen_evtchn_status(port, &st) == 0 && st.status == EVTCHNSTAT_virq &&
           st.u.virq == virq && st.vcpu == 0;
}

/*
 * Xen still has virq bound (a resume in the same domain keeps every binding):
 * find its port, trying the one we had first.  0 if none is found.
 */
static evtchn_port_t find_virq_port(uint32_t virq, evtchn_port_t hint)
{
    if (port_has_virq(hint, virq))
        return hint;
    for (evtchn_port_t port = 1; port < EVENTS_2L_PORTS; port++) {
        if (port_has_virq(port, virq))
            return port;
    }
    return 0;
}

int events_bind_virq(uint32_t virq, event_handler_fn fn, void *ctx, evtchn_port_t *port)
{
    evtchn_port_t bound = 0;
    long rc = xen_evtchn_bind_virq(virq, 0, &bound);
    if (rc == -XEN_EEXIST) {
        evtchn_port_t still = find_virq_port(virq, *port);
        if (!still) {
            log_error("events", "binding VIRQ %u failed (EEXIST), and no port has it", virq);
            return (int)rc;
        }
        log_info("events", "VIRQ %u is still bound, to port %u (the same domain resumed)", virq,
                 still);
        bound = still;
    } else if (rc) {
        log_error("events", "binding VIRQ %u failed (%s)", virq, xen_errno_name(rc));
        return (int)rc;
    }
    *port = bound;
    int err = events_bind(bound, fn, ctx);
    return err ? err : rc == -XEN_EEXIST ? EVENTS_STILL_BOUND : 0;
}

/* A port the 2-level ABI has; others are ignored (and counted, and logged). */
static bool port_in_abi(evtchn_port_t port, const char *what)
{
    if (port < EVENTS_2L_PORTS)
        return true;
    bad_port_count++;
    log_info("events", "ignoring %s of port %u, beyond the %u of the 2-level ABI", what, port,
             (unsigned int)EVENTS_2L_PORTS);
    return false;
}

/* Mask a port of the 2-level ABI.  Prints nothing: events_upcall() uses it (see timer.h). */
static void mask_port(evtchn_port_t port)
{
    __atomic_fetch_or(&shared_frame.info.evtchn_mask[port / BITS_PER_WORD],
                      (xen_ulong_t)1 << (port % BITS_PER_WORD), __ATOMIC_SEQ_CST);
}

void events_mask(evtchn_port_t port)
{
    if (port_in_abi(port, "a mask"))
        mask_port(port);
}

void events_unmask(evtchn_port_t port)
{
    if (!port_in_abi(port, "an unmask"))
        return;
    /* Xen re-raises an event that became pending while masked. */
    xen_evtchn_unmask(port);
}

int events_notify(evtchn_port_t port)
{
    return (int)xen_evtchn_send(port);
}

bool events_upcall_pending(void)
{
    return __atomic_load_n(&shared_frame.info.vcpu_info[0].evtchn_upcall_pending, __ATOMIC_SEQ_CST);
}

void events_upcall(void)
{
    struct vcpu_info *vcpu = &shared_frame.info.vcpu_info[0];

    upcall_count++;
    __atomic_store_n(&vcpu->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
    xen_ulong_t words = __atomic_exchange_n(&vcpu->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);

    while (words) {
        unsigned int w = (unsigned int)__builtin_ctzl(words);
        words &= words - 1;
        xen_ulong_t pending =
            __atomic_load_n(&shared_frame.info.evtchn_pending[w], __ATOMIC_SEQ_CST) &
            ~__atomic_load_n(&shared_frame.info.evtchn_mask[w], __ATOMIC_SEQ_CST);
        while (pending) {
            unsigned int bit = (unsigned int)__builtin_ctzl(pending);
            pending &= pending - 1;
            evtchn_port_t port = w * BITS_PER_WORD + bit;
            __atomic_fetch_and(&shared_frame.info.evtchn_pending[w], ~((xen_ulong_t)1 << bit),
                               __ATOMIC_SEQ_CST);
            const struct binding *b = binding_of(port);
            if (b && b->fn) {
                b->fn(port, b->ctx);
            } else {
                /* Nobody listens: mask it so it cannot storm (in the ABI: it came from a word). */
                spurious_count++;
                mask_port(port);
            }
        }
    }
}

void events_upcall_at(uintptr_t *resume)
{
    events_upcall();
    if (*resume == (uintptr_t)arch_idle_halt) {
        *resume = (uintptr_t)arch_idle_woken;
        halt_skips++;
    }
}

uint64_t events_upcalls(void)
{
    return upcall_count;
}

uint64_t events_spurious(void)
{
    return spurious_count;
}

uint64_t events_halt_skips(void)
{
    return halt_skips;
}

uint64_t events_bad_ports(void)
{
    return bad_port_count;
}
