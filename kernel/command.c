/*
 * The control/testing command parser.
 *
 * json_scan() checks the whole text against RFC 8259 first (so the error a
 * tester sees is the first syntax error, wherever it is, however many values
 * come before it) and notes where the object's first pairs are; then the
 * fields are interpreted in order, and json_string_decode() decodes each
 * string.
 */
#include "kernel/command.h"

#include <stdbool.h>
#include <stdint.h>

#include "kernel/json_scan.h"
#include "kernel/json_string.h"
#include "lib/printk.h"
#include "lib/string.h"

/* Longest "when" or "action" value, or field name, worth decoding ("xenstore-unwatch" is 16). */
#define SHORT_MAX 24

static const char *const when_names[] = {
    [COMMAND_WHEN_NOW] = "now",
    [COMMAND_WHEN_ONSHUTDOWN] = "onshutdown",
};

static const char *const ack_names[] = {
    [COMMAND_ACK_OK] = "ok",
    [COMMAND_ACK_NONE] = "none",
    [COMMAND_ACK_DELETE] = "delete",
    [COMMAND_ACK_STRING] = "string",
};

static const char *const action_names[] = {
    [COMMAND_ACTION_SUSPEND] = "suspend",
    [COMMAND_ACTION_POWEROFF] = "poweroff",
    [COMMAND_ACTION_REBOOT] = "reboot",
    [COMMAND_ACTION_HALT] = "halt",
    [COMMAND_ACTION_CRASH] = "crash",
    [COMMAND_ACTION_IGNORE] = "ignore",
    [COMMAND_ACTION_HANG] = "hang",
    [COMMAND_ACTION_WATCHDOG] = "watchdog",
    [COMMAND_ACTION_FAULT] = "fault",
    [COMMAND_ACTION_TRIPLE_FAULT] = "triple-fault",
    [COMMAND_ACTION_SOFT_RESET] = "soft-reset",
    [COMMAND_ACTION_XENSTORE_WRITE] = "xenstore-write",
    [COMMAND_ACTION_XENSTORE_RM] = "xenstore-rm",
    [COMMAND_ACTION_XENSTORE_FLOOD] = "xenstore-flood",
    [COMMAND_ACTION_MEMCHECK] = "memcheck",
    [COMMAND_ACTION_XENSTORE_UNWATCH] = "xenstore-unwatch",
};

static const char *const request_names[] = {
    [COMMAND_REQUEST_POWEROFF] = "poweroff", [COMMAND_REQUEST_HALT] = "halt",
    [COMMAND_REQUEST_REBOOT] = "reboot",     [COMMAND_REQUEST_CRASH] = "crash",
    [COMMAND_REQUEST_SUSPEND] = "suspend",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *command_when_name(enum command_when when)
{
    return (unsigned)when < ARRAY_SIZE(when_names) ? when_names[when] : "?";
}

const char *command_ack_name(enum command_ack ack)
{
    return (unsigned)ack < ARRAY_SIZE(ack_names) ? ack_names[ack] : "?";
}

const char *command_action_name(enum command_action action)
{
    return (unsigned)action < ARRAY_SIZE(action_names) ? action_names[action] : "?";
}

const char *command_request_name(enum command_request request)
{
    return (unsigned)request < ARRAY_SIZE(request_names) ? request_names[request] : "?";
}

int command_request_from(const char *value, size_t len)
{
    for (size_t i = 0; i < ARRAY_SIZE(request_names); i++) {
        if (strlen(request_names[i]) == len && memcmp(request_names[i], value, len) == 0)
            return (int)i;
    }
    return -1;
}

struct parser {
    const char *text;
    char *err;
    size_t err_len;
};

#define fail(p, ...) json_error((p)->err, (p)->err_len, __VA_ARGS__)

/* A string's decoded contents (json_scan() has checked it: only too long can fail). */
static int decode_string(struct parser *p, const struct json_span *v, char *out, size_t out_len)
{
    return json_string_decode(p->text, v->start, v->end, out, out_len, p->err, p->err_len);
}

static const char *type_name(enum json_type type)
{
    switch (type) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_BOOLEAN:
        return "a boolean";
    case JSON_NULL:
        return "null";
    default:
        return "a number";
    }
}

