#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/control/control.h"

struct devices;

/*
 * The kernel's struct control_power: every power_* function below, with
 * devices as ctx.  kernel/vm_boot.c boots with it; host tests that boot the
 * whole VM take the same wiring.
 */
struct control_power power_of_devices(struct devices *devices);

/*
 * SCHEDOP_shutdown with a SHUTDOWN_* reason, for struct control_power (ctx is
 * the struct devices).  For SHUTDOWN_suspend it returns 1 when the suspend
 * was cancelled or the domain checkpointed, and 0 after resuming in a new
 * domain (or, non-cooperatively, in the same one), with every device set up
 * again: if that still fails after POWER_RESUME_TRIES tries, it panics
 * (SHUTDOWN_crash, with the reason).  SHUTDOWN_soft_reset returns 0 after
 * an in-place soft reset (xenopsd), the devices set up again the same way.
 * Other reasons return only if Xen refused (Xen's -errno).
 */
#define POWER_RESUME_TRIES 3

/* The misbehaviours, for struct control_power (see there). */
void power_hang(void *devices);
int power_watchdog(void *devices, unsigned int timeout_s);
void power_fault(void *devices);
void power_triple_fault(void *devices);

/* A long step's keepalive: pets devices->watchdog if due (struct control_power). */
void power_keepalive(void *devices);

/* The suspend event channel, for struct control_power. */
int power_suspend_channel(void *devices, uint32_t *port);
bool power_suspend_notified(void *devices);

/* The VM's clock (time_now_ns(): carried on across resumes), for struct control_power. */
uint64_t power_clock_ns(void *devices);
int power_shutdown(void *devices, unsigned int reason);

#endif
