/*
 * The bring-up order and the event loop.  Everything here runs with
 * interrupts off; the CPU only takes the event upcall while halted in the
 * loop's arch_idle(), so handlers never race with the code below.
 */
#include "arch/x86/main.h"
#include "arch/arch.h"
#include "arch/xen_calls.h"
#include "arch/x86/idt.h"
#include "drivers/timer.h"
#include "kernel/boot_info.h"
#include "kernel/cmdline.h"
#include "kernel/control/control.h"
#include "kernel/devices.h"
#include "kernel/loop.h"
#include "kernel/power.h"
#include "kernel/watchdog.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "version.h" /* generated: build/version.h */

static struct devices devices;
extern const char __image_start[], __image_end[]; /* linker.ld */
static struct control control;
static struct watchdog watchdog;

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
static void maybe_fault(const char *cmdline)
{
    char value[16];
    if (cmdline_get(cmdline, "debug", value, sizeof(value)) <= 0)
        return;
    if (!strcmp(value, "fault")) {
        log_info("debug=fault", "reading unmapped address 0x800000000");
        arch_fault();
    } else if (!strcmp(value, "stack-overflow")) {
        log_info("debug=stack-overflow", "recursing until the stack overflows");
        arch_stack_overflow();
    }
}

void kernel_main(const struct hvm_start_info *si)
{
    static struct boot_info boot;
    boot_info_read(&boot, si);
    const char *cmdline = boot.cmdline;

    print_banner();
    boot_info_log(&boot);
    if (boot.dom0)
        panic("test-vm: FATAL: started as dom0; this kernel is a domU test VM\n");

    if (devices_bring_up(&devices, EVENT_UPCALL_VECTOR))
        panic("test-vm: FATAL: device bring-up failed\n");
    maybe_fault(cmdline);

    struct control_config config;
    cmdline_control_config(cmdline, &config);
    /* What the guest agent reports: the memory map's RAM, and this image in it (all it uses). */
    config.agent.mem_total_kib = boot.ram_bytes / 1024;
    config.agent.mem_used_kib = ((uint64_t)(__image_end - __image_start) + 4095) / 4096 * 4;
    /* memcheck= may fill the RAM after the image (start_info, read already, is there too). */
    uint64_t free_pfn = ((uint64_t)(uintptr_t)__image_end + 4095) / 4096;
    if (boot.image_ram_end / 4096 > free_pfn) {
        config.memcheck.free_first_pfn = free_pfn;
        config.memcheck.free_pages = boot.image_ram_end / 4096 - free_pfn;
    }
    struct control_power power = power_of_devices(&devices);
    /* Armed before xenstore is used: a VM that hangs from here on is shut down. */
    watchdog_start(&watchdog, watchdog_cmdline(cmdline), time_now_ns());
    devices.watchdog = &watchdog; /* long steps pet it too (power_keepalive()) */
    control_init(&control, &devices.xenstore, &power, &config);
    control_start(&control);

    for (;;) {
        uint64_t until = loop_step(&control, &devices.xenstore);
        /* The wait ends by the next pet too: the earlier of the two deadlines. */
        uint64_t wake = watchdog_tick(&watchdog, time_now_ns(),
                                      until == CONTROL_NO_DEADLINE ? TIME_FOREVER : until);
        if (until != LOOP_AGAIN)
            wait_for_event_until(wake);
    }
}
