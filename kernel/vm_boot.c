/*
 * The VM's bring-up, from the start info to a running interpreter: the boot
 * information, the banner, the devices, debug=, the configuration from the
 * command line and the memory map, the watchdog and the interpreter
 * (vm_start()).  Portable: boot/main.c calls it once the CPU is set up, and
 * it runs with interrupts off (the CPU only takes the event upcall while
 * halted in the loop's wait, so handlers never race with this code).
 */
#include "arch/arch.h"
#include "arch/xen_calls.h"
#include "kernel/boot_info.h"
#include "kernel/cmdline.h"
#include "kernel/config.h"
#include "kernel/devices.h"
#include "kernel/power.h"
#include "kernel/vm.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "lib/printk.h"
#include "version.h" /* generated: build/version.h */

/* The VM's one set of devices and interpreter. */
static struct devices devices;
static struct control control;

static void print_banner(void)
{
    long version = xen_version();
    xen_extraversion_t extra = {0};
    xen_extraversion(extra);
    extra[sizeof(extra) - 1] = '\0';
    printk("xen-test-vm %s on Xen %ld.%ld%s\n", TEST_VM_VERSION, version >> 16, version & 0xffff,
           extra);
}

/*
 * debug=fault: touch unmapped memory, to show what a fatal trap looks like;
 * debug=stack-overflow: recurse into the stack's guard page, to show that an
 * overflow ends in a register dump and a crash with a reason.
 */
static void maybe_fault(enum vm_debug debug)
{
    if (debug == VM_DEBUG_FAULT) {
        log_info("debug=fault", "reading unmapped address 0x800000000");
        arch_fault();
    } else if (debug == VM_DEBUG_STACK_OVERFLOW) {
        log_info("debug=stack-overflow", "recursing until the stack overflows");
        arch_stack_overflow();
    }
}

void vm_boot(struct vm *vm, const struct hvm_start_info *si, const struct vm_image *image,
             unsigned int upcall_vector)
{
    static struct boot_info boot;
    boot_info_read(&boot, si);
    const char *cmdline = boot.cmdline;

    print_banner();
    boot_info_log(&boot);
    if (boot.dom0)
        panic("test-vm: FATAL: started as dom0; this kernel is a domU test VM\n");

    if (devices_bring_up(&devices, upcall_vector))
        panic("test-vm: FATAL: device bring-up failed\n");
    static struct vm_config vm_config;
    config_from_cmdline(cmdline, &vm_config);
    maybe_fault(vm_config.debug);

    struct control_config *config = &vm_config.control;
    /* What the guest agent reports: the memory map's RAM, and this image in it (all it uses). */
    config->agent.mem_total_kib = boot.ram_bytes / 1024;
    config->agent.mem_used_kib = ((uint64_t)(image->end - image->start) + 4095) / 4096 * 4;
    /* memcheck= may fill the RAM after the image (start_info, read already, is there too). */
    uint64_t free_pfn = ((uint64_t)(uintptr_t)image->end + 4095) / 4096;
    if (boot.image_ram_end / 4096 > free_pfn) {
        config->memcheck.free_first_pfn = free_pfn;
        config->memcheck.free_pages = boot.image_ram_end / 4096 - free_pfn;
    }
    vm_start_on_devices(vm, &devices, &control, &vm_config);
}

int vm_start_on_devices(struct vm *vm, struct devices *d, struct control *c,
                        const struct vm_config *config)
{
    struct control_power power = power_of_devices(d);
    d->watchdog = &vm->watchdog; /* long steps pet it too (power_keepalive()) */
    return vm_start(vm, c, &d->xenstore, &power, &config->control, config->watchdog_s);
}
