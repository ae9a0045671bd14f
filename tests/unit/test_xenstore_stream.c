/*
 * The response byte stream: messages that arrive in pieces or wrap the
 * 1024-byte ring, ring indices wrapping at 2^32, and everything a broken
 * server could send (huge lengths, junk types, stale or mistyped replies,
 * malformed events, corrupt indices): logged, counted, skipped, survived.
 */
#include "test_xenstore_fixture.h"

static char *pattern(size_t len, unsigned int seed)
{
    char *s = malloc(len + 1);
    assert_non_null(s);
    for (size_t i = 0; i < len; i++)
        s[i] = (char)('a' + (i * 7 + seed) % 26);
    s[len] = '\0';
    return s;
}

/* Writes and reads back values of many sizes; checks every byte. */
static void round_trip_values(struct fixture *f)
{
    static const size_t sizes[] = {0, 1, 15, 16, 17, 1000, 1008, 1024, 1025, 2500, 4000};
    char *buf = malloc(XENSTORE_PAYLOAD_MAX + 1);
    assert_non_null(buf);
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        char *value = pattern(sizes[i], (unsigned int)i);
        assert_int_equal(xenstore_write(&f->xs, 0, "data/v", value), 0);
        assert_string_equal(fxs_read(f->fx, "data/v"), value);
        assert_int_equal(xenstore_read(&f->xs, 0, "data/v", buf, XENSTORE_PAYLOAD_MAX + 1),
                         (int)sizes[i]);
        assert_string_equal(buf, value);
        free(value);
    }
    free(buf);
    assert_int_equal(xenstore_protocol_errors(&f->xs), 0);
}

static void messages_wrap_the_ring(void **state)
{
    struct fixture *f = *state;
    round_trip_values(f);
    /* Over 4 KiB went each way, so both rings wrapped several times. */
    assert_true(fxs_ring(f->fx)->rsp_prod > 4 * XENSTORE_RING_SIZE);
    assert_true(fxs_ring(f->fx)->req_prod > 4 * XENSTORE_RING_SIZE);
}

static void ring_indices_wrap_at_2_pow_32(void **state)
{
    struct fixture *f = *state;
    struct xenstore_domain_interface *ring = fxs_ring(f->fx);

    /* Off a multiple of the ring size, so headers straddle the ring's end too. */
    ring->req_cons = ring->req_prod = 0xfffff000u + 1013;
    ring->rsp_cons = ring->rsp_prod = 0xfffff000u + 1019;
    round_trip_values(f);
    assert_true(ring->rsp_prod < 0x10000);
    assert_true(ring->req_prod < 0x10000);
}

static void replies_and_events_in_one_byte_pieces(void **state)
{
    struct fixture *f = *state;
    char buf[64];

    fxs_set_chunk(f->fx, 1);
    assert_int_equal(xenstore_watch(&f->xs, "control", "c"), 0);
    expect_event(f, "control", "c");
    fxs_write(f->fx, "control/shutdown", "halt");
    fxs_write(f->fx, "device/vif/0", "");
    fxs_write(f->fx, "device/vif/1", "");
    assert_int_equal(xenstore_directory(&f->xs, 0, "device/vif", buf, sizeof(buf)), 2);
    assert_memory_equal(buf,
                        "0\0"
                        "1\0",
                        4);
    expect_event(f, "control/shutdown", "c");
    round_trip_values(f);
}

static void pieces_of_every_size_up_to_a_header_and_more(void **state)
{
    struct fixture *f = *state;
    for (size_t chunk = 2; chunk <= 40; chunk += 3) {
        fxs_set_chunk(f->fx, chunk);
        round_trip_values(f);
    }
}

