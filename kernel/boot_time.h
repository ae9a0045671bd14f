/*
 * The guest's own boot time: the TSC read at the PVH entry's first
 * instruction (boot/entry.S), then at each boot stage, turned into
 * microseconds since the entry with pvclock's rate once the VM is ready, and
 * reported once (docs/protocol.md, "Status keys": boot-us, boot-stages).
 *
 * The stages, in boot order, each named after the console line it follows:
 *   c-entry         C code runs (long mode, a stack): before "Xen CPUID leaves"
 *   hypercall-page  "hypercall page at ..."
 *   events          shared_info mapped, the upcall and VIRQ_TIMER bound ("events:", "timer:")
 *   console         the PV console ring found ("console: ring at ...")
 *   xenstore        the xenstore ring found ("xenstore: ring at ...")
 *   domid           xenstored's first reply ("domid N")
 *   features        boot-id drawn, memcheck= filled, control/feature-* written ("features:")
 *   watches         the watches registered ("watching control/shutdown, ...")
 *   ready           every data/test-vm/ key but these two and state written ("ready")
 * A stage is marked where its step ends, whether or not the step worked.
 */
#ifndef KERNEL_BOOT_TIME_H
#define KERNEL_BOOT_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum boot_stage {
    BOOT_STAGE_C_ENTRY,
    BOOT_STAGE_HYPERCALL_PAGE,
    BOOT_STAGE_EVENTS,
    BOOT_STAGE_CONSOLE,
    BOOT_STAGE_XENSTORE,
    BOOT_STAGE_DOMID,
    BOOT_STAGE_FEATURES,
    BOOT_STAGE_WATCHES,
    BOOT_STAGE_READY,
    BOOT_STAGES
};

/* "c-entry", "hypercall-page", ... (NULL for a stage that does not exist). */
const char *boot_time_stage_name(enum boot_stage stage);

/* A new boot, whose first instruction read entry_tsc; forgets every stage. */
void boot_time_start(uint64_t entry_tsc);

/* Note the TSC now for stage; the first mark of a stage counts, later ones are ignored. */
void boot_time_mark(enum boot_stage stage);

/* Room for the longest report: every stage name, "=", 20 digits and a space (265 bytes). */
#define BOOT_TIME_REPORT_MAX 272

/*
 * Mark "ready" and report, once per boot_time_start(): *total_us gets entry
 * -> ready, stages "c-entry=12 hypercall-page=30 ... ready=5123", each the
 * microseconds from the entry to the end of that stage (non-decreasing),
 * converted at rate's tsc_to_system_mul and tsc_shift.  A stage never marked
 * is left out.  False (nothing written) before boot_time_start() and after
 * the report: the report is of the boot, not of a later resume.
 */
struct vcpu_time_info;
bool boot_time_report(const struct vcpu_time_info *rate, char stages[BOOT_TIME_REPORT_MAX],
                      unsigned long *total_us);

#endif
