/*
 * tests/bench/tools/bench_stats.c: percentiles, means and figure lines for
 * xsbench (see bench_stats.h).  Integer arithmetic only, so that dom0 and the
 * host unit test print the same digits.
 */
#include "bench_stats.h"

#include <stdlib.h>
#include <string.h>

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

uint64_t bench_percentile(const uint64_t *sorted, size_t n, unsigned per_mille)
{
    if (n == 0)
        return 0;
    if (per_mille > 1000)
        per_mille = 1000;
    /* Nearest rank: ceil(per_mille * n / 1000), at least the first. */
    size_t rank = ((size_t)per_mille * n + 999) / 1000;
    if (rank == 0)
        rank = 1;
    return sorted[rank - 1];
}

bool bench_summarize(uint64_t *v, size_t n, struct bench_summary *s)
{
    memset(s, 0, sizeof(*s));
    if (n == 0)
        return false;
    qsort(v, n, sizeof(*v), compare_u64);
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    s->n = n;
    s->min = v[0];
    s->max = v[n - 1];
    s->mean = (sum + n / 2) / n;
    s->p50 = bench_percentile(v, n, 500);
    s->p95 = bench_percentile(v, n, 950);
    s->p99 = bench_percentile(v, n, 990);
    return true;
}

char *bench_decimal(char *buf, size_t size, int64_t value, uint64_t scale)
{
    if (scale == 0)
        scale = 1;
    bool negative = value < 0;
    /* The magnitude, also for INT64_MIN. */
    uint64_t magnitude = negative ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    /* Tenths, rounded half away from zero; magnitude / scale first so that
     * large values do not overflow the * 10. */
    uint64_t whole = magnitude / scale, rest = magnitude % scale;
    uint64_t tenths = whole * 10 + (rest * 10 + scale / 2) / scale;
    int len = snprintf(buf, size, "%s%llu.%llu", negative && tenths ? "-" : "",
                       (unsigned long long)(tenths / 10), (unsigned long long)(tenths % 10));
    if (len < 0 || (size_t)len >= size) {
        if (size)
            buf[0] = '\0';
    }
    return buf;
}

char *bench_fraction(char *buf, size_t size, size_t k, size_t n)
{
    if (size)
        buf[0] = '\0';
    if (n == 0)
        return buf;
    uint64_t ten_thousandths = ((uint64_t)k * 10000 + n / 2) / n;
    int len = snprintf(buf, size, "%llu.%04llu", (unsigned long long)(ten_thousandths / 10000),
                       (unsigned long long)(ten_thousandths % 10000));
    if ((len < 0 || (size_t)len >= size) && size)
        buf[0] = '\0';
    return buf;
}

bool bench_valid_name(const char *name)
{
    if (!name || !*name)
        return false;
    for (const char *c = name; *c; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
            return false;
    }
    return true;
}

bool bench_valid_guest(const char *guest)
{
    static const char *const guests[] = {"ours", "linux", "floor", "dom0"};
    for (size_t i = 0; guest && i < sizeof(guests) / sizeof(guests[0]); i++) {
        if (strcmp(guest, guests[i]) == 0)
            return true;
    }
    return false;
}

/* One token: not empty, no white space or control character. */
static bool token(const char *s)
{
    if (!s || !*s)
        return false;
    for (const char *c = s; *c; c++) {
        if ((unsigned char)*c <= ' ' || *c == 0x7f)
            return false;
    }
    return true;
}

bool bench_figure(FILE *out, const char *figure, const char *guest, const char *value,
                  const char *unit, const char *label)
{
    if (!value)
        value = "n/a";
    if (!bench_valid_name(figure) || !bench_valid_guest(guest) || !token(value) || !token(unit) ||
        !label || !*label || strchr(label, '\n'))
        return false;
    fprintf(out, "bench: %s %s %s %s %s\n", figure, guest, value, unit, label);
    return true;
}

bool bench_series(FILE *out, const char *series, const char *guest, const char *x, const char *y)
{
    if (!bench_valid_name(series) || !bench_valid_guest(guest) || !token(x) || !token(y))
        return false;
    fprintf(out, "bench-series: %s %s %s %s\n", series, guest, x, y);
    return true;
}