static void huge_length_is_a_protocol_error_and_the_next_reply_gets_through(void **state)
{
    struct fixture *f = *state;
    struct xsd_sockmsg junk = {.type = XS_READ, .req_id = 1, .len = 0xffffffffu};
    char buf[16];

    fxs_write(f->fx, "data/x", "fine");
    fxs_inject_raw(f->fx, &junk, sizeof(junk));
    assert_int_equal(xenstore_read(&f->xs, 0, "data/x", buf, sizeof(buf)), 4);
    assert_string_equal(buf, "fine");
    assert_int_equal(xenstore_protocol_errors(&f->xs), 1);
    assert_true(log_capture_contains("test-vm: xenstore: protocol error"));
    assert_true(log_capture_contains("len 4294967295"));

    /* Just over the limit is as bad as far over it. */
    junk.len = XENSTORE_PAYLOAD_MAX + 1;
    fxs_set_chunk(f->fx, 5);
    fxs_inject_raw(f->fx, &junk, sizeof(junk));
    assert_int_equal(xenstore_read(&f->xs, 0, "data/x", buf, sizeof(buf)), 4);
    assert_int_equal(xenstore_protocol_errors(&f->xs), 2);
}

static void junk_type_is_skipped_whole(void **state)
{
    struct fixture *f = *state;
    char buf[16];

    fxs_write(f->fx, "data/x", "fine");
    /* Its body even looks like a reply header: it must not be read as one. */
    struct xsd_sockmsg fake_reply = {.type = XS_READ, .req_id = 1, .len = 3};
    fxs_inject_message(f->fx, 0x1234, 1, &fake_reply, sizeof(fake_reply));
    fxs_inject_message(f->fx, XS_INTRODUCE, 1, "x", 1);
    assert_int_equal(xenstore_read(&f->xs, 0, "data/x", buf, sizeof(buf)), 4);
    assert_string_equal(buf, "fine");
    assert_int_equal(xenstore_protocol_errors(&f->xs), 2);
    assert_true(log_capture_contains("unexpected type 4660"));
}

static void reply_for_another_request_is_skipped(void **state)
{
    struct fixture *f = *state;
    char buf[16];

    fxs_write(f->fx, "data/x", "right");
    fxs_inject_message(f->fx, XS_READ, 999, "wrong", 5);
    fxs_inject_message(f->fx, XS_ERROR, f->xs.next_req_id + 1, "EIO", 4);
    assert_int_equal(xenstore_read(&f->xs, 0, "data/x", buf, sizeof(buf)), 5);
    assert_string_equal(buf, "right");
    assert_true(log_capture_contains("req_id 999"));
}

/* Answers the next request itself with the reply set up in ctx. */
struct canned {
    uint32_t type;
    const char *payload;
    size_t len;
};

static bool answer_with_canned(struct fake_xenstored *fx, const struct xsd_sockmsg *req,
                               const char *payload, void *ctx)
{
    struct canned *c = ctx;
    (void)payload;
    if (!c->payload)
        return false;
    fxs_inject_message(fx, c->type ? c->type : req->type, req->req_id, c->payload, c->len);
    c->payload = NULL;
    return true;
}

static void reply_of_the_wrong_type_is_eproto(void **state)
{
    struct fixture *f = *state;
    struct canned canned = {XS_DIRECTORY, "a\0b\0", 4};
    char buf[16];

    fxs_set_reply_hook(f->fx, answer_with_canned, &canned);
    fxs_write(f->fx, "data/x", "fine");
    assert_int_equal(xenstore_read(&f->xs, 0, "data/x", buf, sizeof(buf)), -XS_EPROTO);
    assert_int_equal(xenstore_protocol_errors(&f->xs), 1);
    assert_int_equal(xenstore_read(&f->xs, 0, "data/x", buf, sizeof(buf)), 4);
}

static void malformed_replies_are_eproto(void **state)
{
    struct fixture *f = *state;
    struct canned canned;
    char buf[16];
    xenstore_tx tx = 99;

    fxs_set_reply_hook(f->fx, answer_with_canned, &canned);
    static const struct {
        const char *payload;
        size_t len;
    } bad_ids[] = {{"", 0}, {"\0", 1}, {"0", 2}, {"12x", 4}, {"-1", 3}, {"4294967296", 11}};
    for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
        canned = (struct canned){0, bad_ids[i].payload, bad_ids[i].len};
        assert_int_equal(xenstore_transaction_start(&f->xs, &tx), -XS_EPROTO);
    }
    canned = (struct canned){0, "4294967295", 11};
    assert_int_equal(xenstore_transaction_start(&f->xs, &tx), 0);
    assert_int_equal(tx, 4294967295u);

    /* A directory listing must end with a NUL. */
    canned = (struct canned){0, "a\0b", 3};
    assert_int_equal(xenstore_directory(&f->xs, 0, "data", buf, sizeof(buf)), -XS_EPROTO);
    assert_int_equal(xenstore_protocol_errors(&f->xs), 7);
}

