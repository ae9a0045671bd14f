/* arch_random64(): RDSEED or RDRAND, where CPUID leaf 7 / leaf 1 say the CPU has them. */
#include "arch/arch.h"
#include "arch/x86/cpu.h"

#include <stdbool.h>

#define CPUID1_ECX_RDRAND (1u << 30)
#define CPUID7_EBX_RDSEED (1u << 18)
/* Intel's advice for RDRAND is 10 tries; RDSEED may fail more often under load. */
#define RANDOM_TRIES 32

static bool rdseed(uint64_t *out)
{
    bool ok;
    __asm__ volatile("rdseed %0; setc %1" : "=r"(*out), "=qm"(ok)::"cc");
    return ok;
}

static bool rdrand(uint64_t *out)
{
    bool ok;
    __asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok)::"cc");
    return ok;
}

static bool has_leaf7(void)
{
    return cpuid(0).eax >= 7;
}

const char *arch_random64(uint64_t *out)
{
    uint64_t v;

    if (has_leaf7() && (cpuid(7).ebx & CPUID7_EBX_RDSEED)) {
        for (int i = 0; i < RANDOM_TRIES; i++) {
            if (rdseed(&v)) {
                *out = v;
                return "rdseed";
            }
        }
    }
    if (cpuid(1).ecx & CPUID1_ECX_RDRAND) {
        for (int i = 0; i < RANDOM_TRIES; i++) {
            if (rdrand(&v)) {
                *out = v;
                return "rdrand";
            }
        }
    }
    return NULL;
}
