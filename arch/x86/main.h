#ifndef ARCH_X86_MAIN_H
#define ARCH_X86_MAIN_H

#include "arch/xen.h"

/* The bring-up order and the event loop; called once the CPU is set up. */
_Noreturn void kernel_main(const struct hvm_start_info *start_info);

/* debug=stack-overflow (arch/x86/misbehave.c): recurse until the stack's guard page. */
void arch_stack_overflow(void);

#endif
