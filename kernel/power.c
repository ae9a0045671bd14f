/*
 * SCHEDOP_shutdown, and after a suspend, the devices set up again.  A VM
 * that resumed without its event channels or its xenstore ring could hear
 * nothing while its state says "ready", so a resume whose devices cannot be
 * set up again (after POWER_RESUME_TRIES tries) crashes the domain, with the
 * reason on the console: the toolstack then sees a crash, not a silent VM.
 */
#include "kernel/power.h"

#include "arch/arch.h"
#include "arch/xen_calls.h"
#include "drivers/timer.h"
#include "drivers/xen_errno.h"
#include "kernel/devices.h"
#include "kernel/watchdog.h"
#include "lib/log.h"
#include "lib/panic.h"

/* After a resume or an in-place soft reset: the devices again, or a crash with the reason. */
static int set_up_again(struct devices *devices, const char *after)
{
    int err = 0;
    for (unsigned int try = 1; try <= POWER_RESUME_TRIES; try++) {
        err = devices_resume(devices);
        if (!err)
            return 0;
        log_error("power", "setting devices up again after %s failed (%s); try %u of %u", after,
                  xen_errno_name(err), try, POWER_RESUME_TRIES);
    }
    panic("test-vm: FATAL: %s: the devices could not be set up again (%s), so the VM could not "
          "hear the toolstack; crashing the domain\n",
          after, xen_errno_name(err));
}

int power_shutdown(void *ctx, unsigned int reason)
{
    struct devices *devices = ctx;
    long rc = xen_sched_shutdown(reason);
    if (reason == SHUTDOWN_soft_reset && rc == 0) {
        /*
         * xenopsd's Domain.soft_reset resets the domain in place: the call
         * returns 0 with every event channel closed and shared_info replaced
         * (Xen's domain_soft_reset()), as after a resume into a new domain.
         */
        log_info("power", "soft reset in place: every event channel is closed; setting the "
                          "devices up again");
        return set_up_again(devices, "a soft reset");
    }
    if (reason != SHUTDOWN_suspend) {
        /* The reason and Xen's own rc, which the interpreter's action line lacks. */
        log_error("power", "SCHEDOP_shutdown(reason %u) returned %ld", reason, rc);
        return rc < 0 ? (int)rc : -XEN_EINVAL;
    }
    if (rc != 0)
        return (int)rc;
    return set_up_again(devices, "resume");
}

void power_hang(void *devices)
{
    (void)devices;
    arch_hang();
}

int power_watchdog(void *devices, unsigned int timeout_s)
{
    (void)devices;
    long rc = xen_sched_watchdog(0, timeout_s);
    if (rc < 0)
        log_error("power", "SCHEDOP_watchdog(timeout %u s) returned %ld", timeout_s, rc);
    return rc < 0 ? (int)rc : 0;
}

void power_fault(void *devices)
{
    (void)devices;
    arch_fault();
}

void power_triple_fault(void *devices)
{
    (void)devices;
    arch_triple_fault();
}

int power_suspend_channel(void *devices, uint32_t *port)
{
    evtchn_port_t p = 0;
    int rc = devices_suspend_channel(devices, &p);
    *port = p;
    return rc;
}

bool power_suspend_notified(void *devices)
{
    return devices_suspend_notified(devices);
}

void power_keepalive(void *ctx)
{
    struct devices *devices = ctx;
    if (devices->watchdog)
        watchdog_tick(devices->watchdog, time_now_ns(), TIME_FOREVER);
}

uint64_t power_clock_ns(void *devices)
{
    (void)devices;
    return time_now_ns();
}

struct control_power power_of_devices(struct devices *devices)
{
    return (struct control_power){
        .shutdown = power_shutdown,
        .now_ns = power_clock_ns,
        .hang = power_hang,
        .watchdog = power_watchdog,
        .fault = power_fault,
        .triple_fault = power_triple_fault,
        .suspend_channel = power_suspend_channel,
        .suspend_notified = power_suspend_notified,
        .keepalive = power_keepalive,
        .ctx = devices,
    };
}
