/*
 * Shared by the test_control*.c files: the control interpreter with the real
 * xenstore client, a fake_xenstored serving domain 7 (the toolstack side),
 * a recording struct control_power, and the kernel log captured.
 */
#ifndef CONTROL_FIXTURE_H
#define CONTROL_FIXTURE_H

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
#include "kernel/control/control.h"
#include "kernel/loop.h"
#include "kernel/vm.h"
#include "lib/printk.h"
#include "sim/fake_xenstored.h"
#include "sim/sim_xenstore.h"
#include "sim/log_capture.h"
#include "sim/sim_random.h"

#define FIXTURE_DOMID 7
#define RESUME_DOMID  12
#define MAX_CALLS     8

/* The misbehaviours, recorded as power calls with these pseudo-reasons. */
#define CALL_HANG         100
#define CALL_WATCHDOG     101
#define CALL_FAULT        102
#define CALL_TRIPLE_FAULT 103

/* One call of power->shutdown (or a misbehaviour), with what xenstore showed at that moment. */
struct power_call {
    unsigned int reason;    /* SHUTDOWN_*, or CALL_* */
    unsigned int timeout_s; /* CALL_WATCHDOG */
    char state[32];         /* data/test-vm/state */
    char last_action[16];   /* data/test-vm/last-action */
    char shutdown[64];      /* control/shutdown, or "(absent)" */
};

struct fixture {
    struct fake_xenstored *fx;
    struct ring_transport transport;
    struct xenstore xs;
    struct control control;
    struct control_config config;
    struct vm vm; /* started over control and xs by start(), as the kernel does */

    struct power_call calls[MAX_CALLS];
    int ncalls;
    int suspend_result; /* what SHUTDOWN_suspend returns (0: resumed) */
    bool resume_same;   /* with 0: a resume of the same domain (non-cooperative) */
    /* The suspend event channel the fake power hands out, and dom0's notification. */
    uint32_t evtchn_port;
    bool evtchn_notified;
    unsigned int evtchn_allocs;
    /* With 0: the toolstack writes this to control/shutdown while the VM is suspended. */
    const char *request_during_suspend;
    int shutdown_result; /* what the other reasons return */
    /*
     * pump() does not sleep to a deadline this far away or further (0: any): with
     * the agent's refresh or a heartbeat there is always one.  advance() moves on.
     */
    uint64_t pump_limit_ns;
    unsigned int keepalives; /* power.keepalive calls (a long step's pets) */
};

static inline void copy_key(struct fixture *f, const char *path, char *out, size_t len)
{
    const char *v = fxs_read(f->fx, path);
    snprintf(out, len, "%s", v ? v : "(absent)");
}

/*
 * The recording power.  SHUTDOWN_suspend with suspend_result 0 does what the
 * kernel does on resume in a new domain: a new domid, a xenstore directory
 * without the guest's own keys, watches registered again.
 */
static inline int record_shutdown(void *ctx, unsigned int reason)
{
    struct fixture *f = ctx;
    assert_true(f->ncalls < MAX_CALLS);
    struct power_call *call = &f->calls[f->ncalls++];
    call->reason = reason;
    copy_key(f, "data/test-vm/state", call->state, sizeof(call->state));
    copy_key(f, "data/test-vm/last-action", call->last_action, sizeof(call->last_action));
    copy_key(f, "control/shutdown", call->shutdown, sizeof(call->shutdown));

    if (reason == SHUTDOWN_soft_reset && f->shutdown_result == 0) {
        /* Reset in place (xenopsd): the same domid, the connection afresh, the watches gone. */
        fxs_set_domid(f->fx, FIXTURE_DOMID);
        xenstore_resume(&f->xs, fxs_ring(f->fx), false);
        return 0;
    }
    if (reason != SHUTDOWN_suspend)
        return f->shutdown_result;
    if (f->suspend_result == 0 && f->resume_same) {
        /* Same domain, same connection: xenstored kept our keys and watches. */
        if (f->request_during_suspend)
            fxs_write(f->fx, "control/shutdown", f->request_during_suspend);
        xenstore_resume(&f->xs, fxs_ring(f->fx), true);
    } else if (f->suspend_result == 0) {
        fxs_set_domid(f->fx, RESUME_DOMID);
        fxs_rm(f->fx, "data");
        fxs_rm(f->fx, "control");
        fxs_rm(f->fx, "attr");
        if (f->request_during_suspend)
            fxs_write(f->fx, "control/shutdown", f->request_during_suspend);
        xenstore_resume(&f->xs, fxs_ring(f->fx), false);
    }
    return f->suspend_result;
}

static inline void record_hang(void *ctx)
{
    record_shutdown(ctx, CALL_HANG);
}

static inline int record_watchdog(void *ctx, unsigned int timeout_s)
{
    struct fixture *f = ctx;
    record_shutdown(ctx, CALL_WATCHDOG);
    f->calls[f->ncalls - 1].timeout_s = timeout_s;
    return 0;
}

static inline void record_fault(void *ctx)
{
    record_shutdown(ctx, CALL_FAULT);
}

