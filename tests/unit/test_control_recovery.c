/*
 * The interpreter never goes deaf: after a resume (of a new domain or the
 * same one), or a reply that never came, it reads the keys again and loses
 * no request or command.
 */
#include "control_fixture.h"
#include "kernel/control/control_status.h"
#include "kernel/cmdline.h"
#include "kernel/config.h"

static const char NOW_SUSPEND[] = "{\"when\":\"now\",\"action\":\"suspend\"}";

/*
 * libxc's non-cooperative resume returns 0 in the same domain.  A request
 * the toolstack wrote while the VM was suspended fired no event the VM
 * will see after the resume (or one that was dropped with the old ring's
 * bytes): reading the keys again finds it.
 */
static void test_request_written_during_a_same_domain_suspend_is_carried_out(void **state)
{
    struct fixture *f = *state;

    f->suspend_result = 0;
    f->resume_same = true;
    f->request_during_suspend = "reboot";
    toolstack_write(f, "control/testing", NOW_SUSPEND);

    assert_logged("test-vm: suspend: resumed in the same domain (domid 7)\n");
    assert_int_equal(f->ncalls, 2);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_suspend);
    assert_int_equal(f->calls[1].reason, SHUTDOWN_reboot);
    assert_key(f, "control/shutdown", "");
    assert_key(f, "data/test-vm/resumes", "1");
}

/* The same in a new domain: the watch, registered again, finds it. */
static void test_request_written_during_a_suspend_into_a_new_domain_is_carried_out(void **state)
{
    struct fixture *f = *state;

    f->suspend_result = 0;
    f->request_during_suspend = "poweroff";
    toolstack_write(f, "control/testing", NOW_SUSPEND);

    assert_logged("test-vm: suspend: resumed in a new domain (domid 12)\n");
    assert_int_equal(f->ncalls, 2);
    assert_int_equal(f->calls[1].reason, SHUTDOWN_poweroff);
}

/* A request a pending command left unacked is not news when the VM looks again. */
static void test_a_request_left_unacked_is_not_carried_out_on_a_second_look(void **state)
{
    struct fixture *f = *state;

    f->suspend_result = 1; /* cancelled: the VM looks at both keys again */
    toolstack_write(f, "control/testing",
                    "{\"when\":\"onshutdown\",\"ack\":\"none\",\"action\":\"suspend\"}");
    toolstack_write(f, "control/shutdown", "poweroff");
    assert_logged("left \"poweroff\" unacked (ack \"none\")");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_suspend);
    assert_key(f, "control/shutdown", "poweroff");
    /* The toolstack asking again is a new request, and obeyed. */
    toolstack_write(f, "control/shutdown", "poweroff");
    assert_int_equal(f->ncalls, 2);
    assert_int_equal(f->calls[1].reason, SHUTDOWN_poweroff);
}

/* The ack's commit went through, but its reply never came: the key shows it. */
static void test_a_lost_commit_reply_with_the_ack_in_place_is_carried_out(void **state)
{
    struct fixture *f = *state;

    fxs_lose_next_reply(f->fx, XS_TRANSACTION_END);
    toolstack_write(f, "control/shutdown", "poweroff");
    assert_logged("test-vm: control/shutdown: the key shows the ack of \"poweroff\": it landed; "
                  "carrying it out\n");
    assert_not_logged("not carried out");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_poweroff);
}

static void test_a_lost_commit_reply_of_a_command_ack_is_carried_out(void **state)
{
    struct fixture *f = *state;

    fxs_lose_next_reply(f->fx, XS_TRANSACTION_END);
    toolstack_write(f, "control/testing", "{\"when\":\"now\",\"action\":\"crash\"}");
    assert_logged("test-vm: control/testing: the key shows the ack of ");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_crash);
    assert_key(f, "data/test-vm/commands", "1");
}

/* Loses the reply to the TRANSACTION_START after the first *ctx ones. */
static bool lose_a_later_transaction_start(struct fake_xenstored *fx, const struct xsd_sockmsg *req,
                                           const char *payload, void *ctx)
{
    (void)fx;
    (void)payload;
    int *before = ctx;
    if (req->type != XS_TRANSACTION_START)
        return false;
    return (*before)-- == 0;
}

