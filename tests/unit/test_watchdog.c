/*
 * Xen's domain watchdogs: the simulated Xen's SCHEDOP_watchdog (as Xen's
 * common/sched/core.c has it), power_watchdog() (the "watchdog" action) and
 * kernel/watchdog.c (the watchdog=N command-line word: armed at boot,
 * petted by the main loop, so that only a VM that stops is shut down).
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
#include "kernel/power.h"
#include "kernel/watchdog.h"

#include "devices_fixture.h"

/* ---- the simulated Xen ---- */

static void test_xen_allocates_two_watchdogs_and_no_more(void **state)
{
    (void)state;
    assert_int_equal(xen_sched_watchdog(0, 10), 1);
    assert_int_equal(xen_sched_watchdog(0, 10), 2);
    assert_int_equal(xen_sched_watchdog(0, 10), -ENOSPC);
    assert_true(xen_sim_watchdog_armed(1));
    assert_true(xen_sim_watchdog_armed(2));
}

static void test_xen_refuses_unknown_ids(void **state)
{
    (void)state;
    assert_int_equal(xen_sched_watchdog(1, 10), -EINVAL); /* not allocated */
    assert_int_equal(xen_sched_watchdog(3, 10), -EINVAL); /* above the limit */
    assert_int_equal(xen_sched_watchdog(0, 10), 1);
    assert_int_equal(xen_sched_watchdog(2, 10), -EINVAL);
}

static void test_timeout_0_frees_a_watchdog(void **state)
{
    (void)state;
    assert_int_equal(xen_sched_watchdog(0, 10), 1);
    assert_int_equal(xen_sched_watchdog(1, 0), 0);
    assert_false(xen_sim_watchdog_in_use(1));
    assert_int_equal(xen_sched_watchdog(1, 10), -EINVAL);
    xen_sim_advance_ns(60 * NS_PER_S);
    assert_int_equal(xen_sim_shutdowns(), 0);
    assert_int_equal(xen_sched_watchdog(0, 10), 1); /* free again */
}

static void test_expiry_shuts_the_domain_down_with_reason_watchdog(void **state)
{
    (void)state;
    uint64_t t0 = xen_sim_now_ns();
    assert_int_equal(xen_sched_watchdog(0, 3), 1);
    assert_true(xen_sim_watchdog_deadline(1) >= t0 + 3 * NS_PER_S);
    xen_sim_advance_ns(3 * NS_PER_S - NS_PER_MS);
    assert_int_equal(xen_sim_shutdowns(), 0);
    xen_sim_advance_ns(2 * NS_PER_MS);
    assert_int_equal(xen_sim_shutdowns(), 1);
    assert_int_equal(xen_sim_last_shutdown_reason(), SHUTDOWN_watchdog);
    assert_int_equal(xen_sim_watchdog_fired(), 1);
    /* One-shot: it stays allocated, no longer armed, and fires no more. */
    assert_true(xen_sim_watchdog_in_use(1));
    assert_false(xen_sim_watchdog_armed(1));
    xen_sim_advance_ns(10 * NS_PER_S);
    assert_int_equal(xen_sim_shutdowns(), 1);
}

static void test_a_pet_rearms_from_now(void **state)
{
    (void)state;
    assert_int_equal(xen_sched_watchdog(0, 3), 1);
    for (int i = 0; i < 10; i++) {
        xen_sim_advance_ns(2 * NS_PER_S);
        assert_int_equal(xen_sched_watchdog(1, 3), 0);
    }
    assert_int_equal(xen_sim_shutdowns(), 0);
    xen_sim_advance_ns(3 * NS_PER_S);
    assert_int_equal(xen_sim_last_shutdown_reason(), SHUTDOWN_watchdog);
}

static void test_a_domain_already_shut_down_ignores_its_watchdog(void **state)
{
    (void)state;
    assert_int_equal(xen_sched_watchdog(0, 1), 1);
    xen_sched_shutdown(SHUTDOWN_poweroff);
    xen_sim_advance_ns(2 * NS_PER_S);
    assert_int_equal(xen_sim_shutdowns(), 1);
    assert_int_equal(xen_sim_last_shutdown_reason(), SHUTDOWN_poweroff);
    assert_int_equal(xen_sim_watchdog_fired(), 0);
}

