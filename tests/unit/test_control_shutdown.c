/*
 * The control interpreter's control/shutdown requests (kernel/control/
 * control_shutdown.c): known, unknown, huge, acks retried or given up; suspend
 * and resume; watch events foreign, repeated or dropped; the console
 * transcript a lab scenario greps.  The boot: test_control_boot.c.
 */
#include "control_fixture.h"
#include "kernel/control/control_status.h"

/* ---- control/shutdown */

static const struct {
    const char *request;
    unsigned int reason;
    const char *action_line;
} requests[] = {
    {"poweroff", SHUTDOWN_poweroff, "test-vm: action: poweroff\n"},
    {"halt", SHUTDOWN_poweroff, "test-vm: action: halt (as poweroff: Xen has no halt)\n"},
    {"reboot", SHUTDOWN_reboot, "test-vm: action: reboot\n"},
    {"crash", SHUTDOWN_crash, "test-vm: action: crash\n"},
    {"suspend", SHUTDOWN_suspend, "test-vm: action: suspend\n"},
};

static void test_known_requests(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
        void *s;
        fixture_setup(&s);
        struct fixture *f = s;
        assert_int_equal(start(f), 0);
        log_capture_clear();
        print_message("  %s\n", requests[i].request);

        toolstack_write(f, "control/shutdown", requests[i].request);

        assert_int_equal(f->ncalls, 1);
        assert_int_equal(f->calls[0].reason, requests[i].reason);
        /* Acked before the action: xenopsd sees "" while the domain goes. */
        assert_string_equal(f->calls[0].shutdown, "");
        assert_string_equal(f->calls[0].last_action, requests[i].request);
        assert_string_equal(f->calls[0].state, requests[i].reason == SHUTDOWN_suspend
                                                   ? "suspending"
                                                   : "shutting-down");
        assert_key(f, "control/shutdown", "");
        assert_key(f, "data/test-vm/last-action", requests[i].request);
        assert_key(f, "data/test-vm/state", "ready"); /* the recording power returned */
        assert_key(f, "data/test-vm/errors", "0");

        char expected[256];
        snprintf(expected, sizeof(expected),
                 "test-vm: control/shutdown: received \"%s\"\n"
                 "test-vm: control/shutdown: acked \"%s\" (wrote \"\")\n%s%s",
                 requests[i].request, requests[i].request, requests[i].action_line,
                 requests[i].reason == SHUTDOWN_suspend ? "test-vm: suspend: cancelled\n" : "");
        assert_string_equal(log_capture_text(), expected);
        fixture_teardown(&s);
    }
}

static void test_empty_and_missing_ignored(void **state)
{
    struct fixture *f = *state;

    toolstack_write(f, "control/shutdown", "");
    assert_int_equal(fxs_rm(f->fx, "control/shutdown"), 0);
    pump(f);
    toolstack_write(f, "control/shutdown", "");

    assert_int_equal(f->ncalls, 0);
    assert_string_equal(log_capture_text(), "");
    assert_key(f, "data/test-vm/errors", "0");
    assert_key(f, "data/test-vm/last-action", "");
}

static void test_unknown_requests_not_acked(void **state)
{
    struct fixture *f = *state;
    static const char *const unknown[] = {"s3", "POWEROFF", "poweroff ", "reboot\n", "halt!", "x"};

    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
        toolstack_write(f, "control/shutdown", unknown[i]);

    assert_int_equal(f->ncalls, 0);
    assert_key(f, "control/shutdown", "x"); /* not acked */
    assert_key(f, "data/test-vm/errors", "6");
    assert_key(f, "data/test-vm/last-error",
               "control/shutdown: error: unknown request \"x\", not acked");
    assert_key(f, "data/test-vm/last-action", "");
    assert_logged("test-vm: control/shutdown: received \"s3\"\n"
                  "test-vm: control/shutdown: error: unknown request \"s3\", not acked\n");
    assert_logged("test-vm: control/shutdown: error: unknown request \"reboot\\n\", not acked\n");
    assert_not_logged("acked \"");
    /* Still listening. */
    toolstack_write(f, "control/shutdown", "reboot");
    assert_int_equal(f->ncalls, 1);
}

