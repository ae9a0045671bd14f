/*
 * The guest-side xenstore actions (kernel/control/control_xenstore.c) and their
 * fields in the parser (kernel/command.c), as a tester writes and reads them.
 */
#include "control_fixture.h"

#include "kernel/command.h"

static void assert_parses_to(const char *json, const char *normal)
{
    struct command cmd;
    char err[COMMAND_ERROR_MAX], text[COMMAND_TEXT_MAX];
    if (command_parse(json, strlen(json), &cmd, err, sizeof(err)) != 0)
        fail_msg("%s: %s", json, err);
    command_format(&cmd, text, sizeof(text));
    assert_string_equal(text, normal);
}

static void assert_rejected(const char *json, const char *reason)
{
    struct command cmd;
    char err[COMMAND_ERROR_MAX];
    assert_int_equal(command_parse(json, strlen(json), &cmd, err, sizeof(err)), -1);
    assert_string_equal(err, reason);
}

static void test_parse(void **state)
{
    (void)state;
    assert_parses_to(
        "{\"action\":\"xenstore-write\",\"value\":\"1\",\"when\":\"now\",\"path\":\"data/x\"}",
        "{\"when\":\"now\",\"ack\":\"ok\",\"action\":\"xenstore-write\",\"path\":\"data/x\","
        "\"value\":\"1\"}");
    assert_parses_to("{\"when\":\"now\",\"action\":\"xenstore-write\",\"path\":\"/local/domain/0/"
                     "x\",\"value\":\"\"}",
                     "{\"when\":\"now\",\"ack\":\"ok\",\"action\":\"xenstore-write\",\"path\":\"/"
                     "local/domain/0/x\",\"value\":\"\"}");
    assert_parses_to("{\"when\":\"now\",\"action\":\"xenstore-rm\",\"path\":\"data/x\"}",
                     "{\"when\":\"now\",\"ack\":\"ok\",\"action\":\"xenstore-rm\",\"path\":\"data/"
                     "x\"}");
    assert_parses_to("{\"when\":\"onshutdown\",\"action\":\"xenstore-flood\",\"path\":\"data/f\","
                     "\"size\":0,\"count\":100000}",
                     "{\"when\":\"onshutdown\",\"ack\":\"ok\",\"action\":\"xenstore-flood\","
                     "\"path\":\"data/f\",\"count\":100000,\"size\":0}");
    assert_parses_to("{\"when\":\"now\",\"action\":\"xenstore-write\",\"path\":\"data/\\u00e9\","
                     "\"value\":\"a\\\"b\\n\"}",
                     "{\"when\":\"now\",\"ack\":\"ok\",\"action\":\"xenstore-write\",\"path\":"
                     "\"data/\xc3\xa9\",\"value\":\"a\\\"b\\n\"}");
}

