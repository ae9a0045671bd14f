/*
 * The floor guest's entry from boot/entry.S (kernel-only): find Xen, fill the
 * hypercall page, and hand over to floor_run() (floor/floor.c, portable).
 * No IDT, no console: a fault here triple-faults, and Xen crashes the domain.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/hypercall_page.h"
#include "arch/x86/xen_cpuid.h"
#include "floor/floor.h"

void kernel_entry(const struct hvm_start_info *start_info);

/* The page Xen's shared_info replaces (all of it), and the floor's state (~90 KiB, in BSS). */
static union {
    struct shared_info info;
    uint8_t bytes[4096];
} shared_frame __attribute__((aligned(4096)));
static struct floor floor;

void kernel_entry(const struct hvm_start_info *start_info)
{
    (void)start_info;
    uint32_t base = xen_cpuid_base();
    if (base && hypercall_page_init(base) == 0)
        floor_run(&floor, &shared_frame);
    halt_forever();
}
