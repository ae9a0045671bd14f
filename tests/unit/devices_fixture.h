/*
 * Shared by the tests that run the kernel's devices (kernel/devices.c) over
 * the simulated Xen: a fresh simulated domain with the fake xenstored (fx)
 * and the fake xenconsoled on the other ends of the rings, the kernel log
 * captured (sim/log_capture.h), and the struct devices d.
 */
#ifndef DEVICES_FIXTURE_H
#define DEVICES_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/timer.h"
#include "kernel/cmdline.h"
#include "kernel/config.h"
#include "kernel/control/control.h"
#include "kernel/devices.h"
#include "kernel/power.h"
#include "kernel/vm.h"
#include "kernel/watchdog.h"
#include "lib/printk.h"
#include "sim/fake_console.h"
#include "sim/log_capture.h"
#include "sim/sim_xenstore.h"
#include "sim/xen_sim.h"

/* The event upcall vector the devices are brought up with (arch/x86's is EVENT_UPCALL_VECTOR). */
#define DEVICES_VECTOR 0xf3

static struct devices d;
static struct fake_xenstored *fx;

/* A new simulated domain; d is cleared, its devices not brought up. */
static inline void devices_fixture_start(void)
{
    xen_sim_reset();
    log_capture_start();
    fx = sim_xenstore_start();
    fake_console_start();
    memset(&d, 0, sizeof(d));
}

static inline void devices_fixture_stop(void)
{
    printk_remove_sink(console_printk_sink, &d.console);
    fake_console_stop();
    sim_xenstore_stop();
    log_capture_stop();
}

/* For cmocka: a new domain, its devices not brought up. */
static inline int devices_setup(void **state)
{
    (void)state;
    devices_fixture_start();
    return 0;
}

/* For cmocka: a new domain with its devices brought up, the log of that cleared. */
static inline int devices_up_setup(void **state)
{
    (void)state;
    devices_fixture_start();
    assert_int_equal(devices_bring_up(&d, DEVICES_VECTOR), 0);
    log_capture_clear();
    return 0;
}

/*
 * The whole VM on these devices, started as kernel/vm_boot.c starts it (the
 * same vm_start(), the command line's configuration and watchdog=), and
 * one turn of its outer loop as the kernel runs it (vm_turn(), then the
 * wait until its deadline, which moves the simulated clock).
 */
static inline void devices_boot_vm(struct vm *vm, struct control *c, const char *cmdline)
{
    struct vm_config config;
    config_from_cmdline(cmdline, &config);
    assert_int_equal(vm_start_on_devices(vm, &d, c, &config), 0);
}

static inline void devices_vm_turn(struct vm *vm)
{
    uint64_t wake = vm_turn(vm);
    if (wake != LOOP_AGAIN)
        wait_for_event_until(wake);
}

static inline int devices_teardown(void **state)
{
    (void)state;
    devices_fixture_stop();
    return 0;
}

#endif
