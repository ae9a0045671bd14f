/*
 * kernel/devices.c: bring-up and resume against the simulated Xen, with the
 * fake xenconsoled and the fake xenstored on the other ends of the rings.
 * A user's view: after bring-up the log reaches the console (boot lines
 * included) and xenstore answers; after resuming in a new domain, with new
 * ports, rings and domid, both work again through the new ones and the
 * registered watches are back.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "arch/arch.h"
#include "drivers/events.h"
#include "drivers/timer.h"

#include "devices_fixture.h"

static void assert_xenstore_domid(unsigned int domid)
{
    char value[16], expected[16];
    snprintf(expected, sizeof(expected), "%u", domid);
    assert_int_equal(xenstore_read(&d.xenstore, 0, "domid", value, sizeof(value)),
                     (int)strlen(expected));
    assert_string_equal(value, expected);
}

static void assert_ring_logged(const char *name, void *ring, evtchn_port_t port)
{
    char line[128];
    snprintf(line, sizeof(line), "test-vm: %s: ring at pfn 0x%lx, event channel %u\n", name,
             (unsigned long)arch_ptr_to_pfn(ring), port);
    assert_true(log_capture_contains(line));
}

static size_t console_count(const char *needle)
{
    size_t n = 0;
    for (const char *p = fake_console_output(NULL); (p = strstr(p, needle)); p++)
        n++;
    return n;
}

/* Everything the current domain gave us is what the drivers use. */
static void assert_devices_match_the_domain(void)
{
    assert_true(xen_sim_shared_info_mapped());
    assert_ptr_equal(xen_sim_shared_info(), events_shared_info());
    assert_int_equal(xen_sim_callback_vector(), DEVICES_VECTOR);

    assert_int_equal(d.console_port, xen_sim_console_port());
    assert_ptr_equal(d.console.ring, xen_sim_console_ring());
    assert_int_equal(d.xenstore_port, xen_sim_store_port());
    assert_ptr_equal(d.xenstore.ring, fxs_ring(fx));

    evtchn_port_t timer_port = xen_sim_virq_port(VIRQ_TIMER);
    assert_int_not_equal(timer_port, 0);
    assert_false(xen_sim_port_masked(timer_port));
    assert_false(xen_sim_port_masked(d.console_port));
    assert_false(xen_sim_port_masked(d.xenstore_port));
}

static void test_bring_up_finds_and_binds_everything(void **state)
{
    (void)state;
    assert_int_equal(devices_bring_up(&d, DEVICES_VECTOR), 0);
    assert_true(d.console_up);
    assert_true(d.xenstore_up);
    assert_devices_match_the_domain();
    assert_int_equal(xen_sim_calls(__HYPERVISOR_hvm_op, HVMOP_get_param), 4);
    assert_ring_logged("console", xen_sim_console_ring(), xen_sim_console_port());
    assert_ring_logged("xenstore", fxs_ring(fx), xen_sim_store_port());

    /* The console shows the lines logged before it existed... */
    assert_true(strstr(fake_console_output(NULL), "test-vm: events: shared_info at pfn"));
    assert_true(strstr(fake_console_output(NULL), "test-vm: timer: VIRQ_TIMER on port"));
    /* ...and each later line once. */
    printk("after bring-up\n");
    assert_int_equal(console_count("after bring-up\n"), 1);

    assert_xenstore_domid(xen_sim_domid());
}

static void test_bring_up_without_a_console(void **state)
{
    (void)state;
    xen_sim_set_param(HVM_PARAM_CONSOLE_EVTCHN, 0);
    assert_int_equal(devices_bring_up(&d, DEVICES_VECTOR), 0); /* survivable */
    assert_false(d.console_up);
    assert_true(log_capture_contains("test-vm: console: no ring (pfn "));
    printk("nobody reads this\n");
    assert_string_equal(fake_console_output(NULL), "");
    assert_xenstore_domid(xen_sim_domid());
}

static void test_bring_up_without_xenstore_fails(void **state)
{
    (void)state;
    xen_sim_set_param(HVM_PARAM_STORE_PFN, 0);
    assert_true(devices_bring_up(&d, DEVICES_VECTOR) < 0);
    assert_false(d.xenstore_up);
    assert_true(log_capture_contains("test-vm: xenstore: no ring (pfn 0, event channel "));
}

