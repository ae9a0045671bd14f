/*
 * The control/testing command parser.
 *
 * jsmn tokenises; it is lenient even with JSMN_STRICT (it accepts trailing
 * commas, a missing comma or colon, text after the object, and control
 * characters inside strings), so check_syntax() walks the text between the
 * tokens against the grammar of a flat JSON object, and json_string_decode()
 * checks and decodes every string.  Only then are the fields interpreted.
 */
#include "kernel/command.h"

#include <stdbool.h>
#include <stdint.h>

#include "kernel/json_string.h"
#include "lib/printk.h"
#include "lib/string.h"

#define JSMN_STATIC
#define JSMN_STRICT
#include <jsmn.h>

/*
 * A valid command has at most 7 tokens (the object and three pairs); the
 * spare ones let a few unknown fields be named in the error.
 */
#define COMMAND_TOKENS 16

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
    size_t len;
    jsmntok_t tok[COMMAND_TOKENS];
    int ntok;
    char *err;
    size_t err_len;
};

static int fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct parser *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fmt_vsnprintf(p->err, p->err_len, fmt, ap);
    va_end(ap);
    return -1;
}

static size_t skip_space(const struct parser *p, size_t pos)
{
    while (pos < p->len && (p->text[pos] == ' ' || p->text[pos] == '\t' || p->text[pos] == '\n' ||
                            p->text[pos] == '\r'))
        pos++;
    return pos;
}

/* Where a token's text starts and ends, counting a string's quotes. */
static size_t token_start(const jsmntok_t *t)
{
    return (size_t)t->start - (t->type == JSMN_STRING ? 1 : 0);
}

static size_t token_end(const jsmntok_t *t)
{
    return (size_t)t->end + (t->type == JSMN_STRING ? 1 : 0);
}

/* The index of the first token after token i and everything nested in it. */
static int skip_token(const struct parser *p, int i)
{
    int next = i + 1;
    while (next < p->ntok && p->tok[next].start < p->tok[i].end)
        next++;
    return next;
}

static int syntax_error(struct parser *p, size_t pos)
{
    if (pos >= p->len)
        return fail(p, "not valid JSON (it ends too early)");
    return fail(p, "not valid JSON (at byte %zu)", pos);
}

/*
 * Check that the text is exactly: space { space [pair {, pair}] } space,
 * where a pair is: string space : space value space.  Values nested inside
 * are left to jsmn: they are errors anyway, as every value must be a string.
 * Fills pairs[] with the token index of each key.
 */
static int check_syntax(struct parser *p, int *pairs, int *npairs)
{
    const jsmntok_t *obj = &p->tok[0];
    size_t pos = skip_space(p, 0);
    int i = 1;

    *npairs = 0;
    if (pos != (size_t)obj->start)
        return syntax_error(p, pos);
    pos = skip_space(p, pos + 1);
    if (pos < p->len && p->text[pos] == '}')
        goto closed;
    for (;;) {
        if (i >= p->ntok || p->tok[i].start >= obj->end || p->tok[i].type != JSMN_STRING ||
            token_start(&p->tok[i]) != pos)
            return syntax_error(p, pos);
        pairs[(*npairs)++] = i;
        pos = skip_space(p, token_end(&p->tok[i]));
        if (pos >= p->len || p->text[pos] != ':')
            return syntax_error(p, pos);
        pos = skip_space(p, pos + 1);
        if (i + 1 >= p->ntok || p->tok[i + 1].start >= obj->end ||
            token_start(&p->tok[i + 1]) != pos)
            return syntax_error(p, pos);
        pos = skip_space(p, token_end(&p->tok[i + 1]));
        i = skip_token(p, i + 1);
        if (pos < p->len && p->text[pos] == '}')
            break;
        if (pos >= p->len || p->text[pos] != ',')
            return syntax_error(p, pos);
        pos = skip_space(p, pos + 1);
    }
closed:
    if (pos + 1 != (size_t)obj->end)
        return syntax_error(p, pos);
    pos = skip_space(p, pos + 1);
    if (pos != p->len)
        return fail(p, "not valid JSON (text after the object at byte %zu)", pos);
    return 0;
}

/* A string token's decoded contents: see json_string_decode(). */
static int decode_string(struct parser *p, const jsmntok_t *t, char *out, size_t out_len)
{
    return json_string_decode(p->text, (size_t)t->start, (size_t)t->end, out, out_len, p->err,
                              p->err_len);
}

static const char *type_name(const struct parser *p, const jsmntok_t *t)
{
    switch (t->type) {
    case JSMN_OBJECT:
        return "an object";
    case JSMN_ARRAY:
        return "an array";
    case JSMN_STRING:
        return "a string";
    default:
        break;
    }
    switch (p->text[t->start]) {
    case 't':
    case 'f':
        return "a boolean";
    case 'n':
        return "null";
    default:
        return "a number";
    }
}

/* A token's raw text, quoted for an error message. */
static const char *shown(const struct parser *p, const jsmntok_t *t, char *buf, size_t len)
{
    quote(buf, len, p->text + t->start, (size_t)(t->end - t->start), QUOTE_LOG, 40);
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

static int parse_field(struct parser *p, enum field f, const jsmntok_t *v, struct command *cmd)
{
    char value[SHORT_MAX], raw[80];
    int n, k;

    if (v->type != JSMN_STRING)
        return fail(p, "field \"%s\" must be a string, not %s", field_names[f], type_name(p, v));

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
            return fail(p,
                        "field \"action\" must be suspend, poweroff, reboot, halt, crash or "
                        "ignore, not %s",
                        shown(p, v, raw, sizeof(raw)));
        cmd->action = (enum command_action)k;
    }
    return 0;
}

int command_parse(const char *text, size_t len, struct command *cmd, char *err, size_t err_len)
{
    struct parser p = {.text = text, .len = len, .err = err, .err_len = err_len};
    int pairs[COMMAND_TOKENS], npairs;
    bool seen[FIELD_COUNT] = {false};
    jsmn_parser jp;

    if (err_len)
        err[0] = '\0';
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\0')
            return fail(&p, "not valid JSON (a NUL byte at byte %zu)", i);
    }

    jsmn_init(&jp);
    p.ntok = jsmn_parse(&jp, text, len, p.tok, COMMAND_TOKENS);
    if (p.ntok == JSMN_ERROR_NOMEM)
        return fail(&p, "too many JSON values (a command is one object of up to 3 strings)");
    if (p.ntok == JSMN_ERROR_PART || p.ntok == 0)
        return syntax_error(&p, len);
    if (p.ntok < 0)
        return syntax_error(&p, jp.pos);
    if (p.tok[0].type != JSMN_OBJECT)
        return fail(&p, "not a JSON object");
    if (check_syntax(&p, pairs, &npairs) < 0)
        return -1;

    memset(cmd, 0, sizeof(*cmd));
    cmd->ack = COMMAND_ACK_OK;
    for (int i = 0; i < npairs; i++) {
        const jsmntok_t *key = &p.tok[pairs[i]];
        char name[SHORT_MAX], raw[80];
        int n = decode_string(&p, key, name, sizeof(name));
        if (n == JSON_STRING_INVALID)
            return -1;
        int f = n < 0 ? -1 : lookup(field_names, FIELD_COUNT, name);
        if (f < 0)
            return fail(&p, "unknown field %s (the fields are when, ack and action)",
                        shown(&p, key, raw, sizeof(raw)));
        if (seen[f])
            return fail(&p, "duplicate field \"%s\"", field_names[f]);
        seen[f] = true;
        if (parse_field(&p, (enum field)f, key + 1, cmd) < 0)
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
