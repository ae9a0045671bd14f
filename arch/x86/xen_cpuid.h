#ifndef ARCH_X86_XEN_CPUID_H
#define ARCH_X86_XEN_CPUID_H

#include <stdint.h>

/*
 * The base of Xen's CPUID leaves: 0x40000000 normally, 0x40000100 when Xen
 * also presents Viridian (Hyper-V) leaves first.  0 if not running on Xen.
 */
uint32_t xen_cpuid_base(void);

#endif
