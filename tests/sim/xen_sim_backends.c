/*
 * The simulated Xen's backends (xen_sim_private.h): the other side of the
 * rings, run on arch_idle() and when the guest sends on their port, and the
 * hooks run on a resume in a new domain.
 */
#include "sim/xen_sim.h"
#include "sim/xen_sim_private.h"

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

void sim_run_backends_on(evtchn_port_t port)
{
    for (int i = 0; i < MAX_BACKENDS; i++) {
        struct backend b = sim.backends[i]; /* run() may unregister itself */
        if (b.run && (port == XEN_SIM_ANY_PORT || b.port == port || b.port == XEN_SIM_ANY_PORT))
            b.run(b.ctx);
    }
}

void xen_sim_run_backends(void)
{
    sim_run_backends_on(XEN_SIM_ANY_PORT);
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
