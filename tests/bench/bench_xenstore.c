/*
 * Cost of one xenstore request/reply round-trip (a read of "domid"): the
 * request written to the ring, the kick, the fake xenstored's turn, the
 * reply event and its upcall, the reply read back.
 *
 *     bench_xenstore time N       N reads timed with clock_gettime: ns/op
 *     bench_xenstore callgrind N  N reads between callgrind's zero and dump
 *
 * Host figures: tests/bench/run separates the simulated hypercalls and
 * xenstored out of the callgrind profile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/common.h"

int main(int argc, char **argv)
{
    if (argc != 3)
        return fprintf(stderr, "usage: %s time|callgrind N\n", argv[0]), 2;
    long n = atol(argv[2]);
    struct devices *d = bench_bring_up();
    char value[16];

    bench_begin(argv[1]);
    for (long i = 0; i < n; i++) {
        if (xenstore_read(&d->xenstore, 0, "domid", value, sizeof(value)) != 1)
            return fprintf(stderr, "xenstore_read failed\n"), 1;
    }
    bench_end(argv[1], "xenstore read round-trip", n);
    return strcmp(value, "1") != 0;
}
