/*
 * The control/testing command parser (kernel/command.c).  The quoting of
 * untrusted strings it relies on (lib/quote.c) is tested in test_quote.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/command.h"
#include "kernel/json_scan.h"

struct good_case {
    const char *json;
    enum command_when when;
    enum command_ack ack;
    const char *ack_string;
    enum command_action action;
};

static const struct good_case good_cases[] = {
    /* Every value of every field. */
    {"{\"when\":\"now\",\"action\":\"suspend\"}", COMMAND_WHEN_NOW, COMMAND_ACK_OK, "",
     COMMAND_ACTION_SUSPEND},
    {"{\"when\":\"now\",\"action\":\"poweroff\"}", COMMAND_WHEN_NOW, COMMAND_ACK_OK, "",
     COMMAND_ACTION_POWEROFF},
    {"{\"when\":\"now\",\"action\":\"reboot\"}", COMMAND_WHEN_NOW, COMMAND_ACK_OK, "",
     COMMAND_ACTION_REBOOT},
    {"{\"when\":\"now\",\"action\":\"halt\"}", COMMAND_WHEN_NOW, COMMAND_ACK_OK, "",
     COMMAND_ACTION_HALT},
    {"{\"when\":\"now\",\"action\":\"crash\"}", COMMAND_WHEN_NOW, COMMAND_ACK_OK, "",
     COMMAND_ACTION_CRASH},
    {"{\"when\":\"now\",\"action\":\"ignore\"}", COMMAND_WHEN_NOW, COMMAND_ACK_OK, "",
     COMMAND_ACTION_IGNORE},
    {"{\"when\":\"onshutdown\",\"ack\":\"ok\",\"action\":\"reboot\"}", COMMAND_WHEN_ONSHUTDOWN,
     COMMAND_ACK_OK, "", COMMAND_ACTION_REBOOT},
    {"{\"when\":\"onshutdown\",\"ack\":\"none\",\"action\":\"reboot\"}", COMMAND_WHEN_ONSHUTDOWN,
     COMMAND_ACK_NONE, "", COMMAND_ACTION_REBOOT},
    {"{\"when\":\"onshutdown\",\"ack\":\"delete\",\"action\":\"poweroff\"}",
     COMMAND_WHEN_ONSHUTDOWN, COMMAND_ACK_DELETE, "", COMMAND_ACTION_POWEROFF},
    {"{\"when\":\"onshutdown\",\"ack\":\"bogus\",\"action\":\"crash\"}", COMMAND_WHEN_ONSHUTDOWN,
     COMMAND_ACK_STRING, "bogus", COMMAND_ACTION_CRASH},
    /* "" as the ack string is what "ok" writes. */
    {"{\"when\":\"onshutdown\",\"ack\":\"\",\"action\":\"crash\"}", COMMAND_WHEN_ONSHUTDOWN,
     COMMAND_ACK_OK, "", COMMAND_ACTION_CRASH},
    /* Field order does not matter; space around tokens is allowed. */
    {" \t\r\n{ \"action\" : \"halt\" ,\n \"ack\":\"none\", \"when\" :\"now\" }\n ",
     COMMAND_WHEN_NOW, COMMAND_ACK_NONE, "", COMMAND_ACTION_HALT},
    /* Escapes are decoded, in names and in values. */
    {"{\"wh\\u0065n\":\"n\\u006fw\",\"action\":\"reboot\"}", COMMAND_WHEN_NOW, COMMAND_ACK_OK, "",
     COMMAND_ACTION_REBOOT},
    {"{\"when\":\"now\",\"ack\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\",\"action\":\"ignore\"}",
     COMMAND_WHEN_NOW, COMMAND_ACK_STRING, "a\"b\\c/d\b\f\n\r\t", COMMAND_ACTION_IGNORE},
    {"{\"when\":\"now\",\"ack\":\"\\u00e9\\u20ac\\ud83d\\ude00\",\"action\":\"ignore\"}",
     COMMAND_WHEN_NOW, COMMAND_ACK_STRING, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
     COMMAND_ACTION_IGNORE},
    /* Raw UTF-8 passes through. */
    {"{\"when\":\"now\",\"ack\":\"caf\xc3\xa9\",\"action\":\"ignore\"}", COMMAND_WHEN_NOW,
     COMMAND_ACK_STRING, "caf\xc3\xa9", COMMAND_ACTION_IGNORE},
    /* An ack string that merely looks like a keyword is still a string. */
    {"{\"when\":\"now\",\"ack\":\"OK\",\"action\":\"ignore\"}", COMMAND_WHEN_NOW,
     COMMAND_ACK_STRING, "OK", COMMAND_ACTION_IGNORE},
};

