/*
 * kernel/power.c: each power action is SCHEDOP_shutdown with its reason;
 * a suspend that Xen cancels (1) leaves every device as it was, one that
 * resumes in a new domain (0) sets every device up again with the new
 * ports.  Devices run against the simulated Xen, the fake xenconsoled and
 * the fake xenstored.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/timer.h"
#include "kernel/power.h"

#include "devices_fixture.h"

static void assert_devices_work(void)
{
    char value[16], expected[16];
    snprintf(expected, sizeof(expected), "%u", xen_sim_domid());
    assert_true(xenstore_read(&d.xenstore, 0, "domid", value, sizeof(value)) > 0);
    assert_string_equal(value, expected);

    fake_console_clear();
    printk("devices still work\n");
    assert_string_equal(fake_console_output(NULL), "devices still work\n");
}

static void test_each_action_is_a_shutdown_with_its_reason(void **state)
{
    (void)state;
    static const unsigned int reasons[] = {SHUTDOWN_poweroff, SHUTDOWN_reboot, SHUTDOWN_crash,
                                           SHUTDOWN_watchdog};
    log_capture_clear();
    for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
        /* On Xen these never return; the sim's return shows up as an error. */
        assert_true(power_shutdown(&d, reasons[i]) < 0);
        assert_int_equal(xen_sim_shutdowns(), i + 1);
        assert_int_equal(xen_sim_last_shutdown_reason(), reasons[i]);
        /* One line in the documented "test-vm: <where>: error: <reason>" form. */
        char line[80];
        snprintf(line, sizeof(line),
                 "test-vm: power: error: SCHEDOP_shutdown(reason %u) returned 0\n", reasons[i]);
        assert_true(log_capture_contains(line));
        assert_int_equal(log_capture_count(": error: "), i + 1);
    }
    assert_int_equal(xen_sim_generation(), 0);
}

static void test_a_refused_shutdown_returns_the_error(void **state)
{
    (void)state;
    log_capture_clear();
    xen_sim_fail_next(__HYPERVISOR_sched_op, SCHEDOP_shutdown, -EPERM);
    assert_int_equal(power_shutdown(&d, SHUTDOWN_poweroff), -EPERM);
    assert_string_equal(log_capture_text(),
                        "test-vm: power: error: SCHEDOP_shutdown(reason 0) returned -1\n");
}

static void test_cancelled_suspend_leaves_everything_alone(void **state)
{
    (void)state;
    evtchn_port_t console = d.console_port, store = d.xenstore_port;
    unsigned long maps = xen_sim_calls(__HYPERVISOR_memory_op, XENMEM_add_to_physmap);
    unsigned long params = xen_sim_calls(__HYPERVISOR_hvm_op, HVMOP_get_param);
    unsigned long virqs = xen_sim_calls(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq);

    xen_sim_set_suspend_result(1);
    assert_int_equal(power_shutdown(&d, SHUTDOWN_suspend), 1);
    assert_int_equal(xen_sim_last_shutdown_reason(), SHUTDOWN_suspend);

    /* Nothing was set up again: no mapping, no param read, no binding. */
    assert_int_equal(xen_sim_calls(__HYPERVISOR_memory_op, XENMEM_add_to_physmap), maps);
    assert_int_equal(xen_sim_calls(__HYPERVISOR_hvm_op, HVMOP_get_param), params);
    assert_int_equal(xen_sim_calls(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq), virqs);
    assert_int_equal(d.console_port, console);
    assert_int_equal(d.xenstore_port, store);
    assert_devices_work();
}

static void test_failed_suspend_leaves_everything_alone(void **state)
{
    (void)state;
    unsigned long maps = xen_sim_calls(__HYPERVISOR_memory_op, XENMEM_add_to_physmap);
    xen_sim_set_suspend_result(-EINVAL);
    assert_int_equal(power_shutdown(&d, SHUTDOWN_suspend), -EINVAL);
    assert_int_equal(xen_sim_calls(__HYPERVISOR_memory_op, XENMEM_add_to_physmap), maps);
    assert_devices_work();
}

static void test_resumed_suspend_sets_devices_up_with_new_ports(void **state)
{
    (void)state;
    evtchn_port_t console = d.console_port, store = d.xenstore_port;
    unsigned int domid = xen_sim_domid();

    xen_sim_set_suspend_result(0);
    assert_int_equal(power_shutdown(&d, SHUTDOWN_suspend), 0);
    assert_int_equal(xen_sim_generation(), 1);
    assert_int_not_equal(xen_sim_domid(), domid);

    assert_true(xen_sim_shared_info_mapped());
    assert_int_equal(xen_sim_callback_vector(), 0xf3);
    assert_int_not_equal(xen_sim_virq_port(VIRQ_TIMER), 0);
    assert_int_equal(d.console_port, xen_sim_console_port());
    assert_int_equal(d.xenstore_port, xen_sim_store_port());
    assert_int_not_equal(d.console_port, console);
    assert_int_not_equal(d.xenstore_port, store);
    assert_false(xen_sim_port_masked(d.console_port));
    assert_false(xen_sim_port_masked(d.xenstore_port));
    assert_false(log_capture_contains("after resume failed"));
    assert_devices_work();
}

