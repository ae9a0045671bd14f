/*
 * An in-place soft reset (xenopsd's Domain.soft_reset): SCHEDOP_shutdown(
 * soft_reset) returns 0 in the same domain with every event channel closed
 * and shared_info replaced.  The VM used to log "soft-reset failed", write
 * ready and sit deaf with a frozen clock; now it sets its devices up again,
 * watches and publishes again, and answers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/timer.h"
#include "kernel/cmdline.h"
#include "kernel/control/control.h"
#include "kernel/loop.h"
#include "kernel/power.h"

#include "devices_fixture.h"

static struct control control;
static struct vm vm;
static jmp_buf hung;

/* The kernel's loop for ms of simulated time; a halt nothing can end fails the test. */
static void run_for(uint64_t ms)
{
    uint64_t end = xen_sim_now_ns() + ms * NS_PER_MS;
    if (setjmp(hung))
        fail_msg("the VM halted with nothing to wake it: %s", xen_sim_hang_message());
    xen_sim_catch_hang(&hung);
    for (int i = 0; i < 100000 && xen_sim_now_ns() < end; i++)
        devices_vm_turn(&vm);
    xen_sim_catch_hang(NULL);
}

static void test_a_soft_reset_in_place_leaves_a_vm_that_answers(void **state)
{
    (void)state;
    xen_sim_soft_reset_in_place(true);
    devices_boot_vm(&vm, &control, "");
    run_for(1000);
    assert_string_equal(fxs_read(fx, "data/test-vm/state"), "ready");
    unsigned int domid = xen_sim_domid();

    assert_int_equal(
        fxs_write(fx, "control/testing", "{\"when\":\"now\",\"action\":\"soft-reset\"}"), 0);
    run_for(2000);
    assert_int_equal(xen_sim_soft_resets(), 1);
    assert_int_equal(xen_sim_domid(), domid); /* in place */
    assert_true(log_capture_contains("test-vm: power: soft reset in place"));
    assert_true(log_capture_contains("test-vm: soft-reset: reset in place"));
    assert_false(log_capture_contains("soft-reset failed"));
    assert_string_equal(fxs_read(fx, "data/test-vm/state"), "ready");
    assert_string_equal(fxs_read(fx, "data/test-vm/last-action"), "soft-reset");

    /* Not deaf: a command and then a request are answered, and the clock runs. */
    uint64_t before = time_now_ns();
    assert_int_equal(fxs_write(fx, "control/testing", "{\"when\":\"now\",\"action\":\"ignore\"}"),
                     0);
    run_for(2000);
    assert_string_equal(fxs_read(fx, "control/testing"), "");
    assert_string_equal(fxs_read(fx, "data/test-vm/commands"), "2");
    assert_true(time_now_ns() - before >= NS_PER_S);
    assert_int_equal(fxs_write(fx, "control/shutdown", "poweroff"), 0);
    run_for(2000);
    assert_string_equal(fxs_read(fx, "control/shutdown"), "");
    assert_int_equal(xen_sim_last_shutdown_reason(), SHUTDOWN_poweroff);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_a_soft_reset_in_place_leaves_a_vm_that_answers,
                                        devices_up_setup, devices_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
