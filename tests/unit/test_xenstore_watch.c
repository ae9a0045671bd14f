/*
 * Watches: registration fires once, changes fire, events that arrive while a
 * request waits for its reply are queued in order, the queue's overflow
 * rules, unwatch, and re-registration after a resume into a new domain.
 */
#include "test_xenstore_fixture.h"

static void watch(struct fixture *f, const char *path, const char *token)
{
    assert_int_equal(xenstore_watch(&f->xs, path, token), 0);
    expect_event(f, path, token); /* xenstored fires a new watch once */
}

static void watch_fires_once_on_registration(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(xenstore_watch(&f->xs, "control/shutdown", "shutdown"), 0);
    assert_int_equal(fxs_watch_count(f->fx), 1);
    expect_event(f, "control/shutdown", "shutdown");
    expect_no_event(f);
    assert_false(xenstore_has_work(&f->xs));
}

static void changes_at_or_below_the_path_fire(void **state)
{
    struct fixture *f = *state;

    watch(f, "control", "rel");
    watch(f, "/local/domain/7/data", "abs");
    fxs_write(f->fx, "control/shutdown", "poweroff");
    fxs_write(f->fx, "controller", "x"); /* not below "control" */
    fxs_write(f->fx, "data/a/b", "1");
    fxs_write(f->fx, "control", "");
    assert_true(fxs_run(f->fx));
    assert_true(xenstore_has_work(&f->xs));
    /* A relative watch sees relative paths, an absolute one absolute paths. */
    expect_event(f, "control/shutdown", "rel");
    expect_event(f, "/local/domain/7/data/a/b", "abs");
    expect_event(f, "control", "rel");
    expect_no_event(f);
}

static void guest_writes_fire_its_own_watches(void **state)
{
    struct fixture *f = *state;
    xenstore_tx tx;

    watch(f, "data", "d");
    assert_int_equal(xenstore_write(&f->xs, 0, "data/x", "1"), 0);
    expect_event(f, "data/x", "d");
    /* Inside a transaction: only at the commit. */
    assert_int_equal(xenstore_transaction_start(&f->xs, &tx), 0);
    assert_int_equal(xenstore_write(&f->xs, tx, "data/y", "2"), 0);
    expect_no_event(f);
    assert_int_equal(xenstore_transaction_end(&f->xs, tx, true), 0);
    expect_event(f, "data/y", "d");
    expect_no_event(f);
}

static void rm_fires_watches_above_and_inside_the_subtree(void **state)
{
    struct fixture *f = *state;

    fxs_write(f->fx, "data/dir/deep/key", "1");
    watch(f, "data", "above");
    watch(f, "data/dir/deep/key", "inside");
    assert_int_equal(fxs_rm(f->fx, "data/dir"), 0);
    expect_event(f, "data/dir", "above");
    expect_event(f, "data/dir/deep/key", "inside");
    expect_no_event(f);
}

static void events_arriving_during_a_request_are_queued_in_order(void **state)
{
    struct fixture *f = *state;
    char buf[16];

    watch(f, "control", "c");
    watch(f, "data", "d");
    fxs_write(f->fx, "control/shutdown", "suspend");
    fxs_write(f->fx, "data/one", "1");
    fxs_write(f->fx, "control/testing", "{}");
    fxs_write(f->fx, "data/two", "2");
    /* The events reach the ring ahead of this reply; none may be lost. */
    assert_int_equal(xenstore_read(&f->xs, 0, "data/two", buf, sizeof(buf)), 1);
    assert_string_equal(buf, "2");
    assert_int_equal(f->xs.watches.len, 4);
    expect_event(f, "control/shutdown", "c");
    expect_event(f, "data/one", "d");
    expect_event(f, "control/testing", "c");
    expect_event(f, "data/two", "d");
    expect_no_event(f);
}

static void unwatch_stops_events_and_forgets_queued_ones(void **state)
{
    struct fixture *f = *state;

    watch(f, "control", "c");
    watch(f, "data", "d");
    fxs_write(f->fx, "control/shutdown", "poweroff");
    fxs_write(f->fx, "data/x", "1");
    /* Both events arrive while the unwatch request waits for its reply. */
    assert_int_equal(xenstore_unwatch(&f->xs, "control", "c"), 0);
    assert_int_equal(fxs_watch_count(f->fx), 1);
    fxs_write(f->fx, "control/shutdown", "reboot");
    expect_event(f, "data/x", "d");
    expect_no_event(f);

    assert_int_equal(xenstore_unwatch(&f->xs, "control", "c"), -XS_ENOENT);
    assert_int_equal(xenstore_unwatch(&f->xs, "data", "other"), -XS_ENOENT);
    assert_int_equal(fxs_request_count(f->fx, XS_UNWATCH), 1);
}

