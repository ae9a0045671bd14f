/*
 * The simulated Xen itself is strict like hardware: a guest that halts in
 * arch_idle() with nothing that could wake it fails the test, naming why.
 * Hangs such as "waiting on a masked timer" must not pass unnoticed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/arch.h"
#include "drivers/events.h"
#include "drivers/timer.h"
#include "sim/log_capture.h"
#include "sim/xen_sim.h"

static int setup(void **state)
{
    (void)state;
    xen_sim_reset();
    log_capture_start();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    log_capture_stop();
    return 0;
}

/* Run arch_idle() (through wait_for_event_until); true if the sim called it a hang. */
static bool idle_hangs(uint64_t deadline_ns)
{
    jmp_buf env;
    if (setjmp(env))
        return true;
    xen_sim_catch_hang(&env);
    wait_for_event_until(deadline_ns);
    xen_sim_catch_hang(NULL);
    return false;
}

static void test_idle_with_nothing_to_wake_is_a_hang(void **state)
{
    (void)state;
    assert_int_equal(events_init(0xf3), 0);
    assert_true(idle_hangs(TIME_FOREVER));
    assert_string_equal(xen_sim_hang_message(),
                        "no event is pending and no one-shot timer is armed");
}

static void test_a_timer_without_a_vector_is_a_hang(void **state)
{
    (void)state;
    /* No events_init(): no callback vector, so the timer cannot interrupt the halt. */
    assert_true(idle_hangs(xen_sim_now_ns() + NS_PER_MS));
    assert_string_equal(xen_sim_hang_message(),
                        "the guest set no callback vector (HVM_PARAM_CALLBACK_IRQ)");
}

static void test_a_timer_on_a_masked_port_is_a_hang(void **state)
{
    (void)state;
    assert_int_equal(events_init(0xf3), 0);
    assert_int_equal(timer_init(), 0);
    events_mask(xen_sim_virq_port(VIRQ_TIMER));
    assert_true(idle_hangs(xen_sim_now_ns() + NS_PER_MS));
    assert_string_equal(xen_sim_hang_message(),
                        "the one-shot timer fired, but VIRQ_TIMER's port is masked");
}

static void test_a_timer_on_an_unbound_virq_is_a_hang(void **state)
{
    (void)state;
    assert_int_equal(events_init(0xf3), 0);
    assert_true(idle_hangs(xen_sim_now_ns() + NS_PER_MS));
    assert_string_equal(xen_sim_hang_message(),
                        "the one-shot timer fired, but VIRQ_TIMER is bound to no port");
}

static void test_a_bound_unmasked_timer_wakes_the_guest(void **state)
{
    (void)state;
    assert_int_equal(events_init(0xf3), 0);
    assert_int_equal(timer_init(), 0);
    uint64_t deadline = xen_sim_now_ns() + 5 * NS_PER_MS;
    assert_false(idle_hangs(deadline));
    assert_true(xen_sim_now_ns() >= deadline);
    assert_int_equal(timer_fired(), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_idle_with_nothing_to_wake_is_a_hang, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_timer_without_a_vector_is_a_hang, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_timer_on_a_masked_port_is_a_hang, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_timer_on_an_unbound_virq_is_a_hang, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_bound_unmasked_timer_wakes_the_guest, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