/* A value as long as xenstore allows, and binary junk, are shown cut short. */
static void test_huge_request(void **state)
{
    struct fixture *f = *state;
    char value[XENSTORE_PAYLOAD_MAX];
    size_t len = XENSTORE_PAYLOAD_MAX - sizeof("control/shutdown");

    memset(value, '\x7f', len);
    value[len] = '\0';
    toolstack_write(f, "control/shutdown", value);
    assert_int_equal(f->ncalls, 0);
    assert_key(f, "control/shutdown", value);
    char expected[256];
    snprintf(expected, sizeof(expected),
             "test-vm: control/shutdown: error: unknown request \"\\x7f\\x7f\\x7f\\x7f\\x7f\\x7f"
             "\\x7f\\x7f\\x7f\\x7f\\x7f\\x7f\\x7f\\x7f\\x7f\\x7f\\x7f\"... (%zu bytes), not "
             "acked\n",
             len);
    assert_logged(expected);
}

/* The ack and the request's check happen in one transaction, retried on EAGAIN. */
static void test_ack_retried_on_eagain(void **state)
{
    struct fixture *f = *state;

    unsigned int starts = fxs_request_count(f->fx, XS_TRANSACTION_START);
    fxs_fail_next(f->fx, XS_TRANSACTION_END, "EAGAIN");
    toolstack_write(f, "control/shutdown", "reboot");

    assert_int_equal(fxs_request_count(f->fx, XS_TRANSACTION_START) - starts, 3);
    assert_int_equal(f->ncalls, 1); /* carried out once */
    assert_int_equal(f->calls[0].reason, SHUTDOWN_reboot);
    assert_key(f, "control/shutdown", "");
    assert_key(f, "data/test-vm/errors", "0");
    assert_int_equal(log_capture_count("received"), 1);
    assert_int_equal(fxs_transaction_count(f->fx), 0);
}

/* The toolstack changes its mind between our read and our commit. */
static void test_ack_only_if_unchanged(void **state)
{
    struct fixture *f = *state;
    struct fxs_write_before_commit change = {"control/shutdown", "crash", 1};

    fxs_set_reply_hook(f->fx, fxs_write_before_commit_hook, &change);
    toolstack_write(f, "control/shutdown", "reboot");
    fxs_set_reply_hook(f->fx, NULL, NULL);

    /* The reboot was never acked nor carried out: only the crash was. */
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_crash);
    assert_key(f, "control/shutdown", "");
    assert_not_logged("\"reboot\"");
}

static void test_ack_gives_up(void **state)
{
    struct fixture *f = *state;
    struct fxs_write_before_commit always_conflict = {"data/elsewhere", "x", -1};

    fxs_set_reply_hook(f->fx, fxs_write_before_commit_hook, &always_conflict);
    assert_int_equal(fxs_write(f->fx, "control/shutdown", "poweroff"), 0);
    struct xenstore_watch_event ev;
    while (!xenstore_next_watch_event(&f->xs, &ev))
        assert_true(fxs_run(f->fx));
    control_handle_watch(&f->control, &ev);
    fxs_set_reply_hook(f->fx, NULL, NULL);

    assert_int_equal(f->ncalls, 0);
    assert_key(f, "control/shutdown", "poweroff");
    assert_key(f, "data/test-vm/last-error",
               "control/shutdown: error: acking \"poweroff\" failed (EAGAIN); not carried out");
    assert_int_equal(fxs_transaction_count(f->fx), 0);
}

static void test_read_error(void **state)
{
    struct fixture *f = *state;

    fxs_fail_next(f->fx, XS_READ, "EACCES");
    toolstack_write(f, "control/shutdown", "poweroff");
    assert_logged("test-vm: control/shutdown: error: reading it failed (EACCES)\n");
    assert_int_equal(f->ncalls, 0);
    /* The next event reads it again. */
    toolstack_write(f, "control/shutdown", "poweroff");
    assert_int_equal(f->ncalls, 1);
}

static void test_action_refused(void **state)
{
    struct fixture *f = *state;

    f->shutdown_result = -22;
    toolstack_write(f, "control/shutdown", "poweroff");
    assert_int_equal(f->ncalls, 1);
    assert_logged("test-vm: action: error: poweroff failed (EINVAL)\n");
    assert_key(f, "data/test-vm/last-error", "action: error: poweroff failed (EINVAL)");
    assert_key(f, "data/test-vm/state", "ready");
}

/* ---- suspend */

