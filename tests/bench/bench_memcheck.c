/*
 * Cost of memcheck's check (memcheck_verify) per MiB: the check that runs
 * after every resume and on the action memcheck, over 16 MiB filled once.
 *
 *     bench_memcheck time N       verify N MiB (in 16 MiB passes): ns per MiB
 *     bench_memcheck callgrind N  the same between callgrind's zero and dump
 *
 * Host figures (x86-64 user space, -Os): the lab scenario 73-memcheck prints
 * the same check's time on the lab's Xen under QEMU TCG.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "bench/common.h"
#include "kernel/memcheck.h"

#define REGION_MIB 16

int main(int argc, char **argv)
{
    if (argc != 3)
        return fprintf(stderr, "usage: %s time|callgrind N\n", argv[0]), 2;
    long n = atol(argv[2]);
    uint8_t *mem = aligned_alloc(4096, (size_t)REGION_MIB << 20);
    if (!mem)
        return fprintf(stderr, "out of memory\n"), 1;
    struct memcheck m = {arch_ptr_to_pfn(mem), REGION_MIB * 256, {0x0123456789abcdefull, 42}};
    struct memcheck_result r;
    memcheck_fill(&m);

    bench_begin(argv[1]);
    for (long done = 0; done < n; done += REGION_MIB) {
        m.pages = (uint64_t)(n - done < REGION_MIB ? n - done : REGION_MIB) * 256;
        memcheck_verify(&m, &r);
        if (r.bad_pages)
            return fprintf(stderr, "memcheck_verify found %llu bad pages\n",
                           (unsigned long long)r.bad_pages),
                   1;
    }
    bench_end(argv[1], "memcheck_verify of 1 MiB", n);
    free(mem);
    return 0;
}