static void watches_sharing_a_token_keep_their_events(void **state)
{
    struct fixture *f = *state;

    watch(f, "control", "t");
    watch(f, "data", "t");
    fxs_write(f->fx, "data/x", "1");
    assert_int_equal(xenstore_unwatch(&f->xs, "control", "t"), 0);
    expect_event(f, "data/x", "t");
    expect_no_event(f);
}

static void watch_arguments_are_checked_before_sending(void **state)
{
    struct fixture *f = *state;
    char token[XENSTORE_TOKEN_MAX + 1];
    char path[32];

    memset(token, 't', sizeof(token) - 1);
    token[sizeof(token) - 1] = '\0';
    assert_int_equal(xenstore_watch(&f->xs, "control", token), -XS_E2BIG);
    assert_int_equal(xenstore_watch(&f->xs, "control", NULL), -XS_EINVAL);
    assert_int_equal(xenstore_watch(&f->xs, "", "t"), -XS_EINVAL);
    assert_int_equal(fxs_request_count(f->fx, XS_WATCH), 0);

    /* The longest token that fits the event buffer is fine. */
    token[XENSTORE_TOKEN_MAX - 1] = '\0';
    watch(f, "control", token);

    for (int i = 1; i < XENSTORE_MAX_WATCHES; i++) {
        snprintf(path, sizeof(path), "data/%d", i);
        assert_int_equal(xenstore_watch(&f->xs, path, "t"), 0);
    }
    assert_int_equal(xenstore_watch(&f->xs, "data/full", "t"), -XS_ENOSPC);
    assert_int_equal(xenstore_watch(&f->xs, "data/1", "t"), -XS_EEXIST);
    assert_int_equal(fxs_watch_count(f->fx), XENSTORE_MAX_WATCHES);
}

static void failed_watch_is_not_kept(void **state)
{
    struct fixture *f = *state;

    fxs_fail_next(f->fx, XS_WATCH, "EACCES");
    assert_int_equal(xenstore_watch(&f->xs, "control", "c"), -XS_EACCES);
    /* Forgotten: the slot is free again, and asking again registers it. */
    xenstore_resume(&f->xs, fxs_ring(f->fx), false);
    assert_int_equal(fxs_request_count(f->fx, XS_WATCH), 1);
    watch(f, "control", "c");
}

/* Fill the queue with XENSTORE_WATCH_QUEUE distinct events, unread. */
static void fill_queue(struct fixture *f)
{
    char path[32], buf[8];

    watch(f, "data", "d");
    for (int i = 0; i < XENSTORE_WATCH_QUEUE; i++) {
        snprintf(path, sizeof(path), "data/k%d", i);
        fxs_write(f->fx, path, "v");
    }
    assert_int_equal(xenstore_read(&f->xs, 0, "domid", buf, sizeof(buf)), 1);
    assert_int_equal(f->xs.watches.len, XENSTORE_WATCH_QUEUE);
}

static void expect_queue_in_order(struct fixture *f)
{
    char path[32];
    for (int i = 0; i < XENSTORE_WATCH_QUEUE; i++) {
        snprintf(path, sizeof(path), "data/k%d", i);
        expect_event(f, path, "d");
    }
}

static void full_queue_folds_a_repeated_event_into_its_twin(void **state)
{
    struct fixture *f = *state;
    char buf[8];

    fill_queue(f);
    fxs_write(f->fx, "data/k3", "again");
    fxs_write(f->fx, "data/k0", "again");
    assert_int_equal(xenstore_read(&f->xs, 0, "domid", buf, sizeof(buf)), 1);
    assert_int_equal(xenstore_events_dropped(&f->xs), 0);
    expect_queue_in_order(f);
    expect_no_event(f);
    assert_false(log_capture_contains("dropped"));
}

static void full_queue_drops_a_new_event_counts_and_logs_it(void **state)
{
    struct fixture *f = *state;
    char buf[8];

    fill_queue(f);
    fxs_write(f->fx, "data/new1", "v");
    fxs_write(f->fx, "data/new2", "v");
    assert_int_equal(xenstore_read(&f->xs, 0, "domid", buf, sizeof(buf)), 1);
    assert_int_equal(xenstore_events_dropped(&f->xs), 2);
    /* Like every kernel log line, the client's start with "test-vm: ". */
    assert_true(
        log_capture_contains("test-vm: xenstore: watch event queue full: dropped event data/new2"));
    /* The oldest events are kept; room frees up for later ones. */
    expect_queue_in_order(f);
    fxs_write(f->fx, "data/later", "v");
    expect_event(f, "data/later", "d");
    expect_no_event(f);
}

