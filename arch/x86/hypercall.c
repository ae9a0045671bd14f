/*
 * The hypercall page: Xen writes one stub per hypercall (32 bytes each) into
 * a page we name through an MSR.  We fill the page with RET (0xc3) first and
 * check that Xen replaced it, so a failed setup is reported, not jumped into.
 */
#include "arch/arch.h"
#include "arch/x86/cpu.h"
#include "arch/x86/hypercall_page.h"
#include "lib/log.h"

#define HYPERCALL_STUB_SIZE 32

__attribute__((aligned(4096))) static uint8_t hypercall_page[4096];

int hypercall_page_init(uint32_t cpuid_base)
{
    struct cpuid_regs r = cpuid(cpuid_base + 2);
    if (r.eax < 1) {
        log_plain("FATAL: Xen offers no hypercall page (leaf 0x%x)", cpuid_base + 2);
        return -1;
    }
    for (unsigned int i = 0; i < sizeof(hypercall_page); i++)
        hypercall_page[i] = 0xc3;
    wrmsr(r.ebx, (uint64_t)(uintptr_t)hypercall_page);

    /* Xen writes every stub; xen_version's must no longer be a bare RET. */
    const uint8_t *stub = hypercall_page + __HYPERVISOR_xen_version * HYPERCALL_STUB_SIZE;
    if (stub[0] == 0xc3) {
        log_plain("FATAL: hypercall page not filled in by Xen (msr 0x%x)", r.ebx);
        return -1;
    }
    log_plain("hypercall page at %p (msr 0x%x)", (void *)hypercall_page, r.ebx);
    return 0;
}

/*
 * Arguments go in rdi, rsi, rdx, r10, r8; the result comes back in rax.  A
 * debug Xen scribbles over argument registers it did not use, so all of them
 * are treated as clobbered.
 */
static long hypercall5(unsigned int nr, unsigned long a1, unsigned long a2, unsigned long a3,
                       unsigned long a4, unsigned long a5)
{
    register unsigned long r10 __asm__("r10") = a4;
    register unsigned long r8 __asm__("r8") = a5;
    long ret;
    void *stub = hypercall_page + nr * HYPERCALL_STUB_SIZE;

    __asm__ volatile("call *%[stub]"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     : [stub] "r"(stub)
                     : "memory", "rcx", "r9", "r11");
    return ret;
}

long hypercall_sched_op(unsigned int cmd, void *arg)
{
    return hypercall5(__HYPERVISOR_sched_op, cmd, (unsigned long)arg, 0, 0, 0);
}

long hypercall_event_channel_op(unsigned int cmd, void *arg)
{
    return hypercall5(__HYPERVISOR_event_channel_op, cmd, (unsigned long)arg, 0, 0, 0);
}

long hypercall_hvm_op(unsigned int cmd, void *arg)
{
    return hypercall5(__HYPERVISOR_hvm_op, cmd, (unsigned long)arg, 0, 0, 0);
}

long hypercall_memory_op(unsigned int cmd, void *arg)
{
    return hypercall5(__HYPERVISOR_memory_op, cmd, (unsigned long)arg, 0, 0, 0);
}

long hypercall_vcpu_op(unsigned int cmd, unsigned int vcpu, void *arg)
{
    return hypercall5(__HYPERVISOR_vcpu_op, cmd, vcpu, (unsigned long)arg, 0, 0);
}

long hypercall_xen_version(unsigned int cmd, void *arg)
{
    return hypercall5(__HYPERVISOR_xen_version, cmd, (unsigned long)arg, 0, 0, 0);
}
