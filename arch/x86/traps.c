/*
 * Unexpected exceptions: report everything a developer needs, then crash.
 * (The NMI, vector 2, does not come here: see nmi_entry in traps.S.)
 */
#include "arch/x86/traps.h"
#include "arch/arch.h"
#include "arch/x86/cpu.h"
#include "boot/layout.h"
#include "lib/log.h"
#include "lib/panic.h"

static const char *const exception_names[32] = {
    "#DE divide error",
    "#DB debug",
    "NMI",
    "#BP breakpoint",
    "#OF overflow",
    "#BR bound range",
    "#UD invalid opcode",
    "#NM no FPU",
    "#DF double fault",
    "coprocessor overrun",
    "#TS invalid TSS",
    "#NP segment not present",
    "#SS stack fault",
    "#GP general protection",
    "#PF page fault",
    "reserved",
    "#MF x87 error",
    "#AC alignment check",
    "#MC machine check",
    "#XM SIMD error",
    "#VE virtualization",
    "#CP control protection",
};

extern volatile uint64_t nmi_count;           /* traps.S */
extern char boot_stack_guard[], boot_stack[]; /* boot/entry.S */

#define PAGE_SIZE    4096
#define PAGE_FAULT   14
#define DOUBLE_FAULT 8

/*
 * Did the kernel's stack overflow?  A push into the unmapped guard page below
 * it faults there (cr2); the CPU cannot push that fault's frame either, and
 * raises #DF, which runs on its own stack with rsp still in or near the guard.
 */
static bool stack_overflowed(const struct trap_frame *f, uint64_t cr2)
{
    uint64_t guard = (uint64_t)(uintptr_t)boot_stack_guard;
    uint64_t low = (uint64_t)(uintptr_t)boot_stack;
    bool cr2_in_guard = cr2 >= guard && cr2 < guard + PAGE_SIZE;
    return (f->vector == PAGE_FAULT || f->vector == DOUBLE_FAULT) &&
           (cr2_in_guard || (f->rsp >= guard && f->rsp < low + 256));
}

unsigned long arch_nmi_count(void)
{
    return (unsigned long)__atomic_load_n(&nmi_count, __ATOMIC_RELAXED);
}

void trap_handler(struct trap_frame *f)
{
    const char *name =
        f->vector < 32 && exception_names[f->vector] ? exception_names[f->vector] : "reserved";
    log_plain("FATAL: exception %lu (%s) error_code 0x%lx", (unsigned long)f->vector, name,
              (unsigned long)f->error_code);
    log_plain("  rip %016lx  cs %04lx  rflags %08lx  rsp %016lx  ss %04lx", (unsigned long)f->rip,
              (unsigned long)f->cs, (unsigned long)f->rflags, (unsigned long)f->rsp,
              (unsigned long)f->ss);
    log_plain("  cr2 %016lx", (unsigned long)read_cr2());
    log_plain("  rax %016lx  rbx %016lx  rcx %016lx  rdx %016lx", (unsigned long)f->rax,
              (unsigned long)f->rbx, (unsigned long)f->rcx, (unsigned long)f->rdx);
    log_plain("  rsi %016lx  rdi %016lx  rbp %016lx  r8  %016lx", (unsigned long)f->rsi,
              (unsigned long)f->rdi, (unsigned long)f->rbp, (unsigned long)f->r8);
    log_plain("  r9  %016lx  r10 %016lx  r11 %016lx  r12 %016lx", (unsigned long)f->r9,
              (unsigned long)f->r10, (unsigned long)f->r11, (unsigned long)f->r12);
    log_plain("  r13 %016lx  r14 %016lx  r15 %016lx", (unsigned long)f->r13, (unsigned long)f->r14,
              (unsigned long)f->r15);
    if (stack_overflowed(f, read_cr2()))
        panic("test-vm: FATAL: the kernel's stack overflowed (%u KiB, rsp %016lx) at rip %016lx\n",
              BOOT_STACK_SIZE / 1024, (unsigned long)f->rsp, (unsigned long)f->rip);
    panic("test-vm: FATAL: unhandled exception %lu at rip %016lx\n", (unsigned long)f->vector,
          (unsigned long)f->rip);
}