static void resume_in_a_new_domain_needs_the_watches_again(void **state)
{
    struct fixture *f = *state;
    char buf[16];

    watch(f, "control/shutdown", "shutdown");
    watch(f, "control/testing", "testing");
    /* Half a message in hand when the domain is suspended. */
    fxs_inject_raw(f->fx, "\x0f\x00\x00\x00\x00\x00", 6);
    expect_no_event(f);
    assert_int_equal(f->xs.in.got, 6);

    fxs_set_domid(f->fx, 12);
    assert_int_equal(fxs_watch_count(f->fx), 0);
    xenstore_resume(&f->xs, fxs_ring(f->fx), false);
    assert_int_equal(f->xs.in.got, 0); /* the half message died with the old domain */
    /* The caller registers them again; the client still knows they are wanted. */
    assert_int_equal(xenstore_watch(&f->xs, "control/shutdown", "shutdown"), 0);
    assert_int_equal(xenstore_watch(&f->xs, "control/testing", "testing"), 0);
    assert_int_equal(fxs_watch_count(f->fx), 2);
    expect_event(f, "control/shutdown", "shutdown");
    expect_event(f, "control/testing", "testing");

    assert_int_equal(xenstore_read(&f->xs, 0, "domid", buf, sizeof(buf)), 2);
    assert_string_equal(buf, "12");
    fxs_write(f->fx, "control/shutdown", "poweroff");
    expect_event(f, "control/shutdown", "shutdown");
    assert_string_equal(fxs_read(f->fx, "/local/domain/12/control/shutdown"), "poweroff");
    expect_no_event(f);
}

static void resume_in_a_new_domain_skips_the_old_rings_bytes(void **state)
{
    struct fixture *f = *state;
    char buf[16];

    watch(f, "control", "c");
    /* A reply nobody will ask for, left in the ring by the old domain. */
    fxs_inject_message(f->fx, XS_READ, 1234, "stale", 5);
    assert_true(fxs_run(f->fx));
    xenstore_resume(&f->xs, fxs_ring(f->fx), false);
    assert_false(log_capture_contains("req_id 1234"));
    fxs_write(f->fx, "data/x", "fresh");
    assert_int_equal(xenstore_read(&f->xs, 0, "data/x", buf, sizeof(buf)), 5);
    assert_string_equal(buf, "fresh");
}

/*
 * A resume of the same domain (non-cooperative): the connection is the old
 * one.  An event already in the ring is still delivered, and the watch,
 * which xenstored kept, registers again with EEXIST, which is success.
 */
static void resume_in_the_same_domain_keeps_the_rings_events(void **state)
{
    struct fixture *f = *state;

    watch(f, "control/shutdown", "s");
    fxs_write(f->fx, "control/shutdown", "poweroff");
    assert_true(fxs_run(f->fx)); /* the event is in the ring, unread */
    xenstore_resume(&f->xs, fxs_ring(f->fx), true);
    expect_event(f, "control/shutdown", "s");
    assert_int_equal(xenstore_watch(&f->xs, "control/shutdown", "s"), 0);
    assert_int_equal(fxs_watch_count(f->fx), 1);
    /* Registered now: asking again is the caller's mistake. */
    assert_int_equal(xenstore_watch(&f->xs, "control/shutdown", "s"), -XS_EEXIST);
    expect_no_event(f); /* EEXIST fires nothing */
}

static void a_watch_refused_after_resume_can_be_asked_again(void **state)
{
    struct fixture *f = *state;

    watch(f, "control", "c");
    fxs_set_domid(f->fx, 8);
    xenstore_resume(&f->xs, fxs_ring(f->fx), false);
    fxs_fail_next(f->fx, XS_WATCH, "EQUOTA");
    assert_int_equal(xenstore_watch(&f->xs, "control", "c"), -XS_EQUOTA);
    assert_int_equal(fxs_watch_count(f->fx), 0);
    assert_int_equal(xenstore_watch(&f->xs, "control", "c"), 0);
    assert_int_equal(fxs_watch_count(f->fx), 1);
    expect_event(f, "control", "c");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(watch_fires_once_on_registration),
        TEST(changes_at_or_below_the_path_fire),
        TEST(guest_writes_fire_its_own_watches),
        TEST(rm_fires_watches_above_and_inside_the_subtree),
        TEST(events_arriving_during_a_request_are_queued_in_order),
        TEST(unwatch_stops_events_and_forgets_queued_ones),
        TEST(watches_sharing_a_token_keep_their_events),
        TEST(watch_arguments_are_checked_before_sending),
        TEST(failed_watch_is_not_kept),
        TEST(full_queue_folds_a_repeated_event_into_its_twin),
        TEST(full_queue_drops_a_new_event_counts_and_logs_it),
        TEST(resume_in_a_new_domain_needs_the_watches_again),
        TEST(resume_in_a_new_domain_skips_the_old_rings_bytes),
        TEST(resume_in_the_same_domain_keeps_the_rings_events),
        TEST(a_watch_refused_after_resume_can_be_asked_again),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
