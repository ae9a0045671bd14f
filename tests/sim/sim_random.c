/* The simulated RDRAND: see sim_random.h. */
#include "sim/sim_random.h"

#include <stddef.h>

#include "arch/arch.h"

static bool present = true;
static uint64_t state = 1;

void sim_random_set(bool on, uint64_t seed)
{
    present = on;
    state = seed;
}

const char *arch_random64(uint64_t *out)
{
    if (!present)
        return NULL;
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    *out = state;
    return "rdrand";
}
