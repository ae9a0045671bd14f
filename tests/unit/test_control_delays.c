/*
 * Issue 8's command fields against the interpreter: ack_delay_ms,
 * action_delay_ms, times, on, and the misbehaviour actions.  The clock is the
 * fake xenstored's: pump() sleeps until a delayed step is due, as the
 * kernel's main loop does.
 */
#include "control_fixture.h"

static uint64_t now_ms(struct fixture *f)
{
    return fxs_now_ns(f->fx) / 1000000u;
}

/* Write a command and let the VM take it, without running its delayed steps. */
static void command(struct fixture *f, const char *json)
{
    assert_int_equal(fxs_write(f->fx, "control/testing", json), 0);
    for (int i = 0; i < 100 && fxs_run(f->fx); i++) {
        struct xenstore_watch_event ev;
        while (xenstore_next_watch_event(&f->xs, &ev))
            control_handle_watch(&f->control, &ev);
    }
    assert_key(f, "control/testing", "");
}

/* The toolstack writes a request; the VM handles the event, but no delay runs out. */
static void request(struct fixture *f, const char *value)
{
    assert_int_equal(fxs_write(f->fx, "control/shutdown", value), 0);
    for (int i = 0; i < 100 && fxs_run(f->fx); i++) {
        struct xenstore_watch_event ev;
        while (xenstore_next_watch_event(&f->xs, &ev))
            control_handle_watch(&f->control, &ev);
    }
}

static void test_ack_delay_acks_no_earlier_than_the_delay(void **state)
{
    struct fixture *f = *state;

    command(f, "{\"when\":\"onshutdown\",\"action\":\"poweroff\",\"ack_delay_ms\":2000}");
    uint64_t asked = now_ms(f);
    request(f, "poweroff");
    assert_logged("test-vm: control/shutdown: acking \"poweroff\" in 2000 ms (ack_delay_ms)\n");
    assert_key(f, "control/shutdown", "poweroff"); /* not yet */
    assert_key(f, "data/test-vm/state", "acking");
    char due[24];
    snprintf(due, sizeof(due), "%lu", (unsigned long)(f->control.delayed.due_ns / 1000000u));
    assert_key(f, "data/test-vm/due-ms", due);
    assert_int_equal(f->ncalls, 0);

    pump(f); /* sleeps until due */
    assert_true(now_ms(f) >= asked + 2000);
    assert_key(f, "control/shutdown", "");
    assert_logged("test-vm: control/shutdown: acked \"poweroff\" (wrote \"\")\n");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_poweroff);
    assert_string_equal(f->calls[0].shutdown, ""); /* the ack came before the action */
    assert_key(f, "data/test-vm/due-ms", "");
}

static void test_requests_during_a_delay_are_left_alone(void **state)
{
    struct fixture *f = *state;

    command(
        f,
        "{\"when\":\"onshutdown\",\"ack\":\"none\",\"action\":\"reboot\",\"ack_delay_ms\":5000}");
    request(f, "poweroff");
    request(f, "crash");
    assert_logged(
        "test-vm: control/shutdown: received \"crash\" while a delayed command runs; left alone\n");
    assert_int_equal(f->ncalls, 0);
    /* The request it waits for is gone: no ack, the action all the same. */
    pump(f);
    assert_logged(
        "test-vm: control/shutdown: \"poweroff\" was changed or removed before its delayed ack: not acked\n");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_reboot);
    assert_key(f, "control/shutdown", "crash");
}

static void test_action_delay_after_acceptance_for_now(void **state)
{
    struct fixture *f = *state;

    uint64_t start = now_ms(f);
    command(f, "{\"when\":\"now\",\"action\":\"reboot\",\"action_delay_ms\":30000}");
    assert_logged("test-vm: action: reboot in 30000 ms (action_delay_ms)\n");
    assert_key(f, "data/test-vm/state", "acting");
    assert_int_equal(f->ncalls, 0);
    pump(f);
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_reboot);
    assert_true(now_ms(f) >= start + 30000);
}

static void test_action_delay_after_the_ack_for_onshutdown(void **state)
{
    struct fixture *f = *state;

    command(f, "{\"when\":\"onshutdown\",\"action\":\"crash\",\"action_delay_ms\":1000}");
    request(f, "reboot");
    assert_key(f, "control/shutdown", ""); /* acked at once */
    assert_key(f, "data/test-vm/state", "acting");
    pump(f);
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_crash);
}

/* A new command replaces the delayed one: {"when":"now","action":"ignore"} cancels it. */
static void test_a_new_command_cancels_a_delayed_step(void **state)
{
    struct fixture *f = *state;

    command(f, "{\"when\":\"now\",\"action\":\"poweroff\",\"action_delay_ms\":60000}");
    command(f, "{\"when\":\"now\",\"action\":\"ignore\"}");
    assert_logged(
        "test-vm: control/testing: cancels the delayed action of {\"when\":\"now\",\"ack\":\"ok\",\"action\":\"poweroff\",\"action_delay_ms\":60000}\n");
    pump(f);
    assert_int_equal(f->ncalls, 0);
    assert_key(f, "data/test-vm/state", "ready");
    assert_key(f, "data/test-vm/due-ms", "");
}