static void test_suspend_resumed_in_new_domain(void **state)
{
    struct fixture *f = *state;
    char version[64];

    copy_key(f, "data/test-vm/version", version, sizeof(version));
    f->suspend_result = 0;
    toolstack_write(f, "control/shutdown", "suspend");

    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_suspend);
    assert_string_equal(f->calls[0].state, "suspending");
    assert_logged("test-vm: action: suspend\n"
                  "test-vm: suspend: resumed in a new domain (domid 12)\n");
    /* The fixture's paths follow the new home: everything is back. */
    assert_int_equal(fxs_domid(f->fx), RESUME_DOMID);
    assert_key(f, "control/feature-poweroff", "1");
    assert_key(f, "control/feature-reboot", "1");
    assert_key(f, "control/feature-suspend", "1");
    assert_key(f, "data/test-vm/state", "ready");
    assert_key(f, "data/test-vm/version", version);
    assert_key(f, "data/test-vm/boots", "1");
    assert_key(f, "data/test-vm/resumes", "1");
    assert_key(f, "data/test-vm/last-action", "suspend");
    assert_key(f, "data/test-vm/last-suspend", "resumed");
    assert_key(f, "data/test-vm/errors", "0");
    assert_int_equal(fxs_watch_count(f->fx), 3);

    /* Later requests are obeyed in the new domain, again and again. */
    f->suspend_result = 1;
    toolstack_write(f, "control/shutdown", "suspend");
    assert_logged("test-vm: suspend: cancelled\n");
    toolstack_write(f, "control/shutdown", "reboot");
    assert_int_equal(f->ncalls, 3);
    assert_int_equal(f->calls[2].reason, SHUTDOWN_reboot);
    assert_key(f, "control/shutdown", "");
}

static void test_suspend_cancelled(void **state)
{
    struct fixture *f = *state;

    f->suspend_result = 1;
    toolstack_write(f, "control/shutdown", "suspend");

    assert_int_equal(f->ncalls, 1);
    assert_logged("test-vm: action: suspend\ntest-vm: suspend: cancelled\n");
    assert_int_equal(fxs_domid(f->fx), FIXTURE_DOMID);
    assert_key(f, "data/test-vm/state", "ready");
    assert_key(f, "data/test-vm/resumes", "0");
    assert_key(f, "data/test-vm/last-suspend", "cancelled");

    toolstack_write(f, "control/shutdown", "poweroff");
    assert_int_equal(f->ncalls, 2);
    assert_int_equal(f->calls[1].reason, SHUTDOWN_poweroff);
}

static void test_suspend_failed(void **state)
{
    struct fixture *f = *state;

    f->suspend_result = -38;
    toolstack_write(f, "control/shutdown", "suspend");

    assert_logged("test-vm: suspend: error: SCHEDOP_shutdown failed (ENOSYS)\n");
    assert_key(f, "data/test-vm/last-suspend", "failed");
    assert_key(f, "data/test-vm/errors", "1");
    assert_key(f, "data/test-vm/state", "ready");
}

/* A pending command lives in memory: it survives a resume, and is republished. */
static void test_pending_survives_resume(void **state)
{
    struct fixture *f = *state;
    const char *cmd = "{\"when\":\"onshutdown\",\"ack\":\"none\",\"action\":\"crash\"}";

    f->suspend_result = 0;
    toolstack_write(f, "control/testing", "{\"when\":\"now\",\"action\":\"suspend\"}");
    assert_int_equal(fxs_domid(f->fx), RESUME_DOMID);
    toolstack_write(f, "control/testing", cmd);
    assert_key(f, "data/test-vm/pending", cmd);
    assert_key(f, "data/test-vm/commands", "2");
    toolstack_write(f, "control/shutdown", "poweroff");
    assert_int_equal(f->calls[1].reason, SHUTDOWN_crash);
}

/* ---- watch events */

static void test_foreign_events_ignored(void **state)
{
    struct fixture *f = *state;
    struct xenstore_watch_event ev = {.path = "control/shutdown", .token = "someone-else"};

    assert_int_equal(fxs_write(f->fx, "control/shutdown", "poweroff"), 0);
    unsigned int reads = fxs_request_count(f->fx, XS_READ);
    control_handle_watch(&f->control, &ev);
    assert_int_equal(fxs_request_count(f->fx, XS_READ), reads);
    assert_int_equal(f->ncalls, 0);
}

