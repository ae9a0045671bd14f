/*
 * The idle check (kernel/control/control_idle_check.c): a value that came with no watch
 * event is found by the VM's own look at its keys, handled once, counted in
 * data/test-vm/missed-watch-events, and the watches are registered again.
 */
#include "control_fixture.h"

#define MS 1000000ull

static const char *const IGNORE = "{\"when\":\"now\",\"action\":\"ignore\"}";

/* How long until the next idle check (to the nearest ms: each request takes the fake 1 us). */
static uint64_t next_check_in_ms(struct fixture *f)
{
    assert_int_equal(control_work_deadline(&f->control), CONTROL_NO_DEADLINE);
    return (control_next_deadline(&f->control) - fxs_now_ns(f->fx) + MS / 2) / MS;
}

/* A command whose event xenstored lost is found 5 s after the last event and carried out once. */
static void test_a_dropped_event_is_found_and_handled(void **state)
{
    struct fixture *f = *state;

    assert_key(f, "data/test-vm/missed-watch-events", "0");
    fxs_drop_next_events(f->fx, 1);
    toolstack_write(f, "control/testing", "{\"when\":\"now\",\"action\":\"poweroff\"}");
    assert_int_equal(f->ncalls, 0); /* no event: nothing yet */

    advance(f, 5000);
    assert_logged("test-vm: control/testing: a value came with no watch event (found by the idle "
                  "check 5000 ms after the last event); handling it now\n");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_poweroff);
    assert_key(f, "control/testing", "");
    assert_key(f, "data/test-vm/missed-watch-events", "1");
    /* The watches again, for real: xenstored had them, so it said EEXIST. */
    assert_int_equal(fxs_watch_count(f->fx), 3);
    assert_logged("test-vm: watching control/shutdown, control/testing and control/sysrq\n");

    advance(f, 300000);
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(log_capture_count("no watch event"), 1);
}

/* An event that was only late finds the key acked: the command is not carried out twice. */
static void test_a_late_event_does_not_repeat_it(void **state)
{
    struct fixture *f = *state;
    static const char event[] = "control/testing\0" CONTROL_TOKEN_TESTING;

    fxs_drop_next_events(f->fx, 1);
    toolstack_write(f, "control/testing", IGNORE);
    advance(f, 5000);
    assert_key(f, "data/test-vm/commands", "1");

    fxs_inject_message(f->fx, XS_WATCH_EVENT, 0, event, sizeof(event));
    pump(f);
    assert_key(f, "data/test-vm/commands", "1");
    assert_int_equal(log_capture_count("test-vm: control/testing: accepted "), 1);
    assert_key(f, "data/test-vm/missed-watch-events", "1");
}

/* control/shutdown and control/sysrq too, each as its watch would handle it. */
static void test_shutdown_and_sysrq_misses(void **state)
{
    struct fixture *f = *state;

    fxs_drop_next_events(f->fx, 1);
    toolstack_write(f, "control/shutdown", "reboot");
    advance(f, 5000);
    assert_logged("test-vm: control/shutdown: a value came with no watch event");
    assert_logged("test-vm: control/shutdown: acked \"reboot\" (wrote \"\")\n");
    assert_key(f, "control/shutdown", "");

    fxs_drop_next_events(f->fx, 1);
    toolstack_write(f, "control/sysrq", "c");
    advance(f, 60000);
    assert_logged("test-vm: control/sysrq: a value came with no watch event");
    assert_key(f, "control/sysrq", "");
    assert_int_equal(f->ncalls, 2);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_reboot);
    assert_int_equal(f->calls[1].reason, SHUTDOWN_crash);
    assert_key(f, "data/test-vm/missed-watch-events", "2");
}

/* 5 s after the last event, then 10, 20, 40 s, then every 60 s; any event starts it again. */
static void test_the_checks_back_off(void **state)
{
    static const uint64_t waits[] = {5000, 10000, 20000, 40000, 60000, 60000, 60000};
    struct fixture *f = *state;

    for (size_t i = 0; i < sizeof(waits) / sizeof(waits[0]); i++) {
        unsigned int reads = fxs_request_count(f->fx, XS_READ);
        assert_int_equal(next_check_in_ms(f), waits[i]);
        advance(f, waits[i]);
        assert_int_equal(fxs_request_count(f->fx, XS_READ), reads + 3); /* one check: 3 reads */
    }
    toolstack_write(f, "control/sysrq", "h");
    assert_int_equal(next_check_in_ms(f), 5000);
    assert_key(f, "data/test-vm/missed-watch-events", "0");
}

