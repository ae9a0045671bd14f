/*
 * fxs_snapshot()/fxs_restore() (tests/sim/fake_xenstored.h): fuzz_control
 * boots the VM once and puts the fake xenstored back after every input, so
 * whatever an input changed (keys, counters, the clock, faults armed, output
 * not yet delivered) must be gone, and a client copied at the snapshot must
 * go on talking to it.  ASan's leak check sees that restoring frees what the
 * input allocated.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/xenstore/xenstore.h"
#include "sim/fake_xenstored.h"
#include "sim/sim_xenstore.h"

static void a_restore_undoes_what_happened_since_the_snapshot(void **state)
{
    (void)state;
    static struct xenstore xs, booted_xs;
    struct ring_transport t;
    struct fake_xenstored *fx = sim_xenstore_client(7, &t, &xs);
    assert_int_equal(xenstore_write(&xs, 0, "data/kept", "1"), 0);
    unsigned int writes = fxs_request_count(fx, XS_WRITE);
    uint64_t clock = fxs_now_ns(fx);

    struct fxs_snapshot *snap = fxs_snapshot(fx);
    booted_xs = xs;
    for (int round = 0; round < 2; round++) {
        assert_int_equal(xenstore_write(&xs, 0, "data/new", "2"), 0);
        assert_int_equal(xenstore_rm(&xs, 0, "data/kept"), 0);
        assert_int_equal(fxs_write(fx, "control/shutdown", "poweroff"), 0);
        fxs_fail_next(fx, XS_READ, "EIO");
        fxs_inject_message(fx, XS_WATCH_EVENT, 0, "x\0t", 4);
        fxs_advance_clock(fx, 5000000000ull);

        fxs_restore(fx, snap);
        xs = booted_xs;
        assert_string_equal(fxs_read(fx, "data/kept"), "1");
        assert_null(fxs_read(fx, "data/new"));
        assert_null(fxs_read(fx, "control/shutdown"));
        assert_int_equal(fxs_request_count(fx, XS_WRITE), writes);
        assert_int_equal(fxs_now_ns(fx), clock);
        assert_int_equal(fxs_pending_output(fx), 0);

        /* The copied client goes on: no fault armed, no stray event. */
        char buf[16];
        assert_int_equal(xenstore_read(&xs, 0, "data/kept", buf, sizeof(buf)), 1);
        assert_string_equal(buf, "1");
        fxs_restore(fx, snap);
        xs = booted_xs;
    }
    fxs_snapshot_free(snap);
    fxs_destroy(fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_restore_undoes_what_happened_since_the_snapshot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
