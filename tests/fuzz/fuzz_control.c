/*
 * Fuzz the whole control interpreter (kernel/control*.c, kernel/control/control_status.c,
 * kernel/command.c) with what a toolstack and a tester can write: the real
 * xenstore client against the fake xenstored, a recording struct
 * control_power, and the watch events handed over as the kernel's main loop
 * does (as tests/unit/control_fixture.h sets it up).
 *
 * Input: records separated by NUL bytes (xenstore values are strings, so a
 * value never holds one).  An empty record delivers the events queued so
 * far and lets the VM's clock reach its next idle check (so does the end of
 * the input).  Otherwise the record is [op] [value...], op being its first byte
 * minus one:
 *   bit 0     the key: control/shutdown (0) or control/testing (1)
 *   bits 1-2  what the toolstack does: write the value (0, 1), remove the
 *             key (2), write "" (3)
 *   bit 3     defer: the VM does not run before the next record (writes pile
 *             up, watch events fold or overflow the client's queue)
 *   bits 4-5  what power->shutdown returns during this step: SHUTDOWN_suspend
 *             1 (cancelled), 0 (resumed in a new domain), -22, 0; the other
 *             reasons 0 ("still here"), 0, -22, -1
 *   bits 6-7  0, 1: nothing more; 2: the write lands just before the VM's
 *             next commit instead of now (the toolstack changes its mind
 *             between the VM's read and its ack; now if a write is already
 *             held back); 3: a later request of the VM's of one type
 *             fails (bits 4-5: WRITE, READ, TRANSACTION_START or
 *             TRANSACTION_END), the one after (the value's length mod 8)
 *             others of its type, in one of four ways by (length / 8) mod 4:
 *             an error reply (EACCES, EIO, EQUOTA, EAGAIN by type), its
 *             reply lost after it was carried out (twice as likely: a commit
 *             that went through, the VM never told), or lost whole (not
 *             carried out, no reply: a transaction it would end stays open
 *             until the VM aborts it).  Each but the error costs the VM its
 *             5 s time-out.  A TRANSACTION_START is never carried out
 *             unanswered: no client could name that transaction.
 * And what the world does, by the value's length: (length / 32) odd, an NMI
 * comes before the step; (length / 64) odd, xenconsoled stops draining the
 * console ring, or starts again (every line goes through the console
 * driver, which waits 200 ms for room once, then drops); (length / 128) mod 4,
 * a resume into a new domain in this step lands on a host whose system time
 * (Xen's, pvclock's) is the same, 2 h behind, a day ahead or 0 (a host booted
 * just now).  A soft reset the
 * VM asks for returns 0 as xenopsd's in-place reset does (bits 4-5: 0, 1).
 * Values are cut to XENSTORE_PAYLOAD_MAX bytes; at most MAX_RECORDS records
 * are used.  Each input starts from the same freshly booted VM (vm_start()
 * in a new fake xenstored, booted once and put back after each
 * input: see LLVMFuzzerTestOneInput); the printk sink, registered once, keeps
 * nothing between lines.  Nothing waits
 * in real time: the fake's clock jumps to a deadline when no reply can come.
 * The fake's clock is real time; the VM reads its own clock
 * (drivers/vm_clock.c) from a simulated host's system time, which the fake's
 * clock drives and a resume makes jump, and carries it on across the jump
 * (vm_clock_rebase(), as devices_resume() calls time_rebase()).
 *
 * Checked after every step the VM ran (and inside every power call):
 *  - no sanitizer report, no leak, no transaction left open, both watches
 *    registered, no request left half-done in the client;
 *  - the events stop (the interpreter never loops on its own writes);
 *  - data/test-vm/state is one of ready, pending, suspending, shutting-down
 *    (ready or pending between steps, pending exactly when a command waits);
 *  - data/test-vm/pending is "" or a command that command_parse() accepts,
 *    an onshutdown one, the one the interpreter holds;
 *  - last-action, last-suspend and last-result hold documented values;
 *  - errors and commands never go down (in memory and in xenstore), and
 *    xenstore shows what memory holds;
 *  - every power call has a SHUTDOWN_* reason matching the action carried
 *    out, and state is suspending or shutting-down when it comes;
 *  - control/testing reads "" or is absent: every command is acked;
 *  - in the first domain, boot-us is a number and boot-stages the stages
 *    the interpreter marks (domid, features, watches, ready), ending at
 *    boot-us; after a resume in a new domain neither is there (once a boot);
 *  - every printk is one whole line: "test-vm: ", printable ASCII, "\n";
 *  - the VM's clock runs with real time, resumes and jumps of the host's
 *    system time notwithstanding (a resume loses the real time since its
 *    last reading, under a second): every deadline it keeps (delays,
 *    retries, the idle check) is as far away in real time as it was told;
 *  - the promise (check_acks): every control/testing command whose ack
 *    landed (the fake counts the guest's changes of the key that land) is
 *    carried out or rejected exactly once, and every control/shutdown ack
 *    that landed is the VM's one "acked" line (then the action), whatever
 *    failed on the way;
 *  - never deaf: after the last record a fresh command is taken within 120 s
 *    of the VM's clock, unless it was told to hang (or an EACCES on its
 *    ack, which the VM reports and never retries, hits it).
 * Once a request was made to fail (op bits 6-7 = 3), the data/test-vm/ keys
 * must still show what memory holds between steps (a status write that
 * failed is written again before the VM runs out of work), but a command's
 * ack may be late (the check above still holds), and the boot time,
 * last-result, a hung VM's last word and the state during a power call may
 * be lost.  Checks of what xenstore shows are skipped once the VM
 * carried out a xenstore action (xenstore-write, -rm, -flood, -unwatch),
 * which may write or remove any of its own keys, as told.
 * The idle check (control_idle_check.c) finds no missed event unless told
 * xenstore-unwatch (the fake loses none); the watches are all registered
 * except between an xenstore-unwatch and the miss that follows.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/vm_clock.h"
#include "drivers/xenstore/xenstore.h"
#include "arch/arch.h"
#include "drivers/console.h"
#include "kernel/boot_time.h"
#include "kernel/command.h"
#include "kernel/control/control.h"
#include "kernel/loop.h"
#include "kernel/vm.h"
#include "lib/printk.h"
#include "sim/fake_xenstored.h"
#include "sim/log_capture.h"
#include "sim/sim_nmi.h"
#include "sim/sim_xenstore.h"

#define FIRST_DOMID 7
#define MAX_RECORDS 32
#define PUMP_MAX    10000
#define HOUR_NS     (3600ull * 1000000000ull)
/* The host's system time when the fuzzer's VM boots: up 3 h, room to go back 2. */
#define HOST_UP_NS (3 * HOUR_NS)
/* What a resume may lose of real time: the time since the VM last read its clock. */
#define RESUME_LOSES_AT_MOST_NS (1000000000ull)

