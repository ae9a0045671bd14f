/*
 * The simulated Xen (see xen_sim.h for the model; xen_sim_private.h lists
 * its files).  This one: the domain, its pages, and resuming in a new one.
 */
#include "sim/xen_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "drivers/timer.h"
#include "sim/sim_watchdog.h"
#include "sim/xen_sim_private.h"

#define PAGE_SIZE       4096
#define DEFAULT_MUL     0xcccccccdu /* 0.8 * 2^32: with shift -1, 0.4 ns a tick (2.5 GHz) */
#define DEFAULT_SHIFT   (-1)
#define RESUME_TSC_JUMP 0x123456789ull /* the "new host" runs its TSC elsewhere */

struct xen_sim_state sim;

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
    sim.console_port = sim_alloc_port(PORT_INTERDOMAIN);
    sim.store_port = sim_alloc_port(PORT_INTERDOMAIN);
    sim.params[HVM_PARAM_CONSOLE_PFN] = arch_ptr_to_pfn(sim.console_page);
    sim.params[HVM_PARAM_CONSOLE_EVTCHN] = sim.console_port;
    sim.params[HVM_PARAM_STORE_PFN] = arch_ptr_to_pfn(sim.store_page);
    sim.params[HVM_PARAM_STORE_EVTCHN] = sim.store_port;
    sim_publish_time_record();
}

void xen_sim_reset(void)
{
    free_pages();
    wait_abandoned();   /* a test that left by longjmp may have been inside a wait */
    time_reset_clock(); /* the new domain's clock starts at 0 */
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
/*
 * The domain's devices as a toolstack sets them up afresh: every event
 * channel closed, shared_info unmapped (the guest's own page again), no
 * timer, new console and xenstore rings and ports, the backends following
 * them, then the resume hooks (xenstored serving the domid).
 */
static void devices_afresh(bool new_domain, bool new_host)
{
    evtchn_port_t old_console = sim.console_port, old_store = sim.store_port;

    xen_sim_run_backends(); /* the backends' last look at the old rings */
    uint64_t ns = xen_sim_now_ns();

    if (new_domain) {
        sim.domid++;
        sim_watchdog_reset(); /* Xen's watchdogs belong to the old domain */
    }
    sim.generation++;
    uint64_t callback = sim.params[HVM_PARAM_CALLBACK_IRQ];
    new_domain_state();
    if (!new_domain)
        sim.params[HVM_PARAM_CALLBACK_IRQ] =
            callback; /* HVM params stay: only the rings' are new */

    if (new_host) {
        /* Another TSC base, and its system time (by default carrying on). */
        sim.tsc += RESUME_TSC_JUMP;
        sim.record_tsc = sim.tsc;
        if (sim.resume_clock_jump_ns < 0 && (uint64_t)-sim.resume_clock_jump_ns > ns)
            sim.record_ns = 0;
        else
            sim.record_ns = ns + (uint64_t)sim.resume_clock_jump_ns;
    } else {
        sim.record_tsc = sim.tsc;
        sim.record_ns = ns;
    }
    sim_publish_time_record();

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

void sim_resume_in_new_domain(void)
{
    devices_afresh(true, true);
}

void sim_soft_reset_in_place(void)
{
    sim.soft_resets++;
    devices_afresh(false, false);
}

void xen_sim_soft_reset_in_place(bool in_place)
{
    sim.soft_reset_in_place = in_place;
}

unsigned long xen_sim_soft_resets(void)
{
    return sim.soft_resets;
}

void xen_sim_set_suspend_result(long rc)
{
    sim.suspend_result = rc;
}

void xen_sim_set_resume_clock_jump(int64_t jump_ns)
{
    sim.resume_clock_jump_ns = jump_ns;
}

void xen_sim_resume_same_domain(bool same)
{
    sim.resume_same_domain = same;
}

unsigned long xen_sim_shutdowns(void)
{
    return sim.shutdowns;
}

int xen_sim_last_shutdown_reason(void)
{
    return sim.last_shutdown_reason;
}

void sim_domain_watchdogs_expire(void)
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
