/* Kernel command line parsing (kernel/cmdline.c) and the configuration it makes (kernel/config.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/cmdline.h"
#include "kernel/config.h"

#include "log_fixture.h"

static void test_get(void **state)
{
    char val[16];
    (void)state;

    assert_int_equal(cmdline_get("a=1 b=22 c=333", "b", val, sizeof(val)), 2);
    assert_string_equal(val, "22");
    assert_int_equal(cmdline_get("a=1 b=22 c=333", "a", val, sizeof(val)), 1);
    assert_string_equal(val, "1");
    assert_int_equal(cmdline_get("a=1 b=22 c=333", "c", val, sizeof(val)), 3);
    assert_string_equal(val, "333");
    /* Any run of spaces, tabs or newlines separates words. */
    assert_int_equal(cmdline_get("  \ta=1 \n  b=x\t", "b", val, sizeof(val)), 1);
    assert_string_equal(val, "x");
    /* The value runs to the end of the word and may hold '='. */
    assert_int_equal(cmdline_get("k=a=b", "k", val, sizeof(val)), 3);
    assert_string_equal(val, "a=b");
    assert_int_equal(cmdline_get("k=", "k", val, sizeof(val)), 0);
    assert_string_equal(val, "");
    /* A bare key has the value "". */
    strcpy(val, "junk");
    assert_int_equal(cmdline_get("quiet k", "k", val, sizeof(val)), 0);
    assert_string_equal(val, "");
    /* The last occurrence wins. */
    assert_int_equal(cmdline_get("k=1 k=2", "k", val, sizeof(val)), 1);
    assert_string_equal(val, "2");
}

static void test_get_absent(void **state)
{
    char val[16] = "untouched";
    (void)state;

    assert_int_equal(cmdline_get(NULL, "k", val, sizeof(val)), CMDLINE_NOT_FOUND);
    assert_int_equal(cmdline_get("", "k", val, sizeof(val)), CMDLINE_NOT_FOUND);
    assert_int_equal(cmdline_get("   ", "k", val, sizeof(val)), CMDLINE_NOT_FOUND);
    /* Only whole keys match: neither a longer nor a shorter key. */
    assert_int_equal(cmdline_get("kk=1 xk=2", "k", val, sizeof(val)), CMDLINE_NOT_FOUND);
    assert_int_equal(cmdline_get("k=1", "kk", val, sizeof(val)), CMDLINE_NOT_FOUND);
    assert_int_equal(cmdline_get("K=1", "k", val, sizeof(val)), CMDLINE_NOT_FOUND);
    assert_string_equal(val, "untouched");
}

/*
 * White space at the end of the line is no word, not even an empty one: the
 * empty key matches only words that start with '=' (found by fuzz_cmdline).
 */
static void test_get_trailing_space(void **state)
{
    char val[16];
    (void)state;

    assert_int_equal(cmdline_get("=5 =x a=1 ", "", val, sizeof(val)), 1);
    assert_string_equal(val, "x");
    strcpy(val, "untouched");
    assert_int_equal(cmdline_get("a=1 \t\n", "", val, sizeof(val)), CMDLINE_NOT_FOUND);
    assert_string_equal(val, "untouched");
    /* Other keys were never affected. */
    assert_int_equal(cmdline_get("k=1 ", "k", val, sizeof(val)), 1);
    assert_string_equal(val, "1");
}

static void test_get_too_long(void **state)
{
    char val[4] = "abc";
    (void)state;

    assert_int_equal(cmdline_get("k=123", "k", val, sizeof(val)), 3);
    assert_string_equal(val, "123");
    assert_int_equal(cmdline_get("k=1234", "k", val, sizeof(val)), CMDLINE_TOO_LONG);
    assert_string_equal(val, "");
    assert_int_equal(cmdline_get("k=1", "k", val, 0), CMDLINE_TOO_LONG);
}

static void assert_config(const char *cmdline, enum control_feature poweroff,
                          enum control_feature reboot, enum control_feature suspend, int bad)
{
    struct control_config cfg;
    memset(&cfg, 0x55, sizeof(cfg));
    assert_int_equal(cmdline_control_config(cmdline, &cfg), bad);
    assert_int_equal(cfg.feature_poweroff, poweroff);
    assert_int_equal(cfg.feature_reboot, reboot);
    assert_int_equal(cfg.feature_suspend, suspend);
}

static void test_config(void **state)
{
    (void)state;
    assert_config(NULL, FEATURE_ON, FEATURE_ON, FEATURE_ON, 0);
    assert_config("console=hvc0", FEATURE_ON, FEATURE_ON, FEATURE_ON, 0);
    assert_config("feature-poweroff=0", FEATURE_OFF, FEATURE_ON, FEATURE_ON, 0);
    assert_config("feature-reboot=omit", FEATURE_ON, FEATURE_OMIT, FEATURE_ON, 0);
    assert_config("feature-suspend=0 feature-poweroff=omit feature-reboot=1", FEATURE_OMIT,
                  FEATURE_ON, FEATURE_OFF, 0);
    assert_string_equal(log_capture_text(), "");
}