enum toolstack_op { OP_WRITE, OP_RM, OP_WRITE_EMPTY };

static struct harness {
    struct fake_xenstored *fx;
    struct ring_transport transport; /* the fake's, in real time */
    struct xenstore xs;              /* ~80 KiB: static, not on the stack */
    struct control control;
    struct vm vm; /* over control and xs */
    unsigned int next_domid;

    int suspend_result, shutdown_result;
    bool faults;            /* a xenstore action ran: xenstore may differ from memory */
    bool failed;            /* a request was made to fail: an ack or a hung VM's word may be lost */
    bool unwatched;         /* xenstore-unwatch ran, and no miss was found since */
    unsigned long missed;   /* the idle check's count, last seen */
    unsigned int unwatches; /* XS_UNWATCH requests, last seen */

    /* A toolstack write held back until the VM's next TRANSACTION_END. */
    bool conflict_armed;
    const char *conflict_path;
    enum toolstack_op conflict_op;
    char conflict_value[XENSTORE_PAYLOAD_MAX + 1];

    unsigned long errors, commands;         /* last seen in memory */
    unsigned long errors_key, commands_key; /* last seen in xenstore */

    /* The oracle of acks (check_acks): verdicts on control/testing, from the console. */
    unsigned long accepted, rejected, unsure_reported;
    unsigned long ack_refused; /* "acking it failed (EACCES)": reported, not retried */
    unsigned long blanked;     /* commands the toolstack blanked or removed itself */
    /* The same for control/shutdown: "acked" lines, unsure acks reported, the toolstack's own. */
    unsigned long sd_acked, sd_unsure_reported, sd_blanked;

    /*
     * Time.  The host's system time is the fake's clock (real time) plus
     * system_minus_real; the VM's clock is made from it, and must stay
     * vm_minus_real ahead of real time whatever the host's time does.
     */
    struct vm_clock clock;
    uint64_t system_minus_real, vm_minus_real;
    int64_t resume_jump_ns; /* how far the host's time jumps at a resume in this step */

    /* The PV console, as xenconsoled drains it, or not (stalled). */
    struct console console;
    bool console_stalled;
} F;

static struct xencons_interface console_ring;

static char value[XENSTORE_PAYLOAD_MAX + 1];

static void check(bool ok, const char *what);

/*
 * boot-us and boot-stages (kernel/boot_time.c): the harness starts the boot
 * clock as arch_start() does, but no shared_info is mapped here, so every
 * figure is 0 at its rate of 0; the keys' form and their once-a-boot life
 * are what this checks.
 */
static void check_boot_time(void)
{
    const char *us = fxs_read(F.fx, "data/test-vm/boot-us");
    const char *stages = fxs_read(F.fx, "data/test-vm/boot-stages");
    if (F.next_domid != FIRST_DOMID + 1) {
        check(!us && !stages, "no boot-us or boot-stages after a resume in a new domain");
        return;
    }
    check(us && stages, "boot-us and boot-stages exist from boot");
    char want[64];
    snprintf(want, sizeof(want), "domid=0 features=0 watches=0 ready=%s", us);
    check(strcmp(us, "0") == 0 && strcmp(stages, want) == 0,
          "boot-stages is the interpreter's stages, ending at boot-us");
}

