/*
 * What every benchmark program shares: devices brought up as at boot
 * against the simulated Xen, the fake xenconsoled and the fake xenstored;
 * and a measured section that is either timed (clock_gettime) or marked for
 * callgrind (zeroed before, dumped after, so the profile holds only it).
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include "kernel/devices.h"

/* The devices, up and working (aborts if bring-up fails). */
struct devices *bench_bring_up(void);

/* mode is "time" or "callgrind". */
void bench_begin(const char *mode);
/* Prints "<label>: <ns> ns/op over <n> ops" (time) or dumps the profile as label. */
void bench_end(const char *mode, const char *label, long n);

#endif
