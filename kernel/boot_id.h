/*
 * The boot identity (docs/protocol.md, "Boot identity"): 128 random bits drawn once
 * at each cold boot and kept in RAM, so data/test-vm/boot-id is the same
 * after a suspend/resume, a migration or a checkpoint (the same memory image
 * came back) and different after a reboot (a new boot).
 */
#ifndef KERNEL_BOOT_ID_H
#define KERNEL_BOOT_ID_H

#include <stdint.h>

#define BOOT_ID_HEX_LEN 32 /* 128 bits as lower-case hex */

struct boot_id {
    uint64_t bits[2];
    char hex[BOOT_ID_HEX_LEN + 1];
    const char *source; /* "rdseed", "rdrand" or "tsc+pvclock" */
};

/*
 * Draw a new one from the CPU's random number generator (arch_random64())
 * where it has one, else from a mix of the TSC and the clock (clock_ns, the
 * pvclock): not secret, but different at each boot.
 */
void boot_id_draw(struct boot_id *id, uint64_t clock_ns);

/* The 64-bit mixing step (splitmix64's finaliser), also for memcheck's pattern. */
uint64_t boot_id_mix(uint64_t x);

#endif