static void malformed_watch_events_are_skipped(void **state)
{
    struct fixture *f = *state;
    char long_token[XENSTORE_TOKEN_MAX + 8] = "data\0";

    assert_int_equal(xenstore_watch(&f->xs, "data", "d"), 0);
    expect_event(f, "data", "d");
    fxs_inject_message(f->fx, XS_WATCH_EVENT, 0, "data/no-nul", 11);
    fxs_inject_message(f->fx, XS_WATCH_EVENT, 0, "", 0);
    fxs_inject_message(f->fx, XS_WATCH_EVENT, 0, "\0d\0", 3);
    memset(long_token + 5, 'd', XENSTORE_TOKEN_MAX);
    fxs_inject_message(f->fx, XS_WATCH_EVENT, 0, long_token, 5 + XENSTORE_TOKEN_MAX + 1);
    /* A token no watch has is no protocol error, just not ours. */
    fxs_inject_message(f->fx, XS_WATCH_EVENT, 0, "data/x\0other\0", 13);
    /* A token without its final NUL is still read up to the payload's end. */
    fxs_inject_message(f->fx, XS_WATCH_EVENT, 0, "data/ok\0d", 9);
    expect_event(f, "data/ok", "d");
    expect_no_event(f);
    assert_int_equal(xenstore_protocol_errors(&f->xs), 4);
}

static void corrupt_response_indices_are_survived(void **state)
{
    struct fixture *f = *state;
    struct xenstore_domain_interface *ring = fxs_ring(f->fx);
    char buf[16];

    fxs_write(f->fx, "data/x", "fine");
    ring->rsp_prod = ring->rsp_cons + 5 * XENSTORE_RING_SIZE;
    assert_true(xenstore_has_work(&f->xs));
    expect_no_event(f);
    assert_int_equal(xenstore_protocol_errors(&f->xs), 1);
    assert_true(log_capture_contains("response ring indices"));
    assert_int_equal(xenstore_read(&f->xs, 0, "data/x", buf, sizeof(buf)), 4);
    assert_string_equal(buf, "fine");
}

static void corrupt_request_indices_fail_the_request(void **state)
{
    struct fixture *f = *state;
    struct xenstore_domain_interface *ring = fxs_ring(f->fx);
    char buf[16];

    ring->req_cons = ring->req_prod + 2 * XENSTORE_RING_SIZE;
    assert_int_equal(xenstore_read(&f->xs, 0, "domid", buf, sizeof(buf)), -XS_EIO);
    assert_true(log_capture_contains("request ring indices are corrupt"));
    ring->req_cons = ring->req_prod;
    assert_int_equal(xenstore_read(&f->xs, 0, "domid", buf, sizeof(buf)), 1);
}

static void full_response_ring_is_drained_and_the_server_kicked(void **state)
{
    struct fixture *f = *state;
    char path[80];

    assert_int_equal(xenstore_watch(&f->xs, "data", "d"), 0);
    expect_event(f, "data", "d");
    /* ~90 bytes per event: more than the ring holds at once. */
    for (int i = 0; i < XENSTORE_WATCH_QUEUE; i++) {
        snprintf(path, sizeof(path), "data/a-key-with-a-name-long-enough-to-fill-the-ring-%02d", i);
        fxs_write(f->fx, path, "v");
    }
    unsigned int kicks = fxs_notify_count(f->fx);
    fxs_run(f->fx);
    assert_int_equal(fxs_ring(f->fx)->rsp_prod - fxs_ring(f->fx)->rsp_cons, XENSTORE_RING_SIZE);
    for (int i = 0; i < XENSTORE_WATCH_QUEUE; i++) {
        snprintf(path, sizeof(path), "data/a-key-with-a-name-long-enough-to-fill-the-ring-%02d", i);
        expect_event(f, path, "d");
    }
    assert_true(fxs_notify_count(f->fx) > kicks);
    assert_int_equal(xenstore_events_dropped(&f->xs), 0);
}

