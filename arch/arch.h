/*
 * The seam between portable code and the machine.
 *
 * Everything below drivers/, lib/ and kernel/ reaches hardware and Xen only
 * through these functions.  The kernel build implements them in arch/x86/
 * (hypercall page, port I/O, sti/hlt); the host build implements them in
 * tests/sim/ with a simulated Xen.  That is what lets one set of sources be
 * both the kernel and the code the unit tests exercise.
 */
#ifndef ARCH_ARCH_H
#define ARCH_ARCH_H

#include <stddef.h>
#include <stdint.h>

#include "xen.h"

/* Hypercalls, with the argument conventions of Xen's public headers. */
long hypercall_sched_op(unsigned int cmd, void *arg);
long hypercall_event_channel_op(unsigned int cmd, void *arg);
long hypercall_hvm_op(unsigned int cmd, void *arg);
long hypercall_memory_op(unsigned int cmd, void *arg);
long hypercall_vcpu_op(unsigned int cmd, unsigned int vcpu, void *arg);
long hypercall_xen_version(unsigned int cmd, void *arg);

/* The time stamp counter (never RDTSCP: Xen under QEMU cannot emulate it). */
uint64_t arch_rdtsc(void);

/*
 * 64 random bits from the CPU's generator: RDSEED, else RDRAND, where CPUID
 * says the CPU has it.  Returns the instruction's name ("rdseed", "rdrand"),
 * or NULL when there is none or it kept failing (*out is then unchanged).
 * The host build's is deterministic (tests/sim/sim_random.h).
 */
const char *arch_random64(uint64_t *out);

/*
 * The kernel runs with interrupts off.  arch_idle() enables them and halts
 * until one arrives (atomically: no wake-up is lost between the check a caller
 * made and the halt), lets the event upcall run, and disables them again.
 *
 * arch_idle_halt is the address of its halt instruction, arch_idle_woken the
 * one right after it.  "sti; hlt" is atomic only because STI holds interrupts
 * off for one more instruction, and a virtual CPU may lose that shadow across
 * a VM exit (QEMU's TCG SVM does: the lab's Xen runs on it).  The upcall then
 * lands on the halt before it runs, and would go back to halting with its
 * wake-up spent; events_upcall_at() moves it past the halt instead.
 */
void arch_idle(void);
extern const char arch_idle_halt[], arch_idle_woken[];

/*
 * NMIs received so far.  The handler only counts them (an NMI comes at any
 * time, even in the middle of a printk); each one also ends at most one
 * arch_idle() early, so that the main loop can report it (drivers/nmi.h).
 */
unsigned long arch_nmi_count(void);

/*
 * Misbehaving on command (arch/x86/misbehave.c).  arch_hang spins with
 * interrupts off for ever; arch_fault reads ARCH_UNMAPPED_ADDRESS (the trap
 * handler dumps the registers and crashes the domain); arch_triple_fault
 * loads an empty IDT and raises an exception.  In host builds the simulated
 * Xen counts the calls and returns.
 */
#define ARCH_UNMAPPED_ADDRESS 0x800000000ull
#ifdef HOST_BUILD
void arch_hang(void);
void arch_triple_fault(void);
#else
_Noreturn void arch_hang(void);
_Noreturn void arch_triple_fault(void);
#endif
void arch_fault(void);
/* debug=stack-overflow: recurse until the stack's guard page (simulated Xen: counted). */
void arch_stack_overflow(void);

/* Guest-physical frame numbers; the kernel identity-maps the first 4 GiB. */
static inline void *arch_pfn_to_ptr(uint64_t pfn)
{
    return (void *)(uintptr_t)(pfn << 12);
}

static inline uint64_t arch_ptr_to_pfn(const void *p)
{
    return (uint64_t)(uintptr_t)p >> 12;
}

/* A guest-physical address (below 4 GiB in the kernel), e.g. from start_info. */
static inline const void *arch_paddr_to_ptr(uint64_t paddr)
{
    return (const void *)(uintptr_t)paddr;
}

#endif