static void test_good_commands(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(good_cases) / sizeof(good_cases[0]); i++) {
        const struct good_case *g = &good_cases[i];
        struct command cmd;
        char err[COMMAND_ERROR_MAX];

        print_message("  %s\n", g->json);
        assert_int_equal(command_parse(g->json, strlen(g->json), &cmd, err, sizeof(err)), 0);
        assert_string_equal(err, "");
        assert_int_equal(cmd.when, g->when);
        assert_int_equal(cmd.ack, g->ack);
        assert_string_equal(cmd.ack_string, g->ack_string);
        assert_int_equal(cmd.action, g->action);
    }
}

struct bad_case {
    const char *json;
    size_t len; /* 0: strlen(json) */
    const char *error;
};

static const struct bad_case bad_cases[] = {
    /* Not JSON at all. */
    {"", 0, "not valid JSON (it ends too early)"},
    {"   ", 0, "not valid JSON (it ends too early)"},
    {"poweroff", 0, "not valid JSON (at byte 0)"},
    {"{\"when\":\"now\",\"action\":\"reboot\"", 0, "not valid JSON (it ends too early)"},
    {"{\"when\":\"now\",\"action\":\"reboot", 0, "not valid JSON (it ends too early)"},
    {"{\"when\":\"now\",\"action\":\"reboot\"}}", 0,
     "not valid JSON (text after the object at byte 32)"},
    {"{\"when\":\"now\",\"action\":\"reboot\"]", 0, "not valid JSON (at byte 31)"},
    {"{when:\"now\",\"action\":\"reboot\"}", 0, "not valid JSON (at byte 1)"},
    {"{'when':'now'}", 0, "not valid JSON (at byte 1)"},
    /* What a lenient parser (jsmn, say) would accept. */
    {"{\"when\":\"now\",\"action\":\"reboot\",}", 0, "not valid JSON (at byte 32)"},
    {"{,\"when\":\"now\",\"action\":\"reboot\"}", 0, "not valid JSON (at byte 1)"},
    {"{\"when\":\"now\" \"action\":\"reboot\"}", 0, "not valid JSON (at byte 14)"},
    {"{\"when\" \"now\",\"action\":\"reboot\"}", 0, "not valid JSON (at byte 8)"},
    {"{\"when\"::\"now\",\"action\":\"reboot\"}", 0, "not valid JSON (at byte 8)"},
    {"{\"when\":\"now\":\"x\",\"action\":\"reboot\"}", 0, "not valid JSON (at byte 13)"},
    {"{\"when\":\"now\",,\"action\":\"reboot\"}", 0, "not valid JSON (at byte 14)"},
    {"{\"when\":\"now\",\"action\"}", 0, "not valid JSON (at byte 22)"},
    {"{\"when\":\"now\",\"action\":}", 0, "not valid JSON (at byte 23)"},
    {"{\"when\":\"now\",\"action\":\"reboot\"} {}", 0,
     "not valid JSON (text after the object at byte 33)"},
    {"{\"when\":\"now\",\"action\":\"reboot\"} \"x\"", 0,
     "not valid JSON (text after the object at byte 33)"},
    {"{\"when\":\"n\tw\",\"action\":\"reboot\"}", 0,
     "not valid JSON (control character in a string at byte 10)"},
    {"{\"when\":\"n\\qw\",\"action\":\"reboot\"}", 0, "not valid JSON (bad escape at byte 10)"},
    {"{\"when\":\"now\",\"ack\":\"\\u12x4\",\"action\":\"reboot\"}", 0,
     "not valid JSON (bad \\u escape at byte 21)"},
    /* Found by review: invalid primitives were reported as values of a type. */
    {"{\"when\":nope,\"action\":\"reboot\"}", 0, "not valid JSON (at byte 9)"},
    {"{\"when\":tru,\"action\":\"reboot\"}", 0, "not valid JSON (at byte 11)"},
    {"{\"when\":truex,\"action\":\"reboot\"}", 0, "not valid JSON (at byte 12)"},
    {"{\"when\":-,\"action\":\"reboot\"}", 0, "not valid JSON (at byte 9)"},
    {"{\"when\":01,\"action\":\"reboot\"}", 0, "not valid JSON (at byte 9)"},
    {"{\"when\":1.,\"action\":\"reboot\"}", 0, "not valid JSON (at byte 10)"},
    {"{\"when\":1e,\"action\":\"reboot\"}", 0, "not valid JSON (at byte 10)"},
    {"{\"when\":+1,\"action\":\"reboot\"}", 0, "not valid JSON (at byte 8)"},
    {"{\"when\":[1,nul],\"action\":\"reboot\"}", 0, "not valid JSON (at byte 14)"},
    {"nope", 0, "not valid JSON (at byte 1)"},
    /* Valid primitives are values of their type. */
    {"{\"when\":-0.5e+3,\"action\":\"reboot\"}", 0,
     "field \"when\" must be a string, not a number"},
    {"{\"when\":false,\"action\":\"reboot\"}", 0, "field \"when\" must be a string, not a boolean"},
    {"{\"when\":\"now\",\"ack\":\"\\ud83d\",\"action\":\"reboot\"}", 0,
     "not valid JSON (unpaired surrogate at byte 21)"},
    {"{\"when\":\"now\",\"ack\":\"\\ude00x\",\"action\":\"reboot\"}", 0,
     "not valid JSON (unpaired surrogate at byte 21)"},
    {"{\"when\":\"now\",\"ack\":\"a\\u0000b\",\"action\":\"reboot\"}", 0,
     "a string holds \\u0000 (at byte 22)"},
    /* NUL bytes and binary junk. */
    {"{\"when\":\"now\",\"action\":\"reboot\"}\0junk", 37,
     "not valid JSON (a NUL byte at byte 32)"},
    {"{\"when\":\"now\0\",\"action\":\"reboot\"}", 33, "not valid JSON (a NUL byte at byte 12)"},
    {"\xff\xfe\x01\x02", 0, "not valid JSON (at byte 0)"},
    /* Valid JSON, but not an object. */
    {"\"poweroff\"", 0, "not a JSON object"},
    {"[\"when\",\"now\"]", 0, "not a JSON object"},
    {"[]", 0, "not a JSON object"},
    /* Missing, unknown and duplicate fields. */
    {"{}", 0, "missing field \"when\""},
    {"{\"action\":\"reboot\"}", 0, "missing field \"when\""},
    {"{\"when\":\"now\"}", 0, "missing field \"action\""},
    {"{\"when\":\"now\",\"ack\":\"ok\"}", 0, "missing field \"action\""},
    {"{\"when\":\"now\",\"acton\":\"reboot\"}", 0,
     "unknown field \"acton\" (the fields are when, ack, action, ack_delay_ms, action_delay_ms, times, on, timeout_s, path, value, count and size)"},
    {"{\"When\":\"now\",\"action\":\"reboot\"}", 0,
     "unknown field \"When\" (the fields are when, ack, action, ack_delay_ms, action_delay_ms, times, on, timeout_s, path, value, count and size)"},
    {"{\"\":\"now\"}", 0,
     "unknown field \"\" (the fields are when, ack, action, ack_delay_ms, action_delay_ms, times, on, timeout_s, path, value, count and size)"},
    {"{\"when\":\"now\",\"action\":\"reboot\",\"an extremely long field name indeed\":\"x\"}", 0,
     "unknown field \"an extremely long field name indeed\" (the fields are when, ack, action, ack_delay_ms, action_delay_ms, times, on, "
     "timeout_s, path, value, count and size)"},
    {"{\"when\":\"now\",\"action\":\"reboot\",\"when\":\"onshutdown\"}", 0,
     "duplicate field \"when\""},
    {"{\"when\":\"now\",\"action\":\"reboot\",\"action\":\"reboot\"}", 0,
     "duplicate field \"action\""},
    {"{\"ack\":\"ok\",\"when\":\"now\",\"action\":\"reboot\",\"ack\":\"none\"}", 0,
     "duplicate field \"ack\""},
    {"{\"when\":\"now\",\"action\":\"reboot\",\"\\u0077hen\":\"now\"}", 0,
     "duplicate field \"when\""},
    /* Wrong types. */
    {"{\"when\":1,\"action\":\"reboot\"}", 0, "field \"when\" must be a string, not a number"},
    {"{\"when\":\"now\",\"action\":true}", 0, "field \"action\" must be a string, not a boolean"},
    {"{\"when\":\"now\",\"ack\":null,\"action\":\"reboot\"}", 0,
     "field \"ack\" must be a string, not null"},
    {"{\"when\":[\"now\"],\"action\":\"reboot\"}", 0,
     "field \"when\" must be a string, not an array"},
    {"{\"when\":\"now\",\"action\":{\"do\":\"reboot\"}}", 0,
     "field \"action\" must be a string, not an object"},
    /* Bad values. */
    {"{\"when\":\"later\",\"action\":\"reboot\"}", 0,
     "field \"when\" must be \"now\" or \"onshutdown\", not \"later\""},
    {"{\"when\":\"NOW\",\"action\":\"reboot\"}", 0,
     "field \"when\" must be \"now\" or \"onshutdown\", not \"NOW\""},
    {"{\"when\":\"\",\"action\":\"reboot\"}", 0,
     "field \"when\" must be \"now\" or \"onshutdown\", not \"\""},
    {"{\"when\":\"onshutdown and then some more\",\"action\":\"reboot\"}", 0,
     "field \"when\" must be \"now\" or \"onshutdown\", not \"onshutdown and then some more\""},
    {"{\"when\":\"now\",\"action\":\"explode\"}", 0,
     "field \"action\" must be suspend, poweroff, reboot, halt, crash, ignore, hang, watchdog, fault, triple-fault, soft-reset, xenstore-write, xenstore-rm, xenstore-flood, xenstore-unwatch or memcheck, not "
     "\"explode\""},
    {"{\"when\":\"now\",\"action\":\"s3\"}", 0,
     "field \"action\" must be suspend, poweroff, reboot, halt, crash, ignore, hang, watchdog, fault, triple-fault, soft-reset, xenstore-write, xenstore-rm, xenstore-flood, xenstore-unwatch or memcheck, not \"s3\""},
    {"{\"when\":\"now\",\"action\":\"\\u0001\"}", 0,
     "field \"action\" must be suspend, poweroff, reboot, halt, crash, ignore, hang, watchdog, fault, triple-fault, soft-reset, xenstore-write, xenstore-rm, xenstore-flood, xenstore-unwatch or memcheck, not "
     "\"\\\\u0001\""},
    /* Found by review: past 16 JSON values, every error was "too many JSON values". */
    {"{\"when\":\"now\",\"action\":\"reboot\",\"x\":[1,2,3,4,5,6,7,8,9,10,11,12]}", 0,
     "unknown field \"x\" (the fields are when, ack, action, ack_delay_ms, action_delay_ms, times, on, timeout_s, path, value, count and size)"},
    {"{\"x\":[1,2,3,4,5,6,7,8,9,10,11,12],\"when\":\"now\",\"action\":\"reboot\"}", 0,
     "unknown field \"x\" (the fields are when, ack, action, ack_delay_ms, action_delay_ms, times, on, timeout_s, path, value, count and size)"},
    {"{\"when\":\"now\",\"action\":\"reboot\",\"ack\":\"ok\",\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5}",
     0,
     "unknown field \"a\" (the fields are when, ack, action, ack_delay_ms, action_delay_ms, times, on, timeout_s, path, value, count and size)"},
    {"{\"when\":\"now\",\"action\":\"reboot\",\"ack\":\"ok\",\"when\":1,\"b\":2,\"c\":3,\"d\":4}",
     0, "duplicate field \"when\""},
    {"{\"when\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17],\"action\":\"reboot\"}", 0,
     "field \"when\" must be a string, not an array"},
    {"{\"when\":\"now\",\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"action\":\"reboot\",}",
     0, "not valid JSON (at byte 74)"},
    {"{\"acton\":\"reboot\",\"x\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23]] }",
     0, "not valid JSON (at byte 83)"},
    /* Issue 8's fields: whole numbers in range, "always", an array of request names. */
    {"{\"when\":\"now\",\"action\":\"reboot\",\"action_delay_ms\":1.5}", 0,
     "field \"action_delay_ms\" must be a whole number from 0 to 3600000, not \"1.5\""},
    {"{\"when\":\"now\",\"action\":\"reboot\",\"action_delay_ms\":-1}", 0,
     "field \"action_delay_ms\" must be a whole number from 0 to 3600000, not \"-1\""},
    {"{\"when\":\"now\",\"action\":\"reboot\",\"ack_delay_ms\":3600001}", 0,
     "field \"ack_delay_ms\" must be a whole number from 0 to 3600000, not \"3600001\""},
    {"{\"when\":\"now\",\"action\":\"reboot\",\"ack_delay_ms\":1e3}", 0,
     "field \"ack_delay_ms\" must be a whole number from 0 to 3600000, not \"1e3\""},
    {"{\"when\":\"now\",\"action\":\"reboot\",\"ack_delay_ms\":99999999999999999999}", 0,
     "field \"ack_delay_ms\" must be a whole number from 0 to 3600000, not \"99999999999999999999\""},
    {"{\"when\":\"now\",\"action\":\"reboot\",\"ack_delay_ms\":\"2000\"}", 0,
     "field \"ack_delay_ms\" must be a number, not a string"},
    {"{\"when\":\"onshutdown\",\"action\":\"reboot\",\"times\":0}", 0,
     "field \"times\" must be a whole number from 1 to 1000000, not \"0\""},
    {"{\"when\":\"onshutdown\",\"action\":\"reboot\",\"times\":\"forever\"}", 0,
     "field \"times\" must be a whole number from 1 to 1000000 or \"always\", not \"forever\""},
    {"{\"when\":\"onshutdown\",\"action\":\"reboot\",\"times\":true}", 0,
     "field \"times\" must be a number or \"always\", not a boolean"},
    {"{\"when\":\"onshutdown\",\"action\":\"reboot\",\"on\":\"suspend\"}", 0,
     "field \"on\" must be an array, not a string"},
    {"{\"when\":\"onshutdown\",\"action\":\"reboot\",\"on\":[\"suspend\",2]}", 0,
     "field \"on\" must be an array of request names (strings)"},
    {"{\"when\":\"onshutdown\",\"action\":\"reboot\",\"on\":[\"s3\"]}", 0,
     "field \"on\" holds \"s3\": the requests are poweroff, halt, reboot, crash and suspend"},
    {"{\"when\":\"onshutdown\",\"action\":\"reboot\",\"on\":[ ]}", 0,
     "field \"on\" is empty (leave it out to take over any request)"},
    {"{\"when\":\"now\",\"action\":\"watchdog\",\"timeout_s\":0}", 0,
     "field \"timeout_s\" must be a whole number from 1 to 86400, not \"0\""},
    {"{\"when\":\"now\",\"action\":\"reboot\",\"times\":2,\"times\":3}", 0,
     "duplicate field \"times\""},
};

