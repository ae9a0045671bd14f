/*
 * The simulated Xen (see xen_sim.h for the model).  Event-channel semantics
 * follow Xen's common/event_2l.c; hypercalls answer the way Xen answers a
 * PVH domU, with Xen's errno values (which match Linux's).
 */
#include "sim/xen_sim.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "drivers/events.h"
#include "sim/sim_watchdog.h"

/* The sanitizers' runtime, when linked in: prints the current stack. */
extern void __sanitizer_print_stack_trace(void) __attribute__((weak));

#define PAGE_SIZE            4096
#define BITS_PER_WORD        (sizeof(xen_ulong_t) * 8)
#define MAX_BACKENDS         16
#define MAX_HOOKS            8
#define MAX_PAGES            64 /* ring pages over every generation since the reset */
#define MAX_CALL_NR          64 /* hypercall numbers and commands counted */
#define MAX_UPCALLS_PER_IDLE 16

#define DEFAULT_MUL     0xcccccccdu /* 0.8 * 2^32: with shift -1, 0.4 ns a tick (2.5 GHz) */
#define DEFAULT_SHIFT   (-1)
#define RESUME_TSC_JUMP 0x123456789ull /* the "new host" runs its TSC elsewhere */

enum port_state { PORT_FREE, PORT_INTERDOMAIN, PORT_VIRQ };

struct port {
    enum port_state state;
    uint32_t virq;
    unsigned long sends;
};

struct backend {
    evtchn_port_t port;
    xen_sim_backend_fn run;
    void *ctx;
};

struct hook {
    xen_sim_backend_fn fn;
    void *ctx;
};

struct failure {
    bool armed;
    unsigned int hypercall, cmd;
    long rc;
};

static struct {
    domid_t domid;
    unsigned int generation;
    uint64_t params[HVM_NR_PARAMS];

    /* shared_info: our own page until the guest maps one. */
    struct shared_info own_shared_info;
    struct shared_info *shared_info;

    struct port ports[XEN_SIM_MAX_PORTS];
    evtchn_port_t next_port;
    evtchn_port_t console_port, store_port;
    void *console_page, *store_page;
    void *pages[MAX_PAGES];
    unsigned int n_pages;

    /* The clock: the TSC and the record that turns it into ns. */
    uint64_t tsc, record_tsc, record_ns;
    uint32_t mul;
    int8_t shift;
    uint32_t time_version;
    bool timer_armed;
    uint64_t timer_deadline;
    unsigned long timer_fires;

    struct backend backends[MAX_BACKENDS];
    struct hook hooks[MAX_HOOKS];

    long suspend_result;
    bool resume_same_domain;
    unsigned long shutdowns;
    int last_shutdown_reason;
    bool shut_down;              /* by a reason other than suspend: Xen ignores a watchdog then */
    unsigned int watchdog_fired; /* the watchdog that shut it down, or 0 */

    unsigned long calls[MAX_CALL_NR][MAX_CALL_NR];
    struct failure failure;

    unsigned long idles, upcalls, polls;
    unsigned long hangs, faults, triple_faults;
    jmp_buf *hang_env;
    char hang_message[160];
    bool lose_sti_shadow;

    jmp_buf *panic_env;
    char panic_message[512];
} sim;

/* ---- pages ---- */

static void *alloc_page(void)
{
    if (sim.n_pages == MAX_PAGES) {
        fprintf(stderr, "xen_sim: out of ring pages (%d); reset more often\n", MAX_PAGES);
        abort();
    }
    void *page = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
    if (!page)
        abort();
    memset(page, 0, PAGE_SIZE);
    sim.pages[sim.n_pages++] = page;
    return page;
}

static void free_pages(void)
{
    for (unsigned int i = 0; i < sim.n_pages; i++)
        free(sim.pages[i]);
    sim.n_pages = 0;
}

/* ---- time ---- */

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

/* Write the record into shared_info the way Xen does: version odd while writing. */
static void publish_time_record(void)
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
    publish_time_record();
}

