/*
 * The control interpreter's control/testing commands (kernel/control/control.c):
 * "now" and "onshutdown" with every ack and action, replacement, fire-once,
 * our own ack coming back, bad input (floods and races: test_control_races.c).
 */
#include "control_fixture.h"

#define REBOOT_ON_SHUTDOWN "{\"when\":\"onshutdown\",\"ack\":\"ok\",\"action\":\"reboot\"}"

static const struct {
    const char *name;
    bool calls_power;
    unsigned int reason;
} actions[] = {
    {"suspend", true, SHUTDOWN_suspend}, {"poweroff", true, SHUTDOWN_poweroff},
    {"reboot", true, SHUTDOWN_reboot},   {"halt", true, SHUTDOWN_poweroff},
    {"crash", true, SHUTDOWN_crash},     {"ignore", false, 0},
};
#define NACTIONS (sizeof(actions) / sizeof(actions[0]))

static struct fixture *fresh_started(void **s)
{
    started_setup(s);
    return *s;
}

/* "now" carries the action out at once, whatever "ack" says (it is unused). */
static void test_now_every_ack_and_action(void **state)
{
    static const char *const now_acks[] = {NULL, "ok", "none", "delete", "custom-ack"};
    (void)state;
    for (size_t a = 0; a < sizeof(now_acks) / sizeof(now_acks[0]); a++) {
        for (size_t i = 0; i < NACTIONS; i++) {
            void *s;
            struct fixture *f = fresh_started(&s);
            const char *ack = now_acks[a] ? now_acks[a] : "ok";
            char cmd[128], normalised[128], expected[1024];
            print_message("  now ack %s action %s\n", now_acks[a] ? ack : "(absent)",
                          actions[i].name);

            if (now_acks[a])
                snprintf(cmd, sizeof(cmd), "{\"when\":\"now\",\"ack\":\"%s\",\"action\":\"%s\"}",
                         ack, actions[i].name);
            else
                snprintf(cmd, sizeof(cmd), "{\"when\":\"now\",\"action\":\"%s\"}", actions[i].name);
            snprintf(normalised, sizeof(normalised),
                     "{\"when\":\"now\",\"ack\":\"%s\",\"action\":\"%s\"}", ack, actions[i].name);
            toolstack_write(f, "control/testing", cmd);

            assert_key(f, "control/testing", "");
            assert_int_equal(f->ncalls, actions[i].calls_power ? 1 : 0);
            if (actions[i].calls_power) {
                assert_int_equal(f->calls[0].reason, actions[i].reason);
                assert_string_equal(f->calls[0].last_action, actions[i].name);
            }
            assert_key(f, "control/shutdown", NULL); /* "now" never touches it */
            assert_key(f, "data/test-vm/last-action", actions[i].name);
            assert_key(f, "data/test-vm/last-command", normalised);
            assert_key(f, "data/test-vm/commands", "1");
            assert_key(f, "data/test-vm/pending", "");
            assert_key(f, "data/test-vm/state", "ready");
            assert_key(f, "data/test-vm/errors", "0");

            snprintf(expected, sizeof(expected),
                     "test-vm: control/testing: received %s\n"
                     "test-vm: control/testing: acked (wrote \"\")\n"
                     "test-vm: control/testing: accepted %s\n"
                     "test-vm: action: %s%s\n%s",
                     cmd, normalised, actions[i].name,
                     strcmp(actions[i].name, "halt") == 0 ? " (as poweroff: Xen has no halt)" : "",
                     actions[i].reason == SHUTDOWN_suspend ? "test-vm: suspend: cancelled\n" : "");
            assert_string_equal(log_capture_text(), expected);
            fixture_teardown(&s);
        }
    }
}

/* What control/shutdown holds after each kind of ack of "poweroff". */
static const struct {
    const char *ack;
    const char *after;    /* NULL: removed */
    const char *ack_line; /* the console line for the ack */
} acks[] = {
    {"ok", "", "test-vm: control/shutdown: acked \"poweroff\" (wrote \"\")\n"},
    {"none", "poweroff", "test-vm: control/shutdown: left \"poweroff\" unacked (ack \"none\")\n"},
    {"delete", NULL, "test-vm: control/shutdown: acked \"poweroff\" (removed the key)\n"},
    {"custom-ack", "custom-ack",
     "test-vm: control/shutdown: acked \"poweroff\" (wrote \"custom-ack\")\n"},
};