/* Every field at once, in any order, normalised with the defaults left out. */
static void test_issue8_fields(void **state)
{
    static const struct {
        const char *json, *normal;
    } cases[] = {
        {"{\"on\":[\"suspend\", \"poweroff\",\"suspend\"],\"times\":3,\"when\":\"onshutdown\","
         "\"action\":\"reboot\",\"ack\":\"none\",\"ack_delay_ms\":2000,\"action_delay_ms\":0,"
         "\"timeout_s\":5}",
         "{\"when\":\"onshutdown\",\"ack\":\"none\",\"action\":\"reboot\",\"ack_delay_ms\":2000,"
         "\"times\":3,\"on\":[\"poweroff\",\"suspend\"]}"},
        {"{\"when\":\"onshutdown\",\"action\":\"ignore\",\"times\":\"always\"}",
         "{\"when\":\"onshutdown\",\"ack\":\"ok\",\"action\":\"ignore\",\"times\":\"always\"}"},
        {"{\"when\":\"now\",\"action\":\"watchdog\",\"timeout_s\":86400}",
         "{\"when\":\"now\",\"ack\":\"ok\",\"action\":\"watchdog\",\"timeout_s\":86400}"},
        {"{\"when\":\"now\",\"action\":\"reboot\",\"action_delay_ms\":3600000}",
         "{\"when\":\"now\",\"ack\":\"ok\",\"action\":\"reboot\",\"action_delay_ms\":3600000}"},
        {"{\"when\":\"now\",\"action\":\"triple-fault\"}",
         "{\"when\":\"now\",\"ack\":\"ok\",\"action\":\"triple-fault\"}"},
    };
    struct command cmd;
    char err[COMMAND_ERROR_MAX], text[COMMAND_TEXT_MAX];
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(
            command_parse(cases[i].json, strlen(cases[i].json), &cmd, err, sizeof(err)), 0);
        command_format(&cmd, text, sizeof(text));
        assert_string_equal(text, cases[i].normal);
    }
}