static void test_config_bad_values(void **state)
{
    (void)state;
    assert_config("feature-poweroff=2 feature-reboot feature-suspend=ON", FEATURE_ON, FEATURE_ON,
                  FEATURE_ON, 3);
    assert_string_equal(log_capture_text(),
                        "test-vm: cmdline: error: feature-poweroff=2: expected 1, 0 or omit; "
                        "using 1\n"
                        "test-vm: cmdline: error: feature-reboot=: expected 1, 0 or omit; using 1\n"
                        "test-vm: cmdline: error: feature-suspend=ON: expected 1, 0 or omit; "
                        "using 1\n");
    log_capture_clear();
    assert_config("feature-suspend=omitomitomitomitomit feature-reboot=\x01", FEATURE_ON,
                  FEATURE_ON, FEATURE_ON, 2);
    assert_string_equal(log_capture_text(),
                        "test-vm: cmdline: error: feature-reboot=\\x01: expected 1, 0 or omit; "
                        "using 1\n"
                        "test-vm: cmdline: error: feature-suspend=(too long): expected 1, 0 or "
                        "omit; using 1\n");
}

static void test_suspend_evtchn_word(void **state)
{
    struct control_config cfg;
    (void)state;

    assert_int_equal(cmdline_control_config("suspend-evtchn=1", &cfg), 0);
    assert_true(cfg.suspend_evtchn);
    assert_int_equal(cmdline_control_config("", &cfg), 0);
    assert_false(cfg.suspend_evtchn);
    assert_int_equal(cmdline_control_config("suspend-evtchn=1 suspend-evtchn=0", &cfg), 0);
    assert_false(cfg.suspend_evtchn);
    log_capture_clear();
    assert_int_equal(cmdline_control_config("suspend-evtchn=yes", &cfg), 1);
    assert_false(cfg.suspend_evtchn);
    assert_string_equal(log_capture_text(),
                        "test-vm: cmdline: error: suspend-evtchn=yes: expected 0 or 1; using 0\n");
}

/* config_from_cmdline: every word, watchdog= and debug= with the interpreter's. */
static void test_every_word_in_one_config(void **state)
{
    (void)state;
    struct vm_config cfg;
    assert_int_equal(config_from_cmdline("watchdog=30 debug=fault feature-reboot=0", &cfg), 0);
    assert_int_equal(cfg.watchdog_s, 30);
    assert_int_equal(cfg.debug, VM_DEBUG_FAULT);
    assert_int_equal(cfg.control.feature_reboot, FEATURE_OFF);
    assert_int_equal(cfg.control.feature_poweroff, FEATURE_ON);

    assert_int_equal(config_from_cmdline("debug=stack-overflow", &cfg), 0);
    assert_int_equal(cfg.debug, VM_DEBUG_STACK_OVERFLOW);
    assert_int_equal(cfg.watchdog_s, 0);

    /* debug=none, another value or none at all: no misbehaviour, and nothing logged. */
    static const char *const quiet[] = {"", "debug=none", "debug=", "debug=faults", "debug"};
    for (size_t i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++) {
        log_capture_clear();
        assert_int_equal(config_from_cmdline(quiet[i], &cfg), 0);
        assert_int_equal(cfg.debug, VM_DEBUG_NONE);
        assert_string_equal(log_capture_text(), "");
    }
    /* A bad watchdog= is logged and gives none (watchdog_cmdline's own tests:
     * test_watchdog_boot.c). */
    log_capture_clear();
    config_from_cmdline("watchdog=soon", &cfg);
    assert_int_equal(cfg.watchdog_s, 0);
    assert_non_null(strstr(log_capture_text(), "watchdog=soon: expected a whole number"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_get, log_setup, log_teardown),
        cmocka_unit_test_setup_teardown(test_get_absent, log_setup, log_teardown),
        cmocka_unit_test_setup_teardown(test_get_trailing_space, log_setup, log_teardown),
        cmocka_unit_test_setup_teardown(test_get_too_long, log_setup, log_teardown),
        cmocka_unit_test_setup_teardown(test_config, log_setup, log_teardown),
        cmocka_unit_test_setup_teardown(test_config_bad_values, log_setup, log_teardown),
        cmocka_unit_test_setup_teardown(test_suspend_evtchn_word, log_setup, log_teardown),
        cmocka_unit_test_setup_teardown(test_every_word_in_one_config, log_setup, log_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