static void test_onshutdown_every_ack_and_action(void **state)
{
    (void)state;
    for (size_t a = 0; a < sizeof(acks) / sizeof(acks[0]); a++) {
        for (size_t i = 0; i < NACTIONS; i++) {
            void *s;
            struct fixture *f = fresh_started(&s);
            char cmd[128];
            print_message("  onshutdown ack %s action %s\n", acks[a].ack, actions[i].name);

            snprintf(cmd, sizeof(cmd), "{\"when\":\"onshutdown\",\"ack\":\"%s\",\"action\":\"%s\"}",
                     acks[a].ack, actions[i].name);
            toolstack_write(f, "control/testing", cmd);
            assert_key(f, "control/testing", "");
            assert_key(f, "data/test-vm/pending", cmd); /* already normalised */
            assert_key(f, "data/test-vm/state", "pending");
            assert_int_equal(f->ncalls, 0);

            toolstack_write(f, "control/shutdown", "poweroff");

            assert_key(f, "control/shutdown", acks[a].after);
            assert_int_equal(f->ncalls, actions[i].calls_power ? 1 : 0);
            if (actions[i].calls_power) {
                assert_int_equal(f->calls[0].reason, actions[i].reason);
                /* The ack is done before the action. */
                assert_string_equal(f->calls[0].shutdown,
                                    acks[a].after ? acks[a].after : "(absent)");
            }
            assert_key(f, "data/test-vm/pending", "");
            assert_key(f, "data/test-vm/state", "ready");
            assert_key(f, "data/test-vm/last-action", actions[i].name);
            assert_key(f, "data/test-vm/errors", "0");
            assert_logged(acks[a].ack_line);
            assert_not_logged("received \"custom-ack\"");
            fixture_teardown(&s);
        }
    }
}

/* "When shutdown is requested, do X": any non-empty request, known or not. */
static void test_onshutdown_takes_over_unknown_requests(void **state)
{
    struct fixture *f = *state;

    toolstack_write(f, "control/testing", REBOOT_ON_SHUTDOWN);
    toolstack_write(f, "control/shutdown", "s3");

    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_reboot);
    assert_key(f, "control/shutdown", "");
    assert_key(f, "data/test-vm/errors", "0");
    assert_not_logged("unknown request");
}

static void test_newer_command_replaces_pending(void **state)
{
    struct fixture *f = *state;
    const char *crash = "{\"when\":\"onshutdown\",\"ack\":\"none\",\"action\":\"crash\"}";

    toolstack_write(f, "control/testing", REBOOT_ON_SHUTDOWN);
    toolstack_write(f, "control/testing", crash);

    assert_key(f, "data/test-vm/pending", crash);
    assert_key(f, "data/test-vm/commands", "2");
    assert_logged("test-vm: control/testing: replaces the pending command " REBOOT_ON_SHUTDOWN
                  "\n");
    toolstack_write(f, "control/shutdown", "poweroff");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_crash);
}

/* A "now" command replaces a pending one too: "now" + "ignore" cancels it. */
static void test_now_ignore_cancels_pending(void **state)
{
    struct fixture *f = *state;

    toolstack_write(f, "control/testing", REBOOT_ON_SHUTDOWN);
    toolstack_write(f, "control/testing", "{\"when\":\"now\",\"action\":\"ignore\"}");
    assert_key(f, "data/test-vm/pending", "");
    assert_key(f, "data/test-vm/state", "ready");

    toolstack_write(f, "control/shutdown", "poweroff");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_poweroff);
}

static void test_command_fires_once(void **state)
{
    struct fixture *f = *state;

    toolstack_write(f, "control/testing", REBOOT_ON_SHUTDOWN);
    toolstack_write(f, "control/shutdown", "poweroff");
    toolstack_write(f, "control/shutdown", "poweroff");
    toolstack_write(f, "control/shutdown", "halt");

    assert_int_equal(f->ncalls, 3);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_reboot);
    assert_int_equal(f->calls[1].reason, SHUTDOWN_poweroff);
    assert_int_equal(f->calls[2].reason, SHUTDOWN_poweroff);
    assert_key(f, "data/test-vm/last-action", "halt");
}

/*
 * Our custom ack string comes back as a watch event: not a request, even
 * when it spells one, for as long as the key holds it.
 */
static void test_own_ack_not_a_request(void **state)
{
    struct fixture *f = *state;

    toolstack_write(f, "control/testing",
                    "{\"when\":\"onshutdown\",\"ack\":\"reboot\",\"action\":\"ignore\"}");
    toolstack_write(f, "control/shutdown", "poweroff");
    assert_key(f, "control/shutdown", "reboot");
    assert_int_equal(f->ncalls, 0);
    assert_logged("test-vm: control/shutdown: ignored \"reboot\" (our own ack)\n");
    assert_key(f, "data/test-vm/errors", "0");

    /* Once the key moved on, "reboot" is a request again. */
    toolstack_write(f, "control/shutdown", "");
    toolstack_write(f, "control/shutdown", "reboot");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_reboot);
}

