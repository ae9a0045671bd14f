/*
 * Shared by the test_xenstore*.c files: a client wired to a fake_xenstored
 * serving domain 7, with the kernel log captured (sim/log_capture.h).
 */
#ifndef TEST_XENSTORE_FIXTURE_H
#define TEST_XENSTORE_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/xenstore/xenstore.h"
#include "sim/fake_xenstored.h"
#include "sim/log_capture.h"
#include "sim/sim_xenstore.h"

#define FIXTURE_DOMID 7

struct fixture {
    struct fake_xenstored *fx;
    struct ring_transport transport;
    struct xenstore xs;
};

static inline int fixture_setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->fx = sim_xenstore_client(FIXTURE_DOMID, &f->transport, &f->xs);
    /* The client's tests send values up to a whole payload, past xenstored's node quota. */
    fxs_set_guest_quotas(f->fx, false);
    log_capture_start();
    *state = f;
    return 0;
}

static inline int fixture_teardown(void **state)
{
    struct fixture *f = *state;
    log_capture_stop();
    fxs_destroy(f->fx);
    free(f);
    return 0;
}

/*
 * The next watch event, letting the server deliver what it has (in as many
 * runs as its chunk size needs); false once nothing more is coming.
 */
static inline bool next_event(struct fixture *f, struct xenstore_watch_event *ev)
{
    for (;;) {
        if (xenstore_next_watch_event(&f->xs, ev))
            return true;
        if (!fxs_run(f->fx))
            return false;
    }
}

static inline void expect_event(struct fixture *f, const char *path, const char *token)
{
    struct xenstore_watch_event ev;
    assert_true(next_event(f, &ev));
    assert_string_equal(ev.path, path);
    assert_string_equal(ev.token, token);
}

static inline void expect_no_event(struct fixture *f)
{
    struct xenstore_watch_event ev;
    bool got = next_event(f, &ev);
    if (got)
        fail_msg("unexpected watch event %s (token %s)", ev.path, ev.token);
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)

#endif
