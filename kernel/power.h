#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

/*
 * SCHEDOP_shutdown with a SHUTDOWN_* reason, for struct control_power (ctx is
 * the struct devices).  For SHUTDOWN_suspend it returns 1 when the suspend
 * was cancelled or the domain checkpointed, and 0 after resuming in a new
 * domain, with every device set up again.  Other reasons return only if Xen
 * refused (< 0).
 */
int power_shutdown(void *devices, unsigned int reason);

#endif
