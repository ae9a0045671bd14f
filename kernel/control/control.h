/*
 * The control interpreter: watches control/shutdown and control/testing,
 * acks, and decides what the VM does.  docs/protocol.md, "The protocol" is its reference:
 * every key it reads and writes and every console line it prints.
 *
 * It never issues a hypercall: it talks to xenstore through the xenstore
 * client and asks for power actions through struct control_power, which the
 * kernel implements in kernel/power.c and host tests implement themselves.
 * Its files are listed in control_internal.h; kernel/command.c parses the
 * control/testing commands and kernel/control/control_status.c publishes data/test-vm/.
 */
#ifndef KERNEL_CONTROL_H
#define KERNEL_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

#include <stdint.h>

#include "drivers/xenstore/xenstore.h"
#include "kernel/boot_id.h"
#include "kernel/command.h"
#include "kernel/config.h"
#include "kernel/memcheck.h"

/* What the interpreter needs of the machine: the kernel's is kernel/power.c and the timer. */
struct control_power {
    /*
     * Carry out SCHEDOP_shutdown with a SHUTDOWN_* reason.  On real Xen it
     * returns only for SHUTDOWN_suspend (0: resumed, with every driver set up
     * again; 1: cancelled or checkpointed) or on failure (Xen's -errno).
     */
    int (*shutdown)(void *ctx, unsigned int reason);
    /* The clock, in ns: for retries with a back-off, and delays. */
    uint64_t (*now_ns)(void *ctx);
    /*
     * The misbehaviours.  On real Xen only watchdog returns (0, or Xen's
     * -errno): hang spins with interrupts off until the domain is destroyed
     * or a watchdog fires; fault and triple_fault end in a crash (the latter
     * as Xen decides).  Host tests record the call and return.
     */
    void (*hang)(void *ctx);
    int (*watchdog)(void *ctx, unsigned int timeout_s);
    void (*fault)(void *ctx);
    void (*triple_fault)(void *ctx);
    /*
     * The suspend event channel (command line suspend-evtchn=1): an unbound
     * port for dom0 to notify, allocated again after a resume into a new
     * domain.  Returns 0 with its number in *port, or Xen's -errno.
     * suspend_notified says (once) that dom0 notified it since the last call.
     */
    int (*suspend_channel)(void *ctx, uint32_t *port);
    bool (*suspend_notified)(void *ctx);
    /*
     * Called now and then inside a long step (a flood, a memory check), which
     * keeps the main loop from running: pets the watchdog=N watchdog if its
     * time has come, as the loop would.  May be NULL.
     */
    void (*keepalive)(void *ctx);
    void *ctx;
};

/* control_next_deadline() when nothing is scheduled. */
#define CONTROL_NO_DEADLINE UINT64_MAX

/* The watch tokens; events with other tokens are not the interpreter's. */
#define CONTROL_TOKEN_SHUTDOWN "test-vm:shutdown"
#define CONTROL_TOKEN_TESTING  "test-vm:testing"
#define CONTROL_TOKEN_SYSRQ    "test-vm:sysrq"

#define CONTROL_ERROR_MAX 384

/* What data/test-vm/ shows (docs/protocol.md, "Status keys"). */
struct control_status {
    /* "ready", "pending", "degraded", "acking", "acting", "suspending", "shutting-down",
       "hung" or "crashing" */
    const char *state;
    unsigned long boots, resumes, commands, errors;
    const char *last_action;  /* "" or an action name */
    const char *last_suspend; /* "", "resumed", "cancelled" or "failed" */
    char last_command[COMMAND_TEXT_MAX];
    char last_error[CONTROL_ERROR_MAX];
    const char *last_result;     /* "", "ok" or a xenstore error name: the last xenstore action */
    unsigned long flood_written; /* keys the last xenstore-flood wrote */
    bool published;              /* status_publish_all() has run: "state" may be written */
};

/*
 * Something the interpreter must do again later: register a watch that
 * failed, or read a key whose read or ack failed (a request must not be lost
 * because one reply timed out).  Retried with a doubling back-off.
 */
struct control_retry {
    bool due;
    unsigned int tries;
    uint64_t at; /* ns */
};

/* The groups of keys a failed write makes the VM write again (kernel/control/control_status.h). */
#define STATUS_GROUP_FEATURES 1u /* control/feature-* */
#define STATUS_GROUP_AGENT    2u /* the guest-agent keys */
#define STATUS_GROUP_STATUS   4u /* data/test-vm/ */

/* A value read from control/shutdown or control/testing (it may hold NUL bytes). */
struct control_value {
    char bytes[XENSTORE_PAYLOAD_MAX + 1];
    size_t len; /* 0 if "" or absent */
};

/* A command's step waiting for its delay (ack_delay_ms, action_delay_ms). */
enum control_step { CONTROL_STEP_NONE, CONTROL_STEP_ACK, CONTROL_STEP_ACT };
struct control_delayed {
    enum control_step step;
    struct command cmd;
    struct control_value request; /* CONTROL_STEP_ACK: the request to ack */
    uint64_t due_ns;
};

/*
 * The idle check (kernel/control/control_idle_check.c): while no watch event comes, the
 * VM reads its three control keys now and then, in case xenstored lost a
 * watch or an event.  The keys, in the order it reads them.
 */
