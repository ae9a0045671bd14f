/*
 * A fake xenstored plugged into the simulated Xen as the domain's xenstore,
 * the way the toolstack sets one up: its ring is the domain's store page
 * (HVM_PARAM_STORE_PFN), it runs as the sim's backend on the store port
 * (whenever the guest kicks it or idles) and notifies the guest when it has
 * answered.  When the domain resumes in a new domain it serves the new
 * domid (forgetting the guest's watches) and its ring is published again.
 *
 *     xen_sim_reset();
 *     struct fake_xenstored *fx = sim_xenstore_start();
 *     devices_bring_up(&d, 0xf3);          // finds and uses it
 *     fxs_write(fx, "control/shutdown", "poweroff");
 *     ...
 *     sim_xenstore_stop();
 *
 * Or without the simulated Xen, for tests of the client and of what runs on
 * it: sim_xenstore_client().
 */
#ifndef SIM_SIM_XENSTORE_H
#define SIM_SIM_XENSTORE_H

#include "drivers/ring_transport.h"
#include "drivers/xenstore/xenstore.h"
#include "sim/fake_xenstored.h"

/*
 * After xen_sim_reset(): create the fake xenstored for the current domid and
 * plug it in (aborts if the sim's backend or resume hook table is full).
 * Its resume hook is registered now, so it runs before any registered later.
 */
struct fake_xenstored *sim_xenstore_start(void);
/* Unplug it from the sim and destroy it. */
void sim_xenstore_stop(void);

/*
 * No simulated Xen: a new fake xenstored serving domid, and the client *xs
 * connected straight to its ring through *transport (fxs_transport(): the
 * server runs whenever the client waits).  fxs_destroy() it when done.
 */
struct fake_xenstored *sim_xenstore_client(unsigned int domid, struct ring_transport *transport,
                                           struct xenstore *xs);

#endif