static void test_bad_commands(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const struct bad_case *b = &bad_cases[i];
        size_t len = b->len ? b->len : strlen(b->json);
        struct command cmd;
        char err[COMMAND_ERROR_MAX];

        print_message("  %.*s\n", (int)len, b->json);
        assert_int_equal(command_parse(b->json, len, &cmd, err, sizeof(err)), -1);
        assert_string_equal(err, b->error);
    }
}

static void assert_error(const char *json, size_t len, const char *error)
{
    struct command cmd;
    char err[COMMAND_ERROR_MAX];
    assert_int_equal(command_parse(json, len, &cmd, err, sizeof(err)), -1);
    assert_string_equal(err, error);
}

/* Nesting is checked to any depth xenstore allows, then refused. */
static void test_deep_nesting(void **state)
{
    static char json[2 * JSON_MAX_DEPTH + 64];
    (void)state;

    memset(json, '[', 100);
    memset(json + 100, ']', 100);
    assert_error(json, 200, "not a JSON object");
    assert_error(json, 199, "not valid JSON (it ends too early)");

    int n = snprintf(json, sizeof(json), "{\"when\":");
    memset(json + n, '[', 1000);
    memset(json + n + 1000, ']', 1000);
    n += 2000;
    n += snprintf(json + n, sizeof(json) - (size_t)n, ",\"action\":\"reboot\"}");
    assert_error(json, (size_t)n, "field \"when\" must be a string, not an array");

    memset(json, '[', JSON_MAX_DEPTH + 1);
    assert_error(json, JSON_MAX_DEPTH, "not valid JSON (it ends too early)");
    assert_error(json, JSON_MAX_DEPTH + 1,
                 "too deeply nested (more than 4096 levels at byte 4096)");
}

