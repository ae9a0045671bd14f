/*
 * What the VM does when told to misbehave in ways only the CPU can: hang,
 * fault, triple-fault.  Each is real: a toolstack sees exactly what it would
 * see from a broken guest.
 */
#include "arch/arch.h"

#include <stdint.h>

/*
 * Spin with interrupts off, for ever.  Not "cli; hlt": Xen takes a vCPU that
 * halts with interrupts off down, and a domain with every vCPU down is
 * powered off, which is not a hang.  Only the domain's destruction, or a
 * watchdog nobody pets, ends this.
 */
_Noreturn void arch_hang(void)
{
    __asm__ volatile("cli");
    for (;;)
        __asm__ volatile("pause");
}

/* A read of an address the page tables do not map (they cover 4 GiB): #PF. */
void arch_fault(void)
{
    (void)*(volatile uint64_t *)(uintptr_t)ARCH_UNMAPPED_ADDRESS;
}

/*
 * Recurse until the stack runs into its guard page (debug=stack-overflow):
 * shows that an overflow ends in the double-fault handler's register dump
 * and a crash with a reason.  The volatile frame keeps each level real.
 */
static volatile unsigned long recurse_limit = ~0ul; /* never reached: the stack ends first */

static unsigned long recurse(unsigned long depth)
{
    volatile char frame[256];
    frame[0] = (char)depth;
    if (depth >= recurse_limit)
        return frame[0];
    return recurse(depth + 1) + frame[0];
}

void arch_stack_overflow(void)
{
    (void)recurse(0);
}

/*
 * No usable IDT (limit 0), then an exception: the CPU cannot deliver it, nor
 * the double fault that follows, and shuts down (a triple fault).  What
 * becomes of the domain is Xen's choice (HVM_PARAM_TRIPLE_FAULT_REASON).
 */
_Noreturn void arch_triple_fault(void)
{
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } none = {0, 0};
    __asm__ volatile("cli; lidt %0; int3" ::"m"(none));
    for (;;)
        __asm__ volatile("pause");
}
