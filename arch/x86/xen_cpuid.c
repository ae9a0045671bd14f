#include "arch/x86/xen_cpuid.h"
#include "arch/x86/cpu.h"

/* "XenVMMXenVMM" in EBX, ECX, EDX. */
#define XEN_SIG_EBX 0x566e6558
#define XEN_SIG_ECX 0x65584d4d
#define XEN_SIG_EDX 0x4d4d566e

uint32_t xen_cpuid_base(void)
{
    for (uint32_t base = 0x40000000; base < 0x40010000; base += 0x100) {
        struct cpuid_regs r = cpuid(base);
        /* Leaves base+1 (version) and base+2 (hypercall page) must exist. */
        if (r.ebx == XEN_SIG_EBX && r.ecx == XEN_SIG_ECX && r.edx == XEN_SIG_EDX &&
            r.eax - base >= 2)
            return base;
    }
    return 0;
}
