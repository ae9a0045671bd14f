/*
 * drivers/xenstore*.c: replies that come too late, or never.  A
 * TRANSACTION_START answered after its deadline leaves a transaction open in
 * xenstored, and each one counts against the domain's quota (10 in C
 * xenstored): the client ends them, so that acks keep working.
 */
#include "test_xenstore_fixture.h"

/* TRANSACTION_START times out; xenstored starts the transaction anyway, later. */
static void start_a_transaction_too_late(struct fixture *f)
{
    xenstore_tx tx = 0;
    fxs_set_paused(f->fx, true);
    assert_int_equal(xenstore_transaction_start(&f->xs, &tx), -XS_ETIMEDOUT);
    fxs_set_paused(f->fx, false);
    fxs_run(f->fx); /* the late reply lands in the ring */
}

static void late_transaction_starts_are_ended(void **state)
{
    struct fixture *f = *state;

    start_a_transaction_too_late(f);
    assert_int_equal(fxs_transaction_count(f->fx), 1);
    xenstore_service(&f->xs); /* what the main loop does every turn */
    assert_int_equal(fxs_transaction_count(f->fx), 0);
    assert_true(log_capture_contains(
        "test-vm: xenstore: transaction 1 started after its request timed out: ending it\n"));
}

/* More late starts than the quota: every ack still works afterwards. */
static void late_starts_never_use_up_the_quota(void **state)
{
    struct fixture *f = *state;

    for (int i = 0; i < 2 * FXS_TRANSACTION_QUOTA; i++)
        start_a_transaction_too_late(f);
    assert_true(fxs_transaction_count(f->fx) < FXS_TRANSACTION_QUOTA);
    fxs_write(f->fx, "control/shutdown", "poweroff");
    assert_int_equal(xenstore_write_if_unchanged(&f->xs, "control/shutdown", "poweroff", ""), 0);
    assert_string_equal(fxs_read(f->fx, "control/shutdown"), "");
    xenstore_service(&f->xs);
    assert_int_equal(fxs_transaction_count(f->fx), 0);
}

/* The reply to a commit that went through never comes: the caller learns "unknown". */
static void a_lost_commit_reply_is_commit_unknown(void **state)
{
    struct fixture *f = *state;

    fxs_write(f->fx, "control/shutdown", "poweroff");
    fxs_lose_next_reply(f->fx, XS_TRANSACTION_END);
    assert_int_equal(xenstore_write_if_unchanged(&f->xs, "control/shutdown", "poweroff", ""),
                     XENSTORE_COMMIT_UNKNOWN);
    assert_string_equal(xenstore_error_name(XENSTORE_COMMIT_UNKNOWN), "ETIMEDOUT");
    assert_string_equal(fxs_read(f->fx, "control/shutdown"), ""); /* it did commit */
    assert_int_equal(fxs_transaction_count(f->fx), 0);
}

/*
 * The commit never reached xenstored (FXS_NO_REPLY: lost whole): the
 * transaction stays open there, counting against the quota, until the client
 * aborts it; and the fake's landed-change counter saw no ack land.
 */
static void a_lost_commit_is_aborted_afterwards(void **state)
{
    struct fixture *f = *state;

    fxs_count_changes(f->fx, "control/shutdown");
    fxs_write(f->fx, "control/shutdown", "poweroff");
    fxs_fail_next(f->fx, XS_TRANSACTION_END, FXS_NO_REPLY);
    assert_int_equal(xenstore_write_if_unchanged(&f->xs, "control/shutdown", "poweroff", ""),
                     XENSTORE_COMMIT_UNKNOWN);
    assert_string_equal(fxs_read(f->fx, "control/shutdown"), "poweroff"); /* it did not commit */
    assert_int_equal(fxs_transaction_count(f->fx), 1);
    assert_int_equal(fxs_counted_changes(f->fx, "control/shutdown"), 0);
    xenstore_service(&f->xs); /* what the main loop does every turn */
    assert_int_equal(fxs_transaction_count(f->fx), 0);
    assert_true(log_capture_contains("had no reply to its end: ending it"));

    /* The next one lands: counted once, however many writes its transaction made. */
    assert_int_equal(xenstore_write_if_unchanged(&f->xs, "control/shutdown", "poweroff", ""), 0);
    assert_int_equal(fxs_counted_changes(f->fx, "control/shutdown"), 1);
}

/* FXS_LOSE_REPLY on a later request: carried out, its reply never sent. */
static void a_lost_write_reply_times_out_but_lands(void **state)
{
    struct fixture *f = *state;

    fxs_count_changes(f->fx, "data/x");
    fxs_fail_later(f->fx, XS_WRITE, 1, FXS_LOSE_REPLY);
    assert_int_equal(xenstore_write(&f->xs, 0, "data/x", "1"), 0);
    assert_int_equal(xenstore_write(&f->xs, 0, "data/x", "2"), -XS_ETIMEDOUT);
    assert_string_equal(fxs_read(f->fx, "data/x"), "2");
    assert_int_equal(fxs_counted_changes(f->fx, "data/x"), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(late_transaction_starts_are_ended),      TEST(late_starts_never_use_up_the_quota),
        TEST(a_lost_commit_reply_is_commit_unknown),  TEST(a_lost_commit_is_aborted_afterwards),
        TEST(a_lost_write_reply_times_out_but_lands),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
