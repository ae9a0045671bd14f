/*
 * drivers/timer.c: the pvclock arithmetic on its own (a table worked out
 * independently, with both shift signs and deltas whose product needs more
 * than 64 bits), the clock read through shared_info, and sleeping with a
 * one-shot timer against the simulated Xen.
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep */

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "arch/arch.h"
#include "drivers/events.h"
#include "drivers/timer.h"
#include "sim/log_capture.h"
#include "sim/xen_sim.h"

/* Expected values computed with arbitrary-precision integers (Python). */
static const struct pvclock_case {
    uint64_t tsc_timestamp, system_time;
    uint32_t mul;
    int8_t shift;
    uint64_t tsc, ns;
} cases[] = {
    /* mul 2^31 with shift 1 is exactly 1 ns a tick */
    {1000, 5000, 0x80000000u, 1, 124456, 128456},
    /* no delta: exactly system_time */
    {123, 456, 0x80000000u, 1, 123, 456},
    /* half a ns a tick: rounds down */
    {0, 0, 0x80000000u, 0, 1001, 500},
    /* negative shift: the delta is divided first */
    {0, 0, 0x80000000u, -2, 1000, 125},
    /* 2.5 GHz as Xen would describe it */
    {10, 7, 0xcccccccdu, -1, 2500000010ull, 1000000007ull},
    /* a day of a 3 GHz TSC: delta * mul is about 2^78 */
    {0, 0, 0xaaaaaaabu, -1, 259200000000000ull, 86400000010058ull},
    /* positive shift, slow TSC (100 MHz), 2^40 ticks */
    {0, 0, 0xa0000000u, 4, 1ull << 40, 10995116277760ull},
    /* system_time past 2^63 (unsigned all the way) */
    {5, 9223372036854788153ull, 0xffffffffu, 0, 1000000012ull, 9223372037854788159ull},
    /* the largest delta with the largest multiplier */
    {0, 0, 0xffffffffu, -5, UINT64_MAX, 576460752169205759ull},
    /*
     * A shift outside -63..63 (tsc_shift is an int8_t; shifting a 64-bit
     * value that far is undefined behaviour in C): every bit is shifted out,
     * as on a machine that shifted one bit at a time, leaving system_time.
     */
    {0, 77, 0x80000000u, 64, 1000, 77},
    {0, 77, 0x80000000u, 127, UINT64_MAX, 77},
    {0, 77, 0x80000000u, -64, UINT64_MAX, 77},
    {0, 77, 0x80000000u, -128, UINT64_MAX, 77},
    /* the largest shifts that are defined still work */
    {0, 0, 0x80000000u, 63, 1, 1ull << 62},
    {0, 0, 0x80000000u, -63, UINT64_MAX, 0},
};

static void test_pvclock_arithmetic(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct pvclock_case *c = &cases[i];
        struct vcpu_time_info t = {
            .tsc_timestamp = c->tsc_timestamp,
            .system_time = c->system_time,
            .tsc_to_system_mul = c->mul,
            .tsc_shift = c->shift,
        };
        uint64_t ns = pvclock_read_ns(&t, c->tsc);
        if (ns != c->ns) {
            print_error("case %zu: got %llu, want %llu\n", i, (unsigned long long)ns,
                        (unsigned long long)c->ns);
            fail();
        }
    }
}

static int setup(void **state)
{
    (void)state;
    xen_sim_reset();
    log_capture_start();
    assert_int_equal(events_init(0xf3), 0);
    return timer_init();
}

static int teardown(void **state)
{
    (void)state;
    log_capture_stop();
    return 0;
}

static void test_init_binds_virq_timer(void **state)
{
    (void)state;
    evtchn_port_t port = xen_sim_virq_port(VIRQ_TIMER);
    assert_int_not_equal(port, 0);
    assert_false(xen_sim_port_masked(port));
    char line[64];
    snprintf(line, sizeof(line), "VIRQ_TIMER on port %u, clock at 0 ms", port);
    assert_true(log_capture_contains(line));
}

static void test_init_failure_is_returned(void **state)
{
    (void)state;
    xen_sim_reset();
    assert_int_equal(events_init(0xf3), 0);
    xen_sim_fail_next(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, -ENOSPC);
    assert_int_equal(timer_init(), -ENOSPC);
}

