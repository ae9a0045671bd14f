#include "sim/sim_xenstore.h"

#include <stdio.h>
#include <stdlib.h>

#include "arch/arch.h"
#include "sim/xen_sim.h"

static struct fake_xenstored *fx;

static void publish_ring(void)
{
    xen_sim_set_param(HVM_PARAM_STORE_PFN, arch_ptr_to_pfn(fxs_ring(fx)));
}

static void run(void *ctx)
{
    (void)ctx;
    if (fx && fxs_run(fx))
        xen_sim_raise(xen_sim_store_port());
}

/* A new domain: xenstored serves its new domid (and forgets the old watches). */
static void follow_resume(void *ctx)
{
    (void)ctx;
    if (!fx)
        return;
    fxs_set_domid(fx, xen_sim_domid());
    publish_ring();
}

struct fake_xenstored *sim_xenstore_start(void)
{
    sim_xenstore_stop();
    fx = fxs_create(xen_sim_domid());
    publish_ring();
    if (xen_sim_register_backend(xen_sim_store_port(), run, NULL) ||
        xen_sim_register_resume_hook(follow_resume, NULL)) {
        fprintf(stderr, "sim_xenstore: the sim's backend or resume hook table is full\n");
        abort();
    }
    return fx;
}

void sim_xenstore_stop(void)
{
    if (!fx)
        return;
    xen_sim_unregister_backend(run, NULL);
    fxs_destroy(fx);
    fx = NULL;
}

struct fake_xenstored *sim_xenstore_client(unsigned int domid, struct ring_transport *transport,
                                           struct xenstore *xs)
{
    struct fake_xenstored *server = fxs_create(domid);
    fxs_transport(server, transport);
    xenstore_init(xs, fxs_ring(server), transport);
    return server;
}
