/*
 * The control interpreter's parts, shared between its files:
 *
 *   control.c           the interface: boot, which watch fired, what is due
 *   control_watch.c     registering the two watches, and retries with back-off
 *   control_shutdown.c  control/shutdown: requests from the toolstack
 *   control_testing.c   control/testing: commands from the tester
 *   control_sysrq.c     control/sysrq: magic SysRq keys (xl sysrq)
 *   control_delay.c     a command's delayed ack and action
 *   control_action.c    carrying out an action, and what a suspend leaves
 *   control_agent.c             the guest-agent keys and the heartbeat (periodic work)
 *   control_xenstore.c  the guest's own xenstore operations on command
 *   control_memcheck.c  memcheck=: the pages filled at boot, verified later
 *   control_idle_check.c     the idle check: values that came with no watch event
 */
#ifndef KERNEL_CONTROL_INTERNAL_H
#define KERNEL_CONTROL_INTERNAL_H

#include "kernel/control/control.h"

#define SHUTDOWN_PATH "control/shutdown"
#define TESTING_PATH  "control/testing"
#define SYSRQ_PATH    "control/sysrq"

/* How many characters a received value takes at most in a console line. */
#define SHOWN_REQUEST_CHARS 100
#define SHOWN_COMMAND_CHARS 400

/*
 * In transaction tx, read path into *v.  Returns 0 if there is a value to
 * handle, 1 if there is none ("" or no key: a transaction body returns that
 * to end the transaction with nothing to ack), or a negative error.
 */
int control_read_value(struct xenstore *xs, xenstore_tx tx, const char *path,
                       struct control_value *v);

/*
 * Read path into *v and ack it by writing "" there, in one transaction
 * (retried on EAGAIN), as control/testing and control/sysrq are acked: 0
 * once acked, 1 if the key was "" or absent, or a negative error.
 */
int control_read_and_blank(struct control *c, const char *path, struct control_value *v);

/*
 * Read control/shutdown and handle what it holds.  rereading: our own look
 * (after a resume, a registration, a failure), not a watch event, so a
 * request a pending command took over and left unacked is not news.
 */
void control_shutdown_changed(struct control *c, bool rereading);

/* Read control/testing and handle what it holds. */
void control_testing_changed(struct control *c);

/* Does an onshutdown command take request (a command_request, or -1: unknown) over? */
bool control_takes_over(const struct command *cmd, int request);

/* The pending command takes a request over: one use of its "times" is gone. */
struct command control_use_pending(struct control *c);

/* Offer the suspend event channel: its port in device/suspend/event-channel. */
void control_offer_suspend_channel(struct control *c);
/* If dom0 notified the suspend event channel: a suspend request, with no ack. */
void control_check_suspend_channel(struct control *c);

/* Read control/sysrq (xl sysrq) and handle what it holds. */
void control_sysrq_changed(struct control *c);

/*
 * printk "test-vm: <before><command><after>\n" with the normalised command
 * cut to SHOWN_COMMAND_CHARS, so that the line stays whole.
 */
void control_log_command(const char *before, const char *command, const char *after);

/* Carry out cmd's action now: log it, publish it, ask struct control_power. */
void control_act(struct control *c, const struct command *cmd);
/* The same for an action alone (a control/shutdown request), with its defaults. */
void control_act_on(struct control *c, enum command_action action);

/*
 * The ack of a request the command took over is done (or, for "none", left
 * out): log it as the README says, then carry out the action, at once or
 * after action_delay_ms.
 */
void control_acked(struct control *c, const struct command *cmd,
                   const struct control_value *request, const char *shown);
/* A "now" command's action: at once, or after action_delay_ms. */
void control_act_after_delay(struct control *c, const struct command *cmd);
/* Ack request after cmd->ack_delay_ms instead of now (state "acking"). */
void control_delay_ack(struct control *c, const struct command *cmd,
                       const struct control_value *request, const char *shown);
/* A delayed ack that did not land (its commit's reply was lost): ack again shortly. */
void control_delay_ack_again(struct control *c, const struct command *cmd,
                             const struct control_value *request);