static void test_clock_tracks_the_simulated_clock(void **state)
{
    (void)state;
    assert_int_equal(time_now_ns(), xen_sim_now_ns());

    xen_sim_advance_ns(1500 * NS_PER_MS);
    uint64_t now = time_now_ns();
    assert_int_equal(now, xen_sim_now_ns());
    assert_true(now >= 1500 * NS_PER_MS && now < 1500 * NS_PER_MS + 1000);

    /* Another TSC scale, with a positive shift: the reading follows the record. */
    xen_sim_set_tsc_scale(0xa0000000u, 4);
    assert_int_equal(time_now_ns(), now);
    xen_sim_advance_ns(3 * NS_PER_S);
    assert_int_equal(time_now_ns(), xen_sim_now_ns());
    assert_true(time_now_ns() >= now + 3 * NS_PER_S);

    /* A record refreshed by Xen does not move the clock. */
    uint64_t before = time_now_ns();
    xen_sim_update_time_record();
    assert_int_equal(time_now_ns(), before);
}

struct writer {
    struct vcpu_time_info *t;
    uint64_t tsc, ns;
};

/* Finishes an update Xen had started (version odd) after a short while. */
static void *finish_update(void *arg)
{
    struct writer *w = arg;
    struct timespec pause = {0, 20 * 1000 * 1000};
    nanosleep(&pause, NULL);
    w->t->tsc_timestamp = w->tsc;
    w->t->system_time = w->ns;
    __atomic_fetch_add(&w->t->version, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static void test_clock_waits_out_an_update_in_progress(void **state)
{
    (void)state;
    struct vcpu_time_info *t = &events_shared_info()->vcpu_info[0].time;
    /* Xen is half way through an update: odd version, fields not yet consistent. */
    __atomic_fetch_add(&t->version, 1, __ATOMIC_SEQ_CST);
    t->system_time = 999 * NS_PER_S;
    struct writer w = {t, arch_rdtsc(), 42 * NS_PER_S};

    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, finish_update, &w), 0);
    uint64_t now = time_now_ns();
    pthread_join(thread, NULL);
    assert_int_equal(now, 42 * NS_PER_S);
}

static void test_wait_until_a_deadline_fires_the_timer(void **state)
{
    (void)state;
    uint64_t fired = timer_fired();
    uint64_t deadline = time_now_ns() + 250 * NS_PER_MS;

    wait_for_event_until(deadline);
    assert_int_equal(timer_fired(), fired + 1);
    assert_int_equal(xen_sim_timer_fires(), 1);
    assert_false(xen_sim_timer_armed()); /* one-shot */
    uint64_t now = time_now_ns();
    assert_true(now >= deadline);
    assert_true(now < deadline + 1000); /* woke at the deadline, not later */
}

static void test_wait_with_a_past_deadline_returns_at_once(void **state)
{
    (void)state;
    xen_sim_advance_ns(NS_PER_S);
    uint64_t fired = timer_fired(), before = time_now_ns();
    wait_for_event_until(before - NS_PER_MS);
    assert_int_equal(timer_fired(), fired + 1);
    assert_int_equal(time_now_ns(), before); /* no time had to pass */
}

static unsigned int wakes;

static void count_wake(evtchn_port_t port, void *ctx)
{
    (void)port;
    (void)ctx;
    wakes++;
}

static void test_wait_forever_stops_the_timer(void **state)
{
    (void)state;
    struct vcpu_set_singleshot_timer t = {.timeout_abs_ns = NS_PER_S};
    assert_int_equal(hypercall_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t), 0);
    assert_true(xen_sim_timer_armed());

    /* An event is already pending, so the wait returns without the timer. */
    evtchn_port_t port = xen_sim_alloc_port();
    wakes = 0;
    assert_int_equal(events_bind(port, count_wake, NULL), 0);
    xen_sim_raise(port);
    uint64_t fired = timer_fired(), before = time_now_ns();
    wait_for_event_until(TIME_FOREVER);
    assert_false(xen_sim_timer_armed());
    assert_int_equal(xen_sim_calls(__HYPERVISOR_vcpu_op, VCPUOP_stop_singleshot_timer), 1);
    assert_int_equal(timer_fired(), fired);
    assert_int_equal(time_now_ns(), before);
    assert_int_equal(wakes, 1);
}

