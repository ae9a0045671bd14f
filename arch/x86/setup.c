/*
 * The CPU-level set-up that only makes sense on x86 under Xen (debug port,
 * CPUID, IDT, hypercall page: arch_setup(), called by boot/main.c), and the
 * arch.h functions the portable code uses.
 */
#include "arch/arch.h"
#include "arch/x86/cpu.h"
#include "arch/x86/hypercall_page.h"
#include "arch/x86/idt.h"
#include "arch/x86/xen_cpuid.h"
#include "arch/x86/setup.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "lib/printk.h"

#define DEBUG_PORT     0xe9 /* Xen (and QEMU's -debugcon) print what is written here */
#define QEMU_EXIT_PORT 0xf4 /* QEMU's isa-debug-exit, when present: exit status (v << 1) | 1 */

/* Raw bytes to the last-resort console (I/O port 0xe9, read by Xen): kernel-only. */
static void debug_port_write(const char *s, size_t len)
{
    while (len--)
        outb(DEBUG_PORT, (uint8_t)*s++);
}

static void debug_port_sink(const char *s, size_t len, void *ctx)
{
    (void)ctx;
    debug_port_write(s, len);
}

_Noreturn void arch_crash(const char *why)
{
    (void)why; /* printed already */
    struct sched_shutdown crash = {.reason = SHUTDOWN_crash};
    hypercall_sched_op(SCHEDOP_shutdown, &crash);
    halt_forever();
}

void arch_setup(void)
{
    printk_add_sink(debug_port_sink, 0);

    uint32_t base = xen_cpuid_base();
    if (!base) {
        log_plain("not running on Xen (no Xen CPUID leaves); stopping");
        outb(QEMU_EXIT_PORT, 1);
        halt_forever();
    }
    struct cpuid_regs version = cpuid(base + 1);
    log_plain("Xen CPUID leaves at 0x%x, version %u.%u", base, version.eax >> 16,
              version.eax & 0xffff);

    idt_init();
    if (hypercall_page_init(base) < 0)
        halt_forever(); /* no hypercalls: nothing else can report or crash */
}