/*
 * Seen in the lab's soak under load: after a command was carried out, the
 * look at the key that the VM's own ack fires could not even start its
 * transaction (the reply timed out).  That is no lost commit: nothing was
 * read, so the last command must not be taken, and done, again.
 */
static void test_a_timed_out_transaction_start_does_not_repeat_the_last_command(void **state)
{
    struct fixture *f = *state;
    int before = 1; /* the command's own read and ack */

    fxs_set_reply_hook(f->fx, lose_a_later_transaction_start, &before);
    toolstack_write(f, "control/testing",
                    "{\"when\":\"now\",\"action\":\"xenstore-write\",\"path\":\"data/mark\","
                    "\"value\":\"1\"}");
    assert_logged("test-vm: xenstore: request type 6 req_id");
    assert_not_logged("the key shows the ack");
    assert_key(f, "data/test-vm/commands", "1");
    assert_int_equal(log_capture_count("xenstore-write: \"data/mark\""), 1);
}

static bool lose_reads_of_shutdown(struct fake_xenstored *fx, const struct xsd_sockmsg *req,
                                   const char *payload, void *ctx)
{
    (void)fx;
    int *left = ctx;
    if (req->type != XS_READ || strcmp(payload, "control/shutdown") != 0 || *left == 0)
        return false;
    (*left)--;
    return true; /* no reply */
}

/* A read that times out is tried again after a back-off: the request is not lost. */
static void test_a_request_whose_read_timed_out_is_read_again(void **state)
{
    struct fixture *f = *state;
    int left = 2;

    fxs_set_reply_hook(f->fx, lose_reads_of_shutdown, &left);
    toolstack_write(f, "control/shutdown", "halt");
    assert_logged("test-vm: control/shutdown: error: reading it failed (ETIMEDOUT)\n");
    assert_logged("test-vm: control/shutdown: reading it again in 100 ms\n");
    assert_logged("test-vm: control/shutdown: reading it again in 200 ms\n");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_poweroff);
}

/* It gives up after CONTROL_REREAD_TRIES, and says so; the next change is read as usual. */
static void test_rereading_gives_up_and_says_so(void **state)
{
    struct fixture *f = *state;
    int left = 100;

    fxs_set_reply_hook(f->fx, lose_reads_of_shutdown, &left);
    toolstack_write(f, "control/shutdown", "reboot");
    assert_logged(
        "test-vm: control/shutdown: error: still failing after 5 tries; reading it again at its next change\n");
    assert_int_equal(f->ncalls, 0);
    left = 0;
    toolstack_write(f, "control/shutdown", "reboot");
    assert_int_equal(f->ncalls, 1);
}

/* The guest's next `left` writes of data/test-vm/state fail: answered EACCES, or not at all. */
struct state_write_failures {
    int left;
    bool refuse; /* EACCES; else no reply (the client times out) */
};

static bool fail_writes_of_state(struct fake_xenstored *fx, const struct xsd_sockmsg *req,
                                 const char *payload, void *ctx)
{
    struct state_write_failures *w = ctx;
    if (req->type != XS_WRITE || strcmp(payload, "data/test-vm/state") != 0 || w->left == 0)
        return false;
    w->left--;
    if (w->refuse)
        fxs_inject_message(fx, XS_ERROR, req->req_id, "EACCES", 7);
    return true; /* nothing written */
}

/*
 * A status write that failed at boot (its reply never came, and it never
 * landed) would leave a toolstack waiting for "ready" for ever: the VM writes
 * its keys again after the back-off until they all land.
 */
static void test_a_state_write_lost_at_boot_is_written_again(void **state)
{
    struct fixture *f = *state;
    struct state_write_failures lost = {.left = 2};

    cmdline_control_config("", &f->config); /* the defaults: the agent on */
    f->pump_limit_ns = 50000000;            /* its refresh is always due: advance() instead */
    fxs_set_reply_hook(f->fx, fail_writes_of_state, &lost);
    assert_int_equal(start(f), 0);
    advance(f, 20000);
    assert_logged("test-vm: xenstore: error: writing data/test-vm/state failed (ETIMEDOUT)\n");
    assert_logged("test-vm: status: a key was not written; writing its keys again in 100 ms\n");
    assert_logged("test-vm: status: a key was not written; writing its keys again in 200 ms\n");
    assert_logged("test-vm: status: keys written again (try 3)\n");
    assert_int_equal(lost.left, 0);
    assert_key(f, "data/test-vm/state", "ready");
    assert_key(f, "control/feature-poweroff", "1");
    assert_key(f, "data/test-vm/boots", "1");
    /* Only data/test-vm/, whose key failed, was written again: the agent's keys once. */
    assert_int_equal(log_capture_count("test-vm: agent: PVAddons"), 1);
    assert_key(f, "attr/PVAddons/Installed", "1");
    /* And it is not deaf. */
    toolstack_write(f, "control/shutdown", "reboot");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_reboot);
}