static void test_bring_up_stops_when_events_fail(void **state)
{
    (void)state;
    xen_sim_fail_next(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, -ENOMEM);
    assert_int_equal(devices_bring_up(&d, DEVICES_VECTOR), -ENOMEM);
    assert_false(d.console_up);
    assert_false(d.xenstore_up);
}

static void suspend_into_a_new_domain(void)
{
    struct sched_shutdown s = {.reason = SHUTDOWN_suspend};
    xen_sim_set_suspend_result(0);
    assert_int_equal(hypercall_sched_op(SCHEDOP_shutdown, &s), 0);
}

static void test_resume_rebinds_everything_in_the_new_domain(void **state)
{
    (void)state;
    assert_int_equal(devices_bring_up(&d, DEVICES_VECTOR), 0);
    assert_int_equal(xenstore_watch(&d.xenstore, "control/shutdown", "ctl"), 0);
    struct xenstore_watch_event ev;
    assert_true(xenstore_next_watch_event(&d.xenstore, &ev)); /* fires once on registration */

    for (unsigned int generation = 1; generation <= 3; generation++) {
        evtchn_port_t old_console = d.console_port, old_store = d.xenstore_port;
        evtchn_port_t old_timer = xen_sim_virq_port(VIRQ_TIMER);
        unsigned int old_domid = xen_sim_domid();
        uint64_t before = time_now_ns();

        suspend_into_a_new_domain();
        assert_int_equal(xen_sim_generation(), generation);
        assert_false(xen_sim_shared_info_mapped()); /* as Xen leaves it */
        assert_int_equal(devices_resume(&d), 0);

        assert_int_not_equal(xen_sim_domid(), old_domid);
        assert_int_not_equal(d.console_port, old_console);
        assert_int_not_equal(d.xenstore_port, old_store);
        assert_int_not_equal(xen_sim_virq_port(VIRQ_TIMER), old_timer);
        assert_devices_match_the_domain();

        /* The clock carries on (shared_info remapped, not the old record). */
        uint64_t after = time_now_ns();
        assert_true(after >= before && after - before < NS_PER_MS);

        /* The console works through the new ring, with one sink. */
        char line[64];
        snprintf(line, sizeof(line), "hello from generation %u\n", generation);
        printk("%s", line);
        assert_int_equal(console_count(line), 1);

        /* Xenstore answers for the new domain; the watch is back once asked for again. */
        assert_xenstore_domid(xen_sim_domid());
        assert_int_equal(fxs_watch_count(fx), 0);
        assert_int_equal(xenstore_watch(&d.xenstore, "control/shutdown", "ctl"), 0);
        assert_int_equal(fxs_watch_count(fx), 1);
        assert_true(xenstore_next_watch_event(&d.xenstore, &ev));
        assert_string_equal(ev.token, "ctl");
        assert_false(xenstore_next_watch_event(&d.xenstore, &ev));

        /* A toolstack command in the new domain reaches us. */
        assert_int_equal(fxs_write(fx, "control/shutdown", "poweroff"), 0);
        xen_sim_run_backends();
        assert_true(xenstore_next_watch_event(&d.xenstore, &ev));
        assert_string_equal(ev.token, "ctl");
    }
}

/* ---- the console across resumes */

/* What the next new domain's toolstack gives the console, set by a test. */
enum console_offer { CONSOLE_RING, CONSOLE_NONE, CONSOLE_PORT_TOO_HIGH };
static enum console_offer console_offer;

static void offer_console(void *ctx)
{
    (void)ctx;
    if (console_offer == CONSOLE_NONE)
        xen_sim_set_param(HVM_PARAM_CONSOLE_PFN, 0);
    else if (console_offer == CONSOLE_PORT_TOO_HIGH)
        xen_sim_set_param(HVM_PARAM_CONSOLE_EVTCHN, EVENTS_2L_PORTS + 5);
}

static unsigned long sends(void)
{
    return xen_sim_calls(__HYPERVISOR_event_channel_op, EVTCHNOP_send);
}

