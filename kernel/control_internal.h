/*
 * The control interpreter's parts, shared between its files:
 *
 *   control.c           the interface: boot, and which watch fired
 *   control_shutdown.c  control/shutdown: requests from the toolstack
 *   control_testing.c   control/testing: commands from the tester
 *   control_action.c    carrying out an action, and what a suspend leaves
 */
#ifndef KERNEL_CONTROL_INTERNAL_H
#define KERNEL_CONTROL_INTERNAL_H

#include "kernel/control.h"

#define SHUTDOWN_PATH "control/shutdown"
#define TESTING_PATH  "control/testing"

/* How many characters a received value takes at most in a console line. */
#define SHOWN_REQUEST_CHARS 100
#define SHOWN_COMMAND_CHARS 400

/*
 * In transaction tx, read path into c->value and its length into
 * c->value_len (0 if it is "" or absent).  Returns 0 if there is a value to
 * handle, 1 if there is none ("" or no key: a transaction body returns that
 * to end the transaction with nothing to ack), or a negative error.
 */
int control_read_value(struct control *c, struct xenstore *xs, xenstore_tx tx, const char *path);

/* Read control/shutdown and handle what it holds. */
void control_shutdown_changed(struct control *c);

/* Read control/testing and handle what it holds. */
void control_testing_changed(struct control *c);

/*
 * printk "test-vm: <before><command><after>\n" with the normalised command
 * cut to SHOWN_COMMAND_CHARS, so that the line stays whole: printk cuts a
 * long message, newline and all.
 */
void control_log_command(const char *before, const char *command, const char *after);

/* Carry out an action now: log it, publish it, ask struct control_power. */
void control_act(struct control *c, enum command_action action);

#endif
