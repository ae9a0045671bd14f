/*
 * NMIs: the handler only counts them (sim_nmi_inject() plays that part); the
 * NMI ends the VM's wait, and the main loop (loop_step() -> nmi_report())
 * reports them on the console, one line however many came, and carries on.
 * The wait itself prints nothing (test_nmi_console.c: why).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "arch/arch.h"
#include "drivers/events.h"
#include "drivers/nmi.h"
#include "drivers/timer.h"
#include "sim/log_capture.h"
#include "sim/sim_nmi.h"
#include "sim/xen_sim.h"

static int setup(void **state)
{
    (void)state;
    xen_sim_reset();
    assert_int_equal(events_init(0xf3), 0);
    assert_int_equal(timer_init(), 0);
    nmi_report(); /* whatever an earlier test left */
    log_capture_start();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    log_capture_stop();
    return 0;
}

static void assert_logged_once(unsigned long count)
{
    char line[64];
    snprintf(line, sizeof(line), "test-vm: nmi: received (%lu so far)\n", count);
    assert_string_equal(log_capture_text(), line);
}

static void test_an_nmi_ends_the_wait_and_the_loop_logs_it(void **state)
{
    (void)state;
    unsigned long before = arch_nmi_count();
    sim_nmi_inject();
    uint64_t t0 = time_now_ns();
    assert_true(wait_for_event_until(TIME_FOREVER)); /* the NMI ends it: no hang */
    assert_int_equal(time_now_ns(), t0);
    assert_false(log_capture_contains("nmi")); /* the wait prints nothing */
    assert_int_equal(nmi_report(), before + 1);
    assert_logged_once(before + 1);

    /* The next one is counted on from there; a second report says nothing new. */
    log_capture_clear();
    sim_nmi_inject();
    wait_for_event_until(time_now_ns() + NS_PER_MS);
    nmi_report();
    nmi_report();
    assert_logged_once(before + 2);
}

static void test_no_nmi_no_line(void **state)
{
    (void)state;
    wait_for_event_until(time_now_ns() + NS_PER_MS);
    nmi_report();
    assert_false(log_capture_contains("nmi"));
}

static void test_many_nmis_make_one_line(void **state)
{
    (void)state;
    unsigned long before = arch_nmi_count();
    for (int i = 0; i < 1000; i++)
        sim_nmi_inject();
    wait_for_event_until(time_now_ns() + NS_PER_MS);
    nmi_report();
    assert_logged_once(before + 1000);
    assert_true(log_line_is_whole(log_capture_text(), log_capture_len()));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_an_nmi_ends_the_wait_and_the_loop_logs_it, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_no_nmi_no_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_nmis_make_one_line, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
