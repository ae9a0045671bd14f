#include "drivers/pvclock.h"

#include "arch/arch.h"

uint64_t pvclock_read_ns(const struct vcpu_time_info *t, uint64_t tsc)
{
    /*
     * A TSC read before the record's timestamp (another vCPU's TSC, or one
     * read outside the version loop) is the timestamp itself: unsigned, one
     * tick behind would read as 2^64 ticks (centuries) ahead.
     */
    uint64_t delta = tsc > t->tsc_timestamp ? tsc - t->tsc_timestamp : 0;
    int shift = t->tsc_shift;
    /* Xen never sends a shift beyond -63..63, but shifting that far is undefined in C. */
    if (shift >= 64 || shift <= -64)
        delta = 0; /* every bit shifted out */
    else if (shift >= 0)
        delta <<= shift;
    else
        delta >>= -shift;
    return t->system_time + (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
}

void pvclock_snapshot(const volatile struct vcpu_time_info *t, struct vcpu_time_info *copy)
{
    pvclock_snapshot_tsc(t, copy, NULL);
}

void pvclock_snapshot_tsc(const volatile struct vcpu_time_info *t, struct vcpu_time_info *copy,
                          uint64_t *tsc)
{
    uint32_t version;

    /* Xen bumps the version to odd while it updates the record. */
    do {
        version = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        copy->tsc_timestamp = t->tsc_timestamp;
        copy->system_time = t->system_time;
        copy->tsc_to_system_mul = t->tsc_to_system_mul;
        copy->tsc_shift = t->tsc_shift;
        if (tsc)
            *tsc = arch_rdtsc(); /* inside the loop: of the same record */
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((version & 1) || version != t->version);
    copy->version = version;
}

uint64_t pvclock_tsc_delta_ns(const struct vcpu_time_info *rate, uint64_t from_tsc, uint64_t to_tsc)
{
    if (to_tsc < from_tsc)
        return 0;
    struct vcpu_time_info from = {
        .tsc_timestamp = from_tsc,
        .system_time = 0,
        .tsc_to_system_mul = rate->tsc_to_system_mul,
        .tsc_shift = rate->tsc_shift,
    };
    return pvclock_read_ns(&from, to_tsc);
}