void xen_sim_set_tsc_scale(uint32_t mul, int8_t shift)
{
    xen_sim_update_time_record();
    sim.mul = mul;
    sim.shift = shift;
    publish_time_record();
}

/* Smallest TSC at which the record gives at least target ns. */
static uint64_t tsc_for_ns(uint64_t target)
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

static void watchdogs_expire(void);

void xen_sim_advance_ns(uint64_t ns)
{
    uint64_t target = xen_sim_now_ns() + ns;
    uint64_t tsc = tsc_for_ns(target);
    if (tsc > sim.tsc)
        sim.tsc = tsc;
    watchdogs_expire();
}

void xen_sim_advance_tsc(uint64_t ticks)
{
    sim.tsc += ticks;
    watchdogs_expire();
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

/* ---- event channels (common/event_2l.c) ---- */

static bool port_valid(evtchn_port_t port)
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
    if (!port_valid(port) || sim.ports[port].state == PORT_FREE)
        return;
    xen_ulong_t *pending = &sim.shared_info->evtchn_pending[port / BITS_PER_WORD];
    if (__atomic_fetch_or(pending, bit(port), __ATOMIC_SEQ_CST) & bit(port))
        return;
    if (!test_bit(sim.shared_info->evtchn_mask, port))
        mark_selector(port);
}

static void unmask(evtchn_port_t port)
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

static evtchn_port_t alloc_port(enum port_state state)
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
    return alloc_port(PORT_INTERDOMAIN);
}

evtchn_port_t xen_sim_virq_port(uint32_t virq)
{
    for (evtchn_port_t p = 1; p < XEN_SIM_MAX_PORTS; p++) {
        if (sim.ports[p].state == PORT_VIRQ && sim.ports[p].virq == virq)
            return p;
    }
    return 0;
}

static bool upcall_pending(void)
{
    return __atomic_load_n(&sim.shared_info->vcpu_info[0].evtchn_upcall_pending, __ATOMIC_SEQ_CST);
}

/* ---- backends ---- */

int xen_sim_register_backend(evtchn_port_t port, xen_sim_backend_fn run, void *ctx)
{
    for (int i = 0; i < MAX_BACKENDS; i++) {
        if (!sim.backends[i].run) {
            sim.backends[i] = (struct backend){port, run, ctx};
            return 0;
        }
    }
    return -1;
}

void xen_sim_unregister_backend(xen_sim_backend_fn run, void *ctx)
{
    for (int i = 0; i < MAX_BACKENDS; i++) {
        if (sim.backends[i].run == run && sim.backends[i].ctx == ctx)
            sim.backends[i].run = NULL;
    }
}

static void run_backends_on(evtchn_port_t port)
{
    for (int i = 0; i < MAX_BACKENDS; i++) {
        struct backend b = sim.backends[i]; /* run() may unregister itself */
        if (b.run && (port == XEN_SIM_ANY_PORT || b.port == port || b.port == XEN_SIM_ANY_PORT))
            b.run(b.ctx);
    }
}

void xen_sim_run_backends(void)
{
    run_backends_on(XEN_SIM_ANY_PORT);
}

int xen_sim_register_resume_hook(xen_sim_backend_fn fn, void *ctx)
{
    for (int i = 0; i < MAX_HOOKS; i++) {
        if (!sim.hooks[i].fn) {
            sim.hooks[i] = (struct hook){fn, ctx};
            return 0;
        }
    }
    return -1;
}

/* ---- the domain ---- */

/* The parts of a domain that a resume in a new domain replaces. */
static void new_domain_state(void)
{
    memset(sim.ports, 0, sizeof(sim.ports));
    memset(sim.params, 0, sizeof(sim.params));
    memset(&sim.own_shared_info, 0, sizeof(sim.own_shared_info));
    sim.shared_info = &sim.own_shared_info;
    sim.timer_armed = false;

    sim.console_page = alloc_page();
    sim.store_page = alloc_page();
    sim.console_port = alloc_port(PORT_INTERDOMAIN);
    sim.store_port = alloc_port(PORT_INTERDOMAIN);
    sim.params[HVM_PARAM_CONSOLE_PFN] = arch_ptr_to_pfn(sim.console_page);
    sim.params[HVM_PARAM_CONSOLE_EVTCHN] = sim.console_port;
    sim.params[HVM_PARAM_STORE_PFN] = arch_ptr_to_pfn(sim.store_page);
    sim.params[HVM_PARAM_STORE_EVTCHN] = sim.store_port;
    publish_time_record();
}