/* A value's raw text (a string's contents), quoted for an error message. */
static const char *shown(const struct parser *p, const struct json_span *v, char *buf, size_t len)
{
    quote(buf, len, p->text + v->start, v->end - v->start, QUOTE_LOG, 40);
    return buf;
}

static int lookup(const char *const *names, size_t count, const char *s)
{
    for (size_t i = 0; i < count; i++) {
        if (strcmp(names[i], s) == 0)
            return (int)i;
    }
    return -1;
}

enum field {
    FIELD_WHEN,
    FIELD_ACK,
    FIELD_ACTION,
    FIELD_ACK_DELAY_MS,
    FIELD_ACTION_DELAY_MS,
    FIELD_TIMES,
    FIELD_ON,
    FIELD_TIMEOUT_S,
    FIELD_PATH,
    FIELD_VALUE,
    FIELD_KEYS,
    FIELD_SIZE,
    FIELD_COUNT
};
static const char *const field_names[] = {
    "when", "ack",       "action", "ack_delay_ms", "action_delay_ms", "times",
    "on",   "timeout_s", "path",   "value",        "count",           "size"};
#define FIELD_LIST                                                                                 \
    "when, ack, action, ack_delay_ms, action_delay_ms, times, on, timeout_s, path, value, count "  \
    "and size"

/* A JSON integer from 0 to max in *out; anything else fails (a fraction, an exponent, a sign). */
static int parse_whole(struct parser *p, enum field f, const struct json_span *v, uint32_t min,
                       uint32_t max, uint32_t *out)
{
    char raw[80];
    uint64_t n = 0;
    size_t i = v->start;

    for (; i < v->end && p->text[i] >= '0' && p->text[i] <= '9' && n <= max; i++)
        n = n * 10 + (uint64_t)(p->text[i] - '0');
    if (i != v->end || n < min || n > max)
        return fail(p, "field \"%s\" must be a whole number from %u to %u, not %s", field_names[f],
                    min, max, shown(p, v, raw, sizeof(raw)));
    *out = (uint32_t)n;
    return 0;
}

static int parse_string_field(struct parser *p, enum field f, const struct json_span *v,
                              struct command *cmd)
{
    char value[SHORT_MAX], raw[80];
    int n, k;

    if (f == FIELD_ACK) {
        n = decode_string(p, v, cmd->ack_string, sizeof(cmd->ack_string));
        if (n == JSON_STRING_TOO_LONG)
            return fail(p, "field \"ack\" is longer than %d bytes", COMMAND_ACK_MAX - 1);
        if (n < 0)
            return -1;
        k = lookup(ack_names, COMMAND_ACK_STRING, cmd->ack_string);
        /* "" is written as the ack, which is exactly what "ok" does. */
        cmd->ack = k >= 0 ? (enum command_ack)k : n == 0 ? COMMAND_ACK_OK : COMMAND_ACK_STRING;
        if (cmd->ack != COMMAND_ACK_STRING)
            cmd->ack_string[0] = '\0';
        return 0;
    }

    if (f == FIELD_PATH || f == FIELD_VALUE) {
        char *out = f == FIELD_PATH ? cmd->path : cmd->value;
        size_t max = f == FIELD_PATH ? COMMAND_PATH_MAX : COMMAND_VALUE_MAX;
        n = decode_string(p, v, out, max);
        if (n == JSON_STRING_TOO_LONG)
            return fail(p, "field \"%s\" is longer than %zu bytes", field_names[f], max - 1);
        if (n < 0)
            return -1;
        if (f == FIELD_PATH && n == 0)
            return fail(p, "field \"path\" is empty");
        return 0;
    }