/* A value whose event reaches the client before the check's read reply is the main loop's. */
static void test_a_value_with_its_event_queued_is_no_miss(void **state)
{
    struct fixture *f = *state;

    advance(f, 4999);
    /* The write lands just as the check is due: its event and the check's read race. */
    assert_int_equal(fxs_write(f->fx, "control/testing", IGNORE), 0);
    fxs_advance_clock(f->fx, MS);
    control_run_due(&f->control);
    assert_true(fxs_request_count(f->fx, XS_READ) > 0);
    assert_true(xenstore_watch_event_queued(&f->xs));
    assert_not_logged("no watch event");

    pump(f);
    assert_key(f, "data/test-vm/commands", "1");
    assert_key(f, "data/test-vm/missed-watch-events", "0");
}

/* A request left unacked on purpose (unknown, or ack "none") is not handled again. */
static void test_a_request_left_unacked_is_not_handled_again(void **state)
{
    struct fixture *f = *state;

    toolstack_write(f, "control/shutdown", "sleep");
    advance(f, 200000);
    assert_int_equal(log_capture_count("unknown request \"sleep\""), 1);

    toolstack_write(f, "control/testing",
                    "{\"when\":\"onshutdown\",\"ack\":\"none\",\"action\":"
                    "\"reboot\",\"times\":2}");
    toolstack_write(f, "control/shutdown", "poweroff");
    advance(f, 200000);
    assert_key(f, "control/shutdown", "poweroff");
    assert_int_equal(log_capture_count("carrying out the pending command"), 1);
    assert_int_equal(f->ncalls, 1);
    assert_key(f, "data/test-vm/missed-watch-events", "0");
}

/* xenstore-unwatch: xenstored forgets the watches; the idle check finds the request and obeys. */
static void test_xenstore_unwatch_then_a_request_is_obeyed(void **state)
{
    struct fixture *f = *state;

    toolstack_write(f, "control/testing", "{\"when\":\"now\",\"action\":\"xenstore-unwatch\"}");
    assert_logged("test-vm: xenstore-unwatch: control/shutdown, control/testing and control/sysrq "
                  "(the VM still counts on them): ok\n");
    assert_key(f, "data/test-vm/last-result", "ok");
    assert_key(f, "data/test-vm/last-action", "xenstore-unwatch");
    assert_key(f, "data/test-vm/state", "ready");
    assert_int_equal(fxs_watch_count(f->fx), 0);

    advance(f, 2000);
    toolstack_write(f, "control/shutdown", "poweroff");
    assert_int_equal(f->ncalls, 0);
    advance(f, 3000);
    assert_logged("test-vm: control/shutdown: a value came with no watch event (found by the idle "
                  "check 5000 ms after the last event); handling it now\n");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_poweroff);
    assert_key(f, "data/test-vm/missed-watch-events", "1");

    /* Watched again for real: the next command comes by its event, at once. */
    assert_int_equal(fxs_watch_count(f->fx), 3);
    toolstack_write(f, "control/testing", IGNORE);
    assert_key(f, "data/test-vm/last-action", "ignore");
    assert_key(f, "data/test-vm/missed-watch-events", "1");
}

/* A read that fails is logged, and the checks go on with their back-off. */
static void test_a_failed_read_keeps_the_checks_going(void **state)
{
    struct fixture *f = *state;

    advance(f, 4999);
    fxs_fail_next(f->fx, XS_READ, "EIO");
    advance(f, 1);
    assert_logged("test-vm: idle-check: error: reading control/testing failed (EIO); next check in "
                  "10000 ms\n");

    fxs_drop_next_events(f->fx, 1);
    toolstack_write(f, "control/testing", IGNORE);
    advance(f, 10000);
    assert_key(f, "data/test-vm/commands", "1");
    assert_key(f, "data/test-vm/missed-watch-events", "1");
}

/* A hung VM checks nothing, and sleeps for ever. */
static void test_no_check_once_hung(void **state)
{
    struct fixture *f = *state;

    toolstack_write(f, "control/testing", "{\"when\":\"now\",\"action\":\"hang\"}");
    assert_int_equal(control_next_deadline(&f->control), CONTROL_NO_DEADLINE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        STARTED(test_a_dropped_event_is_found_and_handled),
        STARTED(test_a_late_event_does_not_repeat_it),
        STARTED(test_shutdown_and_sysrq_misses),
        STARTED(test_the_checks_back_off),
        STARTED(test_a_value_with_its_event_queued_is_no_miss),
        STARTED(test_a_request_left_unacked_is_not_handled_again),
        STARTED(test_xenstore_unwatch_then_a_request_is_obeyed),
        STARTED(test_a_failed_read_keeps_the_checks_going),
        STARTED(test_no_check_once_hung),
    };
    return cmocka_run_group_tests_name("control_idle", tests, NULL, NULL);
}
