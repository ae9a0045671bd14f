/* The host build's NMIs: a test injects them (sim_nmi.h). */
#include "sim/sim_nmi.h"

#include "arch/arch.h"

static unsigned long count;

void sim_nmi_inject(void)
{
    count++;
}

unsigned long arch_nmi_count(void)
{
    return count;
}
