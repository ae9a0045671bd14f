/*
 * The kernel's entry (boot/entry.S calls it on the boot stack): the CPU set
 * up (arch/x86/setup.c), then the VM (kernel/vm_boot.c, kernel/vm.c) for
 * ever.  Kernel-only, and the one file that joins arch/ and kernel/: the host
 * tests start the VM with the same vm_start() and run the same vm_turn().
 */
#include "arch/x86/idt.h"
#include "arch/x86/setup.h"
#include "drivers/timer.h"
#include "kernel/boot_time.h"
#include "kernel/vm.h"

extern const uint64_t boot_entry_tsc; /* boot/entry.S: the TSC at its first instruction */
extern const char __image_start[], __image_end[]; /* linker.ld */

_Noreturn void kernel_entry(const struct hvm_start_info *start_info);

_Noreturn void kernel_entry(const struct hvm_start_info *start_info)
{
    static struct vm vm;
    static const struct vm_image image = {__image_start, __image_end};

    boot_time_start(boot_entry_tsc);
    boot_time_mark(BOOT_STAGE_C_ENTRY);
    arch_setup();
    boot_time_mark(BOOT_STAGE_HYPERCALL_PAGE);
    vm_boot(&vm, start_info, &image, EVENT_UPCALL_VECTOR);
    for (;;) {
        uint64_t wake = vm_turn(&vm);
        if (wake != LOOP_AGAIN)
            wait_for_event_until(wake);
    }
}
