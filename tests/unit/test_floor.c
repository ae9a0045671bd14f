/*
 * floor/floor.c, the floor guest, over the simulated Xen with a fake
 * xenstored as its xenstore: ready (control/feature-poweroff = "1") only
 * once both watches stand, control/sysrq acked whatever it holds,
 * control/shutdown acked and carried out for poweroff, halt, reboot and
 * crash and left alone otherwise, and the whole guest (floor_run) asleep in
 * SCHEDOP_poll between requests: no upcall, no arch_idle(), no timer.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "floor/floor.h"
#include "sim/log_capture.h"
#include "sim/sim_xenstore.h"
#include "sim/xen_sim.h"

static struct floor floor;
static union {
    struct shared_info info;
    uint8_t bytes[4096];
} frame __attribute__((aligned(4096)));
static struct fake_xenstored *fx;

static int setup(void **state)
{
    (void)state;
    xen_sim_reset();
    log_capture_start();
    fx = sim_xenstore_start();
    memset(&floor, 0, sizeof(floor));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sim_xenstore_stop();
    log_capture_stop();
    return 0;
}

static int started_setup(void **state)
{
    setup(state);
    assert_int_equal(floor_start(&floor, &frame), 0);
    assert_int_equal(floor_handle_events(&floor), -1); /* the watches' first events */
    return 0;
}

/* The toolstack writes a key; the floor wakes (its poll) and handles what came. */
static int toolstack_write(const char *path, const char *value)
{
    assert_int_equal(fxs_write(fx, path, value), 0);
    floor_wait(&floor);
    return floor_handle_events(&floor);
}

static void assert_key(const char *path, const char *want)
{
    const char *v = fxs_read(fx, path);
    assert_non_null(v);
    assert_string_equal(v, want);
}

/* ---- start ---- */

/* Records the order of the guest's requests: "watch" and "write". */
static char order[64];
static bool note_request(struct fake_xenstored *x, const struct xsd_sockmsg *req,
                         const char *payload, void *ctx)
{
    (void)x;
    (void)ctx;
    if (req->type == XS_WATCH)
        strcat(order,
               strncmp(payload, "control/shutdown", 16) == 0 ? "watch-shutdown " : "watch-sysrq ");
    else if (req->type == XS_WRITE)
        strcat(order, "write ");
    return false; /* served as usual */
}

static void test_ready_once_both_watches_stand(void **state)
{
    (void)state;
    order[0] = '\0';
    fxs_set_reply_hook(fx, note_request, NULL);
    assert_int_equal(floor_start(&floor, &frame), 0);
    assert_key("control/feature-poweroff", "1");
    assert_string_equal(order, "watch-shutdown watch-sysrq write ");
    assert_int_equal(fxs_watch_count(fx), 2);
    /* Its one write, and no other key of its own. */
    assert_null(fxs_read(fx, "control/feature-reboot"));
    assert_null(fxs_read(fx, "data"));
    /* Shared_info mapped onto its frame; no upcall asked for. */
    assert_true(xen_sim_shared_info() == &frame.info);
    assert_int_equal(xen_sim_callback_vector(), -1);
}

static void test_no_xenstore_crashes_the_domain(void **state)
{
    (void)state;
    xen_sim_set_param(HVM_PARAM_STORE_EVTCHN, 0);
    assert_int_equal(floor_run(&floor, &frame), SHUTDOWN_crash);
    assert_int_equal(xen_sim_last_shutdown_reason(), SHUTDOWN_crash);
}

static void test_a_refused_watch_crashes_the_domain(void **state)
{
    (void)state;
    fxs_fail_next(fx, XS_WATCH, "EACCES");
    assert_int_equal(floor_run(&floor, &frame), SHUTDOWN_crash);
    assert_int_equal(xen_sim_last_shutdown_reason(), SHUTDOWN_crash);
    assert_null(fxs_read(fx, "control/feature-poweroff"));
}

/* ---- control/sysrq ---- */

static void test_sysrq_acked_whatever_it_holds(void **state)
{
    (void)state;
    const char *values[] = {"b", "h", "x", "a value longer than any sysrq key, acked all the same"};
    for (unsigned int i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        assert_int_equal(toolstack_write("control/sysrq", values[i]), -1);
        assert_key("control/sysrq", "");
    }
    assert_int_equal(xen_sim_shutdowns(), 0);
}

/* ---- control/shutdown ---- */

static void test_requests_acked_and_carried_out(void **state)
{
    static const struct {
        const char *request;
        int reason;
    } cases[] = {
        {"poweroff", SHUTDOWN_poweroff},
        {"halt", SHUTDOWN_poweroff}, /* Xen has no halt */
        {"reboot", SHUTDOWN_reboot},
        {"crash", SHUTDOWN_crash},
    };
    for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        started_setup(state);
        assert_int_equal(toolstack_write("control/shutdown", cases[i].request), cases[i].reason);
        assert_key("control/shutdown", "");
        assert_int_equal(xen_sim_shutdowns(), 1);
        assert_int_equal(xen_sim_last_shutdown_reason(), cases[i].reason);
        teardown(state);
    }
    setup(state); /* for the teardown cmocka runs */
}

