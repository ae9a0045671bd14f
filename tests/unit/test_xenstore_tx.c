/*
 * The xenstore client's transactions against fake_xenstored (drivers/
 * xenstore/xenstore_tx.c): commit, abort, conflicts and the retry, the
 * store as it began, write-if-unchanged.  The other requests:
 * test_xenstore.c.
 */
#include "test_xenstore_fixture.h"

/* ---- transactions */

static void transaction_commit_publishes_its_writes(void **state)
{
    struct fixture *f = *state;
    xenstore_tx tx;
    char buf[16];

    assert_int_equal(xenstore_transaction_start(&f->xs, &tx), 0);
    assert_int_not_equal(tx, 0);
    assert_int_equal(xenstore_write(&f->xs, tx, "data/x", "in-tx"), 0);
    /* Inside the transaction it is there; outside, not yet. */
    assert_int_equal(xenstore_read(&f->xs, tx, "data/x", buf, sizeof(buf)), 5);
    assert_null(fxs_read(f->fx, "data/x"));
    assert_int_equal(xenstore_read(&f->xs, 0, "data/x", buf, sizeof(buf)), -XS_ENOENT);

    assert_int_equal(xenstore_transaction_end(&f->xs, tx, true), 0);
    assert_string_equal(fxs_read(f->fx, "data/x"), "in-tx");
    assert_int_equal(fxs_transaction_count(f->fx), 0);
}

static void transaction_abort_drops_its_writes(void **state)
{
    struct fixture *f = *state;
    xenstore_tx tx;

    assert_int_equal(xenstore_transaction_start(&f->xs, &tx), 0);
    assert_int_equal(xenstore_write(&f->xs, tx, "data/x", "1"), 0);
    assert_int_equal(xenstore_rm(&f->xs, tx, "domid"), 0);
    assert_int_equal(xenstore_transaction_end(&f->xs, tx, false), 0);
    assert_false(fxs_exists(f->fx, "data/x"));
    assert_string_equal(fxs_read(f->fx, "domid"), "7");
    assert_int_equal(fxs_transaction_count(f->fx), 0);
}

static void toolstack_write_during_transaction_makes_commit_eagain(void **state)
{
    struct fixture *f = *state;
    xenstore_tx tx;

    assert_int_equal(xenstore_transaction_start(&f->xs, &tx), 0);
    assert_int_equal(xenstore_write(&f->xs, tx, "data/x", "guest"), 0);
    fxs_write(f->fx, "control/shutdown", "reboot");
    int err = xenstore_transaction_end(&f->xs, tx, true);
    assert_int_equal(err, -XS_EAGAIN);
    assert_string_equal(xenstore_error_name(err), "EAGAIN");
    assert_false(fxs_exists(f->fx, "data/x"));
    /* The transaction is over: its id is no longer valid. */
    assert_int_equal(xenstore_write(&f->xs, tx, "data/x", "guest"), -XS_ENOENT);
}

/*
 * A transaction sees the store as it was when it began, even when it has not
 * written anything yet (the fake shares the store's nodes with it and copies
 * only those a change reaches, in it or outside it), and reads its own writes.
 */
static void transaction_reads_the_store_as_it_began(void **state)
{
    struct fixture *f = *state;
    xenstore_tx tx, other;
    char buf[32];

    fxs_write(f->fx, "control/shutdown", "poweroff");
    assert_int_equal(xenstore_transaction_start(&f->xs, &tx), 0);
    assert_int_equal(xenstore_transaction_start(&f->xs, &other), 0);
    fxs_write(f->fx, "control/shutdown", "reboot"); /* outside both */
    assert_int_equal(xenstore_read(&f->xs, tx, "control/shutdown", buf, sizeof(buf)), 8);
    assert_string_equal(buf, "poweroff");
    assert_int_equal(xenstore_write(&f->xs, other, "control/shutdown", ""), 0);
    assert_int_equal(xenstore_read(&f->xs, other, "control/shutdown", buf, sizeof(buf)), 0);
    assert_int_equal(xenstore_read(&f->xs, 0, "control/shutdown", buf, sizeof(buf)), 6);
    assert_string_equal(buf, "reboot");
    assert_int_equal(xenstore_transaction_end(&f->xs, tx, true), -XS_EAGAIN);
    assert_int_equal(xenstore_transaction_end(&f->xs, other, true), -XS_EAGAIN);
    assert_string_equal(fxs_read(f->fx, "control/shutdown"), "reboot");

    /* A read-only transaction with nothing changed meanwhile commits. */
    assert_int_equal(xenstore_transaction_start(&f->xs, &tx), 0);
    assert_int_equal(xenstore_read(&f->xs, tx, "control/shutdown", buf, sizeof(buf)), 6);
    assert_int_equal(xenstore_transaction_end(&f->xs, tx, true), 0);
    assert_int_equal(fxs_transaction_count(f->fx), 0);
}

