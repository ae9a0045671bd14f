/*
 * The VM's clock across a resume into a new domain on another host.  Xen's
 * pvclock is the host's system time (collect_time_info()), so a restore or
 * migration moves it, backwards too.  The VM's clock carries on from its
 * last reading instead (time_rebase()), so every deadline it keeps (the
 * watchdog's next pet, retries, delays) stays as far ahead as it was.
 */
#include "arch/xen_calls.h"
#include "drivers/pvclock.h"
#include "drivers/timer.h"
#include "kernel/power.h"
#include "kernel/watchdog.h"

#include "devices_fixture.h"
#include "sim/xen_sim_private.h"

#define HOUR_NS (3600ull * NS_PER_S)

/* A TSC one tick behind the record's timestamp reads as the record's time, not 2^64 ticks on. */
static void test_a_tsc_behind_the_record_reads_as_the_record(void **state)
{
    (void)state;
    struct vcpu_time_info t = {.tsc_timestamp = 1001,
                               .system_time = 1000 * NS_PER_S,
                               .tsc_to_system_mul = 0xcccccccd,
                               .tsc_shift = -1};
    assert_int_equal(pvclock_read_ns(&t, 1000), t.system_time);
    assert_int_equal(pvclock_read_ns(&t, 0), t.system_time);
    assert_true(pvclock_read_ns(&t, 1001 + 1000000) > t.system_time);
}

/* Suspend and resume into a new domain whose host's time is jump_ns off. */
static uint64_t migrate(int64_t jump_ns)
{
    uint64_t before = time_now_ns();
    xen_sim_set_resume_clock_jump(jump_ns);
    xen_sim_set_suspend_result(0);
    assert_int_equal(power_shutdown(&d, SHUTDOWN_suspend), 0);
    return before;
}

static void check_carries_on(int64_t jump_ns)
{
    xen_sim_advance_ns(2 * HOUR_NS);
    uint64_t before = migrate(jump_ns);
    uint64_t after = time_now_ns();
    assert_true(after >= before);
    assert_true(after - before < NS_PER_S);
    /* And it runs at the host's rate from there. */
    xen_sim_advance_ns(3 * NS_PER_S);
    uint64_t later = time_now_ns();
    assert_true(later - after >= 3 * NS_PER_S && later - after < 4 * NS_PER_S);
    assert_true(log_capture_contains("test-vm: timer: clock carried on at "));
}

static void test_the_clock_carries_on_on_a_host_an_hour_behind(void **state)
{
    (void)state;
    check_carries_on(-(int64_t)HOUR_NS);
}

static void test_the_clock_carries_on_on_a_host_an_hour_ahead(void **state)
{
    (void)state;
    check_carries_on((int64_t)HOUR_NS);
}

/* A wait for 5 ms after the jump lasts 5 ms of the new host's time, not an hour (or none). */
static void test_a_wait_after_the_jump_lasts_as_long_as_asked(void **state)
{
    (void)state;
    xen_sim_advance_ns(2 * HOUR_NS);
    migrate(-(int64_t)HOUR_NS);
    uint64_t t0 = xen_sim_now_ns(), deadline = time_now_ns() + 5 * NS_PER_MS;
    for (int i = 0; i < 100 && time_now_ns() < deadline; i++) /* events may end a wait early */
        assert_true(wait_for_event_until(deadline));
    uint64_t waited = xen_sim_now_ns() - t0;

    assert_true(waited >= 5 * NS_PER_MS && waited < 10 * NS_PER_MS);
}

/*
 * docs/protocol.md, "Watchdogs": after a restore "the next pet arms a new one, so for at
 * most N/2 s after a restore no watchdog runs", also when the new host's
 * time is an hour behind (before: the next pet came an hour late).
 */
static void test_the_watchdog_is_armed_again_within_half_its_timeout(void **state)
{
    (void)state;
    static struct watchdog wd;
    memset(&wd, 0, sizeof(wd));
    xen_sim_advance_ns(2 * HOUR_NS); /* the domain has run two hours when it is armed */
    assert_int_equal(watchdog_start(&wd, 4, time_now_ns()), 0);
    migrate(-(int64_t)HOUR_NS);
    assert_false(xen_sim_watchdog_armed(1)); /* the new domain has none */
    uint64_t t0 = xen_sim_now_ns();
    while (!xen_sim_watchdog_armed(1) && xen_sim_now_ns() - t0 < 60 * NS_PER_S) {
        uint64_t wake = watchdog_tick(&wd, time_now_ns(), time_now_ns() + 500 * NS_PER_MS);
        wait_for_event_until(wake);
    }
    assert_true(xen_sim_watchdog_armed(1));
    assert_true(xen_sim_now_ns() - t0 <= 2 * NS_PER_S + 10 * NS_PER_MS);
}

/*
 * A pvclock reading a little behind the last one (records are not exactly
 * monotonic under emulation), seconds after boot: the clock holds, it never
 * wraps to 2^64 - x.  (A boot that rebased the clock to 0 and then read 1 ms
 * behind made every deadline wrap: every xenstore request timed out at once,
 * and the lab saw VMs with no state.)  And a boot does not rebase the clock.
 */
static void test_a_reading_a_little_behind_holds_the_clock(void **state)
{
    (void)state;
    xen_sim_advance_ns(10 * NS_PER_S); /* Xen's system time is the host's: not 0 at boot */
    assert_int_equal(devices_bring_up(&d, DEVICES_VECTOR), 0);
    assert_false(log_capture_contains("clock carried on"));
    xen_sim_advance_ns(3 * NS_PER_S);
    uint64_t t1 = time_now_ns();
    xen_sim_update_time_record(); /* a record of now, then one 1 ms behind it */
    sim.record_ns -= NS_PER_MS;
    sim_publish_time_record();
    uint64_t t2 = time_now_ns();
    assert_true(t2 >= t1 && t2 - t1 < NS_PER_S);
    /* And deadlines from it do not wrap: a wait for 5 ms lasts about that. */
    uint64_t s0 = xen_sim_now_ns(), deadline = time_now_ns() + 5 * NS_PER_MS;
    for (int i = 0; i < 100 && time_now_ns() < deadline; i++)
        assert_true(wait_for_event_until(deadline));
    assert_true(xen_sim_now_ns() - s0 < 10 * NS_PER_MS);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, devices_up_setup, devices_teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_tsc_behind_the_record_reads_as_the_record),
        T(test_the_clock_carries_on_on_a_host_an_hour_behind),
        T(test_the_clock_carries_on_on_a_host_an_hour_ahead),
        T(test_a_wait_after_the_jump_lasts_as_long_as_asked),
        T(test_the_watchdog_is_armed_again_within_half_its_timeout),
        cmocka_unit_test_setup_teardown(test_a_reading_a_little_behind_holds_the_clock,
                                        devices_setup, devices_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