static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_control: property violated: %s\n", what);
        abort();
    }
}

/* ---- the kernel log */

/* Every printk is one whole line: log_line_check_sink (sim/log_capture.h). */

/*
 * A xenstore action (xenstore-write, -rm, -flood, -unwatch) may change any of
 * the VM's own keys, so xenstore may differ from memory from then on.  Its
 * console line says it ran: last-action would not, as a later command
 * replaces it before the next check (an onshutdown xenstore-rm of data/
 * carried out, then a "now" command, in one step).
 */
static void xenstore_action_sink(const char *s, size_t len, void *ctx)
{
    (void)ctx;
    static const char prefix[] = "test-vm: xenstore-";
    if (len >= sizeof(prefix) - 1 && memcmp(s, prefix, sizeof(prefix) - 1) == 0)
        F.faults = true;
}

/*
 * The VM's verdicts on control/testing commands, for the oracle of acks:
 * "accepted", or an error line that rejects the command.  The error lines of
 * a read or an ack that failed are not verdicts (the ack did not land, or
 * it is looked at again); "not carried out" after a lost commit reply is
 * one, but its ack may or may not have landed.
 */
/* A loop, not strncmp(): libFuzzer intercepts and records every call of that (slow). */
static bool starts_with(const char *s, const char *prefix)
{
    while (*prefix && *s == *prefix) {
        s++;
        prefix++;
    }
    return !*prefix;
}

/* The same for s[0..len), which holds no NUL. */
static bool has_prefix(const char *s, size_t len, const char *prefix)
{
    size_t i = 0;
    while (prefix[i] && i < len && s[i] == prefix[i])
        i++;
    return !prefix[i];
}

static void verdict_sink(const char *s, size_t len, void *ctx)
{
    (void)ctx;
    static const char accepted[] = "test-vm: control/testing: accepted ";
    static const char error[] = "test-vm: control/testing: error: ";
    static const char sd_acked[] = "test-vm: control/shutdown: acked ";
    static const char sd_unsure[] = "test-vm: control/shutdown: error: the ack of ";
    static char line[PRINTK_LINE_MAX];
    static int show = -1; /* FUZZ_CONTROL_LOG=1: the VM's log on stderr, to read a crash */
    if (show < 0)
        show = getenv("FUZZ_CONTROL_LOG") != NULL;
    if (show)
        fprintf(stderr, "%.*s", (int)len, s);
    if (has_prefix(s, len, accepted)) {
        F.accepted++;
        return;
    }
    if (has_prefix(s, len, sd_acked)) {
        F.sd_acked++;
        return;
    }
    if (has_prefix(s, len, sd_unsure)) {
        F.sd_unsure_reported++;
        return;
    }
    if (!has_prefix(s, len, error))
        return;
    /* What follows "error: " says which: a parse error's text never starts so. */
    size_t n = len - (sizeof(error) - 1);
    if (n > sizeof(line) - 1)
        n = sizeof(line) - 1;
    memcpy(line, s + sizeof(error) - 1, n);
    line[n] = '\0';
    if (starts_with(line, "acking it failed (EACCES)"))
        F.ack_refused++;
    if (starts_with(line, "the ack of "))
        F.unsure_reported++;
    else if (!starts_with(line, "reading it failed (") &&
             !starts_with(line, "acking it failed (") &&
             !starts_with(line, "looking whether the ack landed failed ("))
        F.rejected++;
}

/* ---- time: the host's system time and the VM's clock */

static uint64_t system_now(void)
{
    return fxs_now_ns(F.fx) + F.system_minus_real;
}

static uint64_t vm_now(void)
{
    return vm_clock_read(&F.clock, system_now());
}

/* Real time passes until the VM's clock reads deadline_ns (no later than now). */
static void sleep_until(uint64_t deadline_ns)
{
    uint64_t system = system_now();
    uint64_t at = vm_clock_system_deadline(&F.clock, system, deadline_ns);
    if (at > system)
        fxs_advance_clock(F.fx, at - system);
}

/* The host's system time jumps (at a resume in a new domain): never below 0. */
static void host_time_jumps(int64_t jump_ns)
{
    uint64_t system = system_now(), real = fxs_now_ns(F.fx);
    if (jump_ns == INT64_MIN)
        system = 0; /* a host booted just now */
    else if (jump_ns < 0)
        system = system > (uint64_t)-jump_ns ? system - (uint64_t)-jump_ns : 0;
    else
        system += (uint64_t)jump_ns;
    F.system_minus_real = system - real;
}

