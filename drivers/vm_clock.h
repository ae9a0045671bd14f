/*
 * The VM's clock, made from Xen's system time: system time plus an offset
 * (mod 2^64) that vm_clock_rebase() sets after a resume into a new domain, so
 * that the clock carries on from its last reading.  Xen's system time is the
 * host's (collect_time_info()) and jumps, backwards too, when the domain lands
 * on another host; every deadline the VM keeps is on this clock instead.  It
 * never goes backwards.
 *
 * Pure arithmetic on a reading the caller takes: drivers/timer.c passes
 * pvclock's, the fuzzer (tests/fuzz/fuzz_control.c) a simulated host's that
 * it makes jump at resume.
 */
#ifndef DRIVERS_VM_CLOCK_H
#define DRIVERS_VM_CLOCK_H

#include <stdint.h>

struct vm_clock {
    uint64_t offset_ns; /* added to Xen's system time */
    uint64_t last_ns;   /* the last reading: the clock never goes below it */
};

/* The clock now, Xen's system time being system_ns. */
uint64_t vm_clock_read(struct vm_clock *clock, uint64_t system_ns);

/*
 * After a resume into a new domain: the clock carries on from its last
 * reading.  Returns how far Xen's system time moved against it (ns, negative
 * when it went backwards; 0 when it did not jump).
 */
int64_t vm_clock_rebase(struct vm_clock *clock, uint64_t system_ns);

/*
 * The system time at which the clock reads deadline_ns: as far ahead of
 * system_ns as the deadline is of the clock now (system_ns itself when the
 * deadline has passed).  For Xen's one-shot timer, which is on system time.
 */
uint64_t vm_clock_system_deadline(const struct vm_clock *clock, uint64_t system_ns,
                                  uint64_t deadline_ns);

#endif
