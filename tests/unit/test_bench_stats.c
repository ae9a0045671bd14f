/*
 * tests/bench/tools/bench_stats.c: the percentiles, means and figure lines
 * that dom0's xsbench prints for make bench.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bench/tools/bench_stats.h"

static void test_percentiles_nearest_rank(void **state)
{
    (void)state;
    /* 1..1000 shuffled: p50 is the 500th, p95 the 950th, p99 the 990th. */
    uint64_t v[1000];
    for (size_t i = 0; i < 1000; i++)
        v[i] = (i * 7919) % 1000 + 1;
    struct bench_summary s;
    assert_true(bench_summarize(v, 1000, &s));
    assert_int_equal(s.n, 1000);
    assert_int_equal(s.min, 1);
    assert_int_equal(s.max, 1000);
    assert_int_equal(s.p50, 500);
    assert_int_equal(s.p95, 950);
    assert_int_equal(s.p99, 990);
    assert_int_equal(s.mean, 501); /* 500.5, rounded half up */
    for (size_t i = 1; i < 1000; i++)
        assert_true(v[i - 1] <= v[i]);

    /* Few samples: the rank rounds up, and never below the first. */
    uint64_t five[] = {50, 10, 40, 20, 30};
    assert_true(bench_summarize(five, 5, &s));
    assert_int_equal(s.p50, 30);
    assert_int_equal(s.p95, 50);
    assert_int_equal(s.p99, 50);
    assert_int_equal(s.mean, 30);
    assert_int_equal(bench_percentile(five, 5, 0), 10);
    assert_int_equal(bench_percentile(five, 5, 200), 10);
    assert_int_equal(bench_percentile(five, 5, 201), 20);
    assert_int_equal(bench_percentile(five, 5, 1000), 50);
    assert_int_equal(bench_percentile(five, 5, 5000), 50);
}

static void test_one_and_none(void **state)
{
    (void)state;
    uint64_t one = 42;
    struct bench_summary s;
    assert_true(bench_summarize(&one, 1, &s));
    assert_int_equal(s.min, 42);
    assert_int_equal(s.p50, 42);
    assert_int_equal(s.p99, 42);
    assert_int_equal(s.max, 42);
    assert_int_equal(s.mean, 42);
    assert_false(bench_summarize(&one, 0, &s));
    assert_int_equal(s.n, 0);
    assert_int_equal(bench_percentile(&one, 0, 500), 0);

    /* A skewed set: one outlier moves the mean and the max, not p50. */
    uint64_t skew[100];
    for (size_t i = 0; i < 100; i++)
        skew[i] = 1000;
    skew[37] = 100000;
    assert_true(bench_summarize(skew, 100, &s));
    assert_int_equal(s.p50, 1000);
    assert_int_equal(s.p99, 1000);
    assert_int_equal(s.max, 100000);
    assert_int_equal(s.mean, 1990);
}

static void test_decimal(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(bench_decimal(buf, sizeof(buf), 1234567, 1000), "1234.6");
    assert_string_equal(bench_decimal(buf, sizeof(buf), 1234549, 1000), "1234.5");
    assert_string_equal(bench_decimal(buf, sizeof(buf), 999950, 1000000), "1.0");
    assert_string_equal(bench_decimal(buf, sizeof(buf), 0, 1000), "0.0");
    assert_string_equal(bench_decimal(buf, sizeof(buf), 49, 1000), "0.0");
    assert_string_equal(bench_decimal(buf, sizeof(buf), 50, 1000), "0.1");
    assert_string_equal(bench_decimal(buf, sizeof(buf), -250, 1000), "-0.3");
    assert_string_equal(bench_decimal(buf, sizeof(buf), -40, 1000), "0.0");
    assert_string_equal(bench_decimal(buf, sizeof(buf), 7, 1), "7.0");
    assert_string_equal(bench_decimal(buf, sizeof(buf), INT64_MIN, 1000000000), "-9223372036.9");
    assert_string_equal(bench_decimal(buf, 4, 1234567, 1000), "");

    assert_string_equal(bench_fraction(buf, sizeof(buf), 1, 1000), "0.0010");
    assert_string_equal(bench_fraction(buf, sizeof(buf), 1000, 1000), "1.0000");
    assert_string_equal(bench_fraction(buf, sizeof(buf), 1, 3), "0.3333");
    assert_string_equal(bench_fraction(buf, sizeof(buf), 2, 3), "0.6667");
    assert_string_equal(bench_fraction(buf, sizeof(buf), 1, 0), "");
}

/* What bench_figure/bench_series printed, via a memory stream. */
static char printed[512];
static FILE *stream(void)
{
    memset(printed, 0, sizeof(printed));
    FILE *f = fmemopen(printed, sizeof(printed), "w");
    assert_non_null(f);
    return f;
}

static void test_figure_lines(void **state)
{
    (void)state;
    FILE *f = stream();
    assert_true(bench_figure(f, "latency_command_p50_us", "ours", "812.4", "us",
                             "control/testing write -> ack, p50"));
    assert_true(bench_figure(f, "boot_us", "linux", NULL, "us", "entry -> ready"));
    assert_true(bench_series(f, "latency_sysrq", "floor", "120.5", "0.5000"));
    fclose(f);
    assert_string_equal(printed,
                        "bench: latency_command_p50_us ours 812.4 us control/testing write -> "
                        "ack, p50\n"
                        "bench: boot_us linux n/a us entry -> ready\n"
                        "bench-series: latency_sysrq floor 120.5 0.5000\n");
}

static void test_figure_contract(void **state)
{
    (void)state;
    FILE *f = stream();
    assert_false(bench_figure(f, "Latency", "ours", "1", "us", "x"));
    assert_false(bench_figure(f, "latency-p50", "ours", "1", "us", "x"));
    assert_false(bench_figure(f, "", "ours", "1", "us", "x"));
    assert_false(bench_figure(f, "a", "xen", "1", "us", "x"));
    assert_false(bench_figure(f, "a", "ours", "1 2", "us", "x"));
    assert_false(bench_figure(f, "a", "ours", "1", "m s", "x"));
    assert_false(bench_figure(f, "a", "ours", "1", "", "x"));
    assert_false(bench_figure(f, "a", "ours", "1", "us", ""));
    assert_false(bench_figure(f, "a", "ours", "1", "us", "two\nlines"));
    assert_false(bench_series(f, "a", "dom0", "1", "2\t"));
    assert_false(bench_series(f, "a", NULL, "1", "2"));
    fclose(f);
    assert_string_equal(printed, "");
    assert_true(bench_valid_guest("dom0"));
    assert_false(bench_valid_guest("Ours"));
    assert_true(bench_valid_name("storm_ready_ms_2"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_percentiles_nearest_rank),
        cmocka_unit_test(test_one_and_none),
        cmocka_unit_test(test_decimal),
        cmocka_unit_test(test_figure_lines),
        cmocka_unit_test(test_figure_contract),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