/* The xenstore client's transport: the fake's, on the VM's clock. */
static bool vm_transport_wait(void *ctx, uint64_t deadline_ns)
{
    (void)ctx;
    uint64_t system = system_now();
    uint64_t at = vm_clock_system_deadline(&F.clock, system, deadline_ns);
    return F.transport.wait(F.transport.ctx, fxs_now_ns(F.fx) + (at - system));
}

static void vm_transport_notify(void *ctx)
{
    (void)ctx;
    F.transport.notify(F.transport.ctx);
}

static uint64_t vm_transport_now(void *ctx)
{
    (void)ctx;
    return vm_now();
}

/* ---- the console: a ring xenconsoled drains at once, unless stalled */

static void console_drain(void)
{
    if (!F.console_stalled)
        console_ring.out_cons = console_ring.out_prod;
}

static void console_notify(void *ctx)
{
    (void)ctx;
    console_drain();
}

static bool console_wait(void *ctx, uint64_t deadline_ns)
{
    (void)ctx;
    console_drain();
    if (F.console_stalled)
        sleep_until(deadline_ns);
    return true;
}

static uint64_t console_now(void *ctx)
{
    (void)ctx;
    return vm_now();
}

static void console_start(void)
{
    static const struct ring_transport t = {console_notify, console_wait, console_now, NULL};
    memset(&console_ring, 0, sizeof(console_ring));
    F.console_stalled = false;
    console_init(&F.console, &console_ring, &t);
}

static void console_sink(const char *s, size_t len, void *ctx)
{
    (void)ctx;
    console_write(&F.console, s, len);
}

/* ---- the toolstack side */

/* The toolstack writes a custom ack string the VM uses: it may read that as its own ack. */
static bool writes_an_ack_string(enum toolstack_op op, const char *v)
{
    const struct control *c = &F.control;
    if (op != OP_WRITE || !*v)
        return false;
    return (c->own_ack_set && strcmp(v, c->own_ack) == 0) ||
           (c->has_pending && c->pending.ack == COMMAND_ACK_STRING &&
            strcmp(v, c->pending.ack_string) == 0) ||
           (c->delayed.step != CONTROL_STEP_NONE && c->delayed.cmd.ack == COMMAND_ACK_STRING &&
            strcmp(v, c->delayed.cmd.ack_string) == 0) ||
           (c->unsure[CONTROL_KEY_SHUTDOWN].set &&
            strcmp(v, c->unsure[CONTROL_KEY_SHUTDOWN].ack) == 0);
}

static void toolstack_do(const char *path, enum toolstack_op op, const char *v)
{
    int err;
    /* The toolstack blanks a command itself: the VM may take that "" for its own ack. */
    const char *before = fxs_read(F.fx, path);
    bool blanks = before && *before && (op == OP_RM || op == OP_WRITE_EMPTY || !*v);
    if (strcmp(path, "control/testing") == 0 && blanks)
        F.blanked++;
    if (strcmp(path, "control/shutdown") == 0 && (blanks || writes_an_ack_string(op, v)))
        F.sd_blanked++;
    if (op == OP_RM)
        err = fxs_rm(F.fx, path) == -XS_EINVAL ? -XS_EINVAL : 0; /* absent is fine */
    else
        err = fxs_write(F.fx, path, op == OP_WRITE ? v : "");
    check(err == 0, "the toolstack's write succeeds");
}

static bool conflict_hook(struct fake_xenstored *fx, const struct xsd_sockmsg *req,
                          const char *payload, void *ctx)
{
    (void)fx;
    (void)payload;
    (void)ctx;
    if (req->type == XS_TRANSACTION_END && F.conflict_armed) {
        F.conflict_armed = false;
        toolstack_do(F.conflict_path, F.conflict_op, F.conflict_value);
    }
    return false; /* the server answers as usual */
}

/* ---- the power calls */

static const char *reason_action(unsigned int reason, const char *action)
{
    switch (reason) {
    case SHUTDOWN_poweroff:
        return strcmp(action, "halt") == 0 ? "halt" : "poweroff";
    case SHUTDOWN_reboot:
        return "reboot";
    case SHUTDOWN_suspend:
        return "suspend";
    case SHUTDOWN_crash:
        return "crash";
    case SHUTDOWN_soft_reset:
        return "soft-reset";
    default:
        return NULL;
    }
}

