#include "drivers/vm_clock.h"

uint64_t vm_clock_read(struct vm_clock *clock, uint64_t system_ns)
{
    uint64_t now = system_ns + clock->offset_ns;
    /*
     * Never backwards, compared as a signed difference: a reading a little
     * behind the last (pvclock records are not exactly monotonic under
     * emulation) near 0 would otherwise read as 2^64 - x, and every deadline
     * after it would wrap (every xenstore request "timed out" at once).
     */
    if ((int64_t)(now - clock->last_ns) < 0)
        now = clock->last_ns;
    clock->last_ns = now;
    return now;
}

int64_t vm_clock_rebase(struct vm_clock *clock, uint64_t system_ns)
{
    clock->offset_ns = clock->last_ns - system_ns;
    return -(int64_t)clock->offset_ns;
}

uint64_t vm_clock_system_deadline(const struct vm_clock *clock, uint64_t system_ns,
                                  uint64_t deadline_ns)
{
    uint64_t now = system_ns + clock->offset_ns;
    return system_ns + ((int64_t)(deadline_ns - now) > 0 ? deadline_ns - now : 0);
}
