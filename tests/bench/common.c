#define _POSIX_C_SOURCE 200809L

#include "bench/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/fake_console.h"
#include "sim/sim_xenstore.h"
#include "sim/xen_sim.h"

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_ZERO_STATS
#define CALLGRIND_DUMP_STATS_AT(label) ((void)(label))
#endif

static struct devices devices;
static struct timespec start;

struct devices *bench_bring_up(void)
{
    xen_sim_reset();
    sim_xenstore_start();
    fake_console_start();
    if (devices_bring_up(&devices, 0xf3)) {
        fprintf(stderr, "bench_bring_up: device bring-up failed\n");
        exit(1);
    }
    return &devices;
}

static double seconds(const struct timespec *t)
{
    return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

void bench_begin(const char *mode)
{
    if (strcmp(mode, "callgrind") == 0)
        CALLGRIND_ZERO_STATS;
    else
        clock_gettime(CLOCK_MONOTONIC, &start);
}

void bench_end(const char *mode, const char *label, long n)
{
    if (strcmp(mode, "callgrind") == 0) {
        CALLGRIND_DUMP_STATS_AT(label);
        return;
    }
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    printf("%s: %.1f ns/op over %ld ops\n", label,
           (seconds(&end) - seconds(&start)) * 1e9 / (double)n, n);
}
