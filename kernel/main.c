/*
 * The bring-up order and the event loop.  Everything here runs with
 * interrupts off; the CPU only takes the event upcall while halted in the
 * loop's arch_idle(), so handlers never race with the code below.
 */
#include "kernel/main.h"
#include "arch/arch.h"
#include "arch/x86/idt.h"
#include "drivers/timer.h"
#include "kernel/cmdline.h"
#include "kernel/control.h"
#include "kernel/devices.h"
#include "kernel/power.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "version.h" /* generated: build/version.h */

static struct devices devices;
static struct control control;

static void print_banner(void)
{
    long version = hypercall_xen_version(XENVER_version, 0);
    xen_extraversion_t extra = {0};
    hypercall_xen_version(XENVER_extraversion, extra);
    extra[sizeof(extra) - 1] = '\0';
    printk("xen-test-vm %s on Xen %ld.%ld%s\n", TEST_VM_VERSION, version >> 16, version & 0xffff,
           extra);
}

static void print_start_info(const struct hvm_start_info *si, const char *cmdline)
{
    printk("test-vm: start_info version %u, flags 0x%x, command line \"%s\"\n", si->version,
           si->flags, cmdline);
    if (si->version < 1 || !si->memmap_paddr) {
        printk("test-vm: memory: no memory map in start_info\n");
        return;
    }
    const struct hvm_memmap_table_entry *map = (const void *)(uintptr_t)si->memmap_paddr;
    uint64_t ram = 0;
    for (uint32_t i = 0; i < si->memmap_entries; i++) {
        if (map[i].type == XEN_HVM_MEMMAP_TYPE_RAM)
            ram += map[i].size;
    }
    printk("test-vm: memory: %lu KiB of RAM in %u memory map entries\n",
           (unsigned long)(ram / 1024), si->memmap_entries);
}

/* debug=fault: touch unmapped memory, to show what a fatal trap looks like. */
static void maybe_fault(const char *cmdline)
{
    char value[16];
    if (cmdline_get(cmdline, "debug", value, sizeof(value)) > 0 && !strcmp(value, "fault")) {
        printk("test-vm: debug=fault: reading unmapped address 0x800000000\n");
        (void)*(volatile uint64_t *)(uintptr_t)0x800000000ull;
    }
}

void kernel_main(const struct hvm_start_info *si)
{
    static char cmdline[1024];
    if (si->cmdline_paddr) {
        const char *src = (const char *)(uintptr_t)si->cmdline_paddr;
        size_t n = strnlen(src, sizeof(cmdline) - 1);
        memcpy(cmdline, src, n);
        cmdline[n] = '\0';
    }

    print_banner();
    print_start_info(si, cmdline);
    if (si->flags & SIF_INITDOMAIN)
        panic("test-vm: FATAL: started as dom0; this kernel is a domU test VM\n");

    if (devices_bring_up(&devices, EVENT_UPCALL_VECTOR))
        panic("test-vm: FATAL: device bring-up failed\n");
    maybe_fault(cmdline);

    struct control_config config;
    cmdline_control_config(cmdline, &config);
    struct control_power power = {power_shutdown, &devices};
    control_init(&control, &devices.xenstore, &power, &config);
    if (control_start(&control))
        printk("test-vm: control: error: start-up was incomplete (see above); still listening\n");

    for (;;) {
        struct xenstore_watch_event ev;
        while (xenstore_next_watch_event(&devices.xenstore, &ev))
            control_handle_watch(&control, &ev);
        if (!xenstore_has_work(&devices.xenstore))
            wait_for_event_until(TIME_FOREVER);
    }
}
