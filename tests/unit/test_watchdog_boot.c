/*
 * kernel/watchdog.c, the watchdog=N command-line word: its values, arming at
 * boot, the pets, a new domain after a resume, and the whole VM (devices,
 * interpreter, kernel/power.c) in the kernel's main loop over the simulated
 * Xen: petted, it lives; after the "hang" action, Xen's watchdog ends it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "arch/xen_calls.h"
#include "drivers/timer.h"
#include "kernel/cmdline.h"
#include "kernel/config.h"
#include "kernel/control/control.h"
#include "kernel/loop.h"
#include "kernel/power.h"
#include "kernel/watchdog.h"

#include "devices_fixture.h"

static struct watchdog wd;
static struct control control;
static struct vm vm;

static int setup(void **state)
{
    memset(&wd, 0, sizeof(wd));
    return devices_up_setup(state);
}

/* ---- the word ---- */

static void test_no_word_no_watchdog(void **state)
{
    (void)state;
    assert_int_equal(watchdog_cmdline(""), 0);
    assert_int_equal(watchdog_cmdline("feature-suspend=0 debug=none"), 0);
    assert_int_equal(watchdog_start(&wd, 0, 0), 0);
    assert_int_equal(watchdog_tick(&wd, 0, 12345), 12345);
    assert_int_equal(xen_sim_calls(__HYPERVISOR_sched_op, SCHEDOP_watchdog), 0);
    assert_string_equal(log_capture_text(), "");
}

static void test_good_values(void **state)
{
    (void)state;
    assert_int_equal(watchdog_cmdline("watchdog=1"), 1);
    assert_int_equal(watchdog_cmdline("watchdog=30"), 30);
    assert_int_equal(watchdog_cmdline("watchdog=086400"), 86400);
    assert_int_equal(watchdog_cmdline("watchdog=5 watchdog=7"), 7); /* the last one wins */
    assert_string_equal(log_capture_text(), "");
}

