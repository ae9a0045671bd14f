/*
 * Cost of console_write() of one 80-byte line, the kernel's most frequent
 * operation: devices brought up as at boot against the simulated Xen, the
 * fake xenconsoled draining the ring on every kick.
 *
 *     bench_console time N       N writes timed with clock_gettime: ns/op
 *     bench_console callgrind N  N writes between callgrind's zero and dump
 *                                requests (run it under valgrind)
 *
 * Host figures: they include the simulated hypercalls and backend, which
 * tests/bench/run separates out of the callgrind profile.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/common.h"
#include "sim/fake_console.h"

int main(int argc, char **argv)
{
    if (argc != 3)
        return fprintf(stderr, "usage: %s time|callgrind N\n", argv[0]), 2;
    long n = atol(argv[2]);
    struct devices *d = bench_bring_up();
    static const char line[81] =
        "domain 1 tick 123456: a log line of exactly eighty bytes, newline included....\n";

    bench_begin(argv[1]);
    for (long i = 0; i < n; i++) {
        if (console_write(&d->console, line, 80) != 80)
            return fprintf(stderr, "console_write fell short\n"), 1;
        /* Keep the capture buffer from growing without end. */
        if ((i & 1023) == 1023)
            fake_console_clear();
    }
    bench_end(argv[1], "console_write of an 80-byte line", n);
    return 0;
}
