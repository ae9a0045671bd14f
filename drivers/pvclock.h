/*
 * Xen's pvclock: a vcpu_time_info record (in shared_info, or any copy of one)
 * says how to turn a TSC reading into Xen's system time (ns):
 * system_time + ((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul >> 32.
 * Only the arithmetic and the consistent read of the record: no hypercalls,
 * so the floor guest uses it as the kernel does.
 */
#ifndef DRIVERS_PVCLOCK_H
#define DRIVERS_PVCLOCK_H

#include <stdint.h>

#include "arch/xen.h"

/*
 * Xen's system time in ns, from a vcpu_time_info record: the host's time
 * (since its boot), so it moves when the domain is restored or migrated on
 * another host, backwards too.  A TSC before the record's timestamp counts as
 * the timestamp.
 */
uint64_t pvclock_read_ns(const struct vcpu_time_info *t, uint64_t tsc);

/*
 * A consistent copy of a record Xen may be updating (it makes the version
 * odd while it writes): tsc_timestamp, system_time, tsc_to_system_mul and
 * tsc_shift.
 */
void pvclock_snapshot(const volatile struct vcpu_time_info *t, struct vcpu_time_info *copy);
/* The same, with the TSC read inside the version loop (if tsc is not NULL): a reading of that
 * record. */
void pvclock_snapshot_tsc(const volatile struct vcpu_time_info *t, struct vcpu_time_info *copy,
                          uint64_t *tsc);

/*
 * The nanoseconds between two TSC readings, at rate's tsc_to_system_mul and
 * tsc_shift (its timestamp and system time do not matter); 0 if to_tsc is
 * before from_tsc.
 */
uint64_t pvclock_tsc_delta_ns(const struct vcpu_time_info *rate, uint64_t from_tsc,
                              uint64_t to_tsc);

#endif
