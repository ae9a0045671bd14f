#include "kernel/power.h"
#include "arch/arch.h"
#include "kernel/devices.h"
#include "lib/printk.h"

int power_shutdown(void *ctx, unsigned int reason)
{
    struct devices *devices = ctx;
    struct sched_shutdown shutdown = {.reason = reason};

    long rc = hypercall_sched_op(SCHEDOP_shutdown, &shutdown);
    if (reason != SHUTDOWN_suspend) {
        /* The reason and Xen's own rc, which the interpreter's action line lacks. */
        printk("test-vm: power: error: SCHEDOP_shutdown(reason %u) returned %ld\n", reason, rc);
        return rc < 0 ? (int)rc : -1;
    }
    if (rc == 0) {
        /* A new domain: nothing Xen gave the old one is valid any more. */
        int err = devices_resume(devices);
        if (err)
            printk("test-vm: power: error: setting devices up again after resume failed (%d)\n",
                   err);
    }
    return (int)rc;
}