static void no_xenstore_in_the_new_domain(void *ctx)
{
    (void)ctx;
    xen_sim_set_param(HVM_PARAM_STORE_PFN, 0);
}

static void test_a_failed_resume_is_reported(void **state)
{
    (void)state;
    /* Runs after sim_xenstore's resume hook, which registered first. */
    assert_int_equal(xen_sim_register_resume_hook(no_xenstore_in_the_new_domain, NULL), 0);
    xen_sim_set_suspend_result(0);
    jmp_buf env;
    if (setjmp(env) == 0) {
        xen_sim_catch_panic(&env);
        power_shutdown(&d, SHUTDOWN_suspend);
        fail_msg(
            "a resume that cannot set xenstore up again must not return: the VM would be deaf");
    }
    /* Each try logged, then a crash with the reason rather than a silent VM. */
    assert_true(log_capture_contains(
        "test-vm: power: error: setting devices up again after resume failed (ENODEV); try 3 of 3\n"));
    assert_string_equal(
        xen_sim_panic_message(),
        "test-vm: FATAL: resume: the devices could not be set up again (ENODEV), so "
        "the VM could not hear the toolstack; crashing the domain\n");
}

/*
 * libxc's non-cooperative resume (xc_domain_resume, fast=0): the suspend
 * returns 0 but the domain is the same, and Xen kept every binding.
 * Rebinding VIRQ_TIMER fails with EEXIST: that is "still bound", and the
 * rings' ports, which Xen also kept, must work as before.
 */
static void test_resume_in_the_same_domain_keeps_what_xen_kept(void **state)
{
    (void)state;
    evtchn_port_t timer = xen_sim_virq_port(VIRQ_TIMER), store = d.xenstore_port;
    unsigned int domid = xen_sim_domid();

    xen_sim_set_suspend_result(0);
    xen_sim_resume_same_domain(true);
    log_capture_clear();
    assert_int_equal(power_shutdown(&d, SHUTDOWN_suspend), 0);
    assert_int_equal(xen_sim_domid(), domid);
    assert_int_equal(xen_sim_virq_port(VIRQ_TIMER), timer);
    assert_int_equal(d.xenstore_port, store);
    assert_false(xen_sim_port_masked(timer));
    assert_false(xen_sim_port_masked(d.xenstore_port));
    assert_false(xen_sim_port_masked(d.console_port));
    assert_true(log_capture_contains("test-vm: events: VIRQ 0 is still bound, to port "));
    assert_false(log_capture_contains("error"));
    assert_devices_work();

    /* The timer still wakes the VM: a wait with a deadline returns. */
    uint64_t fired = timer_fired(), deadline = time_now_ns() + NS_PER_MS;
    for (int i = 0; i < 10 && timer_fired() == fired; i++) /* other events may come first */
        wait_for_event_until(deadline);
    assert_int_equal(timer_fired(), fired + 1);
}

static void test_resume_into_a_domain_with_ports_above_255(void **state)
{
    (void)state;
    /* The 2-level ABI has 4096 ports; a busy host may hand out any of them. */
    xen_sim_set_next_port(3000);
    xen_sim_set_suspend_result(0);
    assert_int_equal(power_shutdown(&d, SHUTDOWN_suspend), 0);
    assert_true(d.xenstore_port >= 3000);
    assert_true(d.console_port >= 3000);
    assert_true(xen_sim_virq_port(VIRQ_TIMER) >= 256);
    assert_false(log_capture_contains("error"));
    assert_devices_work();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_each_action_is_a_shutdown_with_its_reason,
                                        devices_up_setup, devices_teardown),
        cmocka_unit_test_setup_teardown(test_a_refused_shutdown_returns_the_error, devices_up_setup,
                                        devices_teardown),
        cmocka_unit_test_setup_teardown(test_cancelled_suspend_leaves_everything_alone,
                                        devices_up_setup, devices_teardown),
        cmocka_unit_test_setup_teardown(test_failed_suspend_leaves_everything_alone,
                                        devices_up_setup, devices_teardown),
        cmocka_unit_test_setup_teardown(test_resumed_suspend_sets_devices_up_with_new_ports,
                                        devices_up_setup, devices_teardown),
        cmocka_unit_test_setup_teardown(test_a_failed_resume_is_reported, devices_up_setup,
                                        devices_teardown),
        cmocka_unit_test_setup_teardown(test_resume_in_the_same_domain_keeps_what_xen_kept,
                                        devices_up_setup, devices_teardown),
        cmocka_unit_test_setup_teardown(test_resume_into_a_domain_with_ports_above_255,
                                        devices_up_setup, devices_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
