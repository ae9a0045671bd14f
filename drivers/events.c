#include "drivers/events.h"
#include "arch/arch.h"
#include "lib/printk.h"
#include "lib/string.h"

#define BITS_PER_WORD (sizeof(xen_ulong_t) * 8)

struct binding {
    event_handler_fn fn;
    void *ctx;
};

/* Our page that Xen's shared_info replaces (XENMEM_add_to_physmap). */
static struct shared_info shared_page __attribute__((aligned(4096)));
static struct binding bindings[EVENTS_MAX_PORTS];
static uint64_t upcall_count, spurious_count, bad_port_count, halt_skips;

struct shared_info *events_shared_info(void)
{
    return &shared_page;
}

int events_init(uint8_t vector)
{
    struct xen_add_to_physmap xatp = {
        .domid = DOMID_SELF,
        .space = XENMAPSPACE_shared_info,
        .idx = 0,
        .gpfn = arch_ptr_to_pfn(&shared_page),
    };
    long rc = hypercall_memory_op(XENMEM_add_to_physmap, &xatp);
    if (rc) {
        printk("test-vm: events: mapping shared_info failed (%ld)\n", rc);
        return (int)rc;
    }

    memset(bindings, 0, sizeof(bindings));
    /* Start with every port masked; events_bind() unmasks what we use. */
    for (unsigned int i = 0; i < sizeof(shared_page.evtchn_mask) / sizeof(xen_ulong_t); i++)
        __atomic_store_n(&shared_page.evtchn_mask[i], ~(xen_ulong_t)0, __ATOMIC_SEQ_CST);

    /* Type 2 (bits 63:56): deliver upcalls as this interrupt vector. */
    struct xen_hvm_param param = {
        .domid = DOMID_SELF,
        .index = HVM_PARAM_CALLBACK_IRQ,
        .value = (2ull << 56) | vector,
    };
    rc = hypercall_hvm_op(HVMOP_set_param, &param);
    if (rc) {
        printk("test-vm: events: setting the upcall vector failed (%ld)\n", rc);
        return (int)rc;
    }
    printk("test-vm: events: shared_info at pfn 0x%lx, upcall vector 0x%x\n",
           (unsigned long)xatp.gpfn, vector);
    return 0;
}

int events_bind(evtchn_port_t port, event_handler_fn fn, void *ctx)
{
    if (port >= EVENTS_MAX_PORTS) {
        printk("test-vm: events: port %u is beyond the %u this kernel handles\n", port,
               EVENTS_MAX_PORTS);
        return -1;
    }
    bindings[port] = (struct binding){fn, ctx};
    events_unmask(port);
    return 0;
}

void events_unbind(evtchn_port_t port)
{
    if (port < EVENTS_MAX_PORTS) {
        events_mask(port);
        bindings[port] = (struct binding){0, 0};
    }
}

int events_bind_virq(uint32_t virq, event_handler_fn fn, void *ctx, evtchn_port_t *port)
{
    struct evtchn_bind_virq bind = {.virq = virq, .vcpu = 0};
    long rc = hypercall_event_channel_op(EVTCHNOP_bind_virq, &bind);
    if (rc) {
        printk("test-vm: events: binding VIRQ %u failed (%ld)\n", virq, rc);
        return (int)rc;
    }
    *port = bind.port;
    return events_bind(bind.port, fn, ctx);
}

/* A port the 2-level ABI has; others are ignored (and counted, and logged). */
static bool port_in_abi(evtchn_port_t port, const char *what)
{
    if (port < EVENTS_2L_PORTS)
        return true;
    bad_port_count++;
    printk("test-vm: events: ignoring %s of port %u, beyond the %u of the 2-level ABI\n", what,
           port, (unsigned int)EVENTS_2L_PORTS);
    return false;
}

void events_mask(evtchn_port_t port)
{
    if (!port_in_abi(port, "a mask"))
        return;
    __atomic_fetch_or(&shared_page.evtchn_mask[port / BITS_PER_WORD],
                      (xen_ulong_t)1 << (port % BITS_PER_WORD), __ATOMIC_SEQ_CST);
}

void events_unmask(evtchn_port_t port)
{
    if (!port_in_abi(port, "an unmask"))
        return;
    /* Xen re-raises an event that became pending while masked. */
    struct evtchn_unmask unmask = {.port = port};
    hypercall_event_channel_op(EVTCHNOP_unmask, &unmask);
}

int events_notify(evtchn_port_t port)
{
    struct evtchn_send send = {.port = port};
    return (int)hypercall_event_channel_op(EVTCHNOP_send, &send);
}

void events_upcall(void)
{
    struct vcpu_info *vcpu = &shared_page.vcpu_info[0];

    upcall_count++;
    __atomic_store_n(&vcpu->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
    xen_ulong_t words = __atomic_exchange_n(&vcpu->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);

    while (words) {
        unsigned int w = (unsigned int)__builtin_ctzl(words);
        words &= words - 1;
        xen_ulong_t pending = __atomic_load_n(&shared_page.evtchn_pending[w], __ATOMIC_SEQ_CST) &
                              ~__atomic_load_n(&shared_page.evtchn_mask[w], __ATOMIC_SEQ_CST);
        while (pending) {
            unsigned int bit = (unsigned int)__builtin_ctzl(pending);
            pending &= pending - 1;
            evtchn_port_t port = w * BITS_PER_WORD + bit;
            __atomic_fetch_and(&shared_page.evtchn_pending[w], ~((xen_ulong_t)1 << bit),
                               __ATOMIC_SEQ_CST);
            if (port < EVENTS_MAX_PORTS && bindings[port].fn) {
                bindings[port].fn(port, bindings[port].ctx);
            } else {
                /* Nobody listens: mask it so it cannot storm. */
                spurious_count++;
                events_mask(port);
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
