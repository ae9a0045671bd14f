/*
 * A simulated console backend, like xenconsoled: when it runs (on every
 * arch_idle() and whenever the guest kicks the console port) it drains the
 * current domain's output ring into a buffer and notifies the guest, the way
 * xenconsoled does after consuming.  A test can stall it (it then leaves the
 * ring alone) or limit how much it takes per turn, to make the guest wait.
 * It follows the ring across a resume in a new domain.
 */
#ifndef SIM_FAKE_CONSOLE_H
#define SIM_FAKE_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

/* Register with the sim (after xen_sim_reset()) and start with an empty buffer. */
void fake_console_start(void);
void fake_console_stop(void);

/* A stalled backend takes nothing from the ring and sends no events. */
void fake_console_stall(bool stalled);
/* At most max bytes a turn (0: no limit, the default). */
void fake_console_set_drain_limit(size_t max);

/*
 * Everything received so far, NUL-terminated; *len (if given) excludes the
 * NUL.  fake_console_output() shows it as text, each "\r\n" (how the guest
 * ends a line on a terminal) as "\n"; fake_console_raw() as the bytes came.
 */
const char *fake_console_output(size_t *len);
const char *fake_console_raw(size_t *len);
void fake_console_clear(void);
/* Turns in which it took at least one byte. */
unsigned long fake_console_drains(void);
/* Times it found out_prod - out_cons larger than the ring (a broken guest). */
unsigned long fake_console_bad_indices(void);

#endif
