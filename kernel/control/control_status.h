/*
 * What the control interpreter publishes for test harnesses: the
 * control/feature-* keys and data/test-vm/ (docs/protocol.md, "The protocol", "Status
 * keys"), and the error reporting that goes with them.  Failures to write are
 * logged, never fatal: the console line is the record of last resort, and
 * the failed key's group is written again after a back-off (struct control's
 * status_retry) until all land.
 */
#ifndef KERNEL_STATUS_H
#define KERNEL_STATUS_H

#include "kernel/control/control.h"

#define STATUS_DIR "data/test-vm/"

/*
 * TEST_VM_VERSION, from this one object file: every use then agrees even in
 * an incremental build, where objects may carry different git revisions.
 */
const char *status_version(void);

/*
 * Write path (relative to the home), logging a failure: a guest-agent key
 * (kernel/control/control_agent.c), written again by agent_publish() if it fails.
 */
void status_write(struct control *c, const char *path, const char *value);

/* Write data/test-vm/<key>. */
void status_put(struct control *c, const char *key, const char *value);
void status_put_number(struct control *c, const char *key, unsigned long n);

/*
 * The retry of a failed write, when status_retry is due: each group with a
 * key that was not written (struct control's status_unwritten), whole: the
 * feature keys, the guest-agent keys (agent_publish), every data/test-vm/
 * key (status_publish_all).  A write that fails again schedules the next try.
 */
void status_write_again(struct control *c);

/* Write each control/feature-* key as struct control_config says. */
void status_publish_features(struct control *c);

/*
 * Every data/test-vm/ key, with "state" ready or pending, and last: when it
 * reads "ready", all the others are there.
 */
void status_publish_all(struct control *c);

/*
 * Set and publish "state"; NULL: "acking" or "acting" while a delayed step
 * waits, else "degraded" while a watch is missing, else "pending" if a
 * command waits, else "ready".  Before status_publish_all()
 * it is only set: "state" is published last.
 */
void status_set_state(struct control *c, const char *state);

/* Publish "due-ms": when the delayed step is due (the VM's clock in ms), or "". */
void status_publish_due(struct control *c);

/* Publish "pending" (the normalised pending command, or ""). */
void status_publish_pending(struct control *c);

/*
 * Report an error: one console line "test-vm: <where>: error: <message>",
 * the line without "test-vm: " (e.g. `control/testing: error: unknown field
 * "acton"`) in last-error, and one more in errors.
 */
void status_error(struct control *c, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
