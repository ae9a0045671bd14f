/*
 * The control/testing command: a JSON object such as
 *
 *     {"when":"onshutdown","ack":"none","action":"reboot"}
 *
 * parsed strictly (see README.md, "control/testing"): "when" and
 * "action" are required, "ack" defaults to "ok", every value is a string, and
 * unknown or duplicate fields are errors, so that a tester's typo is reported
 * instead of silently changing what the VM does.
 */
#ifndef KERNEL_COMMAND_H
#define KERNEL_COMMAND_H

#include <stddef.h>

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
    COMMAND_ACTION_IGNORE, /* do nothing */
};

/* A custom ack string is at most COMMAND_ACK_MAX - 1 bytes. */
#define COMMAND_ACK_MAX 256
/* Room for any command_format() output (the ack string escaped: 6 bytes a byte). */
#define COMMAND_TEXT_MAX (64 + 6 * COMMAND_ACK_MAX + QUOTE_TRUNCATION_RESERVE)
/* Room for any error message command_parse() writes. */
#define COMMAND_ERROR_MAX 200

struct command {
    enum command_when when;
    enum command_ack ack;
    enum command_action action;
    char ack_string[COMMAND_ACK_MAX]; /* COMMAND_ACK_STRING only; else "" */
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

#endif