void xen_sim_reset(void)
{
    free_pages();
    memset(&sim, 0, sizeof(sim));
    sim.domid = 1;
    sim.next_port = 1;
    sim.mul = DEFAULT_MUL;
    sim.shift = DEFAULT_SHIFT;
    sim.suspend_result = 1;
    sim.last_shutdown_reason = -1;
    sim_watchdog_reset();
    new_domain_state();
}

domid_t xen_sim_domid(void)
{
    return sim.domid;
}

unsigned int xen_sim_generation(void)
{
    return sim.generation;
}

uint64_t xen_sim_param(uint32_t index)
{
    return index < HVM_NR_PARAMS ? sim.params[index] : 0;
}

void xen_sim_set_param(uint32_t index, uint64_t value)
{
    if (index < HVM_NR_PARAMS)
        sim.params[index] = value;
}

int xen_sim_callback_vector(void)
{
    uint64_t v = sim.params[HVM_PARAM_CALLBACK_IRQ];
    return (v >> 56) == 2 ? (int)(v & 0xff) : -1;
}

struct xencons_interface *xen_sim_console_ring(void)
{
    return sim.console_page;
}

struct xenstore_domain_interface *xen_sim_store_ring(void)
{
    return sim.store_page;
}

evtchn_port_t xen_sim_console_port(void)
{
    return sim.console_port;
}

evtchn_port_t xen_sim_store_port(void)
{
    return sim.store_port;
}

struct shared_info *xen_sim_shared_info(void)
{
    return sim.shared_info;
}

bool xen_sim_shared_info_mapped(void)
{
    return sim.shared_info != &sim.own_shared_info;
}

/*
 * Resuming in a new domain: the toolstack built a new domain from the saved
 * memory.  Everything Xen held for the old one is gone.
 */
static void resume_in_new_domain(void)
{
    evtchn_port_t old_console = sim.console_port, old_store = sim.store_port;

    xen_sim_run_backends(); /* the backends' last look at the old rings */
    uint64_t ns = xen_sim_now_ns();

    sim.domid++;
    sim.generation++;
    new_domain_state();
    sim_watchdog_reset(); /* Xen's watchdogs belong to the old domain */

    /* A new host: another TSC base, the clock carries on from where it was. */
    sim.tsc += RESUME_TSC_JUMP;
    sim.record_tsc = sim.tsc;
    sim.record_ns = ns;
    publish_time_record();

    for (int i = 0; i < MAX_BACKENDS; i++) {
        if (sim.backends[i].run && sim.backends[i].port == old_console)
            sim.backends[i].port = sim.console_port;
        else if (sim.backends[i].run && sim.backends[i].port == old_store)
            sim.backends[i].port = sim.store_port;
    }
    for (int i = 0; i < MAX_HOOKS; i++) {
        if (sim.hooks[i].fn)
            sim.hooks[i].fn(sim.hooks[i].ctx);
    }
}

void xen_sim_set_suspend_result(long rc)
{
    sim.suspend_result = rc;
}

void xen_sim_resume_same_domain(bool same)
{
    sim.resume_same_domain = same;
}

void xen_sim_set_next_port(evtchn_port_t port)
{
    if (port_valid(port))
        sim.next_port = port;
}

unsigned long xen_sim_shutdowns(void)
{
    return sim.shutdowns;
}

int xen_sim_last_shutdown_reason(void)
{
    return sim.last_shutdown_reason;
}

/* Time moved: a watchdog whose deadline passed shuts the domain down, as Xen's timer does. */
static void watchdogs_expire(void)
{
    unsigned int id = sim_watchdog_expire(xen_sim_now_ns());
    if (!id || sim.shut_down)
        return;
    sim.shutdowns++;
    sim.last_shutdown_reason = SHUTDOWN_watchdog;
    sim.shut_down = true;
    sim.watchdog_fired = id;
}

