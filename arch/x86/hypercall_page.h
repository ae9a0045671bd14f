#ifndef ARCH_X86_HYPERCALL_PAGE_H
#define ARCH_X86_HYPERCALL_PAGE_H

#include <stdint.h>

/* Ask Xen (found at CPUID leaf cpuid_base) to fill our hypercall page. */
int hypercall_page_init(uint32_t cpuid_base);

#endif