static void test_own_ack_then_other_request(void **state)
{
    struct fixture *f = *state;

    toolstack_write(f, "control/testing",
                    "{\"when\":\"onshutdown\",\"ack\":\"acked by test-vm\",\"action\":\"ignore\"}");
    toolstack_write(f, "control/shutdown", "reboot");
    assert_key(f, "control/shutdown", "acked by test-vm");
    toolstack_write(f, "control/shutdown", "poweroff");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_poweroff);
    assert_key(f, "control/shutdown", "");
}

static void test_onshutdown_suspend_resumed(void **state)
{
    struct fixture *f = *state;

    f->suspend_result = 0;
    toolstack_write(f, "control/testing",
                    "{\"when\":\"onshutdown\",\"ack\":\"ok\",\"action\":\"suspend\"}");
    toolstack_write(f, "control/shutdown", "poweroff");

    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_suspend);
    assert_logged("test-vm: suspend: resumed in a new domain (domid 12)\n");
    assert_key(f, "data/test-vm/state", "ready");
    assert_key(f, "data/test-vm/pending", "");
    assert_key(f, "data/test-vm/resumes", "1");
    assert_key(f, "data/test-vm/commands", "1");
    assert_key(f, "data/test-vm/last-command",
               "{\"when\":\"onshutdown\",\"ack\":\"ok\",\"action\":\"suspend\"}");
}

/* The longest command still prints whole lines; the keys get the full form. */
static void test_long_command_lines(void **state)
{
    struct fixture *f = *state;
    static char cmd[4096], normalised[4096];
    int n = snprintf(cmd, sizeof(cmd), "{\"when\":\"onshutdown\",\"ack\":\"");
    int m = snprintf(normalised, sizeof(normalised), "%s", cmd);
    for (int i = 0; i < COMMAND_ACK_MAX - 1; i++) {
        n += snprintf(cmd + n, sizeof(cmd) - (size_t)n, "\\u0001");
        m += snprintf(normalised + m, sizeof(normalised) - (size_t)m, "\\u0001");
    }
    snprintf(cmd + n, sizeof(cmd) - (size_t)n, "\",\"action\":\"crash\"}");
    snprintf(normalised + m, sizeof(normalised) - (size_t)m, "\",\"action\":\"crash\"}");

    toolstack_write(f, "control/testing", cmd);
    toolstack_write(f, "control/testing", cmd); /* replaces the pending one */
    toolstack_write(f, "control/shutdown", "poweroff");

    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_crash);
    assert_key(f, "data/test-vm/last-command", normalised);
    /* Every line whole: starts with "test-vm: ", ends with a newline, fits printk. */
    const char *log = log_capture_text();
    int lines = 0;
    for (const char *line = log; *line; lines++) {
        const char *end = strchr(line, '\n');
        assert_non_null(end);
        assert_true(end - line < PRINTK_LINE_MAX - 1);
        assert_true(strncmp(line, "test-vm: ", 9) == 0);
        line = end + 1;
    }
    assert_int_equal(lines, 12); /* ... action: crash, then our own ack ignored */
    assert_logged("test-vm: control/testing: accepted {\"when\":\"onshutdown\",\"ack\":\"\\u0001");
    assert_logged("... (1577 bytes) instead\n");
    assert_int_equal(log_capture_count("... (1577 bytes)\n"),
                     5); /* received, accepted (2 each), replaces */
}

/* ---- bad input */

static const struct {
    const char *value;
    const char *error;
} bad_inputs[] = {
    {"poweroff", "not valid JSON (at byte 0)"},
    {"{\"when\":\"now\",\"action\":\"reboot\",}", "not valid JSON (at byte 32)"},
    {"[\"now\",\"reboot\"]", "not a JSON object"},
    {"{\"when\":\"now\"}", "missing field \"action\""},
    {"{\"action\":\"reboot\"}", "missing field \"when\""},
    {"{\"when\":\"now\",\"action\":\"reboot\",\"ack\":\"ok\",\"delay\":\"5\"}",
     "unknown field \"delay\" (the fields are when, ack, action, ack_delay_ms, action_delay_ms, times, on, timeout_s, path, value, count and size)"},
    {"{\"when\":\"now\",\"action\":5}", "field \"action\" must be a string, not a number"},
    {"{\"when\":\"now\",\"when\":\"now\",\"action\":\"reboot\"}", "duplicate field \"when\""},
    {"{\"when\":\"soon\",\"action\":\"reboot\"}",
     "field \"when\" must be \"now\" or \"onshutdown\", not \"soon\""},
    {"{\"when\":\"now\",\"action\":\"explode\"}",
     "field \"action\" must be suspend, poweroff, reboot, halt, crash, ignore, hang, watchdog, fault, triple-fault, soft-reset, xenstore-write, xenstore-rm, xenstore-flood, xenstore-unwatch or memcheck, not "
     "\"explode\""},
    {"\x01\x02\x03\xff\xfe", "not valid JSON (at byte 0)"},
};

