/*
 * Fuzz the control/testing command parser (kernel/command.c) and the quoting
 * of untrusted values (lib/quote.c).  Beyond "no crash": an error is one
 * NUL-terminated line, an accepted command's normalised form parses back to
 * the same command, and quoted output for the console is printable ASCII.
 */
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
    } else {
        check(err[0] == '\0');
        check(cmd.ack == COMMAND_ACK_STRING ? cmd.ack_string[0] != '\0'
                                            : cmd.ack_string[0] == '\0');
        command_format(&cmd, text, sizeof(text));
        check(strnlen(text, sizeof(text)) < sizeof(text));
        check(command_parse(text, strlen(text), &again, err, sizeof(err)) == 0);
        check(again.when == cmd.when && again.ack == cmd.ack && again.action == cmd.action);
        check(strcmp(again.ack_string, cmd.ack_string) == 0);
    }

    check_quote(data, size, QUOTE_LOG);
    check_quote(data, size, QUOTE_BARE);
    check_quote(data, size, QUOTE_JSON);
    return 0;
}