enum control_key { CONTROL_KEY_TESTING, CONTROL_KEY_SHUTDOWN, CONTROL_KEY_SYSRQ, CONTROL_KEYS };
#define CONTROL_IDLE_FIRST_MS 5000  /* the first check, after the last watch event */
#define CONTROL_IDLE_MAX_MS   60000 /* the back-off doubles up to this */
struct control_idle {
    uint64_t last_event_ns; /* the last watch event (any token), or boot, or a resume */
    uint64_t due_ns;        /* the next check */
    unsigned int checks;    /* done since last_event_ns */
    unsigned long missed; /* values found with no watch event (data/test-vm/missed-watch-events) */
    /* FNV-1a 64 of what each key held after the VM's last look at it ("" if blanked or absent). */
    uint64_t seen_hash[CONTROL_KEYS];
};

/* An ack whose commit's reply was lost (kernel/control/control_unsure.c). */
enum control_unsure_kind {
    UNSURE_REQUEST,     /* control/shutdown: a known request, acked with "" (action) */
    UNSURE_TAKEOVER,    /* control/shutdown: the pending command took it over */
    UNSURE_DELAYED_ACK, /* control/shutdown: a command's delayed ack (cmd) */
    UNSURE_COMMAND,     /* control/testing: a command, acked with "" */
    UNSURE_SYSRQ,       /* control/sysrq: a key, acked with "" */
};
enum control_unsure_outcome {
    UNSURE_NONE,       /* nothing unsure (or no longer: reported): handle the key as usual */
    UNSURE_WAIT,       /* the look failed; it is tried again later: leave the key alone */
    UNSURE_LANDED,     /* the key shows the ack: carry the request out now */
    UNSURE_NOT_LANDED, /* the key still holds the request: handle it again */
};
struct control_unsure {
    bool set;
    enum control_unsure_kind kind;
    struct control_value request; /* what the key held when it was acked */
    bool ack_removes;             /* the ack removed the key ... */
    char ack[COMMAND_ACK_MAX];    /* ... or wrote this */
    size_t ack_len;
    enum command_action action; /* UNSURE_REQUEST */
    struct command cmd;         /* UNSURE_DELAYED_ACK */
};

struct control {
    struct xenstore *xs;
    struct control_power power;
    struct control_config cfg;

    /* The onshutdown command waiting for the next control/shutdown request. */
    bool has_pending;
    struct command pending;

    /*
     * A custom ack string we wrote to control/shutdown: while the key still
     * holds it, it is our own write coming back, not a request.
     */
    bool own_ack_set;
    char own_ack[COMMAND_ACK_MAX];
    /* The request a pending command took over with ack "none", still in the key. */
    bool left_unacked_set;
    char left_unacked[64];
    size_t left_unacked_len; /* it may hold NUL bytes */

    /* Acks whose commit's reply was lost, by key, and the back-off of looking again. */
    struct control_unsure unsure[CONTROL_KEYS];
    struct control_retry unsure_retry;

    struct control_status status;
    bool hung; /* told to hang: from then on it does nothing (host tests only get here) */
    unsigned long events_dropped_seen;
    char domid[48]; /* as read at boot or the last resume, shown quoted */

    struct control_delayed delayed;

    /* The periodic work (kernel/control/control_agent.c), on the clock of struct control_power. */
    uint64_t agent_due_ns;     /* the next meminfo refresh, while cfg.agent.on */
    uint64_t heartbeat_due_ns; /* the next heartbeat, while cfg.heartbeat_s */
    unsigned long heartbeats;

    struct boot_id boot_id;   /* drawn by control_start(), kept in RAM across suspends */
    struct memcheck memcheck; /* the pages memcheck= filled */

    /* The watches; "ready" only while xenstored has all three. */
    bool watching_shutdown, watching_testing, watching_sysrq;
    struct control_retry watch_retry;
    /* Keys to read again (after a resume, a registration, or a failed read). */
    bool reread_shutdown, reread_testing, reread_sysrq;
    struct control_retry reread_retry;
    /* A status, feature or agent key that was not written: its group is written again. */
    struct control_retry status_retry;
    unsigned int status_unwritten; /* STATUS_GROUP_* with a key that failed */

    struct control_idle idle;
};

/* No xenstore traffic yet: power and cfg are copied. */
void control_init(struct control *c, struct xenstore *xs, const struct control_power *power,
                  const struct control_config *cfg);

/*
 * The boot sequence: read and log "domid", write the control/feature-* keys,
 * watch control/shutdown and control/testing, publish data/test-vm/ with
 * state "ready" (or "degraded" while a watch is not registered yet: it is
 * retried from control_run_due()).  Returns 0, or the first xenstore error
 * (negative) after doing as much of the rest as it could.
 */
int control_start(struct control *c);

/* Run the retries whose time has come. */
void control_run_due(struct control *c);
/*
 * When the next retry, delayed step, periodic work or idle check is due
 * (ns), or CONTROL_NO_DEADLINE (only once hung: the idle check is always
 * scheduled).
 */
uint64_t control_next_deadline(const struct control *c);
/*
 * The same without the idle check: CONTROL_NO_DEADLINE when only the idle
 * check is left to do (host tests run the VM "until it is idle" with it).
 */
uint64_t control_work_deadline(const struct control *c);

/*
 * Handle one watch event from the kernel's main loop.  It re-reads the
 * watched key, so it does not matter how many events a flood of writes
 * produced, as long as one arrives after the last write.
 */
void control_handle_watch(struct control *c, const struct xenstore_watch_event *ev);

#endif