/*
 * Resume into a new domain whose console the hook withholds: the log must
 * then reach neither the old domain's ring nor its port number (which the
 * new domain may have given to something else).
 */
static void resume_without_a_usable_console(enum console_offer offer)
{
    console_offer = offer;
    assert_int_equal(xen_sim_register_resume_hook(offer_console, NULL), 0);
    assert_int_equal(devices_bring_up(&d, DEVICES_VECTOR), 0);
    assert_true(d.console_up);
    struct xencons_interface *old = xen_sim_console_ring();

    suspend_into_a_new_domain();
    XENCONS_RING_IDX old_prod = old->out_prod;
    assert_int_equal(devices_resume(&d), 0);
    assert_false(d.console_up);
    assert_int_equal(old->out_prod, old_prod);

    unsigned long before = sends();
    printk("nobody reads this\n");
    assert_int_equal(old->out_prod, old_prod);
    assert_int_equal(xen_sim_console_ring()->out_prod, 0);
    assert_int_equal(sends(), before);
    assert_xenstore_domid(xen_sim_domid());

    /* A later resume into a domain with a console brings it back. */
    console_offer = CONSOLE_RING;
    fake_console_clear();
    suspend_into_a_new_domain();
    assert_int_equal(devices_resume(&d), 0);
    assert_true(d.console_up);
    assert_devices_match_the_domain();
    printk("the console is back\n");
    assert_int_equal(console_count("the console is back\n"), 1);
    /* The boot log was shown once already: not again. */
    assert_int_equal(console_count("test-vm: events: shared_info at pfn"), 0);
}

static void test_resume_without_a_console_ring(void **state)
{
    (void)state;
    resume_without_a_usable_console(CONSOLE_NONE);
    assert_true(log_capture_contains("test-vm: console: no ring (pfn 0, event channel "));
}

static void test_resume_with_a_console_port_beyond_max(void **state)
{
    (void)state;
    resume_without_a_usable_console(CONSOLE_PORT_TOO_HIGH);
    assert_true(log_capture_contains("cannot bind port 4101: the 2-level ABI has ports 1 to 4095"));
}

/* What devices_resume() logs before the new console is up goes to port 0xe9 only. */
static void test_resume_logs_nothing_to_the_old_console(void **state)
{
    (void)state;
    assert_int_equal(devices_bring_up(&d, DEVICES_VECTOR), 0);
    struct xencons_interface *old = xen_sim_console_ring();
    fake_console_clear();

    suspend_into_a_new_domain();
    XENCONS_RING_IDX old_prod = old->out_prod;
    log_capture_clear();
    assert_int_equal(devices_resume(&d), 0);
    assert_int_equal(old->out_prod, old_prod);
    assert_true(log_capture_contains("test-vm: events: shared_info at pfn"));
    assert_true(log_capture_contains("test-vm: timer: VIRQ_TIMER on port"));

    /* The new console shows what came after it, not those lines. */
    xen_sim_run_backends();
    const char *shown = fake_console_output(NULL);
    assert_null(strstr(shown, "test-vm: events:"));
    assert_null(strstr(shown, "test-vm: timer:"));
    assert_non_null(strstr(shown, "test-vm: xenstore: ring at pfn"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bring_up_finds_and_binds_everything, devices_setup,
                                        devices_teardown),
        cmocka_unit_test_setup_teardown(test_bring_up_without_a_console, devices_setup,
                                        devices_teardown),
        cmocka_unit_test_setup_teardown(test_bring_up_without_xenstore_fails, devices_setup,
                                        devices_teardown),
        cmocka_unit_test_setup_teardown(test_bring_up_stops_when_events_fail, devices_setup,
                                        devices_teardown),
        cmocka_unit_test_setup_teardown(test_resume_rebinds_everything_in_the_new_domain,
                                        devices_setup, devices_teardown),
        cmocka_unit_test_setup_teardown(test_resume_without_a_console_ring, devices_setup,
                                        devices_teardown),
        cmocka_unit_test_setup_teardown(test_resume_with_a_console_port_beyond_max, devices_setup,
                                        devices_teardown),
        cmocka_unit_test_setup_teardown(test_resume_logs_nothing_to_the_old_console, devices_setup,
                                        devices_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
