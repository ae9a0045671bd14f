/*
 * lib/quote.c: showing untrusted strings safely, for console lines (the
 * control interpreter, the xenstore client) and JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lib/quote.h"

static void test_quote(void **state)
{
    char out[64];
    (void)state;

    assert_true(quote(out, sizeof(out), "a\"b\\c\n\t\r\x01\x7f\xc3\xa9", 12, QUOTE_LOG, 100));
    assert_string_equal(out, "\"a\\\"b\\\\c\\n\\t\\r\\x01\\x7f\\xc3\\xa9\"");
    assert_true(quote(out, sizeof(out), "a\"b\\c\n\x01\x7f\xc3\xa9", 10, QUOTE_JSON, 100));
    assert_string_equal(out, "\"a\\\"b\\\\c\\n\\u0001\\u007f\xc3\xa9\"");
    assert_true(quote(out, sizeof(out), "{\"a\":1}\n\xff", 9, QUOTE_BARE, 100));
    assert_string_equal(out, "{\"a\":1}\\x0a\\xff");
    assert_true(quote(out, sizeof(out), "", 0, QUOTE_LOG, 100));
    assert_string_equal(out, "\"\"");

    /* Cut at max, or when out is full, never inside an escape. */
    assert_false(quote(out, sizeof(out), "abcdefgh", 8, QUOTE_LOG, 3));
    assert_string_equal(out, "\"abc\"... (8 bytes)");
    assert_false(quote(out, 40, "\x01\x01\x01\x01\x01", 5, QUOTE_LOG, 100));
    assert_string_equal(out, "\"\\x01\\x01\"... (5 bytes)");
    assert_false(quote(out, 10, "abc", 3, QUOTE_LOG, 100));
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quote),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
