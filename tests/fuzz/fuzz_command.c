/*
 * Fuzz the control/testing command parser (kernel/command.c, over
 * kernel/json_scan.c) and the quoting of untrusted values (lib/quote.c).
 * Beyond "no crash": an error is one NUL-terminated line and one of the
 * reasons docs/protocol.md lists (reasons[] below: keep the two the same), an
 * accepted command's normalised form parses back to the same command, and
 * quoted output for the console is printable ASCII.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/command.h"
#include "lib/quote.h"

static void check(int ok)
{
    if (!ok)
        abort();
}

static void check_one_line(const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    check(n < max);
    for (size_t i = 0; i < n; i++)
        check(s[i] != '\n' && s[i] != '\r');
}

/* docs/protocol.md's list of <reason>s; in these, # is a decimal number and * any text. */
static const char *const reasons[] = {
    "not valid JSON (at byte #)",
    "not valid JSON (it ends too early)",
    "not valid JSON (text after the object at byte #)",
    "not valid JSON (control character in a string at byte #)",
    "not valid JSON (a NUL byte at byte #)",
    "not valid JSON (unpaired surrogate at byte #)",
    "not valid JSON (bad escape at byte #)",
    "not valid JSON (bad \\u escape at byte #)",
    "a string holds \\u0000 (at byte #)",
    "too deeply nested (more than 4096 levels at byte #)",
    "not a JSON object",
    "unknown field \"* (the fields are when, ack, action, ack_delay_ms, action_delay_ms, times, on, timeout_s, path, value, count and size)",
    "duplicate field \"*\"",
    "missing field \"when\"",
    "missing field \"action\"",
    "field \"*\" must be a string, not a number",
    "field \"*\" must be a string, not a boolean",
    "field \"*\" must be a string, not null",
    "field \"*\" must be a string, not an array",
    "field \"*\" must be a string, not an object",
    "field \"when\" must be \"now\" or \"onshutdown\", not \"*",
    "field \"action\" must be suspend, poweroff, reboot, halt, crash, ignore, hang, watchdog, fault, triple-fault, soft-reset, xenstore-write, xenstore-rm, xenstore-flood, xenstore-unwatch or memcheck, not \"*",
    "field \"ack\" is longer than 255 bytes",
    "field \"*\" must be a number, not *",
    "field \"*\" must be a whole number from # to #, not *",
    "field \"times\" must be a whole number from 1 to 1000000 or \"always\", not *",
    "field \"times\" must be a number or \"always\", not *",
    "field \"on\" must be an array, not *",
    "field \"on\" must be an array of request names (strings)",
    "field \"on\" holds *: the requests are poweroff, halt, reboot, crash and suspend",
    "field \"on\" is empty (leave it out to take over any request)",
    "field \"*\" is longer than # bytes",
    "field \"path\" is empty",
    "field \"*\" is not used by action \"*\"",
    "missing field \"*\" (action \"*\" needs *)",
};

static int matches(const char *pattern, const char *s)
{
    if (*pattern == '\0')
        return *s == '\0';
    if (*pattern == '*') {
        for (;; s++) {
            if (matches(pattern + 1, s))
                return 1;
            if (*s == '\0')
                return 0;
        }
    }
    if (*pattern == '#') {
        if (*s < '0' || *s > '9')
            return 0;
        while (s[1] >= '0' && s[1] <= '9')
            s++;
        return matches(pattern + 1, s + 1);
    }
    return *pattern == *s && matches(pattern + 1, s + 1);
}

static int is_a_listed_reason(const char *err)
{
    for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
        if (matches(reasons[i], err))
            return 1;
    }
    return 0;
}

static void check_quote(const uint8_t *data, size_t size, enum quote_style style)
{
    char out[200];
    size_t max = size ? data[0] : 0;

    quote(out, sizeof(out), (const char *)data, size, style, max);
    size_t n = strnlen(out, sizeof(out));
    check(n < sizeof(out));
    for (size_t i = 0; i < n; i++)
        check(style == QUOTE_JSON || (out[i] >= 0x20 && out[i] < 0x7f));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct command cmd, again;
    static char err[COMMAND_ERROR_MAX], text[COMMAND_TEXT_MAX];

    if (command_parse((const char *)data, size, &cmd, err, sizeof(err)) < 0) {
        check(err[0] != '\0');
        check_one_line(err, sizeof(err));
        check(is_a_listed_reason(err));
    } else {
        check(err[0] == '\0');
        check(cmd.ack == COMMAND_ACK_STRING ? cmd.ack_string[0] != '\0'
                                            : cmd.ack_string[0] == '\0');
        command_format(&cmd, text, sizeof(text));
        check(strnlen(text, sizeof(text)) < sizeof(text));
        check(command_parse(text, strlen(text), &again, err, sizeof(err)) == 0);
        check(again.when == cmd.when && again.ack == cmd.ack && again.action == cmd.action);
        check(strcmp(again.ack_string, cmd.ack_string) == 0);
        /* The new fields round-trip too, and stay in their ranges. */
        check(again.ack_delay_ms == cmd.ack_delay_ms && cmd.ack_delay_ms <= COMMAND_DELAY_MAX_MS);
        check(again.action_delay_ms == cmd.action_delay_ms &&
              cmd.action_delay_ms <= COMMAND_DELAY_MAX_MS);
        check(again.times == cmd.times && (cmd.times == COMMAND_TIMES_ALWAYS ||
                                           (cmd.times >= 1 && cmd.times <= COMMAND_TIMES_MAX)));
        check(again.on == cmd.on && cmd.on < (1u << COMMAND_REQUEST_COUNT));
        check(again.timeout_s == cmd.timeout_s && cmd.timeout_s >= 1 &&
              cmd.timeout_s <= COMMAND_TIMEOUT_S_MAX);
        /* The xenstore actions' fields: only with them, each in its range. */
        check(strcmp(again.path, cmd.path) == 0 && strcmp(again.value, cmd.value) == 0 &&
              again.count == cmd.count && again.size == cmd.size);
        bool xs = cmd.action >= COMMAND_ACTION_XENSTORE_WRITE &&
                  cmd.action <= COMMAND_ACTION_XENSTORE_FLOOD;
        check(xs == (cmd.path[0] != '\0'));
        check(cmd.action == COMMAND_ACTION_XENSTORE_WRITE || cmd.value[0] == '\0');
        check(cmd.action == COMMAND_ACTION_XENSTORE_FLOOD
                  ? cmd.count >= 1 && cmd.count <= COMMAND_COUNT_MAX && cmd.size <= COMMAND_SIZE_MAX
                  : cmd.count == 0 && cmd.size == 0);
    }

    check_quote(data, size, QUOTE_LOG);
    check_quote(data, size, QUOTE_BARE);
    check_quote(data, size, QUOTE_JSON);
    return 0;
}