static void test_other_values_left_alone(void **state)
{
    (void)state;
    const char *values[] = {"suspend", "s3", "Poweroff", "poweroff ", ""};
    for (unsigned int i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        assert_int_equal(toolstack_write("control/shutdown", values[i]), -1);
        assert_key("control/shutdown", values[i]);
    }
    assert_int_equal(xen_sim_shutdowns(), 0);
}

static void test_a_request_waiting_at_boot(void **state)
{
    (void)state;
    assert_int_equal(fxs_write(fx, "control/shutdown", "reboot"), 0);
    assert_int_equal(floor_start(&floor, &frame), 0);
    assert_int_equal(floor_handle_events(&floor), SHUTDOWN_reboot);
    assert_key("control/shutdown", "");
}

static void test_refused_shutdown_waits_on(void **state)
{
    (void)state;
    xen_sim_fail_next(__HYPERVISOR_sched_op, SCHEDOP_shutdown, -EPERM);
    assert_int_equal(toolstack_write("control/shutdown", "poweroff"), -1);
    assert_key("control/shutdown", "");
    assert_int_equal(toolstack_write("control/shutdown", "poweroff"), SHUTDOWN_poweroff);
}

static void test_lost_watch_events_read_both_keys(void **state)
{
    (void)state;
    /* More changes than the client's queue holds, before the floor looks. */
    for (int i = 0; i < XENSTORE_WATCH_QUEUE + 4; i++)
        assert_int_equal(fxs_write(fx, "control/sysrq", "b"), 0);
    assert_int_equal(fxs_write(fx, "control/shutdown", "poweroff"), 0);
    for (int i = 0; i < XENSTORE_WATCH_QUEUE + 4; i++)
        assert_int_equal(fxs_write(fx, "control/sysrq", "b"), 0);
    xen_sim_run_backends();
    int reason = -1;
    for (int i = 0; i < 8 && reason < 0; i++) {
        reason = floor_handle_events(&floor);
        if (reason < 0 && fxs_pending_output(fx))
            floor_wait(&floor);
    }
    assert_true(xenstore_events_dropped(&floor.xs) > 0);
    assert_int_equal(reason, SHUTDOWN_poweroff);
}

/* ---- the whole guest ---- */

/*
 * dom0's side, as a tester drives it, each step while the floor sleeps in
 * SCHEDOP_poll: once the floor is ready, a sysrq request; once that is
 * acked, poweroff.
 */
static bool sysrq_sent, poweroff_sent;
static unsigned long polls_seen;
static void tester(void *ctx)
{
    (void)ctx;
    /* Only while the floor sleeps: backends also run when the guest kicks a port. */
    if (xen_sim_polls() == polls_seen)
        return;
    polls_seen = xen_sim_polls();
    const char *ready = fxs_read(fx, "control/feature-poweroff");
    const char *sysrq = fxs_read(fx, "control/sysrq");
    if (!sysrq_sent && ready && !strcmp(ready, "1")) {
        fxs_write(fx, "control/sysrq", "b");
        sysrq_sent = true;
    } else if (sysrq_sent && !poweroff_sent && sysrq && !strcmp(sysrq, "")) {
        fxs_write(fx, "control/shutdown", "poweroff");
        poweroff_sent = true;
    }
}

static void test_run_sleeps_in_poll_between_requests(void **state)
{
    (void)state;
    sysrq_sent = poweroff_sent = false;
    polls_seen = 0;
    assert_int_equal(xen_sim_register_backend(XEN_SIM_ANY_PORT, tester, NULL), 0);
    assert_int_equal(floor_run(&floor, &frame), SHUTDOWN_poweroff);
    assert_true(poweroff_sent);
    assert_key("control/feature-poweroff", "1");
    assert_key("control/sysrq", "");
    assert_key("control/shutdown", "");
    assert_int_equal(xen_sim_last_shutdown_reason(), SHUTDOWN_poweroff);
    assert_true(xen_sim_polls() >= 2); /* asleep before each request */
    assert_int_equal(xen_sim_idles(), 0);
    assert_int_equal(xen_sim_upcalls(), 0);
    assert_false(xen_sim_timer_armed());
}

static void test_nothing_to_do_sleeps_for_ever(void **state)
{
    (void)state;
    jmp_buf env;
    if (setjmp(env) == 0) {
        xen_sim_catch_hang(&env);
        floor_run(&floor, &frame);
        fail_msg("floor_run returned with nothing asked of it");
    }
    /* The sim's report for a poll nothing can end: the floor sleeps, it does not spin. */
    assert_non_null(strstr(xen_sim_hang_message(), "none of its ports is pending"));
    assert_key("control/feature-poweroff", "1");
    assert_int_equal(xen_sim_shutdowns(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ready_once_both_watches_stand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_xenstore_crashes_the_domain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_refused_watch_crashes_the_domain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sysrq_acked_whatever_it_holds, started_setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_requests_acked_and_carried_out, NULL, teardown),
        cmocka_unit_test_setup_teardown(test_other_values_left_alone, started_setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_request_waiting_at_boot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_shutdown_waits_on, started_setup, teardown),
        cmocka_unit_test_setup_teardown(test_lost_watch_events_read_both_keys, started_setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_run_sleeps_in_poll_between_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nothing_to_do_sleeps_for_ever, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
