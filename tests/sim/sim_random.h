/*
 * The simulated CPU's random number generator (arch_random64()): a
 * deterministic sequence, so host tests can tell one boot's identity from
 * another's, or a CPU without one.
 */
#ifndef SIM_RANDOM_H
#define SIM_RANDOM_H

#include <stdbool.h>
#include <stdint.h>

/* The generator from now on: present (as "rdrand") or not, and where its sequence starts. */
void sim_random_set(bool present, uint64_t seed);

#endif