static void test_bad_input_keeps_pending(void **state)
{
    struct fixture *f = *state;
    size_t n = sizeof(bad_inputs) / sizeof(bad_inputs[0]);

    toolstack_write(f, "control/testing", REBOOT_ON_SHUTDOWN);
    for (size_t i = 0; i < n; i++) {
        char error[512], line[600], count[16];
        print_message("  %s\n", bad_inputs[i].value);
        log_capture_clear();

        toolstack_write(f, "control/testing", bad_inputs[i].value);

        snprintf(error, sizeof(error), "control/testing: error: %s", bad_inputs[i].error);
        snprintf(line, sizeof(line), "test-vm: %s\n", error);
        snprintf(count, sizeof(count), "%zu", i + 1);
        assert_key(f, "control/testing", "");
        assert_key(f, "data/test-vm/last-error", error);
        assert_key(f, "data/test-vm/errors", count);
        assert_logged(line);
        assert_int_equal(log_capture_count("test-vm: "), 3); /* received, acked, error */
        assert_key(f, "data/test-vm/pending", REBOOT_ON_SHUTDOWN);
        assert_key(f, "data/test-vm/state", "pending");
        assert_key(f, "data/test-vm/commands", "1");
    }
    assert_logged("test-vm: control/testing: received \\x01\\x02\\x03\\xff\\xfe\n");
    toolstack_write(f, "control/shutdown", "poweroff");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_reboot);
}

/* A reply holding NUL bytes, as a raw xenstore write could leave one. */
static bool answer_read_with_nul(struct fake_xenstored *fx, const struct xsd_sockmsg *req,
                                 const char *payload, void *ctx)
{
    int *left = ctx;
    static const char value[] = "{\"when\":\"now\",\"action\":\"reboot\"}\0{}";
    if (req->type != XS_READ || strcmp(payload, "control/testing") != 0 || *left == 0)
        return false;
    (*left)--;
    fxs_inject_message(fx, XS_READ, req->req_id, value, sizeof(value) - 1);
    return true;
}

static void test_nul_bytes(void **state)
{
    struct fixture *f = *state;
    int left = 1;

    fxs_set_reply_hook(f->fx, answer_read_with_nul, &left);
    toolstack_write(f, "control/testing", "x");
    fxs_set_reply_hook(f->fx, NULL, NULL);

    assert_int_equal(f->ncalls, 0);
    assert_key(f, "control/testing", "");
    assert_key(f, "data/test-vm/last-error",
               "control/testing: error: not valid JSON (a NUL byte at byte 32)");
    assert_logged("test-vm: control/testing: received "
                  "{\"when\":\"now\",\"action\":\"reboot\"}\\x00{}\n");
}

/* Values as long as xenstore allows: one error line each, cut short. */
static void test_values_near_xenstore_limit(void **state)
{
    struct fixture *f = *state;
    static char value[XENSTORE_PAYLOAD_MAX];
    size_t max = XENSTORE_PAYLOAD_MAX - sizeof("control/testing");

    int n = snprintf(value, sizeof(value), "{\"when\":\"now\",\"action\":\"reboot\",\"ack\":\"");
    memset(value + n, 'a', max - (size_t)n - 2);
    memcpy(value + max - 2, "\"}", 3);
    assert_int_equal(strlen(value), max);
    toolstack_write(f, "control/testing", value);
    assert_key(f, "data/test-vm/last-error",
               "control/testing: error: field \"ack\" is longer than 255 bytes");

    memset(value, '[', max);
    value[max] = '\0';
    toolstack_write(f, "control/testing", value);
    assert_key(f, "data/test-vm/last-error",
               "control/testing: error: not valid JSON (it ends too early)");

    assert_int_equal(f->ncalls, 0);
    assert_key(f, "data/test-vm/errors", "2");
    char tail[64];
    snprintf(tail, sizeof(tail), "[[[[... (%zu bytes)\n", max);
    assert_logged(tail);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_now_every_ack_and_action),
        cmocka_unit_test(test_onshutdown_every_ack_and_action),
        STARTED(test_onshutdown_takes_over_unknown_requests),
        STARTED(test_newer_command_replaces_pending),
        STARTED(test_now_ignore_cancels_pending),
        STARTED(test_command_fires_once),
        STARTED(test_own_ack_not_a_request),
        STARTED(test_own_ack_then_other_request),
        STARTED(test_onshutdown_suspend_resumed),
        STARTED(test_long_command_lines),
        STARTED(test_bad_input_keeps_pending),
        STARTED(test_nul_bytes),
        STARTED(test_values_near_xenstore_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