static evtchn_port_t wake_port;

static void waker(void *ctx)
{
    (void)ctx;
    xen_sim_raise(wake_port);
}

static void test_an_event_ends_the_wait_early(void **state)
{
    (void)state;
    wake_port = xen_sim_alloc_port();
    wakes = 0;
    assert_int_equal(events_bind(wake_port, count_wake, NULL), 0);
    assert_int_equal(xen_sim_register_backend(XEN_SIM_ANY_PORT, waker, NULL), 0);

    uint64_t fired = timer_fired(), before = time_now_ns();
    wait_for_event_until(before + 10 * NS_PER_S);
    assert_int_equal(wakes, 1);
    assert_int_equal(timer_fired(), fired);
    assert_int_equal(time_now_ns(), before);
}

/*
 * The lab's lost wake-up: a virtual CPU without STI's shadow delivers the
 * upcall of an event that arrives as the guest idles before the halt runs.
 * Returning onto the halt would sleep until the timer (a xenstore reply's
 * 5 s deadline); the upcall entry must resume past it instead.
 */
static void test_an_upcall_before_the_halt_still_ends_the_wait(void **state)
{
    (void)state;
    wake_port = xen_sim_alloc_port();
    wakes = 0;
    assert_int_equal(events_bind(wake_port, count_wake, NULL), 0);
    assert_int_equal(xen_sim_register_backend(XEN_SIM_ANY_PORT, waker, NULL), 0);
    xen_sim_lose_sti_shadow(true);

    uint64_t fired = timer_fired(), skips = events_halt_skips(), before = time_now_ns();
    wait_for_event_until(before + 5 * NS_PER_S);
    assert_int_equal(wakes, 1);
    assert_int_equal(timer_fired(), fired);
    assert_int_equal(time_now_ns(), before);
    assert_int_equal(events_halt_skips(), skips + 1);
}

/*
 * An event that came while the loop ran (interrupts off: evtchn_upcall_pending
 * set, the upcall not yet delivered) is handled by the wait itself, with
 * interrupts still off, without a halt.  (Xen would deliver it at the STI
 * anyway; handling it here costs nothing and needs no interrupt.)
 */
static void test_an_upcall_pending_at_the_wait_is_handled_without_halting(void **state)
{
    (void)state;
    jmp_buf hung;
    evtchn_port_t port = xen_sim_alloc_port();
    wakes = 0;
    assert_int_equal(events_bind(port, count_wake, NULL), 0);
    xen_sim_raise(port);

    unsigned long idles = xen_sim_idles();
    if (setjmp(hung))
        fail_msg("the wait halted with an upcall pending: %s", xen_sim_hang_message());
    xen_sim_catch_hang(&hung);
    wait_for_event_until(time_now_ns() + 5 * NS_PER_S);
    xen_sim_catch_hang(NULL);
    assert_int_equal(wakes, 1);
    assert_int_equal(xen_sim_idles(), idles);
}

/* With the shadow kept, the upcall comes as the halt runs: nothing to skip. */
static void test_an_upcall_during_the_halt_skips_nothing(void **state)
{
    (void)state;
    wake_port = xen_sim_alloc_port();
    wakes = 0;
    assert_int_equal(events_bind(wake_port, count_wake, NULL), 0);
    assert_int_equal(xen_sim_register_backend(XEN_SIM_ANY_PORT, waker, NULL), 0);

    uint64_t skips = events_halt_skips();
    wait_for_event_until(TIME_FOREVER);
    assert_int_equal(wakes, 1);
    assert_int_equal(events_halt_skips(), skips);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pvclock_arithmetic),
        cmocka_unit_test_setup_teardown(test_init_binds_virq_timer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init_failure_is_returned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clock_tracks_the_simulated_clock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clock_waits_out_an_update_in_progress, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_wait_until_a_deadline_fires_the_timer, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_wait_with_a_past_deadline_returns_at_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_wait_forever_stops_the_timer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_event_ends_the_wait_early, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_upcall_before_the_halt_still_ends_the_wait, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_an_upcall_during_the_halt_skips_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_an_upcall_pending_at_the_wait_is_handled_without_halting, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
