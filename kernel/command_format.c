/*
 * A command back as text (command_format(), see command.h): the canonical
 * form data/test-vm/pending and last-command show, every field it holds in
 * a fixed order, the defaults written out.
 */
#include "kernel/command.h"

#include <stdarg.h>

#include "lib/printk.h"
#include "lib/string.h"

/* Append to buf[0..len) at *n, as much as fits. */
static void append(char *buf, size_t len, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t len, size_t *n, const char *fmt, ...)
{
    if (*n >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    fmt_vsnprintf(buf + *n, len - *n, fmt, ap);
    va_end(ap);
    *n += strlen(buf + *n);
}

/* ,"name":"value" with the value escaped as JSON. */
static void append_string(char *buf, size_t len, size_t *n, const char *name, const char *value)
{
    append(buf, len, n, ",\"%s\":", name);
    if (*n < len) {
        quote(buf + *n, len - *n, value, strlen(value), QUOTE_JSON, SIZE_MAX);
        *n += strlen(buf + *n);
    }
}

void command_format(const struct command *cmd, char *buf, size_t len)
{
    size_t n = 0;

    if (len == 0)
        return;
    buf[0] = '\0';
    append(buf, len, &n, "{\"when\":\"%s\",\"ack\":", command_when_name(cmd->when));
    if (cmd->ack == COMMAND_ACK_STRING && n < len) {
        quote(buf + n, len - n, cmd->ack_string, strlen(cmd->ack_string), QUOTE_JSON, SIZE_MAX);
        n += strlen(buf + n);
    } else {
        append(buf, len, &n, "\"%s\"", command_ack_name(cmd->ack));
    }
    append(buf, len, &n, ",\"action\":\"%s\"", command_action_name(cmd->action));
    /* The other fields only when they differ from their defaults. */
    if (cmd->ack_delay_ms)
        append(buf, len, &n, ",\"ack_delay_ms\":%u", cmd->ack_delay_ms);
    if (cmd->action_delay_ms)
        append(buf, len, &n, ",\"action_delay_ms\":%u", cmd->action_delay_ms);
    if (cmd->times == COMMAND_TIMES_ALWAYS)
        append(buf, len, &n, ",\"times\":\"always\"");
    else if (cmd->times > 1)
        append(buf, len, &n, ",\"times\":%u", cmd->times);
    if (cmd->on) {
        const char *sep = "";
        append(buf, len, &n, ",\"on\":[");
        for (unsigned int r = 0; r < COMMAND_REQUEST_COUNT; r++) {
            if (cmd->on & (1u << r)) {
                append(buf, len, &n, "%s\"%s\"", sep,
                       command_request_name((enum command_request)r));
                sep = ",";
            }
        }
        append(buf, len, &n, "]");
    }
    if (cmd->timeout_s && cmd->timeout_s != COMMAND_TIMEOUT_S_DEFAULT)
        append(buf, len, &n, ",\"timeout_s\":%u", cmd->timeout_s);
    /* The xenstore actions' own fields, always (each needs them). */
    if (cmd->action >= COMMAND_ACTION_XENSTORE_WRITE &&
        cmd->action <= COMMAND_ACTION_XENSTORE_FLOOD) {
        append_string(buf, len, &n, "path", cmd->path);
        if (cmd->action == COMMAND_ACTION_XENSTORE_WRITE)
            append_string(buf, len, &n, "value", cmd->value);
        if (cmd->action == COMMAND_ACTION_XENSTORE_FLOOD)
            append(buf, len, &n, ",\"count\":%u,\"size\":%u", cmd->count, cmd->size);
    }
    append(buf, len, &n, "}");
}
