/*
 * The control interpreter's control/testing commands under floods and races
 * (kernel/control/control_testing.c): writes that pile up, an ack that meets
 * a new command, EACCES on the ack, the command read as it was counted.  The
 * commands themselves: test_control_testing.c.
 */
#include "control_fixture.h"

#define REBOOT_ON_SHUTDOWN "{\"when\":\"onshutdown\",\"ack\":\"ok\",\"action\":\"reboot\"}"

/* Many commands written faster than the VM reads them: the last one wins. */
static void test_flood_keeps_last_command(void **state)
{
    struct fixture *f = *state;
    char cmd[128];

    fxs_set_chunk(f->fx, 7); /* and the events arrive in small pieces */
    for (int i = 0; i < 200; i++) {
        snprintf(cmd, sizeof(cmd),
                 "{\"when\":\"onshutdown\",\"ack\":\"flood-%d\",\"action\":\"%s\"}", i,
                 i % 2 ? "crash" : "reboot");
        assert_int_equal(fxs_write(f->fx, "control/testing", cmd), 0);
        if (i % 50 == 0)
            pump(f);
    }
    pump(f);

    assert_key(f, "data/test-vm/pending", cmd);
    assert_key(f, "data/test-vm/last-command", cmd);
    assert_key(f, "control/testing", "");
    assert_key(f, "data/test-vm/errors", "0");
    toolstack_write(f, "control/shutdown", "poweroff");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_crash);
    assert_key(f, "control/shutdown", "flood-199");
}

/* A command written between our read and our ack is not wiped out by the ack. */
static void test_command_written_during_ack(void **state)
{
    struct fixture *f = *state;
    struct fxs_write_before_commit write_command = {"control/testing",
                                                    "{\"when\":\"now\",\"action\":\"crash\"}", 1};

    fxs_set_reply_hook(f->fx, fxs_write_before_commit_hook, &write_command);
    toolstack_write(f, "control/testing", "{\"when\":\"now\",\"action\":\"reboot\"}");
    fxs_set_reply_hook(f->fx, NULL, NULL);

    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_crash);
    assert_not_logged("reboot");
    assert_key(f, "data/test-vm/commands", "1");
}

static void test_ack_retried_on_eagain(void **state)
{
    struct fixture *f = *state;

    fxs_fail_next(f->fx, XS_TRANSACTION_END, "EAGAIN");
    toolstack_write(f, "control/testing", REBOOT_ON_SHUTDOWN);
    assert_key(f, "control/testing", "");
    assert_key(f, "data/test-vm/pending", REBOOT_ON_SHUTDOWN);
    assert_int_equal(log_capture_count("accepted"), 1);
}

#define ACK_EACCES_LINE                                                                            \
    "control/testing: error: acking it failed (EACCES): the VM cannot write control/testing; "     \
    "make it writable by this domain (xenstore-chmod KEY n<domid>)"

/* EACCES, as with xl when dom0 made the key: the line says what to do about it. */
static void test_ack_fails(void **state)
{
    struct fixture *f = *state;

    toolstack_write(f, "control/testing", REBOOT_ON_SHUTDOWN);
    fxs_fail_next(f->fx, XS_WRITE, "EACCES");
    toolstack_write(f, "control/testing", "{\"when\":\"now\",\"action\":\"poweroff\"}");

    assert_int_equal(f->ncalls, 0);
    assert_key(f, "data/test-vm/last-error", ACK_EACCES_LINE);
    assert_key(f, "data/test-vm/errors", "1");
    assert_int_equal(log_capture_count("test-vm: " ACK_EACCES_LINE "\n"), 1);
    assert_key(f, "data/test-vm/pending", REBOOT_ON_SHUTDOWN);
    assert_key(f, "control/testing", "{\"when\":\"now\",\"action\":\"poweroff\"}");
    assert_not_logged("received {\"when\":\"now\"");
}

/* The commit refused with EACCES is the same failure to ack. */
static void test_ack_commit_fails_with_eacces(void **state)
{
    struct fixture *f = *state;

    fxs_fail_next(f->fx, XS_TRANSACTION_END, "EACCES");
    toolstack_write(f, "control/testing", "{\"when\":\"now\",\"action\":\"poweroff\"}");

    assert_int_equal(f->ncalls, 0);
    assert_key(f, "data/test-vm/last-error", ACK_EACCES_LINE);
    assert_not_logged("accepted");
}

/* Other errors get no hint. */
static void test_ack_fails_otherwise(void **state)
{
    struct fixture *f = *state;

    fxs_fail_next(f->fx, XS_WRITE, "ENOSPC");
    toolstack_write(f, "control/testing", "{\"when\":\"now\",\"action\":\"poweroff\"}");

    assert_key(f, "data/test-vm/last-error", "control/testing: error: acking it failed (ENOSPC)");
    assert_not_logged("xenstore-chmod");
    /* Not lost: read again after a back-off, acked and carried out. */
    assert_logged("test-vm: control/testing: reading it again in 100 ms\n");
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(f->calls[0].reason, SHUTDOWN_poweroff);
    assert_key(f, "control/testing", "");
}

/* Nor does a failed read: the hint is about writing. */
static void test_read_fails_with_eacces(void **state)
{
    struct fixture *f = *state;

    fxs_fail_next(f->fx, XS_READ, "EACCES");
    toolstack_write(f, "control/testing", "{\"when\":\"now\",\"action\":\"poweroff\"}");

    assert_int_equal(f->ncalls, 0);
    assert_key(f, "data/test-vm/last-error", "control/testing: error: reading it failed (EACCES)");
}

/* Records, for each write of data/test-vm/commands, what last-command held then. */
static bool last_command_when_counted(struct fake_xenstored *fx, const struct xsd_sockmsg *req,
                                      const char *payload, void *ctx)
{
    if (req->type == XS_WRITE && strcmp(payload, "data/test-vm/commands") == 0) {
        const char *v = fxs_read(fx, "data/test-vm/last-command");
        snprintf(ctx, 128, "%s", v ? v : "(absent)");
    }
    return false;
}

/*
 * test-vm-ctl waits for commands to go up, then reads last-command: the VM
 * writes the text first and the counter last, or a tester reads the
 * previous command.
 */
static void test_the_counter_comes_after_the_command_text(void **state)
{
    struct fixture *f = *state;
    char seen[128] = "";
    fxs_set_reply_hook(f->fx, last_command_when_counted, seen);
    toolstack_write(f, "control/testing", "{\"when\":\"onshutdown\",\"action\":\"reboot\"}");
    assert_string_equal(seen, "{\"when\":\"onshutdown\",\"ack\":\"ok\",\"action\":\"reboot\"}");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        STARTED(test_the_counter_comes_after_the_command_text),
        STARTED(test_flood_keeps_last_command),
        STARTED(test_command_written_during_ack),
        STARTED(test_ack_retried_on_eagain),
        STARTED(test_ack_fails),
        STARTED(test_ack_commit_fails_with_eacces),
        STARTED(test_ack_fails_otherwise),
        STARTED(test_read_fails_with_eacces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
