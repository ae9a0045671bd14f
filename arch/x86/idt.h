#ifndef ARCH_X86_IDT_H
#define ARCH_X86_IDT_H

/* The vector Xen raises for event channel upcalls (HVM_PARAM_CALLBACK_IRQ). */
#define EVENT_UPCALL_VECTOR 0xf3

#ifndef __ASSEMBLY__
/* Install exception handlers for vectors 0-31 (2, the NMI, is not fatal) and the event upcall. */
void idt_init(void);
#endif

#endif
