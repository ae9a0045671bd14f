/*
 * NMIs (`xl trigger DOM nmi`, a watchdog, a debugger): not errors.  As Linux
 * does, the VM logs them and carries on.  The arch handler only counts them
 * (arch_nmi_count()), as an NMI can interrupt anything; the log line comes
 * from here, called by the main loop (loop_step()), where printing is safe:
 * never from inside a wait (see wait_for_event_until()).
 */
#ifndef DRIVERS_NMI_H
#define DRIVERS_NMI_H

/*
 * If NMIs came since the last call, log one line for all of them,
 * "test-vm: nmi: received (N so far)".  Returns the number so far.
 */
unsigned long nmi_report(void);

#endif
