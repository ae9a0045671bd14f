/*
 * drivers/vm_clock.c: the VM's clock made from Xen's system time.  What a
 * tester relies on: it never goes backwards (not even by wrapping, near 0),
 * it carries on from its last reading after a resume whatever the system
 * time did, and Xen's one-shot timer is set the same distance ahead.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "drivers/vm_clock.h"

#define MS   1000000ull
#define HOUR (3600ull * 1000 * MS)

static void test_reads_system_time_until_a_rebase(void **state)
{
    (void)state;
    struct vm_clock c = {0, 0};
    assert_int_equal(vm_clock_read(&c, 5 * MS), 5 * MS);
    assert_int_equal(vm_clock_read(&c, 9 * MS), 9 * MS);
}

/* 866f152: a reading 1 ms behind the last, near 0, held the clock at 2^64 - x. */
static void test_a_reading_behind_the_last_holds_the_clock(void **state)
{
    (void)state;
    struct vm_clock c = {0, 0};
    assert_int_equal(vm_clock_read(&c, 2 * MS), 2 * MS);
    assert_int_equal(vm_clock_read(&c, 1 * MS), 2 * MS);
    assert_int_equal(vm_clock_read(&c, 0), 2 * MS);
    assert_int_equal(vm_clock_read(&c, 3 * MS), 3 * MS);
}

static void test_carries_on_after_system_time_went_backwards(void **state)
{
    (void)state;
    struct vm_clock c = {0, 0};
    vm_clock_read(&c, 5 * HOUR);
    assert_true(vm_clock_rebase(&c, 2 * HOUR) == -(int64_t)(3 * HOUR));
    assert_int_equal(vm_clock_read(&c, 2 * HOUR), 5 * HOUR);
    assert_int_equal(vm_clock_read(&c, 2 * HOUR + 7 * MS), 5 * HOUR + 7 * MS);
}

static void test_carries_on_after_system_time_jumped_ahead_or_restarted(void **state)
{
    (void)state;
    struct vm_clock c = {0, 0};
    vm_clock_read(&c, 10 * MS);
    assert_true(vm_clock_rebase(&c, 24 * HOUR) == (int64_t)(24 * HOUR - 10 * MS));
    /* A reading 20 ms behind the rebase would be 2^64 - 10 ms unsigned: held instead. */
    assert_int_equal(vm_clock_read(&c, 24 * HOUR - 20 * MS), 10 * MS);
    assert_int_equal(vm_clock_read(&c, 24 * HOUR + MS), 11 * MS);
    /* A host booted just now: system time 0. */
    assert_true(vm_clock_rebase(&c, 0) < 0);
    assert_int_equal(vm_clock_read(&c, 0), 11 * MS);
    assert_int_equal(vm_clock_read(&c, MS), 12 * MS);
}

static void test_no_jump_is_reported_as_none(void **state)
{
    (void)state;
    struct vm_clock c = {0, 0};
    vm_clock_read(&c, 8 * MS);
    assert_int_equal(vm_clock_rebase(&c, 8 * MS), 0);
    assert_int_equal(vm_clock_read(&c, 9 * MS), 9 * MS);
}

static void test_system_deadline_is_the_same_distance_ahead(void **state)
{
    (void)state;
    struct vm_clock c = {0, 0};
    vm_clock_read(&c, 5 * HOUR);
    vm_clock_rebase(&c, 2 * HOUR); /* the clock reads 3 h ahead of system time */
    assert_int_equal(vm_clock_system_deadline(&c, 2 * HOUR, 5 * HOUR + 40 * MS),
                     2 * HOUR + 40 * MS);
    /* Past (or now): at once, never a wrapped distance. */
    assert_int_equal(vm_clock_system_deadline(&c, 2 * HOUR, 5 * HOUR - MS), 2 * HOUR);
    assert_int_equal(vm_clock_system_deadline(&c, 2 * HOUR, 0), 2 * HOUR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_system_time_until_a_rebase),
        cmocka_unit_test(test_a_reading_behind_the_last_holds_the_clock),
        cmocka_unit_test(test_carries_on_after_system_time_went_backwards),
        cmocka_unit_test(test_carries_on_after_system_time_jumped_ahead_or_restarted),
        cmocka_unit_test(test_no_jump_is_reported_as_none),
        cmocka_unit_test(test_system_deadline_is_the_same_distance_ahead),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
