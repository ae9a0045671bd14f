/*
 * The xenstore client's requests against fake_xenstored: every operation,
 * errors by name, payload limits and timeouts (transactions: test_xenstore_tx.c).  Watches are in
 * test_xenstore_watch.c, the byte stream (pieces, wrap-around, junk) in
 * test_xenstore_stream.c.
 */
#include "test_xenstore_fixture.h"

static void read_returns_value_and_length(void **state)
{
    struct fixture *f = *state;
    char buf[64];

    assert_int_equal(fxs_write(f->fx, "data/greeting", "hello"), 0);
    assert_int_equal(xenstore_read(&f->xs, 0, "data/greeting", buf, sizeof(buf)), 5);
    assert_string_equal(buf, "hello");
    /* The same node by its absolute path, and the domid key xenstored keeps. */
    assert_int_equal(xenstore_read(&f->xs, 0, "/local/domain/7/data/greeting", buf, sizeof(buf)),
                     5);
    assert_string_equal(buf, "hello");
    assert_int_equal(xenstore_read(&f->xs, 0, "domid", buf, sizeof(buf)), 1);
    assert_string_equal(buf, "7");
}

static void read_of_empty_value_is_empty_string(void **state)
{
    struct fixture *f = *state;
    char buf[8] = "junk";

    assert_int_equal(fxs_write(f->fx, "control/shutdown", ""), 0);
    assert_int_equal(xenstore_read(&f->xs, 0, "control/shutdown", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "");
}

static void read_of_missing_node_is_enoent(void **state)
{
    struct fixture *f = *state;
    char buf[8];

    int err = xenstore_read(&f->xs, 0, "no/such/node", buf, sizeof(buf));
    assert_int_equal(err, -XS_ENOENT);
    assert_string_equal(xenstore_error_name(err), "ENOENT");
}

static void read_into_short_buffer_is_erange_and_client_carries_on(void **state)
{
    struct fixture *f = *state;
    char small[5], buf[16];

    fxs_write(f->fx, "data/a", "hello");
    fxs_write(f->fx, "data/b", "world");
    /* "hello" needs 6 bytes with its NUL. */
    assert_int_equal(xenstore_read(&f->xs, 0, "data/a", small, sizeof(small)), -XS_ERANGE);
    assert_int_equal(xenstore_read(&f->xs, 0, "data/b", buf, sizeof(buf)), 5);
    assert_string_equal(buf, "world");
}

static void write_is_seen_by_the_toolstack(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(xenstore_write(&f->xs, 0, "control/feature-poweroff", "1"), 0);
    assert_string_equal(fxs_read(f->fx, "/local/domain/7/control/feature-poweroff"), "1");
    assert_int_equal(xenstore_write(&f->xs, 0, "control/feature-poweroff", ""), 0);
    assert_string_equal(fxs_read(f->fx, "control/feature-poweroff"), "");
    assert_int_equal(fxs_request_count(f->fx, XS_WRITE), 2);
}

static void write_outside_home_is_eacces(void **state)
{
    struct fixture *f = *state;

    int err = xenstore_write(&f->xs, 0, "/local/domain/0/name", "evil");
    assert_int_equal(err, -XS_EACCES);
    assert_string_equal(xenstore_error_name(err), "EACCES");
    assert_false(fxs_exists(f->fx, "/local/domain/0/name"));
}

static void rm_removes_the_subtree(void **state)
{
    struct fixture *f = *state;
    char buf[8];

    fxs_write(f->fx, "data/dir/a", "1");
    fxs_write(f->fx, "data/dir/b/c", "2");
    assert_int_equal(xenstore_rm(&f->xs, 0, "data/dir"), 0);
    assert_false(fxs_exists(f->fx, "data/dir"));
    assert_false(fxs_exists(f->fx, "data/dir/b/c"));
    assert_true(fxs_exists(f->fx, "data"));
    assert_int_equal(xenstore_read(&f->xs, 0, "data/dir/a", buf, sizeof(buf)), -XS_ENOENT);
    /* Like xenstored: gone already is fine, a missing parent is not. */
    assert_int_equal(xenstore_rm(&f->xs, 0, "data/dir"), 0);
    assert_int_equal(xenstore_rm(&f->xs, 0, "data/none/x"), -XS_ENOENT);
}

static void directory_lists_children_in_order(void **state)
{
    struct fixture *f = *state;
    char buf[64];

    fxs_write(f->fx, "device/vif/0", "");
    fxs_write(f->fx, "device/vif/12", "");
    fxs_write(f->fx, "device/vif/3/state", "4");
    assert_int_equal(xenstore_directory(&f->xs, 0, "device/vif", buf, sizeof(buf)), 3);
    assert_memory_equal(buf,
                        "0\0"
                        "12\0"
                        "3\0",
                        7);

    assert_int_equal(xenstore_directory(&f->xs, 0, "device/vif/0", buf, sizeof(buf)), 0);
    assert_int_equal(xenstore_directory(&f->xs, 0, "device/vbd", buf, sizeof(buf)), -XS_ENOENT);
    /* 7 bytes of names do not fit in 6. */
    assert_int_equal(xenstore_directory(&f->xs, 0, "device/vif", buf, 6), -XS_ERANGE);
    assert_int_equal(xenstore_directory(&f->xs, 0, "device/vif", buf, 7), 3);
}

static void bad_arguments_are_einval_and_not_sent(void **state)
{
    struct fixture *f = *state;
    char buf[8];

    assert_int_equal(xenstore_read(&f->xs, 0, "", buf, sizeof(buf)), -XS_EINVAL);
    assert_int_equal(xenstore_read(&f->xs, 0, NULL, buf, sizeof(buf)), -XS_EINVAL);
    assert_int_equal(xenstore_write(&f->xs, 0, "data/x", NULL), -XS_EINVAL);
    assert_int_equal(xenstore_write_if_unchanged(&f->xs, "data/x", NULL, ""), -XS_EINVAL);
    assert_int_equal(fxs_request_count(f->fx, XS_READ) + fxs_request_count(f->fx, XS_WRITE) +
                         fxs_request_count(f->fx, XS_TRANSACTION_START),
                     0);
    /* The server's own EINVAL, by name. */
    assert_int_equal(xenstore_read(&f->xs, 0, "data//x", buf, sizeof(buf)), -XS_EINVAL);
    assert_int_equal(fxs_request_count(f->fx, XS_READ), 1);
}

static char *string_of(size_t len, char c)
{
    char *s = malloc(len + 1);
    assert_non_null(s);
    memset(s, c, len);
    s[len] = '\0';
    return s;
}

static void path_over_the_limit_is_e2big_before_sending(void **state)
{
    struct fixture *f = *state;
    char buf[8];
    char *path = string_of(XENSTORE_ABS_PATH_MAX + 1, 'p');
    path[0] = '/';

    assert_int_equal(xenstore_read(&f->xs, 0, path, buf, sizeof(buf)), -XS_E2BIG);
    assert_int_equal(xenstore_write(&f->xs, 0, path, "v"), -XS_E2BIG);
    assert_int_equal(xenstore_rm(&f->xs, 0, path), -XS_E2BIG);
    assert_int_equal(xenstore_watch(&f->xs, path, "t"), -XS_E2BIG);
    assert_int_equal(fxs_request_count(f->fx, XS_READ) + fxs_request_count(f->fx, XS_WRITE) +
                         fxs_request_count(f->fx, XS_RM) + fxs_request_count(f->fx, XS_WATCH),
                     0);

    /* One byte shorter is the longest path xenstored takes: it goes out. */
    path[XENSTORE_ABS_PATH_MAX] = '\0';
    assert_int_equal(xenstore_read(&f->xs, 0, path, buf, sizeof(buf)), -XS_ENOENT);
    assert_int_equal(fxs_request_count(f->fx, XS_READ), 1);
    free(path);
}

/* A value that fills the payload exactly: 4096 bytes each way through 1024-byte rings. */
static void value_filling_the_payload_goes_through_and_one_more_byte_is_e2big(void **state)
{
    struct fixture *f = *state;
    const char *path = "data/big";
    size_t max = XENSTORE_PAYLOAD_MAX - strlen(path) - 1;
    char *value = string_of(max, 'v');
    char *too_big = string_of(max + 1, 'w');
    char *buf = malloc(XENSTORE_PAYLOAD_MAX + 1);

    for (size_t i = 0; i < max; i++)
        value[i] = (char)('a' + i % 26);
    assert_int_equal(xenstore_write(&f->xs, 0, path, value), 0);
    assert_string_equal(fxs_read(f->fx, path), value);
    assert_int_equal(xenstore_read(&f->xs, 0, path, buf, XENSTORE_PAYLOAD_MAX + 1), (int)max);
    assert_string_equal(buf, value);

    assert_int_equal(xenstore_write(&f->xs, 0, path, too_big), -XS_E2BIG);
    assert_int_equal(fxs_request_count(f->fx, XS_WRITE), 1);
    assert_string_equal(fxs_read(f->fx, path), value);
    free(value);
    free(too_big);
    free(buf);
}

static void every_server_error_is_reported_by_name(void **state)
{
    struct fixture *f = *state;
    static const char *const names[] = {
        "EINVAL", "EACCES", "EEXIST", "EISDIR", "ENOENT",  "ENOMEM", "ENOSPC", "EIO",   "ENOTEMPTY",
        "ENOSYS", "EROFS",  "EBUSY",  "EAGAIN", "EISCONN", "E2BIG",  "EPERM",  "EQUOTA"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        fxs_fail_next(f->fx, XS_WRITE, names[i]);
        int err = xenstore_write(&f->xs, 0, "data/x", "1");
        assert_true(err < 0);
        assert_string_equal(xenstore_error_name(err), names[i]);
        assert_int_equal(xenstore_error_from_name(names[i], strlen(names[i])), -err);
    }
    /* A failed write did not happen. */
    assert_false(fxs_exists(f->fx, "data/x"));
}

/* fxs_fail_later: the writes before the one it fails go through. */
static void a_later_write_fails_and_the_ones_before_land(void **state)
{
    struct fixture *f = *state;

    fxs_fail_later(f->fx, XS_WRITE, 2, "EACCES");
    assert_int_equal(xenstore_write(&f->xs, 0, "data/a", "1"), 0);
    assert_int_equal(xenstore_write(&f->xs, 0, "data/b", "1"), 0);
    assert_int_equal(xenstore_write(&f->xs, 0, "data/c", "1"), -XS_EACCES);
    assert_int_equal(xenstore_write(&f->xs, 0, "data/d", "1"), 0);
    assert_true(fxs_exists(f->fx, "data/b"));
    assert_false(fxs_exists(f->fx, "data/c"));
}

static void unknown_error_name_is_eunknown(void **state)
{
    struct fixture *f = *state;

    fxs_fail_next(f->fx, XS_WRITE, "EWEIRD");
    int err = xenstore_write(&f->xs, 0, "data/x", "1");
    assert_int_equal(err, -XS_EUNKNOWN);
    assert_string_equal(xenstore_error_name(err), "EUNKNOWN");
    assert_int_equal(xenstore_error_from_name("ENOENTX", 6), XS_ENOENT);
    assert_int_equal(xenstore_error_from_name("ENOENT", 5), XS_EUNKNOWN);
    assert_string_equal(xenstore_error_name(XS_ERROR_COUNT + 5), "EUNKNOWN");
    assert_string_equal(xenstore_error_name(0), "OK");
}

static void silent_server_times_out_and_its_late_reply_is_not_mistaken(void **state)
{
    struct fixture *f = *state;
    char buf[16];

    fxs_write(f->fx, "data/a", "AAAA");
    fxs_write(f->fx, "data/b", "BB");
    fxs_set_paused(f->fx, true);
    uint64_t start = fxs_now_ns(f->fx);
    assert_int_equal(xenstore_read(&f->xs, 0, "data/a", buf, sizeof(buf)), -XS_ETIMEDOUT);
    assert_true(fxs_now_ns(f->fx) - start >= XENSTORE_REPLY_TIMEOUT_NS);
    assert_true(log_capture_contains("ETIMEDOUT"));

    /* The server wakes up and answers the old request first. */
    fxs_set_paused(f->fx, false);
    assert_int_equal(xenstore_read(&f->xs, 0, "data/b", buf, sizeof(buf)), 2);
    assert_string_equal(buf, "BB");
    assert_int_equal(fxs_request_count(f->fx, XS_READ), 2);
}

/*
 * With the server stalled, requests pile up in the request ring until one
 * no longer fits: that one must not go out in part, or the server would read
 * the next request as the rest of it.
 */
static void request_that_does_not_fit_is_not_sent_in_part(void **state)
{
    struct fixture *f = *state;
    struct xenstore_domain_interface *ring = fxs_ring(f->fx);
    const char *path =
        "data/a-path-that-makes-this-request-exactly-one-hundred-bytes-long-xxxxxxxxxxxxxxxx";
    const size_t request_size = sizeof(struct xsd_sockmsg) + strlen(path) + 1;
    char buf[16];

    assert_int_equal(request_size, 100);
    fxs_write(f->fx, path, "value");
    fxs_set_paused(f->fx, true);
    for (int i = 0; i < 10; i++)
        assert_int_equal(xenstore_read(&f->xs, 0, path, buf, sizeof(buf)), -XS_ETIMEDOUT);
    assert_int_equal(ring->req_prod - ring->req_cons, 1000);
    assert_int_equal(xenstore_read(&f->xs, 0, path, buf, sizeof(buf)), -XS_ETIMEDOUT);
    assert_int_equal(ring->req_prod - ring->req_cons, 1000);

    fxs_set_paused(f->fx, false);
    assert_int_equal(xenstore_read(&f->xs, 0, path, buf, sizeof(buf)), 5);
    assert_string_equal(buf, "value");
    assert_int_equal(fxs_request_count(f->fx, XS_READ), 11);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(read_returns_value_and_length),
        TEST(read_of_empty_value_is_empty_string),
        TEST(read_of_missing_node_is_enoent),
        TEST(read_into_short_buffer_is_erange_and_client_carries_on),
        TEST(write_is_seen_by_the_toolstack),
        TEST(write_outside_home_is_eacces),
        TEST(rm_removes_the_subtree),
        TEST(directory_lists_children_in_order),
        TEST(bad_arguments_are_einval_and_not_sent),
        TEST(path_over_the_limit_is_e2big_before_sending),
        TEST(value_filling_the_payload_goes_through_and_one_more_byte_is_e2big),
        TEST(every_server_error_is_reported_by_name),
        TEST(a_later_write_fails_and_the_ones_before_land),
        TEST(unknown_error_name_is_eunknown),
        TEST(silent_server_times_out_and_its_late_reply_is_not_mistaken),
        TEST(request_that_does_not_fit_is_not_sent_in_part),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