static void test_parse_errors(void **state)
{
    (void)state;
    assert_rejected("{\"when\":\"now\",\"action\":\"xenstore-write\",\"path\":\"data/x\"}",
                    "missing field \"value\" (action \"xenstore-write\" needs path and value)");
    assert_rejected("{\"when\":\"now\",\"action\":\"xenstore-rm\"}",
                    "missing field \"path\" (action \"xenstore-rm\" needs path)");
    assert_rejected(
        "{\"when\":\"now\",\"action\":\"xenstore-flood\",\"path\":\"a\",\"count\":1}",
        "missing field \"size\" (action \"xenstore-flood\" needs path, count and size)");
    assert_rejected("{\"when\":\"now\",\"action\":\"xenstore-rm\",\"path\":\"a\",\"value\":\"v\"}",
                    "field \"value\" is not used by action \"xenstore-rm\"");
    assert_rejected("{\"when\":\"now\",\"action\":\"reboot\",\"path\":\"a\"}",
                    "field \"path\" is not used by action \"reboot\"");
    assert_rejected("{\"when\":\"now\",\"action\":\"memcheck\",\"count\":1}",
                    "field \"count\" is not used by action \"memcheck\"");
    assert_rejected("{\"when\":\"now\",\"action\":\"xenstore-rm\",\"path\":\"\"}",
                    "field \"path\" is empty");
    assert_rejected("{\"when\":\"now\",\"action\":\"xenstore-rm\",\"path\":1}",
                    "field \"path\" must be a string, not a number");
    assert_rejected("{\"when\":\"now\",\"action\":\"xenstore-flood\",\"path\":\"a\",\"count\":0,"
                    "\"size\":1}",
                    "field \"count\" must be a whole number from 1 to 100000, not \"0\"");
    assert_rejected("{\"when\":\"now\",\"action\":\"xenstore-flood\",\"path\":\"a\",\"count\":1,"
                    "\"size\":4097}",
                    "field \"size\" must be a whole number from 0 to 4096, not \"4097\"");
    assert_rejected("{\"when\":\"now\",\"action\":\"xenstore-flood\",\"path\":\"a\",\"count\":1,"
                    "\"size\":\"1\"}",
                    "field \"size\" must be a number, not a string");

    char json[2048];
    char long_path[300];
    memset(long_path, 'p', 256);
    long_path[256] = '\0';
    snprintf(json, sizeof(json), "{\"when\":\"now\",\"action\":\"xenstore-rm\",\"path\":\"%s\"}",
             long_path);
    assert_rejected(json, "field \"path\" is longer than 255 bytes");
    char long_value[1100];
    memset(long_value, 'v', 1024);
    long_value[1024] = '\0';
    snprintf(json, sizeof(json),
             "{\"when\":\"now\",\"action\":\"xenstore-write\",\"path\":\"a\",\"value\":\"%s\"}",
             long_value);
    assert_rejected(json, "field \"value\" is longer than 1023 bytes");
}

static void command(struct fixture *f, const char *json)
{
    toolstack_write(f, "control/testing", json);
    assert_key(f, "control/testing", "");
}

static void test_results_there_from_boot(void **state)
{
    struct fixture *f = *state;
    assert_key(f, "data/test-vm/last-result", "");
    assert_key(f, "data/test-vm/flood-written", "0");
}

static void test_write_and_rm(void **state)
{
    struct fixture *f = *state;

    command(f, "{\"when\":\"now\",\"action\":\"xenstore-write\",\"path\":\"data/cant_suspend_"
               "reason\",\"value\":\"testing\"}");
    assert_key(f, "data/cant_suspend_reason", "testing");
    assert_key(f, "data/test-vm/last-result", "ok");
    assert_key(f, "data/test-vm/last-action", "xenstore-write");
    assert_key(f, "data/test-vm/state", "ready");
    assert_logged("test-vm: action: xenstore-write\n");
    assert_logged("test-vm: xenstore-write: \"data/cant_suspend_reason\" (7 bytes): ok\n");

    /* Absolute, into its own home: allowed. */
    command(f, "{\"when\":\"now\",\"action\":\"xenstore-write\",\"path\":\"/local/domain/7/data/"
               "abs\",\"value\":\"1\"}");
    assert_key(f, "data/abs", "1");

    command(f, "{\"when\":\"now\",\"action\":\"xenstore-rm\",\"path\":\"data/cant_suspend_"
               "reason\"}");
    assert_false(fxs_exists(f->fx, "data/cant_suspend_reason"));
    assert_key(f, "data/test-vm/last-result", "ok");
    assert_logged("test-vm: xenstore-rm: \"data/cant_suspend_reason\": ok\n");
}

static void test_write_refused(void **state)
{
    struct fixture *f = *state;
    unsigned long errors_before = f->control.status.errors;

    command(f, "{\"when\":\"now\",\"action\":\"xenstore-write\",\"path\":\"/local/domain/0/"
               "x\",\"value\":\"1\"}");
    assert_key(f, "data/test-vm/last-result", "EACCES");
    assert_logged("test-vm: xenstore-write: \"/local/domain/0/x\" (1 bytes): EACCES\n");
    assert_key(f, "data/test-vm/state", "ready");
    /* The refusal is the result asked for, not the VM's error. */
    assert_int_equal(f->control.status.errors, errors_before);
}