/* Refuses the first `*ctx` writes of data/test-vm/version with EQUOTA. */
static bool refuse_version_writes(struct fake_xenstored *fx, const struct xsd_sockmsg *req,
                                  const char *payload, void *ctx)
{
    int *left = ctx;
    if (req->type != XS_WRITE || strcmp(payload, "data/test-vm/version") != 0 || *left == 0)
        return false;
    (*left)--;
    fxs_inject_message(fx, XS_ERROR, req->req_id, "EQUOTA", 7);
    return true;
}

/* docs/protocol.md, "Boot": state last, "so that when state reads ready all the others are there".
 */
static void test_state_is_not_ready_while_an_earlier_key_is_missing(void **state)
{
    struct fixture *f = *state;
    int left = 1;

    f->pump_limit_ns = 50000000; /* stop short of the 100 ms retry */
    fxs_set_reply_hook(f->fx, refuse_version_writes, &left);
    assert_int_equal(start(f), 0);
    assert_null(fxs_read(f->fx, "data/test-vm/version"));
    assert_null(fxs_read(f->fx, "data/test-vm/state"));
    advance(f, 1000);
    assert_key(f, "data/test-vm/version", status_version());
    assert_key(f, "data/test-vm/state", "ready");
}

/*
 * Refused for good: the VM goes on trying, at most every 10 s, and answers
 * commands meanwhile; once xenstored takes the key, the retries end.
 */
static void test_a_state_write_refused_for_long_is_retried_without_deafness(void **state)
{
    struct fixture *f = *state;
    struct state_write_failures refused = {.left = 1000, .refuse = true};

    f->pump_limit_ns = 50000000; /* pump() stops short of the first retry, 100 ms on */
    fxs_set_reply_hook(f->fx, fail_writes_of_state, &refused);
    assert_int_equal(start(f), 0);
    assert_logged("test-vm: xenstore: error: writing data/test-vm/state failed (EACCES)\n");
    assert_key(f, "data/test-vm/state", NULL);
    advance(f, 60000);
    int tries = 1000 - refused.left;
    /* 100 ms doubling to 10 s: 0.1+0.2+...+6.4 = 12.7 s, then every 10 s: about 12 in 60 s. */
    assert_in_range(tries, 8, 14);
    assert_logged("writing its keys again in 10000 ms\n");
    toolstack_write(f, "control/testing",
                    "{\"when\":\"now\",\"action\":\"xenstore-write\","
                    "\"path\":\"data/mark\",\"value\":\"1\"}");
    assert_key(f, "data/mark", "1");
    assert_key(f, "data/test-vm/commands", "1");
    refused.left = 0;
    advance(f, 11000);
    assert_key(f, "data/test-vm/state", "ready");
    assert_logged("test-vm: status: keys written again (try ");
    log_capture_clear();
    advance(f, 60000);
    assert_not_logged("test-vm: status:");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        STARTED(test_request_written_during_a_same_domain_suspend_is_carried_out),
        STARTED(test_request_written_during_a_suspend_into_a_new_domain_is_carried_out),
        STARTED(test_a_request_left_unacked_is_not_carried_out_on_a_second_look),
        STARTED(test_a_lost_commit_reply_with_the_ack_in_place_is_carried_out),
        STARTED(test_a_lost_commit_reply_of_a_command_ack_is_carried_out),
        STARTED(test_a_timed_out_transaction_start_does_not_repeat_the_last_command),
        STARTED(test_a_request_whose_read_timed_out_is_read_again),
        STARTED(test_rereading_gives_up_and_says_so),
        cmocka_unit_test_setup_teardown(test_a_state_write_lost_at_boot_is_written_again,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_state_is_not_ready_while_an_earlier_key_is_missing,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(
            test_a_state_write_refused_for_long_is_retried_without_deafness, fixture_setup,
            fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