static int record_shutdown(void *ctx, unsigned int reason)
{
    (void)ctx;
    const char *want = reason_action(reason, F.control.status.last_action);
    check(want != NULL, "a power call has a SHUTDOWN_* reason");
    check(strcmp(want, F.control.status.last_action) == 0,
          "the power call's reason is the action carried out");

    const char *state = fxs_read(F.fx, "data/test-vm/state");
    const char *expected = reason == SHUTDOWN_suspend ? "suspending" : "shutting-down";
    check(strcmp(F.control.status.state, expected) == 0, "state during a power call");
    check(F.faults || F.failed || (state && strcmp(state, expected) == 0),
          "data/test-vm/state during a power call");

    if (reason == SHUTDOWN_soft_reset && F.shutdown_result == 0) {
        /* Reset in place (xenopsd): the same domid, the connection afresh, the watches gone. */
        fxs_set_domid(F.fx, fxs_domid(F.fx));
        xenstore_resume(&F.xs, fxs_ring(F.fx), false);
        return 0;
    }
    if (reason != SHUTDOWN_suspend)
        return F.shutdown_result;
    if (F.suspend_result == 0) {
        /*
         * A new domain, as control_fixture.h makes one: its xenstore directory
         * has none of the guest's keys, and the old domain's is gone.
         */
        char old_home[32];
        snprintf(old_home, sizeof(old_home), "/local/domain/%u", fxs_domid(F.fx));
        fxs_set_domid(F.fx, F.next_domid++);
        fxs_rm(F.fx, old_home);
        fxs_rm(F.fx, "data");
        fxs_rm(F.fx, "control");
        xenstore_resume(&F.xs, fxs_ring(F.fx), false);
        host_time_jumps(F.resume_jump_ns);
        vm_clock_rebase(&F.clock, system_now());
        /*
         * It carries on from its last reading: the real time since then is
         * lost (as time spent suspended is), no more, and it is never ahead.
         */
        uint64_t vm_minus_real = vm_now() - fxs_now_ns(F.fx);
        check(F.vm_minus_real - vm_minus_real < RESUME_LOSES_AT_MOST_NS,
              "the VM's clock carries on across a resume, whatever the host's system time did");
        F.vm_minus_real = vm_minus_real;
    }
    return F.suspend_result;
}

static uint64_t clock_ns(void *ctx)
{
    (void)ctx;
    return vm_now();
}

/* The misbehaviours: each is the action carried out, in the state it sets. */
static void check_misbehaviour(const char *action, const char *state)
{
    check(strcmp(F.control.status.last_action, action) == 0,
          "a misbehaviour call is the action carried out");
    check(strcmp(F.control.status.state, state) == 0, "state during a misbehaviour call");
}

static void record_hang(void *ctx)
{
    (void)ctx;
    check_misbehaviour("hang", "hung");
}

static int record_watchdog(void *ctx, unsigned int timeout_s)
{
    (void)ctx;
    check(timeout_s >= 1 && timeout_s <= COMMAND_TIMEOUT_S_MAX, "a watchdog timeout in range");
    check(strcmp(F.control.status.last_action, "watchdog") == 0, "the watchdog is the action");
    return 0;
}

static void record_fault(void *ctx)
{
    (void)ctx;
    check_misbehaviour("fault", "crashing");
}

static void record_triple_fault(void *ctx)
{
    (void)ctx;
    check_misbehaviour("triple-fault", "crashing");
}

/* ---- the checks */

static bool is_one_of(const char *s, const char *const *list)
{
    for (; *list; list++) {
        if (strcmp(s, *list) == 0)
            return true;
    }
    return false;
}

static unsigned long number_key(const char *key, unsigned long *last_seen)
{
    const char *v = fxs_read(F.fx, key);
    if (!v)
        return *last_seen;
    char *end;
    unsigned long n = strtoul(v, &end, 10);
    check(*v && !*end, "a counter key holds a number");
    check(n >= *last_seen, "a counter key never goes down");
    *last_seen = n;
    return n;
}

/*
 * The promise, for control/testing: a command whose ack landed (the fake
 * counts the guest's changes of the key that land: every one is an ack) is
 * carried out (accepted) or rejected, exactly once; lost replies, time-outs
 * and failures notwithstanding.  A command whose ack's commit reply was lost
 * and whose key then held something else is reported "not carried out": its
 * ack may or may not have landed.  One whose key the toolstack blanked
 * itself meanwhile reads like one whose ack landed, and is carried out (the
 * VM cannot tell that "" from its own).  Not once the VM ran a xenstore
 * action (it may write control/testing itself).
 */
static void check_acks(void)
{
    if (F.faults)
        return;
    unsigned long landed = fxs_counted_changes(F.fx, "control/testing");
    unsigned long verdicts = F.accepted + F.rejected;
    check(verdicts <= landed + F.blanked,
          "no command is carried out or rejected without its ack, or twice");
    check(landed <= verdicts + F.unsure_reported,
          "every command whose ack landed is carried out or rejected");
    /* control/shutdown: every ack that landed is the VM's "acked" (then carried out), once. */
    unsigned long sd_landed = fxs_counted_changes(F.fx, "control/shutdown");
    check(F.sd_acked <= sd_landed + F.sd_blanked,
          "no request is acked (and carried out) without its ack landing, or twice");
    check(sd_landed <= F.sd_acked + F.sd_unsure_reported,
          "every request whose ack landed is acked and carried out");
}