/* Every captured line is "test-vm: ", printable ASCII, "\n". */
static void assert_log_lines_printable(void)
{
    const char *log = log_capture_text();
    size_t len = log_capture_len();
    size_t start = 0;

    for (size_t i = 0; i < len; i++) {
        if (log[i] == '\n') {
            assert_true(i - start > strlen("test-vm: "));
            assert_memory_equal(log + start, "test-vm: ", strlen("test-vm: "));
            start = i + 1;
        } else if (log[i] < 0x20 || log[i] >= 0x7f) {
            fail_msg("byte 0x%02x at %zu in the log", (unsigned char)log[i], i);
        }
    }
    assert_int_equal(start, len);
}

static void bytes_from_the_server_are_logged_quoted(void **state)
{
    struct fixture *f = *state;
    struct canned canned;
    char buf[16], path[32];
    xenstore_tx tx;

    /* A transaction id with an escape sequence and a newline in it. */
    fxs_set_reply_hook(f->fx, answer_with_canned, &canned);
    canned = (struct canned){0, "1\x1b[2J\n2\"\\", 10};
    assert_int_equal(xenstore_transaction_start(&f->xs, &tx), -XS_EPROTO);
    assert_true(log_capture_contains("test-vm: xenstore: protocol error: transaction id "
                                     "\"1\\x1b[2J\\n2\\\"\\\\\"\n"));
    /* A long one is cut, and the line still ends with its newline. */
    char *junk = malloc(3000);
    assert_non_null(junk);
    memset(junk, '\x07', 3000);
    canned = (struct canned){0, junk, 3000};
    assert_int_equal(xenstore_transaction_start(&f->xs, &tx), -XS_EPROTO);
    free(junk);
    assert_true(log_capture_contains("\\x07\"... (3000 bytes)\n"));

    /* A directory listing without its final NUL names the path it was for. */
    canned = (struct canned){0, "a\0b", 3};
    assert_int_equal(xenstore_directory(&f->xs, 0, "data/\x1b]0;x\x07", buf, sizeof(buf)),
                     -XS_EPROTO);
    assert_true(log_capture_contains("test-vm: xenstore: protocol error: directory "
                                     "data/\\x1b]0;x\\x07: reply not NUL-terminated\n"));
    fxs_set_reply_hook(f->fx, NULL, NULL);

    /* A watch event dropped from a full queue, its path full of control bytes. */
    assert_int_equal(xenstore_watch(&f->xs, "data", "d"), 0);
    expect_event(f, "data", "d");
    for (int i = 0; i < XENSTORE_WATCH_QUEUE; i++) {
        int n = snprintf(path, sizeof(path), "data/k%d%cd", i, '\0');
        fxs_inject_message(f->fx, XS_WATCH_EVENT, 0, path, (size_t)n + 1);
    }
    fxs_inject_message(f->fx, XS_WATCH_EVENT, 0, "data/\x1b[31mred\r\nx\0d", 19);
    assert_int_equal(xenstore_read(&f->xs, 0, "domid", buf, sizeof(buf)), 1);
    assert_int_equal(xenstore_events_dropped(&f->xs), 1);
    assert_true(log_capture_contains("test-vm: xenstore: watch event queue full: dropped event "
                                     "data/\\x1b[31mred\\x0d\\x0ax (token d), 1 dropped so far\n"));

    assert_int_equal(xenstore_protocol_errors(&f->xs), 3);
    assert_log_lines_printable();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(messages_wrap_the_ring),
        TEST(ring_indices_wrap_at_2_pow_32),
        TEST(replies_and_events_in_one_byte_pieces),
        TEST(pieces_of_every_size_up_to_a_header_and_more),
        TEST(huge_length_is_a_protocol_error_and_the_next_reply_gets_through),
        TEST(junk_type_is_skipped_whole),
        TEST(reply_for_another_request_is_skipped),
        TEST(reply_of_the_wrong_type_is_eproto),
        TEST(malformed_replies_are_eproto),
        TEST(malformed_watch_events_are_skipped),
        TEST(corrupt_response_indices_are_survived),
        TEST(corrupt_request_indices_fail_the_request),
        TEST(full_response_ring_is_drained_and_the_server_kicked),
        TEST(bytes_from_the_server_are_logged_quoted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
