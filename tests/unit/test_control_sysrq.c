/* control/sysrq (xl sysrq DOM KEY): acked with "" as Linux does; b, o and c act. */
#include "control_fixture.h"

static void test_sysrq_keys_that_act(void **state)
{
    static const struct {
        const char *key;
        unsigned int reason;
        const char *line;
    } keys[] = {
        {"b", SHUTDOWN_reboot, "test-vm: control/sysrq: key b: reboot\n"},
        {"o", SHUTDOWN_poweroff, "test-vm: control/sysrq: key o: poweroff\n"},
        {"c", SHUTDOWN_crash, "test-vm: control/sysrq: key c: crash\n"},
    };
    struct fixture *f = *state;

    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        toolstack_write(f, "control/sysrq", keys[i].key);
        assert_key(f, "control/sysrq", "");
        assert_int_equal(f->ncalls, (int)i + 1);
        assert_int_equal(f->calls[i].reason, keys[i].reason);
        assert_logged(keys[i].line);
    }
    assert_logged("test-vm: control/sysrq: received \"b\", acked (wrote \"\")\n");
}

static void test_other_sysrq_keys_are_logged_and_ignored(void **state)
{
    struct fixture *f = *state;

    toolstack_write(f, "control/sysrq", "h");
    toolstack_write(f, "control/sysrq", "\x1b[2J");
    assert_key(f, "control/sysrq", "");
    assert_int_equal(f->ncalls, 0);
    assert_logged("test-vm: control/sysrq: key \"h\" ignored (only b, o and c do anything)\n");
    assert_logged(
        "test-vm: control/sysrq: key \"\\x1b[2J\" ignored (only b, o and c do anything)\n");
}

/* A pending onshutdown command is for control/shutdown only. */
static void test_a_pending_command_does_not_take_sysrq_over(void **state)
{
    struct fixture *f = *state;

    toolstack_write(f, "control/testing", "{\"when\":\"onshutdown\",\"action\":\"ignore\"}");
    toolstack_write(f, "control/sysrq", "o");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_poweroff);
    assert_key(f, "data/test-vm/pending",
               "{\"when\":\"onshutdown\",\"ack\":\"ok\",\"action\":\"ignore\"}");
}

static void test_a_sysrq_ack_that_fails_is_retried(void **state)
{
    struct fixture *f = *state;

    fxs_fail_next(f->fx, XS_WRITE, "ENOSPC");
    toolstack_write(f, "control/sysrq", "b");
    assert_logged("test-vm: control/sysrq: error: acking \"b\" failed (ENOSPC)\n");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_reboot);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        STARTED(test_sysrq_keys_that_act),
        STARTED(test_other_sysrq_keys_are_logged_and_ignored),
        STARTED(test_a_pending_command_does_not_take_sysrq_over),
        STARTED(test_a_sysrq_ack_that_fails_is_retried),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