static void test_times_takes_over_that_many_requests(void **state)
{
    struct fixture *f = *state;

    command(f, "{\"when\":\"onshutdown\",\"ack\":\"none\",\"action\":\"ignore\",\"times\":2}");
    toolstack_write(f, "control/shutdown", "poweroff");
    assert_key(f, "data/test-vm/pending",
               "{\"when\":\"onshutdown\",\"ack\":\"none\",\"action\":\"ignore\"}"); /* 1 left */
    toolstack_write(f, "control/shutdown", "reboot");
    assert_key(f, "data/test-vm/pending", "");
    assert_int_equal(f->ncalls, 0);
    /* Used up: the next request is obeyed. */
    toolstack_write(f, "control/shutdown", "poweroff");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_poweroff);
}

static void test_times_always_never_runs_out(void **state)
{
    struct fixture *f = *state;

    command(f, "{\"when\":\"onshutdown\",\"action\":\"ignore\",\"times\":\"always\"}");
    for (int i = 0; i < 5; i++)
        toolstack_write(f, "control/shutdown", "poweroff");
    assert_int_equal(f->ncalls, 0);
    assert_key(
        f, "data/test-vm/pending",
        "{\"when\":\"onshutdown\",\"ack\":\"ok\",\"action\":\"ignore\",\"times\":\"always\"}");
}

/* "on": refuse suspend, obey poweroff. */
static void test_on_takes_over_only_the_requests_it_names(void **state)
{
    struct fixture *f = *state;

    command(
        f, "{\"when\":\"onshutdown\",\"ack\":\"none\",\"action\":\"ignore\",\"on\":[\"suspend\"]}");
    toolstack_write(f, "control/shutdown", "suspend");
    assert_key(f, "control/shutdown", "suspend"); /* refused: left unacked */
    assert_int_equal(f->ncalls, 0);
    toolstack_write(f, "control/shutdown", "poweroff");
    assert_key(f, "control/shutdown", "");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_poweroff);
}

static void test_misbehaviours_reach_the_platform(void **state)
{
    struct fixture *f = *state;

    command(f, "{\"when\":\"now\",\"action\":\"watchdog\",\"timeout_s\":7}");
    assert_logged(
        "test-vm: action: watchdog (armed for 7 s and never petted: Xen then shuts the domain down)\n");
    assert_int_equal(f->calls[0].reason, CALL_WATCHDOG);
    assert_int_equal(f->calls[0].timeout_s, 7);
    assert_key(f, "data/test-vm/state", "ready"); /* it carries on until Xen acts */

    command(f, "{\"when\":\"now\",\"action\":\"fault\"}");
    assert_int_equal(f->calls[1].reason, CALL_FAULT);
    assert_string_equal(f->calls[1].state, "crashing");
    command(f, "{\"when\":\"now\",\"action\":\"triple-fault\"}");
    assert_int_equal(f->calls[2].reason, CALL_TRIPLE_FAULT);
    command(f, "{\"when\":\"now\",\"action\":\"soft-reset\"}");
    assert_int_equal(f->calls[3].reason, SHUTDOWN_soft_reset);
    assert_string_equal(f->calls[3].last_action, "soft-reset");
}

/* After "hang" the VM does nothing a toolstack can see: no ack, no key written. */
static void test_hang_leaves_everything_unanswered(void **state)
{
    struct fixture *f = *state;

    command(f, "{\"when\":\"now\",\"action\":\"hang\"}");
    assert_int_equal(f->calls[0].reason, CALL_HANG);
    assert_string_equal(f->calls[0].state, "hung");
    unsigned int writes = fxs_request_count(f->fx, XS_WRITE);
    toolstack_write(f, "control/shutdown", "poweroff");
    toolstack_write(f, "control/testing", "{\"when\":\"now\",\"action\":\"reboot\"}");
    assert_key(f, "control/shutdown", "poweroff");
    assert_key(f, "control/testing", "{\"when\":\"now\",\"action\":\"reboot\"}");
    assert_int_equal(fxs_request_count(f->fx, XS_WRITE), writes);
    assert_int_equal(f->ncalls, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        STARTED(test_ack_delay_acks_no_earlier_than_the_delay),
        STARTED(test_requests_during_a_delay_are_left_alone),
        STARTED(test_action_delay_after_acceptance_for_now),
        STARTED(test_action_delay_after_the_ack_for_onshutdown),
        STARTED(test_a_new_command_cancels_a_delayed_step),
        STARTED(test_times_takes_over_that_many_requests),
        STARTED(test_times_always_never_runs_out),
        STARTED(test_on_takes_over_only_the_requests_it_names),
        STARTED(test_misbehaviours_reach_the_platform),
        STARTED(test_hang_leaves_everything_unanswered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