static void check_state(void)
{
    static const char *const states[] = {"ready",  "pending",       "degraded", "acking",
                                         "acting", "suspending",    "hung",     "crashing",
                                         "busy",   "shutting-down", NULL};
    static const char *const actions[] = {"",
                                          "poweroff",
                                          "halt",
                                          "reboot",
                                          "crash",
                                          "suspend",
                                          "ignore",
                                          "hang",
                                          "watchdog",
                                          "fault",
                                          "triple-fault",
                                          "soft-reset",
                                          "xenstore-write",
                                          "xenstore-rm",
                                          "xenstore-flood",
                                          "memcheck",
                                          "xenstore-unwatch",
                                          NULL};
    static const char *const suspends[] = {"", "resumed", "cancelled", "failed", NULL};
    static struct command cmd;
    static char err[COMMAND_ERROR_MAX], text[COMMAND_TEXT_MAX];
    const struct control *c = &F.control;

    check(fxs_transaction_count(F.fx) == 0, "no transaction left open");
    check(vm_now() - fxs_now_ns(F.fx) == F.vm_minus_real,
          "the VM's clock runs with real time, whatever the host's system time did");
    if (strncmp(c->status.last_action, "xenstore-", 9) == 0)
        F.faults = true; /* told to write its own keys: xenstore may differ from memory */
    bool new_unwatch = fxs_request_count(F.fx, XS_UNWATCH) != F.unwatches;
    if (new_unwatch)
        F.unwatched = true; /* only xenstore-unwatch sends XS_UNWATCH */
    F.unwatches = fxs_request_count(F.fx, XS_UNWATCH);
    if (c->hung) {
        /* Told to hang: it no longer answers anything, by design. */
        const char *hung = fxs_read(F.fx, "data/test-vm/state");
        check(F.faults || F.failed || (hung && strcmp(hung, "hung") == 0),
              "a hung VM's last word is hung");
        return;
    }
    /* xenstore-unwatch takes them away until the idle check finds a value with no event. */
    check(fxs_watch_count(F.fx) == 3 || F.unwatched, "every watch registered");
    /*
     * A miss registers them again, unless a xenstore-unwatch came in the same
     * step (the order within a step is not seen here: a miss, then another
     * unwatch, leaves them missing until the next miss).
     */
    if (F.unwatched && c->idle.missed != F.missed && !new_unwatch)
        F.unwatched = false;
    if (fxs_watch_count(F.fx) == 3)
        F.unwatched = false;
    F.missed = c->idle.missed;
    /* The fake loses no event: the idle check finds a miss only after xenstore-unwatch. */
    check(F.faults || F.failed || c->idle.missed == 0,
          "no missed watch event when every event came");
    check(!F.xs.awaiting_reply && !F.xs.reply_ready, "no request left half-done");

    /* Memory. */
    check(strcmp(c->status.state, c->has_pending ? "pending" : "ready") == 0,
          "state is pending exactly when a command waits");
    check(c->status.errors >= F.errors, "errors never goes down");
    check(c->status.commands >= F.commands, "commands never goes down");
    F.errors = c->status.errors;
    F.commands = c->status.commands;

    /* Xenstore. */
    const char *state = fxs_read(F.fx, "data/test-vm/state");
    check(F.faults || state, "data/test-vm/state exists");
    if (state)
        check(is_one_of(state, states), "data/test-vm/state is a documented value");
    check(F.faults || strcmp(state, c->status.state) == 0, "data/test-vm/state is current");

    const char *pending = fxs_read(F.fx, "data/test-vm/pending");
    check(F.faults || pending, "data/test-vm/pending exists");
    if (pending && *pending) {
        check(command_parse(pending, strlen(pending), &cmd, err, sizeof(err)) == 0,
              "data/test-vm/pending parses");
        check(cmd.when == COMMAND_WHEN_ONSHUTDOWN, "a pending command is an onshutdown one");
    }
    if (!F.faults) {
        if (c->has_pending)
            command_format(&c->pending, text, sizeof(text));
        else
            text[0] = '\0';
        check(strcmp(pending, text) == 0, "data/test-vm/pending is the command held");
    }

    if (!F.faults && !F.failed)
        check_boot_time();

    const char *last_action = fxs_read(F.fx, "data/test-vm/last-action");
    if (last_action)
        check(is_one_of(last_action, actions), "last-action is a documented value");
    const char *last_suspend = fxs_read(F.fx, "data/test-vm/last-suspend");
    if (last_suspend)
        check(is_one_of(last_suspend, suspends), "last-suspend is a documented value");
    const char *last_result = fxs_read(F.fx, "data/test-vm/last-result");
    if (last_result && !F.faults && !F.failed)
        check(!*last_result || strcmp(last_result, "ok") == 0 ||
                  strcmp(xenstore_error_name(
                             xenstore_error_from_name(last_result, strlen(last_result))),
                         last_result) == 0,
              "last-result is \"\", ok or a xenstore error name");

    unsigned long errors = number_key("data/test-vm/errors", &F.errors_key);
    unsigned long commands = number_key("data/test-vm/commands", &F.commands_key);
    if (!F.faults) {
        check(errors == c->status.errors, "data/test-vm/errors is current");
        check(commands == c->status.commands, "data/test-vm/commands is current");
    }
    if (!F.faults && !F.failed) {
        const char *testing = fxs_read(F.fx, "control/testing");
        check(!testing || !*testing, "every control/testing command is acked");
    }
    check_acks();
}