static inline void record_triple_fault(void *ctx)
{
    record_shutdown(ctx, CALL_TRIPLE_FAULT);
}

static inline int fake_suspend_channel(void *ctx, uint32_t *port)
{
    struct fixture *f = ctx;
    f->evtchn_allocs++;
    *port = f->evtchn_port;
    return 0;
}

static inline bool fake_suspend_notified(void *ctx)
{
    struct fixture *f = ctx;
    bool n = f->evtchn_notified;
    f->evtchn_notified = false;
    return n;
}

static inline uint64_t fixture_now_ns(void *ctx);

static inline void record_keepalive(void *ctx)
{
    ((struct fixture *)ctx)->keepalives++;
}

/* Power that records every call; the clock is the fake xenstored's. */
static inline struct control_power fixture_power(struct fixture *f)
{
    return (struct control_power){
        .shutdown = record_shutdown,
        .now_ns = fixture_now_ns,
        .hang = record_hang,
        .watchdog = record_watchdog,
        .fault = record_fault,
        .triple_fault = record_triple_fault,
        .suspend_channel = fake_suspend_channel,
        .suspend_notified = fake_suspend_notified,
        .keepalive = record_keepalive,
        .ctx = f,
    };
}

static inline int fixture_setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->fx = sim_xenstore_client(FIXTURE_DOMID, &f->transport, &f->xs);
    f->suspend_result = 1;
    f->evtchn_port = 33;
    sim_random_set(true, 1);
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

static inline uint64_t fixture_now_ns(void *ctx)
{
    return fxs_now_ns(((struct fixture *)ctx)->fx);
}

/*
 * Run the kernel's main loop (vm_turn) until nothing is left to do but the
 * idle check (which is always scheduled): the server idle and no retry,
 * delayed step or periodic work scheduled.  Sleeping until one is due moves
 * the fake clock there (and runs the idle checks due on the way).
 */
static inline void pump(struct fixture *f)
{
    for (int i = 0; i < 10000; i++) {
        uint64_t until = vm_turn(&f->vm);
        if (until == LOOP_AGAIN || fxs_run(f->fx))
            continue;
        if (until == CONTROL_NO_DEADLINE ||
            control_work_deadline(&f->control) == CONTROL_NO_DEADLINE)
            return;
        uint64_t now = fxs_now_ns(f->fx);
        if (f->pump_limit_ns && until >= now + f->pump_limit_ns)
            return;
        if (until > now)
            fxs_advance_clock(f->fx, until - now);
    }
    fail_msg("the main loop never runs out of work");
}

/* Let ms pass on the VM's clock, running the main loop at every deadline on the way. */
static inline void advance(struct fixture *f, uint64_t ms)
{
    uint64_t end = fxs_now_ns(f->fx) + ms * 1000000u;
    for (int i = 0; i < 100000; i++) {
        pump(f);
        uint64_t now = fxs_now_ns(f->fx);
        uint64_t next = control_next_deadline(&f->control);
        if (next > end) {
            if (end > now)
                fxs_advance_clock(f->fx, end - now);
            pump(f);
            return;
        }
        if (next > now)
            fxs_advance_clock(f->fx, next - now);
    }
    fail_msg("advance() never reaches its end");
}

static inline int start(struct fixture *f)
{
    struct control_power power = fixture_power(f);
    int err = vm_start(&f->vm, &f->control, &f->xs, &power, &f->config, 0);
    pump(f);
    return err;
}

/* A cmocka test that runs on a fixture that has booted (started_setup). */
#define STARTED(t) cmocka_unit_test_setup_teardown(t, started_setup, fixture_teardown)

/* A fixture that has booted, with an empty log. */
static inline int started_setup(void **state)
{
    fixture_setup(state);
    struct fixture *f = *state;
    assert_int_equal(start(f), 0);
    log_capture_clear();
    return 0;
}

/* The toolstack writes a key, and the VM handles what follows. */
static inline void toolstack_write(struct fixture *f, const char *path, const char *value)
{
    assert_int_equal(fxs_write(f->fx, path, value), 0);
    pump(f);
}

#define assert_key(f, path, expected)                                                              \
    do {                                                                                           \
        const char *v_ = fxs_read((f)->fx, (path));                                                \
        const char *e_ = (expected);                                                               \
        if (e_ == NULL)                                                                            \
            assert_null(v_);                                                                       \
        else {                                                                                     \
            assert_non_null(v_);                                                                   \
            assert_string_equal(v_, e_);                                                           \
        }                                                                                          \
    } while (0)

static inline void check_logged(bool want, const char *text, const char *file, int line)
{
    if (log_capture_contains(text) != want) {
        print_error("%s the console: %s\n--- console:\n%s---\n",
                    want ? "missing from" : "unexpected on", text, log_capture_text());
        _fail(file, line);
    }
}

/* A console line (or part of one) was printed, or was not. */
#define assert_logged(text)     check_logged(true, (text), __FILE__, __LINE__)
#define assert_not_logged(text) check_logged(false, (text), __FILE__, __LINE__)

#endif
