/* arch.h's TSC read (a file of its own: the floor guest links it without the rest of setup.c). */
#include "arch/arch.h"

uint64_t arch_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