static void test_bad_values_are_reported_and_give_no_watchdog(void **state)
{
    (void)state;
    static const struct {
        const char *cmdline, *shown;
    } bad[] = {
        {"watchdog=0", "0"},
        {"watchdog=86401", "86401"},
        {"watchdog=-5", "-5"},
        {"watchdog=+5", "+5"},
        {"watchdog=5s", "5s"},
        {"watchdog=", ""},
        {"watchdog", ""},
        {"watchdog=0x10", "0x10"},
        {"watchdog=99999999999999999999", "(too long)"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char line[160];
        log_capture_clear();
        assert_int_equal(watchdog_cmdline(bad[i].cmdline), 0);
        snprintf(line, sizeof(line),
                 "test-vm: cmdline: error: watchdog=%s: expected a whole number of seconds from 1 "
                 "to 86400; no watchdog\n",
                 bad[i].shown);
        assert_string_equal(log_capture_text(), line);
    }
}

/* ---- arming and petting ---- */

static void test_start_arms_one_of_xens_watchdogs(void **state)
{
    (void)state;
    uint64_t now = time_now_ns();
    assert_int_equal(watchdog_start(&wd, 4, now), 0);
    assert_string_equal(
        log_capture_text(),
        "test-vm: watchdog: armed for 4 s (Xen's watchdog 1), petted every 2000 ms\n");
    assert_true(xen_sim_watchdog_armed(1));
    assert_true(xen_sim_watchdog_deadline(1) >= now + 4 * NS_PER_S);
    /* The loop must wake for the first pet, N/2 s on. */
    assert_int_equal(watchdog_tick(&wd, now, TIME_FOREVER), now + 2 * NS_PER_S);
    assert_int_equal(watchdog_tick(&wd, now, now + NS_PER_S), now + NS_PER_S);
}

static void test_one_second_is_petted_every_half_second(void **state)
{
    (void)state;
    uint64_t now = time_now_ns();
    assert_int_equal(watchdog_start(&wd, 1, now), 0);
    assert_int_equal(watchdog_tick(&wd, now, TIME_FOREVER), now + 500 * NS_PER_MS);
}

static void test_a_pet_when_due_pushes_xens_deadline(void **state)
{
    (void)state;
    assert_int_equal(watchdog_start(&wd, 4, time_now_ns()), 0);
    unsigned long calls = xen_sim_calls(__HYPERVISOR_sched_op, SCHEDOP_watchdog);
    /* Not due: no hypercall. */
    xen_sim_advance_ns(NS_PER_S);
    watchdog_tick(&wd, time_now_ns(), TIME_FOREVER);
    assert_int_equal(xen_sim_calls(__HYPERVISOR_sched_op, SCHEDOP_watchdog), calls);
    /* Due: re-armed from now. */
    xen_sim_advance_ns(NS_PER_S);
    uint64_t now = time_now_ns();
    assert_int_equal(watchdog_tick(&wd, now, TIME_FOREVER), now + 2 * NS_PER_S);
    assert_int_equal(xen_sim_calls(__HYPERVISOR_sched_op, SCHEDOP_watchdog), calls + 1);
    assert_true(xen_sim_watchdog_deadline(1) >= now + 4 * NS_PER_S);
    assert_string_equal(
        log_capture_text(),
        "test-vm: watchdog: armed for 4 s (Xen's watchdog 1), petted every 2000 ms\n");
}

static void test_a_new_domain_gets_a_new_watchdog(void **state)
{
    (void)state;
    assert_int_equal(watchdog_start(&wd, 4, time_now_ns()), 0);
    xen_sim_set_suspend_result(0);
    assert_int_equal(power_shutdown(&d, SHUTDOWN_suspend), 0); /* restored in a new domain */
    assert_false(xen_sim_watchdog_in_use(1));
    log_capture_clear();
    xen_sim_advance_ns(2 * NS_PER_S);
    watchdog_tick(&wd, time_now_ns(), TIME_FOREVER);
    assert_string_equal(log_capture_text(),
                        "test-vm: watchdog: Xen no longer knows watchdog 1 (EINVAL: a new domain); "
                        "arming another\n"
                        "test-vm: watchdog: armed for 4 s (Xen's watchdog 1)\n");
    assert_true(xen_sim_watchdog_armed(1));
}

static void test_failures_are_logged_once_and_retried(void **state)
{
    (void)state;
    xen_sim_fail_next(__HYPERVISOR_sched_op, SCHEDOP_watchdog, -ENOSYS);
    assert_int_equal(watchdog_start(&wd, 4, time_now_ns()), -ENOSYS);
    assert_string_equal(
        log_capture_text(),
        "test-vm: watchdog: error: arming it failed (ENOSYS); trying again every 2000 ms\n");
    assert_false(xen_sim_watchdog_in_use(1));
    /* The next pet arms it. */
    xen_sim_advance_ns(2 * NS_PER_S);
    log_capture_clear();
    watchdog_tick(&wd, time_now_ns(), TIME_FOREVER);
    assert_string_equal(log_capture_text(),
                        "test-vm: watchdog: armed for 4 s (Xen's watchdog 1)\n");
    /* Two failed pets in a row: one line. */
    log_capture_clear();
    for (int i = 0; i < 2; i++) {
        xen_sim_fail_next(__HYPERVISOR_sched_op, SCHEDOP_watchdog, -EPERM);
        xen_sim_advance_ns(2 * NS_PER_S);
        watchdog_tick(&wd, time_now_ns(), TIME_FOREVER);
    }
    assert_string_equal(
        log_capture_text(),
        "test-vm: watchdog: error: petting it failed (EPERM); trying again every 2000 ms\n");
}

/* ---- the whole VM ---- */

/*
 * The kernel's main loop (vm_turn(), as boot/main.c runs it) over the simulated Xen until the
 * clock reaches end_ns, the VM hangs (on Xen, arch_hang() never returns) or
 * the domain shuts down.
 */
static void run_kernel(uint64_t end_ns)
{
    for (int i = 0; i < 100000; i++) {
        if (xen_sim_now_ns() >= end_ns || xen_sim_hangs() || xen_sim_shutdowns())
            return;
        devices_vm_turn(&vm);
    }
    fail_msg("the kernel's loop never reached its end");
}

static void boot(const char *cmdline)
{
    devices_boot_vm(&vm, &control, cmdline);
}

/* A hung VM spins: time passes, the loop does not run.  Returns the ns until Xen shut it down. */
static uint64_t spin_until_shut_down(uint64_t at_most_ns)
{
    uint64_t t0 = xen_sim_now_ns();
    while (xen_sim_shutdowns() == 0 && xen_sim_now_ns() - t0 < at_most_ns)
        xen_sim_advance_ns(10 * NS_PER_MS);
    return xen_sim_now_ns() - t0;
}

static void hang_now(void)
{
    assert_int_equal(fxs_write(fx, "control/testing", "{\"when\":\"now\",\"action\":\"hang\"}"), 0);
    run_kernel(xen_sim_now_ns() + 10 * NS_PER_S);
    assert_int_equal(xen_sim_hangs(), 1);
}

static void test_a_petted_vm_lives_and_a_hung_one_is_shut_down(void **state)
{
    (void)state;
    boot("watchdog=4");
    run_kernel(xen_sim_now_ns() + 60 * NS_PER_S);
    assert_int_equal(xen_sim_shutdowns(), 0);
    assert_string_equal(fxs_read(fx, "data/test-vm/state"), "ready");

    hang_now();
    uint64_t took = spin_until_shut_down(60 * NS_PER_S);
    assert_int_equal(xen_sim_last_shutdown_reason(), SHUTDOWN_watchdog);
    /* The last pet came at most 2 s before the hang. */
    assert_true(took >= 2 * NS_PER_S && took <= 4 * NS_PER_S);
}

static void test_without_the_word_a_hung_vm_stays_hung(void **state)
{
    (void)state;
    boot("");
    hang_now();
    spin_until_shut_down(60 * NS_PER_S);
    assert_int_equal(xen_sim_shutdowns(), 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, devices_teardown)
    const struct CMUnitTest tests[] = {
        T(test_no_word_no_watchdog),
        T(test_good_values),
        T(test_bad_values_are_reported_and_give_no_watchdog),
        T(test_start_arms_one_of_xens_watchdogs),
        T(test_one_second_is_petted_every_half_second),
        T(test_a_pet_when_due_pushes_xens_deadline),
        T(test_a_new_domain_gets_a_new_watchdog),
        T(test_failures_are_logged_once_and_retried),
        T(test_a_petted_vm_lives_and_a_hung_one_is_shut_down),
        T(test_without_the_word_a_hung_vm_stays_hung),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