static void test_flood(void **state)
{
    struct fixture *f = *state;

    command(f, "{\"when\":\"now\",\"action\":\"xenstore-flood\",\"path\":\"data/flood\","
               "\"count\":5,\"size\":10}");
    assert_key(f, "data/flood/0", "0:0:0:0:0:");
    assert_key(f, "data/flood/4", "4:4:4:4:4:");
    assert_false(fxs_exists(f->fx, "data/flood/5"));
    assert_key(f, "data/test-vm/flood-written", "5");
    assert_key(f, "data/test-vm/last-result", "ok");
    assert_logged(
        "test-vm: xenstore-flood: wrote 5 of 5 keys of 10 bytes under \"data/flood\": ok\n");

    /* Removable with xenstore-rm. */
    command(f, "{\"when\":\"now\",\"action\":\"xenstore-rm\",\"path\":\"data/flood\"}");
    assert_false(fxs_exists(f->fx, "data/flood"));
}

/* A reply hook: what data/test-vm/state reads as the flood writes its 100th key. */
static bool state_during_flood(struct fake_xenstored *fx, const struct xsd_sockmsg *req,
                               const char *payload, void *ctx)
{
    if (req->type == XS_WRITE && strcmp(payload, "data/flood/100") == 0)
        snprintf(ctx, 16, "%s", fxs_read(fx, "data/test-vm/state"));
    return false;
}

/* A long flood: state busy while it runs (the loop does not), the watchdog petted inside. */
static void test_a_long_flood_is_busy_and_keeps_the_watchdog_petted(void **state)
{
    struct fixture *f = *state;
    char during[16] = "";

    fxs_set_reply_hook(f->fx, state_during_flood, during);
    command(f, "{\"when\":\"now\",\"action\":\"xenstore-flood\",\"path\":\"data/flood\","
               "\"count\":500,\"size\":4}");
    assert_key(f, "data/test-vm/flood-written", "500");
    assert_string_equal(during, "busy");
    assert_true(f->keepalives >= 500 / 64);
    assert_key(f, "data/test-vm/state", "ready");
}

/* A reply hook: writes under data/flood/ succeed until the quota, then EQUOTA. */
struct quota {
    unsigned int left;
};

static bool quota_hook(struct fake_xenstored *fx, const struct xsd_sockmsg *req,
                       const char *payload, void *ctx)
{
    struct quota *q = ctx;
    if (req->type != XS_WRITE || strncmp(payload, "data/flood/", 11) != 0)
        return false;
    if (q->left) {
        q->left--;
        return false;
    }
    fxs_inject_message(fx, XS_ERROR, req->req_id, "EQUOTA", 7);
    return true;
}

static void test_flood_stops_at_the_quota(void **state)
{
    struct fixture *f = *state;
    struct quota q = {3};
    fxs_set_reply_hook(f->fx, quota_hook, &q);

    command(f, "{\"when\":\"now\",\"action\":\"xenstore-flood\",\"path\":\"data/flood\","
               "\"count\":1000,\"size\":100}");
    assert_key(f, "data/test-vm/flood-written", "3");
    assert_key(f, "data/test-vm/last-result", "EQUOTA");
    assert_false(fxs_exists(f->fx, "data/flood/3"));
    assert_logged(
        "test-vm: xenstore-flood: wrote 3 of 1000 keys of 100 bytes under \"data/flood\": EQUOTA\n");
    /* One write after the refusal, not 997. */
    assert_int_equal(q.left, 0);
    fxs_set_reply_hook(f->fx, NULL, NULL);
}

/*
 * The flood that stopped a long fuzz_control run on libFuzzer's timeout (6,878
 * keys, quadratic in the fake xenstored before it had xenstored's quotas):
 * like C xenstored, the fake refuses the key whose name no longer fits in its
 * parent's 2048-byte node with ENOSPC (Xen 4.17's lab: 531 keys of 100
 * bytes), and the VM says so and goes on.
 */
