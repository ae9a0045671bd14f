/*
 * The control/testing command: a JSON object such as
 *
 *     {"when":"onshutdown","ack":"none","action":"reboot"}
 *
 * parsed strictly (see docs/protocol.md, "control/testing"): "when" and
 * "action" are required, "ack" defaults to "ok", every value is a string, and
 * unknown or duplicate fields are errors, so that a tester's typo is reported
 * instead of silently changing what the VM does.
 */
#ifndef KERNEL_COMMAND_H
#define KERNEL_COMMAND_H

#include <stddef.h>
#include <stdint.h>

#include "lib/quote.h"

enum command_when {
    COMMAND_WHEN_NOW,        /* carry out the action at once */
    COMMAND_WHEN_ONSHUTDOWN, /* at the next control/shutdown request, instead of it */
};

enum command_ack {
    COMMAND_ACK_OK,     /* write "" to control/shutdown (what a toolstack expects) */
    COMMAND_ACK_NONE,   /* leave control/shutdown as it is */
    COMMAND_ACK_DELETE, /* remove control/shutdown */
    COMMAND_ACK_STRING, /* write ack_string to control/shutdown */
};

enum command_action {
    COMMAND_ACTION_SUSPEND,
    COMMAND_ACTION_POWEROFF,
    COMMAND_ACTION_REBOOT,
    COMMAND_ACTION_HALT, /* Xen has no halt: carried out as poweroff */
    COMMAND_ACTION_CRASH,
    COMMAND_ACTION_IGNORE,           /* do nothing */
    COMMAND_ACTION_HANG,             /* spin with interrupts off: nothing the toolstack can see */
    COMMAND_ACTION_WATCHDOG,         /* arm Xen's watchdog (timeout_s) and never pet it */
    COMMAND_ACTION_FAULT,            /* a real CPU exception: register dump, then SHUTDOWN_crash */
    COMMAND_ACTION_TRIPLE_FAULT,     /* an exception with no usable IDT: Xen decides */
    COMMAND_ACTION_SOFT_RESET,       /* SHUTDOWN_soft_reset */
    COMMAND_ACTION_XENSTORE_WRITE,   /* write "value" at "path", as the guest */
    COMMAND_ACTION_XENSTORE_RM,      /* remove "path" */
    COMMAND_ACTION_XENSTORE_FLOOD,   /* "count" keys of "size" bytes under "path" */
    COMMAND_ACTION_MEMCHECK,         /* verify the memcheck= pattern now */
    COMMAND_ACTION_XENSTORE_UNWATCH, /* XS_UNWATCH the control watches, still counting on them */
};

/* The control/shutdown requests a command's "on" can name (bit 1 << value in "on"). */
enum command_request {
    COMMAND_REQUEST_POWEROFF,
    COMMAND_REQUEST_HALT,
    COMMAND_REQUEST_REBOOT,
    COMMAND_REQUEST_CRASH,
    COMMAND_REQUEST_SUSPEND,
    COMMAND_REQUEST_COUNT,
};

#define COMMAND_DELAY_MAX_MS      3600000u   /* ack_delay_ms and action_delay_ms */
#define COMMAND_TIMES_ALWAYS      UINT32_MAX /* "times":"always" */
#define COMMAND_TIMES_MAX         1000000u
#define COMMAND_TIMEOUT_S_DEFAULT 5u
#define COMMAND_TIMEOUT_S_MAX     86400u

/* A custom ack string is at most COMMAND_ACK_MAX - 1 bytes. */
#define COMMAND_ACK_MAX 256
/* "path" and "value" (the xenstore actions) are at most ..._MAX - 1 bytes. */
#define COMMAND_PATH_MAX  256
#define COMMAND_VALUE_MAX 1024
#define COMMAND_COUNT_MAX 100000u
#define COMMAND_SIZE_MAX  4096u /* XENSTORE_PAYLOAD_MAX: no value is longer */
/* Room for any command_format() output (the strings escaped: 6 bytes a byte). */
#define COMMAND_TEXT_MAX                                                                           \
    (256 + 6 * (COMMAND_ACK_MAX + COMMAND_PATH_MAX + COMMAND_VALUE_MAX) + QUOTE_TRUNCATION_RESERVE)
/* Room for any error message command_parse() writes. */
#define COMMAND_ERROR_MAX 320

struct command {
    enum command_when when;
    enum command_ack ack;
    enum command_action action;
    char ack_string[COMMAND_ACK_MAX]; /* COMMAND_ACK_STRING only; else "" */
    uint32_t ack_delay_ms;            /* onshutdown: wait this long after the request, then ack */
    uint32_t action_delay_ms; /* wait this long before the action (after the ack, or acceptance) */
    uint32_t times;     /* onshutdown: requests it takes over (0 is 1); COMMAND_TIMES_ALWAYS: all */
    uint32_t on;        /* onshutdown: 1 << command_request each; 0: any request */
    uint32_t timeout_s; /* watchdog: Xen's timeout (0 is COMMAND_TIMEOUT_S_DEFAULT) */
    char path[COMMAND_PATH_MAX];   /* the xenstore actions: relative to the home, or absolute */
    char value[COMMAND_VALUE_MAX]; /* xenstore-write */
    uint32_t count, size;          /* xenstore-flood: keys path/0 .. path/count-1 */
};

/*
 * Parse text[0..len) (it need not be NUL-terminated and may contain NUL
 * bytes, which are an error).  Returns 0 and fills *cmd, or -1 and writes a
 * one-line reason to err (e.g. `unknown field "acton"`), leaving *cmd
 * unspecified.
 */
int command_parse(const char *text, size_t len, struct command *cmd, char *err, size_t err_len);

/*
 * The normalised form: all three fields, in the order when, ack, action, e.g.
 * {"when":"now","ack":"ok","action":"poweroff"}.  It parses back to the same
 * command.  len >= COMMAND_TEXT_MAX always suffices.
 */
void command_format(const struct command *cmd, char *buf, size_t len);

const char *command_when_name(enum command_when when);
const char *command_ack_name(enum command_ack ack); /* "ok", "none", "delete", "string" */
const char *command_action_name(enum command_action action);
const char *command_request_name(enum command_request request);
/* The command_request a control/shutdown value names, or -1 (value[0..len) need not end in NUL). */
int command_request_from(const char *value, size_t len);

#endif