    n = decode_string(p, v, value, sizeof(value));
    if (n == JSON_STRING_INVALID)
        return -1;
    if (f == FIELD_WHEN) {
        k = n < 0 ? -1 : lookup(when_names, ARRAY_SIZE(when_names), value);
        if (k < 0)
            return fail(p, "field \"when\" must be \"now\" or \"onshutdown\", not %s",
                        shown(p, v, raw, sizeof(raw)));
        cmd->when = (enum command_when)k;
    } else if (f == FIELD_TIMES) {
        if (n < 0 || strcmp(value, "always") != 0)
            return fail(p,
                        "field \"times\" must be a whole number from 1 to %u or \"always\", not %s",
                        COMMAND_TIMES_MAX, shown(p, v, raw, sizeof(raw)));
        cmd->times = COMMAND_TIMES_ALWAYS;
    } else {
        k = n < 0 ? -1 : lookup(action_names, ARRAY_SIZE(action_names), value);
        if (k < 0)
            return fail(
                p,
                "field \"action\" must be suspend, poweroff, reboot, halt, crash, ignore, hang, watchdog, fault, triple-fault, soft-reset, xenstore-write, xenstore-rm, xenstore-flood, xenstore-unwatch or memcheck, not %s",
                shown(p, v, raw, sizeof(raw)));
        cmd->action = (enum command_action)k;
    }
    return 0;
}

/*
 * "on": an array of request names, e.g. ["suspend","reboot"].  The whole
 * text is valid JSON already, so walking the array only has to tell strings
 * from other values.
 */