static void test_flood_stops_at_xenstoreds_node_size(void **state)
{
    struct fixture *f = *state;
    unsigned long errors_before = f->control.status.errors;

    command(f, "{\"when\":\"now\",\"action\":\"xenstore-flood\",\"path\":\"data/flood\","
               "\"count\":6878,\"size\":100}");
    assert_key(f, "data/test-vm/flood-written", "531");
    assert_key(f, "data/test-vm/last-result", "ENOSPC");
    assert_key(f, "data/flood/530",
               "530:530:530:530:530:530:530:530:530:530:530:530:530:530:530:"
               "530:530:530:530:530:530:530:530:530:530:");
    assert_false(fxs_exists(f->fx, "data/flood/531"));
    assert_logged("test-vm: xenstore-flood: wrote 531 of 6878 keys of 100 bytes under "
                  "\"data/flood\": ENOSPC\n");
    assert_key(f, "data/test-vm/state", "ready");
    assert_int_equal(f->control.status.errors, errors_before);

    /* It goes on: the next command is carried out. */
    command(f, "{\"when\":\"now\",\"action\":\"xenstore-rm\",\"path\":\"data/flood\"}");
    assert_false(fxs_exists(f->fx, "data/flood"));
    assert_key(f, "data/test-vm/last-result", "ok");
}

/* And at C xenstored's 1000 nodes a domain (quota-nb-entry-per-domain): ENOSPC too. */
static void test_flood_stops_at_xenstoreds_entry_quota(void **state)
{
    struct fixture *f = *state;

    command(f, "{\"when\":\"now\",\"action\":\"xenstore-flood\",\"path\":\"data/f1\","
               "\"count\":400,\"size\":1}");
    command(f, "{\"when\":\"now\",\"action\":\"xenstore-flood\",\"path\":\"data/f2\","
               "\"count\":400,\"size\":1}");
    assert_key(f, "data/test-vm/last-result", "ok");
    unsigned int before = fxs_entries(f->fx);
    command(f, "{\"when\":\"now\",\"action\":\"xenstore-flood\",\"path\":\"data/f3\","
               "\"count\":400,\"size\":1}");
    assert_key(f, "data/test-vm/last-result", "ENOSPC");
    assert_int_equal(fxs_entries(f->fx), FXS_ENTRY_QUOTA);
    /* data/f3 itself is one of the new nodes. */
    assert_int_equal(f->control.status.flood_written, FXS_ENTRY_QUOTA - before - 1);
    assert_key(f, "data/test-vm/state", "ready");
}

/* A value of any size up to a xenstore payload: past what the ring carries, E2BIG. */
static void test_flood_too_big(void **state)
{
    struct fixture *f = *state;
    command(f, "{\"when\":\"now\",\"action\":\"xenstore-flood\",\"path\":\"data/big\","
               "\"count\":2,\"size\":4096}");
    assert_key(f, "data/test-vm/flood-written", "0");
    assert_key(f, "data/test-vm/last-result", "E2BIG");
}

static void test_onshutdown(void **state)
{
    struct fixture *f = *state;
    command(f, "{\"when\":\"onshutdown\",\"action\":\"xenstore-write\",\"path\":\"data/seen\","
               "\"value\":\"shutdown\"}");
    assert_key(f, "data/test-vm/state", "pending");
    toolstack_write(f, "control/shutdown", "poweroff");
    assert_key(f, "data/seen", "shutdown");
    assert_key(f, "control/shutdown", "");
    assert_int_equal(f->ncalls, 0);
    assert_key(f, "data/test-vm/state", "ready");
}

/* Without memcheck= there is nothing to verify: an error, not a silent "ok". */
static void test_memcheck_without_memcheck_word(void **state)
{
    struct fixture *f = *state;
    command(f, "{\"when\":\"now\",\"action\":\"memcheck\"}");
    assert_key(f, "data/test-vm/last-error",
               "memcheck: error: nothing to check (the command line has no memcheck=)");
    assert_key(f, "data/test-vm/state", "ready");
    assert_false(fxs_exists(f->fx, "data/test-vm/memcheck"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test_setup_teardown(test_results_there_from_boot, started_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_write_and_rm, started_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_write_refused, started_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_flood, started_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_a_long_flood_is_busy_and_keeps_the_watchdog_petted,
                                        started_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_flood_stops_at_the_quota, started_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_flood_stops_at_xenstoreds_node_size, started_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_flood_stops_at_xenstoreds_entry_quota, started_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_flood_too_big, started_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_onshutdown, started_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_memcheck_without_memcheck_word, started_setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
