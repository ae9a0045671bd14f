/*
 * The suspend event channel (suspend-evtchn=1): the port in
 * device/suspend/event-channel, and a notification as a suspend request
 * with no xenstore ack, which a pending command may take over.
 */
#include "control_fixture.h"

/* Booted with suspend-evtchn=1. */
static int evtchn_setup(void **state)
{
    fixture_setup(state);
    struct fixture *f = *state;
    f->config.suspend_evtchn = true;
    assert_int_equal(start(f), 0);
    return 0;
}

#define EVTCHN(t) cmocka_unit_test_setup_teardown(t, evtchn_setup, fixture_teardown)

/* dom0 notifies the port; the VM runs its main loop. */
static void notify(struct fixture *f)
{
    f->evtchn_notified = true;
    pump(f);
}

static void test_the_port_is_published_at_boot(void **state)
{
    struct fixture *f = *state;
    assert_key(f, "device/suspend/event-channel", "33");
    assert_logged("test-vm: suspend-evtchn: port 33 in device/suspend/event-channel\n");
    assert_int_equal(f->evtchn_allocs, 1);
}

static void test_without_the_word_there_is_no_port(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(start(f), 0);
    assert_key(f, "device/suspend/event-channel", NULL);
    assert_int_equal(f->evtchn_allocs, 0);
}

static void test_a_notification_is_a_suspend_request(void **state)
{
    struct fixture *f = *state;
    unsigned int writes = fxs_request_count(f->fx, XS_WRITE);

    notify(f);
    assert_logged("test-vm: suspend-evtchn: notified: a suspend request (no ack on this path)\n");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_suspend);
    assert_key(f, "control/shutdown", NULL); /* nothing acked: there is nothing to ack */
    assert_true(fxs_request_count(f->fx, XS_WRITE) > writes); /* only the status keys */
}

static void test_a_pending_command_on_suspend_takes_it_over(void **state)
{
    struct fixture *f = *state;

    toolstack_write(f, "control/testing",
                    "{\"when\":\"onshutdown\",\"action\":\"ignore\",\"on\":[\"suspend\"]}");
    notify(f);
    assert_logged(
        "test-vm: suspend-evtchn: carrying out the pending command {\"when\":\"onshutdown\",\"ack\":\"ok\",\"action\":\"ignore\",\"on\":[\"suspend\"]} instead\n");
    assert_int_equal(f->ncalls, 0);
    assert_key(f, "data/test-vm/last-action", "ignore");
}

static void test_a_pending_command_on_poweroff_only_leaves_it_alone(void **state)
{
    struct fixture *f = *state;

    toolstack_write(f, "control/testing",
                    "{\"when\":\"onshutdown\",\"action\":\"ignore\",\"on\":[\"poweroff\"]}");
    notify(f);
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_suspend);
    assert_key(f, "data/test-vm/state", "pending"); /* still waiting for a poweroff */
}

/* A new domain has none of the old ports or keys: the VM offers a new one. */
static void test_the_port_is_offered_again_after_a_resume(void **state)
{
    struct fixture *f = *state;

    f->suspend_result = 0;
    f->evtchn_port = 48;
    notify(f);
    assert_logged("test-vm: suspend: resumed in a new domain (domid 12)\n");
    assert_int_equal(f->evtchn_allocs, 2);
    assert_key(f, "/local/domain/12/device/suspend/event-channel", "48");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        EVTCHN(test_the_port_is_published_at_boot),
        cmocka_unit_test_setup_teardown(test_without_the_word_there_is_no_port, fixture_setup,
                                        fixture_teardown),
        EVTCHN(test_a_notification_is_a_suspend_request),
        EVTCHN(test_a_pending_command_on_suspend_takes_it_over),
        EVTCHN(test_a_pending_command_on_poweroff_only_leaves_it_alone),
        EVTCHN(test_the_port_is_offered_again_after_a_resume),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