/* A commit that changes nothing is no conflict for another open transaction. */
static void read_only_commit_leaves_another_transaction_alone(void **state)
{
    struct fixture *f = *state;
    xenstore_tx reader, writer;
    char buf[32];

    fxs_write(f->fx, "control/shutdown", "poweroff");
    assert_int_equal(xenstore_transaction_start(&f->xs, &writer), 0);
    assert_int_equal(xenstore_transaction_start(&f->xs, &reader), 0);
    assert_int_equal(xenstore_read(&f->xs, reader, "control/shutdown", buf, sizeof(buf)), 8);
    assert_int_equal(xenstore_transaction_end(&f->xs, reader, true), 0);
    assert_int_equal(xenstore_write(&f->xs, writer, "control/shutdown", ""), 0);
    assert_int_equal(xenstore_transaction_end(&f->xs, writer, true), 0);
    assert_string_equal(fxs_read(f->fx, "control/shutdown"), "");
}

struct write_body {
    const char *path, *value;
    int calls;
    int ret; /* returned instead of writing, if not 0 */
};

static int write_in_tx(struct xenstore *xs, xenstore_tx tx, void *ctx)
{
    struct write_body *body = ctx;
    body->calls++;
    if (body->ret)
        return body->ret;
    return xenstore_write(xs, tx, body->path, body->value);
}

static void transaction_retry_commits_after_a_conflict(void **state)
{
    struct fixture *f = *state;
    struct write_body body = {"data/x", "done", 0, 0};
    struct fxs_write_before_commit conflict = {"data/other", "toolstack", 1};

    fxs_set_reply_hook(f->fx, fxs_write_before_commit_hook, &conflict);
    assert_int_equal(xenstore_transaction_retry(&f->xs, write_in_tx, &body, 5), 0);
    assert_int_equal(body.calls, 2);
    assert_string_equal(fxs_read(f->fx, "data/x"), "done");
    assert_int_equal(fxs_request_count(f->fx, XS_TRANSACTION_START), 2);
    assert_int_equal(fxs_transaction_count(f->fx), 0);
}

static void transaction_retry_gives_up_after_max_tries(void **state)
{
    struct fixture *f = *state;
    struct write_body body = {"data/x", "done", 0, 0};
    struct fxs_write_before_commit conflict = {"data/other", "toolstack", 1000};

    fxs_set_reply_hook(f->fx, fxs_write_before_commit_hook, &conflict);
    assert_int_equal(xenstore_transaction_retry(&f->xs, write_in_tx, &body, 3), -XS_EAGAIN);
    assert_int_equal(body.calls, 3);
    assert_false(fxs_exists(f->fx, "data/x"));
    assert_int_equal(fxs_transaction_count(f->fx), 0);
    assert_true(log_capture_contains("after 3 tries"));
}

static void transaction_body_can_abort_with_a_value_or_an_error(void **state)
{
    struct fixture *f = *state;
    struct write_body changed = {"data/x", "1", 0, 42};
    struct write_body failed = {"data/x", "1", 0, -XS_EACCES};
    struct write_body again = {"data/x", "1", 0, -XS_EAGAIN};

    assert_int_equal(xenstore_transaction_retry(&f->xs, write_in_tx, &changed, 5), 42);
    assert_int_equal(changed.calls, 1);
    assert_int_equal(xenstore_transaction_retry(&f->xs, write_in_tx, &failed, 5), -XS_EACCES);
    assert_int_equal(failed.calls, 1);
    /* EAGAIN from inside the body means "start over", like at the commit. */
    assert_int_equal(xenstore_transaction_retry(&f->xs, write_in_tx, &again, 4), -XS_EAGAIN);
    assert_int_equal(again.calls, 4);
    assert_int_equal(fxs_transaction_count(f->fx), 0);
    assert_int_equal(fxs_request_count(f->fx, XS_TRANSACTION_END), 6);
}

