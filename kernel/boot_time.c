/* The guest's own boot time: see boot_time.h. */
#include "kernel/boot_time.h"

#include "arch/arch.h"
#include "drivers/pvclock.h"
#include "lib/printk.h"

static const char *const names[BOOT_STAGES] = {
    [BOOT_STAGE_C_ENTRY] = "c-entry",   [BOOT_STAGE_HYPERCALL_PAGE] = "hypercall-page",
    [BOOT_STAGE_EVENTS] = "events",     [BOOT_STAGE_CONSOLE] = "console",
    [BOOT_STAGE_XENSTORE] = "xenstore", [BOOT_STAGE_DOMID] = "domid",
    [BOOT_STAGE_FEATURES] = "features", [BOOT_STAGE_WATCHES] = "watches",
    [BOOT_STAGE_READY] = "ready",
};

static struct {
    bool started;
    uint64_t entry_tsc;
    uint64_t tsc[BOOT_STAGES];
    bool marked[BOOT_STAGES];
} boot;

const char *boot_time_stage_name(enum boot_stage stage)
{
    return (unsigned int)stage < BOOT_STAGES ? names[stage] : NULL;
}

void boot_time_start(uint64_t entry_tsc)
{
    for (unsigned int i = 0; i < BOOT_STAGES; i++)
        boot.marked[i] = false;
    boot.entry_tsc = entry_tsc;
    boot.started = true;
}

void boot_time_mark(enum boot_stage stage)
{
    if (!boot.started || (unsigned int)stage >= BOOT_STAGES || boot.marked[stage])
        return;
    boot.tsc[stage] = arch_rdtsc();
    boot.marked[stage] = true;
}

bool boot_time_report(const struct vcpu_time_info *rate, char stages[BOOT_TIME_REPORT_MAX],
                      unsigned long *total_us)
{
    if (!boot.started)
        return false;
    boot_time_mark(BOOT_STAGE_READY);
    boot.started = false;

    size_t len = 0;
    stages[0] = '\0';
    for (unsigned int i = 0; i < BOOT_STAGES; i++) {
        if (!boot.marked[i])
            continue;
        unsigned long us =
            (unsigned long)(pvclock_tsc_delta_ns(rate, boot.entry_tsc, boot.tsc[i]) / 1000u);
        len += (size_t)fmt_snprintf(stages + len, BOOT_TIME_REPORT_MAX - len, "%s%s=%lu",
                                    len ? " " : "", names[i], us);
        if (i == BOOT_STAGE_READY)
            *total_us = us;
    }
    return true;
}
