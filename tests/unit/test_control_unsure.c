/*
 * Acks whose commit's reply was lost (kernel/control/control_unsure.c): the promise
 * is that an ack that landed is carried out exactly once, or reported as
 * not carried out, on every key, however many of the looks that follow
 * time out as well (under load xenstored's time-outs come in runs).
 */
#include "control_fixture.h"

/* Leaves the next `left` plain (tx 0) READs of path unanswered: each one times out. */
struct unanswered_reads {
    const char *path;
    int left;
};

static bool leave_reads_unanswered(struct fake_xenstored *fx, const struct xsd_sockmsg *req,
                                   const char *payload, void *ctx)
{
    (void)fx;
    struct unanswered_reads *u = ctx;
    if (req->type != XS_READ || req->tx_id != 0 || strcmp(payload, u->path) != 0 || u->left == 0)
        return false;
    u->left--;
    return true;
}

/* The commit's reply and the next `reads` looks at path are lost. */
static struct unanswered_reads lose_commit_and_looks(struct fixture *f, const char *path, int reads)
{
    fxs_lose_next_reply(f->fx, XS_TRANSACTION_END);
    return (struct unanswered_reads){path, reads};
}

static void test_a_shutdown_ack_whose_look_times_out_is_carried_out_later(void **state)
{
    struct fixture *f = *state;
    struct unanswered_reads u = lose_commit_and_looks(f, "control/shutdown", 2);
    fxs_set_reply_hook(f->fx, leave_reads_unanswered, &u);

    toolstack_write(f, "control/shutdown", "poweroff");
    advance(f, 60000);
    assert_key(f, "control/shutdown", "");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_poweroff);
    assert_logged("looking whether the ack landed failed (ETIMEDOUT)");
    assert_logged("it landed; carrying it out");
    assert_not_logged("not carried out");
    assert_key(f, "data/test-vm/errors", "0");
}

static void test_a_command_ack_whose_look_times_out_is_carried_out_later(void **state)
{
    struct fixture *f = *state;
    struct unanswered_reads u = lose_commit_and_looks(f, "control/testing", 3);
    fxs_set_reply_hook(f->fx, leave_reads_unanswered, &u);

    toolstack_write(f, "control/testing", "{\"when\":\"now\",\"action\":\"crash\"}");
    advance(f, 60000);
    assert_key(f, "control/testing", "");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_crash);
    assert_key(f, "data/test-vm/commands", "1");
    assert_key(f, "data/test-vm/errors", "0");
}

static void test_a_delayed_ack_whose_commit_reply_is_lost_is_carried_out(void **state)
{
    struct fixture *f = *state;

    f->pump_limit_ns = 500 * 1000000ull; /* stop short of the 1 s delay */
    toolstack_write(f, "control/testing",
                    "{\"when\":\"onshutdown\",\"ack_delay_ms\":1000,\"action\":\"reboot\"}");
    toolstack_write(f, "control/shutdown", "poweroff");
    assert_logged("acking \"poweroff\" in 1000 ms");
    struct unanswered_reads u = lose_commit_and_looks(f, "control/shutdown", 1);
    fxs_set_reply_hook(f->fx, leave_reads_unanswered, &u);
    advance(f, 60000);
    assert_key(f, "control/shutdown", "");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_reboot);
    assert_key(f, "data/test-vm/errors", "0");
}

static void test_a_sysrq_ack_whose_commit_reply_is_lost_is_carried_out(void **state)
{
    struct fixture *f = *state;
    struct unanswered_reads u = lose_commit_and_looks(f, "control/sysrq", 1);
    fxs_set_reply_hook(f->fx, leave_reads_unanswered, &u);

    toolstack_write(f, "control/sysrq", "b");
    advance(f, 60000);
    assert_key(f, "control/sysrq", "");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_reboot);
}

/* Swallows the next commit whole: neither carried out nor answered (xenstored lost it). */
static bool swallow_a_commit(struct fake_xenstored *fx, const struct xsd_sockmsg *req,
                             const char *payload, void *ctx)
{
    (void)fx;
    (void)payload;
    int *left = ctx;
    if (req->type != XS_TRANSACTION_END || *left == 0)
        return false;
    (*left)--;
    return true;
}

/* The commit never happened: the key still holds the request, which is acked again, once. */
static void test_an_ack_that_did_not_land_is_acked_again_and_carried_out_once(void **state)
{
    struct fixture *f = *state;
    int left = 1;
    fxs_set_reply_hook(f->fx, swallow_a_commit, &left);

    toolstack_write(f, "control/shutdown", "reboot");
    advance(f, 30000);
    assert_logged("the key still holds \"reboot\": the ack did not land; handling it again");
    /* The lost commit left the transaction open in xenstored: the VM aborted it. */
    assert_logged("had no reply to its end: ending it");
    assert_int_equal(fxs_transaction_count(f->fx), 0);
    assert_key(f, "control/shutdown", "");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_reboot);
}

static void test_a_delayed_ack_that_did_not_land_is_acked_again(void **state)
{
    struct fixture *f = *state;
    int left = 1;

    f->pump_limit_ns = 500 * 1000000ull;
    toolstack_write(f, "control/testing",
                    "{\"when\":\"onshutdown\",\"ack_delay_ms\":1000,\"action\":\"crash\"}");
    toolstack_write(f, "control/shutdown", "poweroff");
    fxs_set_reply_hook(f->fx, swallow_a_commit, &left);
    advance(f, 30000);
    assert_logged("the ack did not land; handling it again");
    assert_key(f, "control/shutdown", "");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_crash);
}

/* Before the VM could look, the toolstack wrote something else: reported, the new value handled. */
static bool write_before_the_look(struct fake_xenstored *fx, const struct xsd_sockmsg *req,
                                  const char *payload, void *ctx)
{
    int *left = ctx;
    if (req->type != XS_READ || req->tx_id != 0 || strcmp(payload, "control/shutdown") != 0 ||
        *left == 0)
        return false;
    (*left)--;
    fxs_write(fx, "control/shutdown", "halt");
    return false;
}

static void test_an_unsure_ack_overtaken_by_a_new_request_is_reported(void **state)
{
    struct fixture *f = *state;
    int left = 1;
    fxs_lose_next_reply(f->fx, XS_TRANSACTION_END);
    fxs_set_reply_hook(f->fx, write_before_the_look, &left);

    toolstack_write(f, "control/shutdown", "reboot");
    advance(f, 30000);
    assert_logged(
        "the ack of \"reboot\" may have landed (its commit's reply was lost), but the key "
        "now holds something else: not carried out");
    assert_key(f, "data/test-vm/errors", "1");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_poweroff); /* "halt" */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        STARTED(test_a_shutdown_ack_whose_look_times_out_is_carried_out_later),
        STARTED(test_a_command_ack_whose_look_times_out_is_carried_out_later),
        STARTED(test_a_delayed_ack_whose_commit_reply_is_lost_is_carried_out),
        STARTED(test_a_sysrq_ack_whose_commit_reply_is_lost_is_carried_out),
        STARTED(test_an_ack_that_did_not_land_is_acked_again_and_carried_out_once),
        STARTED(test_a_delayed_ack_that_did_not_land_is_acked_again),
        STARTED(test_an_unsure_ack_overtaken_by_a_new_request_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