static int parse_on(struct parser *p, const struct json_span *v, struct command *cmd)
{
    const char *t = p->text;
    size_t i = v->start + 1; /* after the [ */
    char name[SHORT_MAX], raw[80];

    cmd->on = 0;
    for (;;) {
        while (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')
            i++;
        if (t[i] == ']')
            break;
        if (t[i] != '"')
            return fail(p, "field \"on\" must be an array of request names (strings)");
        struct json_span e = {JSON_STRING, i + 1, i + 1};
        while (t[e.end] != '"')
            e.end += t[e.end] == '\\' ? 2 : 1;
        int n = decode_string(p, &e, name, sizeof(name));
        if (n == JSON_STRING_INVALID)
            return -1;
        int k = n < 0 ? -1 : lookup(request_names, ARRAY_SIZE(request_names), name);
        if (k < 0)
            return fail(
                p,
                "field \"on\" holds %s: the requests are poweroff, halt, reboot, crash and suspend",
                shown(p, &e, raw, sizeof(raw)));
        cmd->on |= 1u << k;
        i = e.end + 1;
        while (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')
            i++;
        if (t[i] == ',')
            i++;
    }
    if (!cmd->on)
        return fail(p, "field \"on\" is empty (leave it out to take over any request)");
    return 0;
}

static int parse_field(struct parser *p, enum field f, const struct json_span *v,
                       struct command *cmd)
{
    switch (f) {
    case FIELD_ACK_DELAY_MS:
    case FIELD_ACTION_DELAY_MS:
    case FIELD_TIMEOUT_S:
    case FIELD_KEYS:
    case FIELD_SIZE:
        if (v->type != JSON_NUMBER)
            return fail(p, "field \"%s\" must be a number, not %s", field_names[f],
                        type_name(v->type));
        if (f == FIELD_KEYS)
            return parse_whole(p, f, v, 1, COMMAND_COUNT_MAX, &cmd->count);
        if (f == FIELD_SIZE)
            return parse_whole(p, f, v, 0, COMMAND_SIZE_MAX, &cmd->size);
        if (f == FIELD_TIMEOUT_S)
            return parse_whole(p, f, v, 1, COMMAND_TIMEOUT_S_MAX, &cmd->timeout_s);
        return parse_whole(p, f, v, 0, COMMAND_DELAY_MAX_MS,
                           f == FIELD_ACK_DELAY_MS ? &cmd->ack_delay_ms : &cmd->action_delay_ms);
    case FIELD_TIMES:
        if (v->type == JSON_NUMBER)
            return parse_whole(p, f, v, 1, COMMAND_TIMES_MAX, &cmd->times);
        if (v->type != JSON_STRING)
            return fail(p, "field \"times\" must be a number or \"always\", not %s",
                        type_name(v->type));
        return parse_string_field(p, f, v, cmd);
    case FIELD_ON:
        if (v->type != JSON_ARRAY)
            return fail(p, "field \"on\" must be an array, not %s", type_name(v->type));
        return parse_on(p, v, cmd);
    default:
        if (v->type != JSON_STRING)
            return fail(p, "field \"%s\" must be a string, not %s", field_names[f],
                        type_name(v->type));
        return parse_string_field(p, f, v, cmd);
    }
}

/*
 * path, value, count and size belong to the xenstore actions: each of those
 * needs its own, and no other action takes them (a field that would do
 * nothing is a tester's mistake, reported like an unknown one).
 */
static int check_fields(struct parser *p, const struct command *cmd, const bool *seen)
{
    static const bool uses[][4] = {
        /* path, value, count, size */
        [COMMAND_ACTION_XENSTORE_WRITE] = {true, true, false, false},
        [COMMAND_ACTION_XENSTORE_RM] = {true, false, false, false},
        [COMMAND_ACTION_XENSTORE_FLOOD] = {true, false, true, true},
    };
    static const char *const needs[] = {
        [COMMAND_ACTION_XENSTORE_WRITE] = "path and value",
        [COMMAND_ACTION_XENSTORE_RM] = "path",
        [COMMAND_ACTION_XENSTORE_FLOOD] = "path, count and size",
    };
    const char *action = command_action_name(cmd->action);
    bool xs = cmd->action >= COMMAND_ACTION_XENSTORE_WRITE &&
              cmd->action <= COMMAND_ACTION_XENSTORE_FLOOD;

    for (int i = 0; i < 4; i++) {
        enum field f = (enum field)(FIELD_PATH + i);
        bool used = xs && uses[cmd->action][i];
        if (seen[f] && !used)
            return fail(p, "field \"%s\" is not used by action \"%s\"", field_names[f], action);
        if (!seen[f] && used)
            return fail(p, "missing field \"%s\" (action \"%s\" needs %s)", field_names[f], action,
                        needs[cmd->action]);
    }
    return 0;
}

/* One pair more than there are fields is always unknown or a duplicate: the pairs noted hold the
 * first error. */
_Static_assert(JSON_SCAN_PAIRS > FIELD_COUNT, "json_scan notes too few pairs");

int command_parse(const char *text, size_t len, struct command *cmd, char *err, size_t err_len)
{
    struct parser p = {.text = text, .err = err, .err_len = err_len};
    bool seen[FIELD_COUNT] = {false};
    struct json_scan scan;

    if (err_len)
        err[0] = '\0';
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\0')
            return fail(&p, "not valid JSON (a NUL byte at byte %zu)", i);
    }
    if (json_scan(text, len, &scan, err, err_len) < 0)
        return -1;
    if (scan.type != JSON_OBJECT)
        return fail(&p, "not a JSON object");

    memset(cmd, 0, sizeof(*cmd));
    cmd->ack = COMMAND_ACK_OK;
    cmd->times = 1;
    cmd->timeout_s = COMMAND_TIMEOUT_S_DEFAULT;
    for (size_t i = 0; i < scan.npairs && i < JSON_SCAN_PAIRS; i++) {
        const struct json_span *key = &scan.key[i];
        char name[SHORT_MAX], raw[80];
        int n = decode_string(&p, key, name, sizeof(name));
        int f = n < 0 ? -1 : lookup(field_names, FIELD_COUNT, name);
        if (f < 0)
            return fail(&p, "unknown field %s (the fields are " FIELD_LIST ")",
                        shown(&p, key, raw, sizeof(raw)));
        if (seen[f])
            return fail(&p, "duplicate field \"%s\"", field_names[f]);
        seen[f] = true;
        if (parse_field(&p, (enum field)f, &scan.value[i], cmd) < 0)
            return -1;
    }
    if (!seen[FIELD_WHEN])
        return fail(&p, "missing field \"when\"");
    if (!seen[FIELD_ACTION])
        return fail(&p, "missing field \"action\"");
    return check_fields(&p, cmd, seen);
}
