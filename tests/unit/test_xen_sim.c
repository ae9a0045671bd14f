/*
 * The simulated Xen itself is strict like hardware: a guest that halts in
 * arch_idle() with nothing that could wake it fails the test, naming why.
 * Hangs such as "waiting on a masked timer" must not pass unnoticed.  The
 * same for SCHEDOP_poll (the floor guest's sleep), which needs no upcall: it
 * ends on a pending port, masked or not, or at its timeout.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/arch.h"
#include "arch/xen_calls.h"
#include "drivers/events.h"
#include "drivers/timer.h"

#include "log_fixture.h"

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

/* SCHEDOP_poll on one port; true if the sim called it a hang. */
static bool poll_hangs(evtchn_port_t port, uint64_t timeout_ns, long *rc)
{
    jmp_buf env;
    struct sched_poll poll = {.nr_ports = 1, .timeout = timeout_ns};
    set_xen_guest_handle(poll.ports, &port);
    if (setjmp(env))
        return true;
    xen_sim_catch_hang(&env);
    *rc = hypercall_sched_op(SCHEDOP_poll, &poll);
    xen_sim_catch_hang(NULL);
    return false;
}

static void test_poll_ends_on_a_pending_port_even_masked(void **state)
{
    (void)state;
    long rc = -1;
    evtchn_port_t port = xen_sim_alloc_port();
    xen_sim_raise(port);
    assert_false(poll_hangs(port, 0, &rc));
    assert_int_equal(rc, 0);
    /* No shared_info mapped, no vector: nothing else is needed to be woken. */
    struct shared_info *si = xen_sim_shared_info();
    si->evtchn_mask[0] |= (xen_ulong_t)1 << port;
    assert_false(poll_hangs(port, 0, &rc));
    assert_int_equal(xen_sim_upcalls(), 0);
    assert_int_equal(xen_sim_polls(), 2);
}

static void test_poll_with_nothing_pending_and_no_timeout_is_a_hang(void **state)
{
    (void)state;
    long rc = -1;
    evtchn_port_t port = xen_sim_alloc_port();
    assert_true(poll_hangs(port, 0, &rc));
    assert_string_equal(xen_sim_hang_message(),
                        "none of its ports is pending and it has no timeout");
}

static void test_poll_times_out_at_its_deadline(void **state)
{
    (void)state;
    long rc = -1;
    evtchn_port_t port = xen_sim_alloc_port();
    uint64_t deadline = xen_sim_now_ns() + 5 * NS_PER_MS;
    assert_false(poll_hangs(port, deadline, &rc));
    assert_int_equal(rc, 0);
    assert_true(xen_sim_now_ns() >= deadline);
    assert_true(xen_sim_now_ns() < deadline + NS_PER_MS);
    assert_false(xen_sim_port_pending(port));
    assert_false(poll_hangs(XEN_SIM_MAX_PORTS, deadline, &rc));
    assert_int_equal(rc, -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_idle_with_nothing_to_wake_is_a_hang, sim_log_setup,
                                        log_teardown),
        cmocka_unit_test_setup_teardown(test_a_timer_without_a_vector_is_a_hang, sim_log_setup,
                                        log_teardown),
        cmocka_unit_test_setup_teardown(test_a_timer_on_a_masked_port_is_a_hang, sim_log_setup,
                                        log_teardown),
        cmocka_unit_test_setup_teardown(test_a_timer_on_an_unbound_virq_is_a_hang, sim_log_setup,
                                        log_teardown),
        cmocka_unit_test_setup_teardown(test_poll_ends_on_a_pending_port_even_masked, sim_log_setup,
                                        log_teardown),
        cmocka_unit_test_setup_teardown(test_poll_with_nothing_pending_and_no_timeout_is_a_hang,
                                        sim_log_setup, log_teardown),
        cmocka_unit_test_setup_teardown(test_poll_times_out_at_its_deadline, sim_log_setup,
                                        log_teardown),
        cmocka_unit_test_setup_teardown(test_a_bound_unmasked_timer_wakes_the_guest, sim_log_setup,
                                        log_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