/*
 * Run the kernel's main loop until it has nothing left to do but the idle
 * check: no event, no retry scheduled (sleeping until a retry moves the fake
 * clock there).
 */
static void pump(void)
{
    for (int i = 0; i < PUMP_MAX; i++) {
        uint64_t until = vm_turn(&F.vm);
        if (until == LOOP_AGAIN || fxs_run(F.fx))
            continue;
        /* The idle check is always scheduled: done when only it is left. */
        if (until == CONTROL_NO_DEADLINE ||
            control_work_deadline(&F.control) == CONTROL_NO_DEADLINE)
            return;
        sleep_until(until);
    }
    check(false, "the main loop runs out of work");
}

static void deliver(void)
{
    pump();
    check_state();
}

/* The VM's clock reaches its next idle check (control_idle_check.c), then it catches up. */
static void idle_check(void)
{
    uint64_t next = control_next_deadline(&F.control);
    if (next != CONTROL_NO_DEADLINE)
        sleep_until(next);
    deliver();
}

/*
 * Never deaf: after the last input, xenconsoled draining again, a fresh
 * command is taken (acked and accepted) within a bounded simulated time,
 * unless the VM was told to hang.  The faults still armed may hit it; the
 * VM's retries get past them, but for an EACCES on its ack, which it reports
 * and does not retry (docs/protocol.md, "Permissions": the tester must chmod the key).
 */
#define ANSWER_WITHIN_NS (120 * 1000000000ull)
static void answers_a_fresh_command(void)
{
    if (F.control.hung || F.faults)
        return;
    F.console_stalled = false;
    console_drain();
    unsigned long accepted = F.accepted, refused = F.ack_refused;
    uint64_t t0 = fxs_now_ns(F.fx);
    toolstack_do("control/testing", OP_WRITE, "{\"when\":\"now\",\"action\":\"ignore\"}");
    while (F.accepted == accepted && F.ack_refused == refused &&
           fxs_now_ns(F.fx) - t0 < ANSWER_WITHIN_NS)
        idle_check();
    check(F.accepted == accepted + 1 || F.ack_refused == refused + 1,
          "a fresh command is taken within 120 s (never deaf)");
}

/* ---- one record */

static void step(uint8_t op, const char *v)
{
    static const int suspend_results[] = {1, 0, -22, 0};
    static const int shutdown_results[] = {0, 0, -22, -1};
    static const struct {
        enum xsd_sockmsg_type type;
        const char *err;
    } failures[] = {{XS_WRITE, "EACCES"},
                    {XS_READ, "EIO"},
                    {XS_TRANSACTION_START, "EQUOTA"},
                    {XS_TRANSACTION_END, "EAGAIN"}};
    static const enum toolstack_op ops[] = {OP_WRITE, OP_WRITE, OP_RM, OP_WRITE_EMPTY};

    const char *path = op & 1 ? "control/testing" : "control/shutdown";
    enum toolstack_op what = ops[(op >> 1) & 3];
    bool defer = op & 8;
    unsigned int outcome = (op >> 4) & 3;
    unsigned int extra = op >> 6;

    static const int64_t jumps[] = {0, -2 * (int64_t)HOUR_NS, 24 * (int64_t)HOUR_NS, INT64_MIN};

    F.suspend_result = suspend_results[outcome];
    F.shutdown_result = shutdown_results[outcome];
    size_t len = strlen(v);
    F.resume_jump_ns = jumps[(len / 128) % 4]; /* INT64_MIN: back to 0 */
    if (extra == 3) {
        /* How it fails: an error, the reply lost (carried out), or no reply at all. */
        static const char *const kinds[] = {NULL, FXS_LOSE_REPLY, FXS_NO_REPLY, FXS_LOSE_REPLY};
        const char *kind = kinds[(len / 8) % 4];
        /*
         * A TRANSACTION_START carried out whose reply never comes would leave a
         * transaction open that no client can name (xenstored's replies come
         * late, never not at all: test_xenstore_late covers late ones).
         */
        if (failures[outcome].type == XS_TRANSACTION_START && kind == kinds[1])
            kind = kinds[2];
        F.suspend_result = 1;
        F.shutdown_result = 0;
        /* Not always the next: an ack's write comes first, the status keys' after. */
        fxs_fail_later(F.fx, failures[outcome].type, (unsigned int)(len % 8),
                       kind ? kind : failures[outcome].err);
        F.failed = true;
    }
    /* What the world does meanwhile: an NMI; xenconsoled stops or goes on draining. */
    if ((len / 32) % 2)
        sim_nmi_inject();
    if ((len / 64) % 2) {
        F.console_stalled = !F.console_stalled;
        console_drain();
    }
    if (extra == 2 && !F.conflict_armed) {
        F.conflict_armed = true;
        F.conflict_path = path;
        F.conflict_op = what;
        strcpy(F.conflict_value, v);
    } else {
        toolstack_do(path, what, v);
    }
    if (!defer)
        deliver();
}