/* The custom ack string: up to COMMAND_ACK_MAX - 1 bytes, decoded. */
static void test_ack_string_length(void **state)
{
    static char json[8192];
    struct command cmd;
    char err[COMMAND_ERROR_MAX];
    char ack[COMMAND_ACK_MAX + 1];
    (void)state;

    memset(ack, 'a', sizeof(ack));
    ack[COMMAND_ACK_MAX - 1] = '\0';
    int n = snprintf(json, sizeof(json),
                     "{\"when\":\"onshutdown\",\"ack\":\"%s\",\"action\":\"ignore\"}", ack);
    assert_int_equal(command_parse(json, (size_t)n, &cmd, err, sizeof(err)), 0);
    assert_int_equal(cmd.ack, COMMAND_ACK_STRING);
    assert_string_equal(cmd.ack_string, ack);

    ack[COMMAND_ACK_MAX - 1] = 'a';
    ack[COMMAND_ACK_MAX] = '\0';
    n = snprintf(json, sizeof(json),
                 "{\"when\":\"onshutdown\",\"ack\":\"%s\",\"action\":\"ignore\"}", ack);
    assert_int_equal(command_parse(json, (size_t)n, &cmd, err, sizeof(err)), -1);
    assert_string_equal(err, "field \"ack\" is longer than 255 bytes");

    /* Counted after decoding: 255 escapes of 6 bytes each still fit. */
    n = snprintf(json, sizeof(json), "{\"when\":\"now\",\"ack\":\"");
    for (int i = 0; i < COMMAND_ACK_MAX - 1; i++)
        n += snprintf(json + n, sizeof(json) - (size_t)n, "\\u0041");
    n += snprintf(json + n, sizeof(json) - (size_t)n, "\",\"action\":\"ignore\"}");
    assert_int_equal(command_parse(json, (size_t)n, &cmd, err, sizeof(err)), 0);
    assert_int_equal(strlen(cmd.ack_string), COMMAND_ACK_MAX - 1);
    assert_int_equal(cmd.ack_string[0], 'A');

    /* A bad escape after the limit is still reported as bad JSON. */
    n = snprintf(json, sizeof(json),
                 "{\"when\":\"now\",\"ack\":\"%s\\ud800\",\"action\":\"ignore\"}", ack);
    assert_int_equal(command_parse(json, (size_t)n, &cmd, err, sizeof(err)), -1);
    assert_string_equal(err, "not valid JSON (unpaired surrogate at byte 277)");
}

