/*
 * NMIs and waits while the PV console ring is full (xenconsoled slow or
 * stopped).  Before the fix, nmi_report() ran inside wait_for_event_until()
 * and logged before it recorded the count: with the ring full, the log line
 * waited for room through wait_for_event_until(), which reported the same
 * NMI again, one level deeper at every wake-up.  The main loop never ran
 * (a command just acked was never carried out) and the stack grew ~1.7 KiB
 * a level until it reached the page tables (a triple fault on Xen 4.17).
 * Now nothing in a wait prints, the loop reports NMIs, and a wait entered
 * from inside a wait is refused, so the console drops instead of recursing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "arch/arch.h"
#include "drivers/console.h"
#include "drivers/nmi.h"
#include "drivers/timer.h"
#include "kernel/cmdline.h"
#include "kernel/control/control.h"
#include "kernel/loop.h"
#include "kernel/power.h"
#include "lib/log.h"
#include "sim/sim_nmi.h"

#include "devices_fixture.h"

#define NMI_LINE "test-vm: nmi: received ("

/* A test that went deaf is pulled out of its wait once simulated time passes this. */
static jmp_buf escape;
static uint64_t escape_at_ns;
static bool log_from_inside_the_wait;

/* Runs at every simulated arch_idle(), that is inside wait_for_event_until(). */
static void inside_the_wait(void *ctx)
{
    (void)ctx;
    if (log_from_inside_the_wait) {
        log_from_inside_the_wait = false;
        log_info("test", "a line printed from inside a wait");
    }
    if (escape_at_ns && xen_sim_now_ns() >= escape_at_ns) {
        escape_at_ns = 0;
        longjmp(escape, 1);
    }
}

static int setup(void **state)
{
    int rc = devices_up_setup(state);
    nmi_report(); /* earlier tests' NMIs */
    log_capture_clear();
    escape_at_ns = 0;
    log_from_inside_the_wait = false;
    assert_int_equal(xen_sim_register_backend(XEN_SIM_ANY_PORT, inside_the_wait, NULL), 0);
    return rc;
}

/* xenconsoled stops draining, and one write fills the ring exactly: full, not yet "stalled". */
static void fill_the_console_ring(void)
{
    static char text[sizeof(((struct xencons_interface *)0)->out)];
    memset(text, '.', sizeof(text));
    fake_console_stall(true);
    assert_int_equal(console_write(&d.console, text, sizeof(text)), sizeof(text));
    assert_false(d.console.stalled);
}

static void test_a_full_console_and_an_nmi_cost_one_bounded_wait(void **state)
{
    (void)state;
    fill_the_console_ring();
    sim_nmi_inject();
    uint64_t t0 = xen_sim_now_ns();
    escape_at_ns = t0 + 10 * NS_PER_S;
    if (setjmp(escape))
        fail_msg("still inside the wait 10 s later: %zu NMI lines", log_capture_count(NMI_LINE));
    assert_true(wait_for_event_until(t0 + NS_PER_MS));
    escape_at_ns = 0;
    assert_int_equal(log_capture_count(NMI_LINE), 0); /* the wait printed nothing */

    /* The loop's report: the console waits its 200 ms once, then drops; the log has the line once.
     */
    nmi_report();
    assert_int_equal(log_capture_count(NMI_LINE), 1);
    assert_true(xen_sim_now_ns() - t0 <= CONSOLE_FULL_WAIT_NS + 10 * NS_PER_MS);
}

static void test_a_line_printed_inside_a_wait_is_dropped_not_waited_for(void **state)
{
    (void)state;
    fill_the_console_ring();
    uint64_t refused = wait_nested_refused();
    log_from_inside_the_wait = true;
    uint64_t t0 = xen_sim_now_ns();
    escape_at_ns = t0 + 10 * NS_PER_S;
    if (setjmp(escape))
        fail_msg("the nested console wait never returned");
    while (log_from_inside_the_wait) /* a pending upcall may end a wait before any idle */
        assert_true(wait_for_event_until(t0 + 5 * NS_PER_MS));
    escape_at_ns = 0;
    assert_int_equal(wait_nested_refused(), refused + 1);
    assert_true(log_capture_contains("a line printed from inside a wait")); /* port 0xe9 has it */
    assert_true(d.console.dropped > 0);                                     /* the ring did not */
    assert_true(xen_sim_now_ns() - t0 <= 5 * NS_PER_MS);
}

/* ---- the whole VM, as the kernel's loop runs it */

static struct control control;
static struct vm vm;

static void run_the_loop_until(uint64_t end_ns)
{
    for (int i = 0; i < 100000 && xen_sim_now_ns() < end_ns; i++)
        devices_vm_turn(&vm);
}

/* NMIs keep coming while the ring stays full: every command is still taken, each NMI said once. */
static void test_the_vm_answers_with_a_full_console_and_nmis(void **state)
{
    (void)state;
    devices_boot_vm(&vm, &control, "");
    run_the_loop_until(xen_sim_now_ns() + NS_PER_S);
    assert_string_equal(fxs_read(fx, "data/test-vm/state"), "ready");
    fill_the_console_ring();
    unsigned long before = arch_nmi_count();
    uint64_t refused = wait_nested_refused();

    escape_at_ns = xen_sim_now_ns() + 120 * NS_PER_S;
    if (setjmp(escape))
        fail_msg("deaf: commands=%s, control/testing=%s", fxs_read(fx, "data/test-vm/commands"),
                 fxs_read(fx, "control/testing"));
    for (int i = 1; i <= 5; i++) {
        sim_nmi_inject();
        assert_int_equal(
            fxs_write(fx, "control/testing", "{\"when\":\"now\",\"action\":\"ignore\"}"), 0);
        sim_nmi_inject();
        run_the_loop_until(xen_sim_now_ns() + 10 * NS_PER_S);
        char want[16];
        snprintf(want, sizeof(want), "%d", i);
        assert_string_equal(fxs_read(fx, "data/test-vm/commands"), want);
        assert_string_equal(fxs_read(fx, "control/testing"), "");
    }
    escape_at_ns = 0;
    assert_int_equal(arch_nmi_count(), before + 10);
    assert_true(log_capture_count(NMI_LINE) >= 5 && log_capture_count(NMI_LINE) <= 10);
    assert_int_equal(wait_nested_refused(), refused);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, devices_teardown)
    const struct CMUnitTest tests[] = {
        T(test_a_full_console_and_an_nmi_cost_one_bounded_wait),
        T(test_a_line_printed_inside_a_wait_is_dropped_not_waited_for),
        T(test_the_vm_answers_with_a_full_console_and_nmis),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
