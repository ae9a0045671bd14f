/*
 * NMIs for host tests: the simulated counterpart of the kernel's NMI handler
 * (arch/x86/traps.S), which only counts.  The count is never reset, as on a
 * real vCPU; compare against what it was.
 */
#ifndef SIM_SIM_NMI_H
#define SIM_SIM_NMI_H

/* One NMI arrives (the handler counts it). */
void sim_nmi_inject(void);

#endif
