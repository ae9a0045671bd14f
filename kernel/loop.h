/*
 * One turn of the kernel's main loop, portable so that host tests and the
 * fuzzer drive the VM exactly as the kernel does (vm_turn(), kernel/vm.h):
 *
 *     for (;;) {
 *         uint64_t until = loop_step(&control, &xenstore);
 *         if (until != LOOP_AGAIN)
 *             wait_for_event_until(until);   // a retry's or the idle check's time
 *     }
 */
#ifndef KERNEL_LOOP_H
#define KERNEL_LOOP_H

#include <stdint.h>

#include "drivers/xenstore/xenstore.h"
#include "kernel/control/control.h"

#define LOOP_AGAIN 0 /* work remains: call loop_step() again at once */

/*
 * Take what xenstore sent (and end orphaned transactions), hand every watch
 * event to the interpreter, and run the retries that are due.  Returns
 * LOOP_AGAIN if more work is waiting, else the time (ns) until which the VM
 * may sleep: the next retry, delayed step, periodic work or idle check
 * (control_next_deadline()), or CONTROL_NO_DEADLINE once hung.
 */
uint64_t loop_step(struct control *c, struct xenstore *xs);

#endif