#define CONTROL_ACK_AGAIN_MS 100
/* A delayed step waits; v is the request a delayed ack waits to ack. */
bool control_delay_running(const struct control *c);
bool control_delay_holds(const struct control *c, const struct control_value *v);
/* A new command replaces the delayed step: drop it (logged). */
void control_delay_cancel(struct control *c);
/* Carry out the delayed step if it is due. */
void control_delay_run_due(struct control *c);

/*
 * Register whichever of the two watches xenstored lacks.  Once both are
 * registered: the console line, state "ready", and both keys read again (a
 * watch that was already there fires no event).  If one fails: an error line
 * per try, state "degraded", and a retry after a doubling back-off.
 */
int control_watch_keys(struct control *c); /* 0, or the first error */
/* After a resume: xenstore may have neither watch; register both again at once. */
void control_watches_lost(struct control *c);
/* Both watches registered? */
bool control_watching(const struct control *c);

/*
 * Reading a key (or acking what it held) failed in a way that may pass (a
 * timeout, EAGAIN, a quota): read it again after a back-off, so that a
 * request is not lost to one bad reply.  Gives up after CONTROL_REREAD_TRIES.
 */
void control_reread_later(struct control *c, const char *path);
#define CONTROL_REREAD_TRIES 5

/* r is due after the back-off for its next try; "the try" is counted. */
void control_retry_schedule(struct control *c, struct control_retry *r);
/* The delay before try n (1, 2, ...): 100 ms doubling, at most CONTROL_RETRY_MAX_MS. */
uint64_t control_retry_delay_ms(unsigned int try);
#define CONTROL_RETRY_MAX_MS 10000

/*
 * The guest-agent keys (attr/PVAddons/, data/os_*, data/meminfo_*, attr/vif/,
 * data/updated), unless agent=off, and the heartbeat keys: at boot and after
 * a resume in a new domain.  The next refresh and heartbeat are scheduled
 * from now.
 */
void agent_publish(struct control *c);

/*
 * Carry out xenstore-write, xenstore-rm, xenstore-flood or xenstore-unwatch
 * (last-result, a console line).
 */
void control_xenstore_op(struct control *c, const struct command *cmd);

/*
 * The idle check (control_idle_check.c).  control_idle_reset: a watch event came
 * (or the VM booted or resumed): the next check is CONTROL_IDLE_FIRST_MS
 * from now.  control_seen: after a look at a key, what it holds now (the
 * hash the check compares with).  control_idle_run_due: the check, if due.
 */
void control_idle_reset(struct control *c);
void control_seen(struct control *c, enum control_key key, const char *bytes, size_t len);
void control_idle_run_due(struct control *c);
uint64_t control_idle_deadline(const struct control *c);
/* FNV-1a 64 over len bytes. */
uint64_t control_hash(const char *bytes, size_t len);

/*
 * Acks whose commit's reply was lost (control_unsure.c).  begin: remember
 * that the ack of request on key (ack: what it wrote, NULL: it removed the
 * key) may or may not have landed; the caller fills in what to carry out
 * (kind, action, cmd).  settle: look at the key (see the outcomes); the
 * caller settles before it handles the key, and right after begin.
 * run_due: look again at every key whose look failed, after the back-off.
 */
struct control_unsure *control_unsure_begin(struct control *c, enum control_key key,
                                            const struct control_value *request, const char *ack);
enum control_unsure_outcome control_unsure_settle(struct control *c, enum control_key key);
bool control_unsure_pending(const struct control *c);
void control_unsure_run_due(struct control *c);

/*
 * A long step (a flood, a memory check) begins: state "busy" until the
 * caller sets it again, and control_keepalive() now and then inside it.
 */
void control_busy(struct control *c);
void control_keepalive(struct control *c);

/* memcheck=: fill the pages (at boot, after the boot-id is drawn). */
void control_memcheck_start(struct control *c);
/* The action memcheck (and after a resume): verify them, publish the result. */
void control_memcheck(struct control *c);
/* The refresh (every CONTROL_AGENT_REFRESH_S) and the heartbeat, when due. */
void agent_run_due(struct control *c);
/* When the next of them is due, or CONTROL_NO_DEADLINE. */
uint64_t agent_next_deadline(const struct control *c);

#endif
