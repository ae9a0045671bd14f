/* lib/log.c: the "test-vm: <where>: [error: ]<message>" console lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/log.h"
#include "lib/printk.h"
#include "sim/log_capture.h"

/* As kernel/control/control_status.c uses it: the error line kept, and logged. */
static const char *error_to(char *buf, size_t size, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static const char *error_to(char *buf, size_t size, const char *where, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *msg = log_vformat(buf, size, where, true, fmt, ap);
    va_end(ap);
    return msg;
}

static void test_forms(void **state)
{
    char buf[64];
    (void)state;

    log_capture_start();
    log_info("events", "port %u bound", 3u);
    log_error("control/shutdown", "unknown request %s, not acked", "\"s3\"");
    assert_string_equal(log_capture_text(),
                        "test-vm: events: port 3 bound\n"
                        "test-vm: control/shutdown: error: unknown request \"s3\", not acked\n");

    log_capture_clear();
    const char *msg = error_to(buf, sizeof(buf), "suspend", "failed (%s)", "ENOSYS");
    assert_ptr_equal(msg, buf);
    assert_string_equal(buf, "suspend: error: failed (ENOSYS)");
    assert_string_equal(log_capture_text(), "test-vm: suspend: error: failed (ENOSYS)\n");
    log_capture_stop();
}

/* A line that names no part of the VM: the same, less the "<where>: ". */
static void test_plain_form(void **state)
{
    char big[2 * PRINTK_LINE_MAX];
    (void)state;
    memset(big, 'y', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';

    log_capture_start();
    log_plain("start_info version %u", 1u);
    assert_string_equal(log_capture_text(), "test-vm: start_info version 1\n");
    log_capture_clear();
    log_plain("%s", big);
    assert_true(log_line_is_whole(log_capture_text(), log_capture_len()));
    assert_int_equal(log_capture_len(), PRINTK_LINE_MAX - 1);
    log_capture_stop();
}

/* A message longer than a line is cut, but the line keeps its newline. */
static void test_long_message_stays_one_line(void **state)
{
    char big[2 * PRINTK_LINE_MAX];
    (void)state;
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';

    log_capture_start();
    log_info("xenstore", "%s", big);
    assert_true(log_line_is_whole(log_capture_text(), log_capture_len()));
    assert_int_equal(log_capture_len(), PRINTK_LINE_MAX - 1);
    log_capture_stop();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forms),
        cmocka_unit_test(test_plain_form),
        cmocka_unit_test(test_long_message_stays_one_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