static void transaction_start_failure_is_returned(void **state)
{
    struct fixture *f = *state;
    struct write_body body = {"data/x", "1", 0, 0};

    fxs_fail_next(f->fx, XS_TRANSACTION_START, "EQUOTA");
    assert_int_equal(xenstore_transaction_retry(&f->xs, write_in_tx, &body, 5), -XS_EQUOTA);
    assert_int_equal(body.calls, 0);
}

static void write_if_unchanged_acks_a_value_still_there(void **state)
{
    struct fixture *f = *state;

    fxs_write(f->fx, "control/shutdown", "poweroff");
    assert_int_equal(xenstore_write_if_unchanged(&f->xs, "control/shutdown", "poweroff", ""), 0);
    assert_string_equal(fxs_read(f->fx, "control/shutdown"), "");
}

static void write_if_unchanged_leaves_a_changed_or_gone_value_alone(void **state)
{
    struct fixture *f = *state;

    fxs_write(f->fx, "control/shutdown", "reboot");
    assert_int_equal(xenstore_write_if_unchanged(&f->xs, "control/shutdown", "poweroff", ""),
                     XENSTORE_VALUE_CHANGED);
    assert_string_equal(fxs_read(f->fx, "control/shutdown"), "reboot");
    /* A prefix is not the same value either way round. */
    assert_int_equal(xenstore_write_if_unchanged(&f->xs, "control/shutdown", "reboo", ""),
                     XENSTORE_VALUE_CHANGED);
    assert_int_equal(xenstore_write_if_unchanged(&f->xs, "control/shutdown", "rebootx", ""),
                     XENSTORE_VALUE_CHANGED);
    assert_string_equal(fxs_read(f->fx, "control/shutdown"), "reboot");

    fxs_rm(f->fx, "control/shutdown");
    assert_int_equal(xenstore_write_if_unchanged(&f->xs, "control/shutdown", "reboot", ""),
                     XENSTORE_VALUE_CHANGED);
    assert_false(fxs_exists(f->fx, "control/shutdown"));
    assert_int_equal(fxs_transaction_count(f->fx), 0);
}

/* The toolstack changes its mind between the guest's read and its ack. */
static void write_if_unchanged_rereads_after_eagain(void **state)
{
    struct fixture *f = *state;
    struct fxs_write_before_commit new_command = {"control/shutdown", "reboot", 1};

    fxs_write(f->fx, "control/shutdown", "poweroff");
    fxs_set_reply_hook(f->fx, fxs_write_before_commit_hook, &new_command);
    assert_int_equal(xenstore_write_if_unchanged(&f->xs, "control/shutdown", "poweroff", ""),
                     XENSTORE_VALUE_CHANGED);
    assert_string_equal(fxs_read(f->fx, "control/shutdown"), "reboot");
    assert_int_equal(fxs_request_count(f->fx, XS_TRANSACTION_START), 2);

    /* An EAGAIN for no visible reason is retried too. */
    fxs_fail_next(f->fx, XS_TRANSACTION_END, "EAGAIN");
    assert_int_equal(xenstore_write_if_unchanged(&f->xs, "control/shutdown", "reboot", ""), 0);
    assert_string_equal(fxs_read(f->fx, "control/shutdown"), "");
    assert_int_equal(fxs_request_count(f->fx, XS_TRANSACTION_START), 4);
    assert_int_equal(fxs_transaction_count(f->fx), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(transaction_commit_publishes_its_writes),
        TEST(transaction_abort_drops_its_writes),
        TEST(toolstack_write_during_transaction_makes_commit_eagain),
        TEST(transaction_reads_the_store_as_it_began),
        TEST(read_only_commit_leaves_another_transaction_alone),
        TEST(transaction_retry_commits_after_a_conflict),
        TEST(transaction_retry_gives_up_after_max_tries),
        TEST(transaction_body_can_abort_with_a_value_or_an_error),
        TEST(transaction_start_failure_is_returned),
        TEST(write_if_unchanged_acks_a_value_still_there),
        TEST(write_if_unchanged_leaves_a_changed_or_gone_value_alone),
        TEST(write_if_unchanged_rereads_after_eagain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