static void test_an_idle_guest_is_shut_down_by_its_watchdog(void **state)
{
    (void)state;
    uint64_t t0 = xen_sim_now_ns();
    assert_int_equal(xen_sched_watchdog(0, 5), 1);
    /* On Xen this idle would last for ever, but the watchdog ends the domain. */
    for (int i = 0; i < 10 && xen_sim_shutdowns() == 0; i++) /* other events may come first */
        wait_for_event_until(TIME_FOREVER);
    assert_int_equal(xen_sim_last_shutdown_reason(), SHUTDOWN_watchdog);
    assert_true(xen_sim_now_ns() >= t0 + 5 * NS_PER_S);
    assert_true(xen_sim_now_ns() < t0 + 5 * NS_PER_S + NS_PER_MS);
    wait_for_event_until(TIME_FOREVER); /* dead: returns at once */
    assert_int_equal(xen_sim_shutdowns(), 1);
}

static void test_a_timer_before_the_deadline_wakes_the_guest(void **state)
{
    (void)state;
    assert_int_equal(xen_sched_watchdog(0, 5), 1);
    uint64_t fired = timer_fired();
    for (int i = 0; i < 10 && timer_fired() == fired; i++)
        wait_for_event_until(xen_sim_now_ns() + NS_PER_S);
    assert_int_equal(timer_fired(), fired + 1);
    assert_int_equal(xen_sim_shutdowns(), 0);
}

static void test_a_new_domain_has_no_watchdogs(void **state)
{
    (void)state;
    assert_int_equal(xen_sched_watchdog(0, 5), 1);
    xen_sim_set_suspend_result(0);
    assert_int_equal(power_shutdown(&d, SHUTDOWN_suspend), 0);
    assert_false(xen_sim_watchdog_in_use(1));
    assert_int_equal(xen_sched_watchdog(1, 5), -EINVAL);
}

static void test_the_same_domain_keeps_its_watchdogs(void **state)
{
    (void)state;
    assert_int_equal(xen_sched_watchdog(0, 5), 1);
    xen_sim_set_suspend_result(0);
    xen_sim_resume_same_domain(true);
    assert_int_equal(power_shutdown(&d, SHUTDOWN_suspend), 0);
    assert_int_equal(xen_sched_watchdog(1, 5), 0);
}

/* ---- power_watchdog: the "watchdog" action ---- */

static void test_power_watchdog_arms_one_and_returns(void **state)
{
    (void)state;
    uint64_t t0 = xen_sim_now_ns();
    assert_int_equal(power_watchdog(&d, 7), 0);
    assert_true(xen_sim_watchdog_armed(1));
    assert_true(xen_sim_watchdog_deadline(1) >= t0 + 7 * NS_PER_S);
    assert_string_equal(log_capture_text(), "");
    xen_sim_advance_ns(7 * NS_PER_S);
    assert_int_equal(xen_sim_last_shutdown_reason(), SHUTDOWN_watchdog);
}

static void test_power_watchdog_reports_xen_refusing(void **state)
{
    (void)state;
    assert_int_equal(power_watchdog(&d, 5), 0);
    assert_int_equal(power_watchdog(&d, 5), 0);
    assert_int_equal(power_watchdog(&d, 5), -ENOSPC);
    assert_string_equal(log_capture_text(),
                        "test-vm: power: error: SCHEDOP_watchdog(timeout 5 s) returned -28\n");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, devices_up_setup, devices_teardown)
    const struct CMUnitTest tests[] = {
        T(test_xen_allocates_two_watchdogs_and_no_more),
        T(test_xen_refuses_unknown_ids),
        T(test_timeout_0_frees_a_watchdog),
        T(test_expiry_shuts_the_domain_down_with_reason_watchdog),
        T(test_a_pet_rearms_from_now),
        T(test_a_domain_already_shut_down_ignores_its_watchdog),
        T(test_an_idle_guest_is_shut_down_by_its_watchdog),
        T(test_a_timer_before_the_deadline_wakes_the_guest),
        T(test_a_new_domain_has_no_watchdogs),
        T(test_the_same_domain_keeps_its_watchdogs),
        T(test_power_watchdog_arms_one_and_returns),
        T(test_power_watchdog_reports_xen_refusing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
