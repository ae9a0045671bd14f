/*
 * tests/bench/tools/bench_stats.h: the arithmetic of dom0's benchmark helper
 * (xsbench): percentiles and means of timed samples, and the figure lines
 * tests/bench/run collects.  Portable C11 (+ POSIX stdio): built into xsbench
 * for dom0 and into a cmocka unit test on the host.
 *
 * The line contract (docs/bench.md, "Size and speed"; tests/bench/run parses it):
 *     bench: FIGURE GUEST VALUE UNIT LABEL...
 *     bench-series: SERIES GUEST X Y
 * FIGURE and SERIES are [a-z0-9_]+, GUEST ours|linux|floor|dom0, VALUE a
 * number or "n/a", UNIT one token, LABEL the rest of the line.
 */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct bench_summary {
    size_t n;
    uint64_t min, max, mean, p50, p95, p99;
};

/* Sorts v (n samples) in place and fills s; false (s zeroed) if n is 0. */
bool bench_summarize(uint64_t *v, size_t n, struct bench_summary *s);

/*
 * The nearest-rank percentile of sorted samples: the smallest sample that at
 * least per_mille/1000 of them do not exceed (per_mille 500: the median,
 * 990: p99, 1000: the maximum).  0 if n is 0.
 */
uint64_t bench_percentile(const uint64_t *sorted, size_t n, unsigned per_mille);

/*
 * value / scale with one decimal, rounded half away from zero, into buf
 * ("1234.5"; "-0.3"); e.g. nanoseconds as microseconds with scale 1000.
 * Returns buf; "" if it does not fit.
 */
char *bench_decimal(char *buf, size_t size, int64_t value, uint64_t scale);

/* k / n with four decimals ("0.0010", "1.0000"), for a CDF's y; "" if n is 0. */
char *bench_fraction(char *buf, size_t size, size_t k, size_t n);

/* True if name is a FIGURE or SERIES name ([a-z0-9_]+), guest a GUEST. */
bool bench_valid_name(const char *name);
bool bench_valid_guest(const char *guest);

/*
 * Prints one "bench: ..." line to out (value NULL: "n/a").  False, printing
 * nothing, if a field breaks the contract (bad name or guest, a unit that is
 * not one token, a value with a space, an empty label or one with a newline).
 */
bool bench_figure(FILE *out, const char *figure, const char *guest, const char *value,
                  const char *unit, const char *label);

/* Prints one "bench-series: SERIES GUEST X Y" line; false as bench_figure. */
bool bench_series(FILE *out, const char *series, const char *guest, const char *x, const char *y);

#endif
