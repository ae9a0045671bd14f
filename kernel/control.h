/*
 * The control interpreter: watches control/shutdown and control/testing,
 * acks, and decides what the VM does.  See README.md, "The protocol".
 *
 * It never issues a hypercall: it talks to xenstore through the xenstore
 * client and asks for power actions through struct control_power, which the
 * kernel implements in kernel/power.c and host tests implement themselves.
 */
#ifndef KERNEL_CONTROL_H
#define KERNEL_CONTROL_H

#include <stdbool.h>

#include "drivers/xenstore.h"

struct control_power {
    /*
     * Carry out SCHEDOP_shutdown with a SHUTDOWN_* reason.  On real Xen it
     * returns only for SHUTDOWN_suspend (0: resumed in a new domain, with every
     * driver set up again; 1: cancelled or checkpointed) or on failure (< 0).
     */
    int (*shutdown)(void *ctx, unsigned int reason);
    void *ctx;
};

/* What the kernel command line says about each control/feature-* key. */
enum control_feature {
    FEATURE_ON,   /* write "1" (the default) */
    FEATURE_OFF,  /* write "0" */
    FEATURE_OMIT, /* write nothing */
};

struct control_config {
    enum control_feature feature_poweroff;
    enum control_feature feature_reboot;
    enum control_feature feature_suspend;
};

#endif