/* A value as long as xenstore allows (4096 bytes): an error, cleanly. */
static void test_near_xenstore_limit(void **state)
{
    static char json[4097];
    struct command cmd;
    char err[COMMAND_ERROR_MAX];
    (void)state;

    int n = snprintf(json, sizeof(json), "{\"when\":\"now\",\"action\":\"reboot\",\"ack\":\"");
    memset(json + n, 'x', sizeof(json) - 1 - (size_t)n - 2);
    memcpy(json + sizeof(json) - 3, "\"}", 3);
    assert_int_equal(strlen(json), 4096);
    assert_int_equal(command_parse(json, 4096, &cmd, err, sizeof(err)), -1);
    assert_string_equal(err, "field \"ack\" is longer than 255 bytes");

    n = snprintf(json, sizeof(json), "{\"when\":\"");
    memset(json + n, 'x', sizeof(json) - 1 - (size_t)n - 2);
    memcpy(json + sizeof(json) - 3, "\"}", 3);
    assert_int_equal(command_parse(json, 4096, &cmd, err, sizeof(err)), -1);
    assert_string_equal(err, "field \"when\" must be \"now\" or \"onshutdown\", not "
                             "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"... (4085 bytes)");
}

/* The error buffer may be small: the message is cut, never overflowed. */
static void test_small_error_buffer(void **state)
{
    const char *json = "{\"when\":\"later\",\"action\":\"reboot\"}";
    struct command cmd;
    char err[12];
    (void)state;

    memset(err, 'Z', sizeof(err));
    assert_int_equal(command_parse(json, strlen(json), &cmd, err, sizeof(err)), -1);
    assert_string_equal(err, "field \"when");
    assert_int_equal(command_parse(json, strlen(json), &cmd, NULL, 0), -1);
}

static void assert_format(const char *json, const char *normalised)
{
    struct command cmd, again;
    char err[COMMAND_ERROR_MAX], text[COMMAND_TEXT_MAX];

    assert_int_equal(command_parse(json, strlen(json), &cmd, err, sizeof(err)), 0);
    command_format(&cmd, text, sizeof(text));
    assert_string_equal(text, normalised);
    /* The normalised form parses back to the same command. */
    assert_int_equal(command_parse(text, strlen(text), &again, err, sizeof(err)), 0);
    assert_int_equal(again.when, cmd.when);
    assert_int_equal(again.ack, cmd.ack);
    assert_string_equal(again.ack_string, cmd.ack_string);
    assert_int_equal(again.action, cmd.action);
}

static void test_format(void **state)
{
    (void)state;
    assert_format("{\"action\":\"halt\",\"when\":\"now\"}",
                  "{\"when\":\"now\",\"ack\":\"ok\",\"action\":\"halt\"}");
    assert_format("{\"when\":\"onshutdown\",\"ack\":\"none\",\"action\":\"suspend\"}",
                  "{\"when\":\"onshutdown\",\"ack\":\"none\",\"action\":\"suspend\"}");
    assert_format("{\"when\":\"onshutdown\",\"ack\":\"delete\",\"action\":\"crash\"}",
                  "{\"when\":\"onshutdown\",\"ack\":\"delete\",\"action\":\"crash\"}");
    assert_format("{\"when\":\"onshutdown\",\"ack\":\"\",\"action\":\"poweroff\"}",
                  "{\"when\":\"onshutdown\",\"ack\":\"ok\",\"action\":\"poweroff\"}");
    assert_format(
        "{\"when\":\"onshutdown\",\"ack\":\"x\\\"y\\\\z\\n\\u0001\",\"action\":\"reboot\"}",
        "{\"when\":\"onshutdown\",\"ack\":\"x\\\"y\\\\z\\n\\u0001\",\"action\":\"reboot\"}");
    assert_format("{\"when\":\"now\",\"ack\":\"\\u00e9\",\"action\":\"ignore\"}",
                  "{\"when\":\"now\",\"ack\":\"\xc3\xa9\",\"action\":\"ignore\"}");
}

/* The longest ack string, all control characters, fits COMMAND_TEXT_MAX. */
static void test_format_worst_case(void **state)
{
    struct command cmd = {.when = COMMAND_WHEN_ONSHUTDOWN,
                          .ack = COMMAND_ACK_STRING,
                          .action = COMMAND_ACTION_SUSPEND};
    char text[COMMAND_TEXT_MAX], err[COMMAND_ERROR_MAX];
    struct command again;
    (void)state;

    memset(cmd.ack_string, 0x01, COMMAND_ACK_MAX - 1);
    cmd.ack_string[COMMAND_ACK_MAX - 1] = '\0';
    command_format(&cmd, text, sizeof(text));
    assert_int_equal(strlen(text), 27 + 2 + 6 * (COMMAND_ACK_MAX - 1) + 20);
    assert_int_equal(command_parse(text, strlen(text), &again, err, sizeof(err)), 0);
    assert_memory_equal(again.ack_string, cmd.ack_string, COMMAND_ACK_MAX);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(command_when_name(COMMAND_WHEN_ONSHUTDOWN), "onshutdown");
    assert_string_equal(command_ack_name(COMMAND_ACK_DELETE), "delete");
    assert_string_equal(command_action_name(COMMAND_ACTION_HALT), "halt");
    assert_string_equal(command_action_name((enum command_action)99), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_commands),      cmocka_unit_test(test_bad_commands),
        cmocka_unit_test(test_issue8_fields),      cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_ack_string_length),  cmocka_unit_test(test_near_xenstore_limit),
        cmocka_unit_test(test_small_error_buffer), cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_worst_case),  cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
