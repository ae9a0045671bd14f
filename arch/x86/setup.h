#ifndef ARCH_X86_SETUP_H
#define ARCH_X86_SETUP_H

/*
 * The CPU-level set-up, from boot/main.c: the debug port's printk sink,
 * Xen's CPUID leaves (a VM not on Xen stops here), the IDT and the hypercall
 * page.  Halts if there is no Xen or no hypercall page (nothing could report
 * or crash then).
 */
void arch_setup(void);

#endif
