/*
 * NMIs: the handler only counts them (sim_nmi_inject() plays that part); the
 * VM reports them on the console when it next wakes, one line however many
 * came, and carries on.
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

static void test_an_nmi_is_logged_when_the_vm_wakes(void **state)
{
    (void)state;
    unsigned long before = arch_nmi_count();
    sim_nmi_inject();
    wait_for_event_until(time_now_ns() + NS_PER_MS);
    assert_logged_once(before + 1);
    assert_int_equal(nmi_report(), before + 1);

    /* The next one is counted on from there. */
    log_capture_clear();
    sim_nmi_inject();
    wait_for_event_until(time_now_ns() + NS_PER_MS);
    assert_logged_once(before + 2);
}

static void test_no_nmi_no_line(void **state)
{
    (void)state;
    wait_for_event_until(time_now_ns() + NS_PER_MS);
    assert_false(log_capture_contains("nmi"));
}

static void test_many_nmis_make_one_line(void **state)
{
    (void)state;
    unsigned long before = arch_nmi_count();
    for (int i = 0; i < 1000; i++)
        sim_nmi_inject();
    wait_for_event_until(time_now_ns() + NS_PER_MS);
    assert_logged_once(before + 1000);
    assert_true(log_line_is_whole(log_capture_text(), log_capture_len()));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_an_nmi_is_logged_when_the_vm_wakes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_nmi_no_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_nmis_make_one_line, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