bool xen_sim_watchdog_in_use(unsigned int id)
{
    return sim_watchdog_in_use(id);
}

bool xen_sim_watchdog_armed(unsigned int id)
{
    return sim_watchdog_armed(id);
}

uint64_t xen_sim_watchdog_deadline(unsigned int id)
{
    return sim_watchdog_deadline(id);
}

unsigned int xen_sim_watchdog_fired(void)
{
    return sim.watchdog_fired;
}

/* ---- hypercalls ---- */

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

static void poll_hang(void);

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
        if (!port_valid(ports[i]))
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
            sim.tsc = tsc_for_ns(watchdog);
        watchdogs_expire();
        return 0;
    }
    if (!p->timeout)
        poll_hang();
    if (p->timeout > xen_sim_now_ns())
        sim.tsc = tsc_for_ns(p->timeout);
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
        if (s->reason != SHUTDOWN_suspend) {
            sim.shut_down = true;
            return 0;
        }
        if (sim.suspend_result == 0 && !sim.resume_same_domain)
            resume_in_new_domain();
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
    evtchn_port_t port = alloc_port(PORT_VIRQ);
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
    if (!port_valid(st->port))
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
    if (!port_valid(port) || sim.ports[port].state != PORT_INTERDOMAIN)
        return -EINVAL;
    sim.ports[port].sends++;
    run_backends_on(port);
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
        unmask(port);
        return 0;
    }
    case EVTCHNOP_status:
        return port_status(arg);
    case EVTCHNOP_close: {
        evtchn_port_t port = ((struct evtchn_close *)arg)->port;
        if (!port_valid(port) || sim.ports[port].state == PORT_FREE)
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

/* ---- the CPU ---- */

uint64_t arch_rdtsc(void)
{
    return sim.tsc;
}

static void fire_timer(void)
{
    sim.timer_armed = false;
    if (sim.timer_deadline > xen_sim_now_ns())
        sim.tsc = tsc_for_ns(sim.timer_deadline);
    sim.timer_fires++;
    xen_sim_update_time_record(); /* Xen refreshes the record as the timer fires */
    evtchn_port_t port = xen_sim_virq_port(VIRQ_TIMER);
    if (port)
        xen_sim_raise(port);
}

/* Stand-ins for the addresses of the kernel's idle halt and the instruction after it. */
const char arch_idle_halt[1], arch_idle_woken[1];

static bool upcall_deliverable(void)
{
    return upcall_pending() && xen_sim_callback_vector() >= 0;
}

/* Why nothing can wake the halted guest, for the hang report. */
static const char *why_undeliverable(bool timer_fired)
{
    if (xen_sim_callback_vector() < 0)
        return "the guest set no callback vector (HVM_PARAM_CALLBACK_IRQ)";
    if (timer_fired) {
        evtchn_port_t port = xen_sim_virq_port(VIRQ_TIMER);
        if (!port)
            return "the one-shot timer fired, but VIRQ_TIMER is bound to no port";
        if (xen_sim_port_masked(port))
            return "the one-shot timer fired, but VIRQ_TIMER's port is masked";
        return "the one-shot timer fired, but no upcall became pending";
    }
    if (upcall_pending())
        return "an upcall is pending but cannot be delivered";
    return "no event is pending and no one-shot timer is armed";
}

/*
 * A halted vCPU that no upcall can reach sleeps for ever on Xen.  Report
 * which arch_idle() call did it (the stack, under the sanitizers) and fail.
 */
static void hang_because(const char *why, const char *call)
{
    snprintf(sim.hang_message, sizeof(sim.hang_message), "%s", why);
    jmp_buf *env = sim.hang_env;
    if (env) {
        sim.hang_env = NULL;
        longjmp(*env, 1);
    }
    fprintf(stderr,
            "xen_sim: the guest halted in %s and nothing can wake it: %s; "
            "on Xen it would hang for ever.  The %s call:\n",
            call, why, call);
    if (__sanitizer_print_stack_trace)
        __sanitizer_print_stack_trace();
    abort();
}

static void hang(bool timer_fired)
{
    hang_because(why_undeliverable(timer_fired), "arch_idle()");
}

static void poll_hang(void)
{
    hang_because("none of its ports is pending and it has no timeout", "SCHEDOP_poll");
}

/* "sti; hlt; cli", as the guest's upcall entry sees it. */
void arch_idle(void)
{
    bool woke = false, timer_fired = false;
    uintptr_t at = (uintptr_t)arch_idle_halt;

    sim.idles++;
    if (sim.watchdog_fired)
        return; /* the watchdog shut the domain down: nothing runs any more */
    xen_sim_run_backends();
    /* Without STI's shadow, an upcall already pending comes before the halt runs. */
    if (sim.lose_sti_shadow && upcall_deliverable()) {
        sim.upcalls++;
        events_upcall_at(&at);
    }
    if (at == (uintptr_t)arch_idle_woken)
        woke = true;
    else if (!upcall_deliverable()) {
        /* The halt runs: only a new event, the timer, or a watchdog ends it. */
        uint64_t watchdog = sim_watchdog_next_deadline();
        if (watchdog != UINT64_MAX && (!sim.timer_armed || watchdog <= sim.timer_deadline)) {
            if (watchdog > xen_sim_now_ns())
                sim.tsc = tsc_for_ns(watchdog);
            watchdogs_expire();
            if (sim.watchdog_fired)
                return;
        }
        if (sim.timer_armed) {
            fire_timer();
            timer_fired = true;
        }
    }
    /* Interrupts are on until the halt returns: the upcall may come again. */
    for (int i = 0; i < MAX_UPCALLS_PER_IDLE && upcall_deliverable(); i++) {
        uintptr_t after = (uintptr_t)arch_idle_woken;
        sim.upcalls++;
        events_upcall_at(&after);
        woke = true;
    }
    /* Strict, like hardware: only a delivered upcall ends the halt. */
    if (!woke)
        hang(timer_fired);
}

bool xen_sim_interrupt_window(void)
{
    bool delivered = false;
    xen_sim_run_backends();
    for (int i = 0; i < MAX_UPCALLS_PER_IDLE && upcall_deliverable(); i++) {
        uintptr_t after = (uintptr_t)arch_idle_woken;
        sim.upcalls++;
        events_upcall_at(&after);
        delivered = true;
    }
    return delivered;
}

void xen_sim_catch_hang(jmp_buf *env)
{
    sim.hang_env = env;
}

const char *xen_sim_hang_message(void)
{
    return sim.hang_message;
}

void arch_hang(void)
{
    sim.hangs++;
}

void arch_fault(void)
{
    sim.faults++;
}

void arch_triple_fault(void)
{
    sim.triple_faults++;
}

unsigned long xen_sim_hangs(void)
{
    return sim.hangs;
}

unsigned long xen_sim_faults(void)
{
    return sim.faults;
}

unsigned long xen_sim_triple_faults(void)
{
    return sim.triple_faults;
}

void xen_sim_lose_sti_shadow(bool lose)
{
    sim.lose_sti_shadow = lose;
}

unsigned long xen_sim_polls(void)
{
    return sim.polls;
}

unsigned long xen_sim_idles(void)
{
    return sim.idles;
}

unsigned long xen_sim_upcalls(void)
{
    return sim.upcalls;
}

/* ---- panic ---- */

void xen_sim_catch_panic(jmp_buf *env)
{
    sim.panic_env = env;
}

const char *xen_sim_panic_message(void)
{
    return sim.panic_message;
}

void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sim.panic_message, sizeof(sim.panic_message), fmt, ap);
    va_end(ap);

    jmp_buf *env = sim.panic_env;
    if (env) {
        sim.panic_env = NULL;
        longjmp(*env, 1);
    }
    fprintf(stderr, "xen_sim: guest panic: %s", sim.panic_message);
    abort();
}