/* Repeated events for one value are harmless: the ack makes the value "". */
static void test_repeated_events(void **state)
{
    struct fixture *f = *state;
    struct xenstore_watch_event ev = {.path = "control/shutdown", .token = CONTROL_TOKEN_SHUTDOWN};

    toolstack_write(f, "control/shutdown", "reboot");
    control_handle_watch(&f->control, &ev);
    control_handle_watch(&f->control, &ev);
    assert_int_equal(f->ncalls, 1);
}

/*
 * When the client's event queue overflowed, an event may be lost: the
 * interpreter then reads both keys as if both had fired.
 */
static void test_dropped_events_reread(void **state)
{
    struct fixture *f = *state;

    /* Fill the client's queue with events for made-up paths below control/shutdown. */
    for (int i = 0; i < XENSTORE_WATCH_QUEUE; i++) {
        char msg[128];
        struct xsd_sockmsg hdr = {.type = XS_WATCH_EVENT};
        hdr.len = (uint32_t)snprintf(msg + sizeof(hdr), sizeof(msg) - sizeof(hdr),
                                     "control/shutdown/x%d%c" CONTROL_TOKEN_SHUTDOWN, i, 0) +
                  1;
        memcpy(msg, &hdr, sizeof(hdr));
        assert_int_equal(xenstore_feed(&f->xs, msg, sizeof(hdr) + hdr.len), sizeof(hdr) + hdr.len);
    }
    /* The event for this write finds the queue full and is dropped. */
    assert_int_equal(fxs_write(f->fx, "control/testing",
                               "{\"when\":\"onshutdown\",\"ack\":\"none\",\"action\":\"reboot\"}"),
                     0);
    while (fxs_run(f->fx))
        ;
    pump(f);

    assert_int_equal(xenstore_events_dropped(&f->xs), 1);
    /* The client's line too starts with "test-vm: " (found by fuzz_control). */
    assert_logged("test-vm: xenstore: watch event queue full: dropped event control/testing "
                  "(token " CONTROL_TOKEN_TESTING "), 1 dropped so far\n");
    assert_logged("test-vm: xenstore: watch events were dropped; reading every key again\n");
    assert_key(f, "control/testing", "");
    assert_key(f, "data/test-vm/state", "pending");
}

/* ---- the console transcript a lab scenario greps */

static void test_transcript(void **state)
{
    struct fixture *f = *state;

    toolstack_write(f, "control/testing",
                    "{\"when\":\"onshutdown\",\"ack\":\"none\",\"action\":\"reboot\"}");
    toolstack_write(f, "control/shutdown", "poweroff");

    assert_string_equal(log_capture_text(),
                        "test-vm: control/testing: received "
                        "{\"when\":\"onshutdown\",\"ack\":\"none\",\"action\":\"reboot\"}\n"
                        "test-vm: control/testing: acked (wrote \"\")\n"
                        "test-vm: control/testing: accepted "
                        "{\"when\":\"onshutdown\",\"ack\":\"none\",\"action\":\"reboot\"}\n"
                        "test-vm: control/shutdown: received \"poweroff\"\n"
                        "test-vm: control/shutdown: carrying out the pending command "
                        "{\"when\":\"onshutdown\",\"ack\":\"none\",\"action\":\"reboot\"} instead\n"
                        "test-vm: control/shutdown: left \"poweroff\" unacked (ack \"none\")\n"
                        "test-vm: action: reboot\n");
}

#define FRESH(t) cmocka_unit_test_setup_teardown(t, fixture_setup, fixture_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_requests),
        STARTED(test_empty_and_missing_ignored),
        STARTED(test_unknown_requests_not_acked),
        STARTED(test_huge_request),
        STARTED(test_ack_retried_on_eagain),
        STARTED(test_ack_only_if_unchanged),
        STARTED(test_ack_gives_up),
        STARTED(test_read_error),
        STARTED(test_action_refused),
        STARTED(test_suspend_resumed_in_new_domain),
        STARTED(test_suspend_cancelled),
        STARTED(test_suspend_failed),
        STARTED(test_pending_survives_resume),
        STARTED(test_foreign_events_ignored),
        STARTED(test_repeated_events),
        STARTED(test_dropped_events_reread),
        STARTED(test_transcript),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
