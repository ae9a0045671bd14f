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

/* Longest "when" or "action" value, or field name, worth decoding. */
#define SHORT_MAX 16

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
    [COMMAND_ACTION_SUSPEND] = "suspend", [COMMAND_ACTION_POWEROFF] = "poweroff",
    [COMMAND_ACTION_REBOOT] = "reboot",   [COMMAND_ACTION_HALT] = "halt",
    [COMMAND_ACTION_CRASH] = "crash",     [COMMAND_ACTION_IGNORE] = "ignore",
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

enum field { FIELD_WHEN, FIELD_ACK, FIELD_ACTION, FIELD_COUNT };
static const char *const field_names[] = {"when", "ack", "action"};

static int parse_field(struct parser *p, enum field f, const struct json_span *v,
                       struct command *cmd)
{
    char value[SHORT_MAX], raw[80];
    int n, k;

    if (v->type != JSON_STRING)
        return fail(p, "field \"%s\" must be a string, not %s", field_names[f], type_name(v->type));

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

    n = decode_string(p, v, value, sizeof(value));
    if (n == JSON_STRING_INVALID)
        return -1;
    if (f == FIELD_WHEN) {
        k = n < 0 ? -1 : lookup(when_names, ARRAY_SIZE(when_names), value);
        if (k < 0)
            return fail(p, "field \"when\" must be \"now\" or \"onshutdown\", not %s",
                        shown(p, v, raw, sizeof(raw)));
        cmd->when = (enum command_when)k;
    } else {
        k = n < 0 ? -1 : lookup(action_names, ARRAY_SIZE(action_names), value);
        if (k < 0)
            return fail(
                p,
                "field \"action\" must be suspend, poweroff, reboot, halt, crash or ignore, not %s",
                shown(p, v, raw, sizeof(raw)));
        cmd->action = (enum command_action)k;
    }
    return 0;
}

/* A 4th pair is always unknown or a duplicate: the pairs noted always hold the first error. */
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
    for (size_t i = 0; i < scan.npairs && i < JSON_SCAN_PAIRS; i++) {
        const struct json_span *key = &scan.key[i];
        char name[SHORT_MAX], raw[80];
        int n = decode_string(&p, key, name, sizeof(name));
        int f = n < 0 ? -1 : lookup(field_names, FIELD_COUNT, name);
        if (f < 0)
            return fail(&p, "unknown field %s (the fields are when, ack and action)",
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
    return 0;
}

void command_format(const struct command *cmd, char *buf, size_t len)
{
    size_t n;

    n = (size_t)fmt_snprintf(buf, len, "{\"when\":\"%s\",\"ack\":", command_when_name(cmd->when));
    if (n >= len)
        return;
    if (cmd->ack == COMMAND_ACK_STRING)
        quote(buf + n, len - n, cmd->ack_string, strlen(cmd->ack_string), QUOTE_JSON, SIZE_MAX);
    else
        fmt_snprintf(buf + n, len - n, "\"%s\"", command_ack_name(cmd->ack));
    n += strlen(buf + n);
    fmt_snprintf(buf + n, len - n, ",\"action\":\"%s\"}", command_action_name(cmd->action));
}