/*
 * The VM booted in a new fake xenstored (vm_start(), as the kernel starts
 * it; the events of the boot handled), checked as after every step.
 */
static void boot(void)
{
    memset(&F, 0, sizeof(F));
    F.next_domid = FIRST_DOMID + 1;
    F.suspend_result = 1;
    F.fx = sim_xenstore_client(FIRST_DOMID, &F.transport, &F.xs);
    F.xs.transport =
        (struct ring_transport){vm_transport_notify, vm_transport_wait, vm_transport_now, NULL};
    F.system_minus_real = HOST_UP_NS - fxs_now_ns(F.fx);
    F.vm_minus_real = vm_now() - fxs_now_ns(F.fx);
    fxs_set_reply_hook(F.fx, conflict_hook, NULL);
    fxs_count_changes(F.fx, "control/testing");
    fxs_count_changes(F.fx, "control/shutdown");
    console_start();

    /*
     * No guest agent or heartbeat: their periodic deadlines would keep the
     * harness's clock jumping for ever (tests/unit/test_agent.c covers them).
     */
    struct control_config config = {.feature_poweroff = FEATURE_ON,
                                    .feature_reboot = FEATURE_ON,
                                    .feature_suspend = FEATURE_ON};
    static const struct control_power power = {.shutdown = record_shutdown,
                                               .now_ns = clock_ns,
                                               .hang = record_hang,
                                               .watchdog = record_watchdog,
                                               .fault = record_fault,
                                               .triple_fault = record_triple_fault};
    boot_time_start(arch_rdtsc());
    check(vm_start(&F.vm, &F.control, &F.xs, &power, &config, 0) == 0,
          "the boot sequence succeeds");
    deliver();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /*
     * The boot is the same for every input: it is done (and checked) once,
     * and every input starts from a copy of the state it left, the harness's
     * (F: the client, the interpreter) and the fake xenstored's
     * (fxs_restore).  The boot's only other state, kernel/boot_time.c's, is
     * done with once boot-us is out.  Booting again for each input took a
     * third of fuzz_control's time.
     */
    static bool sink_added;
    static struct fxs_snapshot *booted_fx;
    static struct harness booted;

    if (!sink_added) {
        check(printk_add_sink(log_line_check_sink, (void *)"fuzz_control") == 0,
              "a free printk sink");
        check(printk_add_sink(xenstore_action_sink, NULL) == 0, "a second free printk sink");
        check(printk_add_sink(verdict_sink, NULL) == 0, "a third free printk sink");
        check(printk_add_sink(console_sink, NULL) == 0, "a fourth free printk sink");
        sink_added = true;
    }
    if (booted_fx) {
        F = booted; /* the fake xenstored was put back at the end of the last input */
        console_start();
    } else {
        boot();
        /*
         * Not from libFuzzer's first call, its empty input run without
         * counting coverage: the boot's edges would be missing from cov.
         */
        if (size) {
            booted_fx = fxs_snapshot(F.fx);
            booted = F;
        }
    }

    const uint8_t *p = data, *end = data + size;
    for (int records = 0; p < end && records < MAX_RECORDS; records++) {
        const uint8_t *nul = memchr(p, 0, (size_t)(end - p));
        const uint8_t *rec_end = nul ? nul : end;
        if (rec_end == p) {
            idle_check();
        } else {
            size_t n = (size_t)(rec_end - p - 1);
            if (n > XENSTORE_PAYLOAD_MAX)
                n = XENSTORE_PAYLOAD_MAX;
            memcpy(value, p + 1, n);
            value[n] = '\0';
            step((uint8_t)(p[0] - 1), value);
        }
        if (!nul)
            break;
        p = nul + 1;
    }

    /* A write still held back lands now; then the VM catches up. */
    if (F.conflict_armed) {
        F.conflict_armed = false;
        toolstack_do(F.conflict_path, F.conflict_op, F.conflict_value);
    }
    deliver();
    idle_check();
    answers_a_fresh_command();
    /*
     * Put back now, not at the next input's start: what this input allocated
     * is freed within it, so libFuzzer sees as many frees as allocations
     * and does not run the input again to look for a leak.
     */
    if (booted_fx) {
        fxs_restore(F.fx, booted_fx);
    } else {
        fxs_destroy(F.fx);
        F.fx = NULL;
    }
    return 0;
}

/*
 * Every input allocates a lot in the fake xenstored (its nodes, requests and
 * events); recording 5 frames per allocation instead of 30 makes inputs
 * faster.  ASAN_OPTIONS=malloc_context_size=30 overrides it
 * when a report needs the full allocation stack.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "malloc_context_size=5";
}
