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
