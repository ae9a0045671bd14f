/*
 * lib/printf.c against the C library's snprintf, and lib/printk.c's sinks,
 * line limit and boot-log history.
 *
 * Every CHECK() formats the same arguments with fmt_snprintf() and libc's
 * snprintf() into buffers of several sizes (0, 1, a few bytes, plenty) that
 * start filled with '#', and requires the same return value and the same
 * bytes in the whole buffer: the output, the NUL where truncation puts it,
 * and nothing written beyond.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/printk.h"

#define BUF 1024

static const size_t sizes[] = {0, 1, 2, 3, 5, 8, 16, 64, 600, BUF};

static void compare(int line, const char *what, size_t size, const char *mine, int mine_rc,
                    const char *ref, int ref_rc)
{
    if (mine_rc != ref_rc || memcmp(mine, ref, BUF) != 0) {
        print_error("line %d: %s with size %zu: fmt_snprintf gave %d \"%.*s\", "
                    "snprintf gave %d \"%.*s\"\n",
                    line, what, size, mine_rc, (int)(size ? size : 1), mine, ref_rc,
                    (int)(size ? size : 1), ref);
        fail();
    }
}

#define CHECK(...)                                                                                 \
    do {                                                                                           \
        for (size_t i_ = 0; i_ < sizeof(sizes) / sizeof(sizes[0]); i_++) {                         \
            char mine_[BUF], ref_[BUF];                                                            \
            memset(mine_, '#', BUF);                                                               \
            memset(ref_, '#', BUF);                                                                \
            int m_ = fmt_snprintf(mine_, sizes[i_], __VA_ARGS__);                                  \
            int r_ = snprintf(ref_, sizes[i_], __VA_ARGS__);                                       \
            compare(__LINE__, #__VA_ARGS__, sizes[i_], mine_, m_, ref_, r_);                       \
        }                                                                                          \
    } while (0)

static void test_plain_text_and_percent(void **state)
{
    (void)state;
    CHECK("x");
    CHECK("hello, world\n");
    CHECK("%%");
    CHECK("100%% sure, %d%%", 99);
}

static void test_signed_conversions(void **state)
{
    (void)state;
    CHECK("%d", 0);
    CHECK("%d", 1);
    CHECK("%d", -1);
    CHECK("%i", 42);
    CHECK("%d", INT_MAX);
    CHECK("%d", INT_MIN);
    CHECK("%ld", LONG_MAX);
    CHECK("%ld", LONG_MIN);
    CHECK("%lld", LLONG_MAX);
    CHECK("%lld", LLONG_MIN);
    CHECK("%li|%lli", -7l, -8ll);
    CHECK("%zd", (ptrdiff_t)-12345);
}

static void test_unsigned_conversions(void **state)
{
    (void)state;
    CHECK("%u", 0u);
    CHECK("%u", UINT_MAX);
    CHECK("%lu", ULONG_MAX);
    CHECK("%llu", ULLONG_MAX);
    CHECK("%zu", SIZE_MAX);
    CHECK("%zu", (size_t)4096);
    CHECK("%x", 0u);
    CHECK("%x", 0xdeadbeefu);
    CHECK("%X", 0xdeadbeefu);
    CHECK("%lx", ULONG_MAX);
    CHECK("%llX", 0x0123456789abcdefull);
    CHECK("%zx", (size_t)0xabc);
    /* An int passed to %u is read as unsigned. */
    CHECK("%u %x", -1, -1);
}

static void test_width_and_flags(void **state)
{
    (void)state;
    CHECK("[%5d]", 42);
    CHECK("[%-5d]", 42);
    CHECK("[%05d]", 42);
    CHECK("[%05d]", -42);
    /* '-' wins over '0' (gcc rejects the literal, so it goes through a variable) */
    const char *volatile minus_zero = "[%-05d]";
    CHECK(minus_zero, -42);
    CHECK("[%5d]", -42);
    CHECK("[%2d]", 12345); /* a width smaller than the number */
    CHECK("[%020lld]", LLONG_MIN);
    CHECK("[%08x]", 0xbeefu);
    CHECK("[%-8X]", 0xbeefu);
    CHECK("[%10u]", 7u);
    CHECK("[%*d]", 6, 42);
    CHECK("[%-*d]", 6, 42);
    CHECK("[%0*d]", 6, -42);
    CHECK("[%*d]", 0, 42);
    /* C: a negative * width means the '-' flag and its absolute value. */
    CHECK("[%*d]", -6, 42);
    CHECK("[%*s]", -6, "ab");
}

static void test_sign_and_alternate_flags(void **state)
{
    (void)state;
    CHECK("%+d", 42);
    CHECK("%+d", -42);
    CHECK("%+d", 0);
    CHECK("% d", 42);
    CHECK("% d", -42);
    CHECK("% d", 0);
    CHECK("[%+5d]", 7);
    CHECK("[%+05d]", 7);
    CHECK("[%-+5d]", 7);
    CHECK("[% 05d]", 7);
    CHECK("[% -5d]|", -7);
    CHECK("%+ld", LONG_MAX);
    CHECK("%+lld", LLONG_MIN);
    CHECK("[%+020lld]", LLONG_MAX);
    /* '+' wins over ' ' (gcc warns about the literal, so it goes through a variable) */
    const char *volatile plus_space = "[%+ d|% +d]";
    CHECK(plus_space, 5, 5);
    CHECK("%#x", 0xbeefu);
    CHECK("%#X", 0xbeefu);
    CHECK("%#x", 0u); /* no prefix for 0 */
    CHECK("[%#10x]", 0xbeefu);
    CHECK("[%#010x]", 0xbeefu); /* zeros after the 0x */
    CHECK("[%-#10X]", 0xbeefu);
    CHECK("[%#3x]", 0xbeefu);
    CHECK("%#lx", ULONG_MAX);
    CHECK("%#llX", 0x0123456789abcdefull);
    CHECK("%#zx", (size_t)0xabc);
    /* Flags that mean nothing for a conversion are accepted and ignored. */
    const char *volatile ignored = "%+u|% u|%#u|%+x|% X";
    CHECK(ignored, 1u, 2u, 3u, 4u, 5u);
}

static void test_length_modifiers(void **state)
{
    (void)state;
    /* hh and h: the int argument converted to char or short, as C does. */
    CHECK("%hhd", 200);
    CHECK("%hhd", -1);
    CHECK("%hhi", 127);
    CHECK("%hhu", 300);
    CHECK("%hhx", -1);
    CHECK("%hhX", 0x1abu);
    CHECK("%hd", 70000);
    CHECK("%hd", -32768);
    CHECK("%hu", 70000);
    CHECK("%hx", -1);
    CHECK("[%+05hd]", 42);
    CHECK("[%#06hx]", 0x12345);
    /* j: intmax_t, t: ptrdiff_t. */
    CHECK("%jd", INTMAX_MIN);
    CHECK("%jd", INTMAX_MAX);
    CHECK("%ju", UINTMAX_MAX);
    CHECK("%jx", (uintmax_t)0xfedcba9876543210ull);
    CHECK("%+jd", (intmax_t)3);
    CHECK("%td", (ptrdiff_t)-5);
    CHECK("%td", PTRDIFF_MAX);
    CHECK("%ti", PTRDIFF_MIN);
    CHECK("%tu", (size_t)SIZE_MAX);
    CHECK("%#tx", (size_t)0xabc);
}

/* Each conversion takes its own argument: none is left for the next one. */
static void test_every_conversion_takes_its_argument(void **state)
{
    (void)state;
    CHECK("%hhd|%s|%+d|%#x|%jd|%td|% d|%hu|%s", 300, "a", 5, 0x10u, (intmax_t)-1, (ptrdiff_t)7, 8,
          70000, "end");
    CHECK("%#X %s %+lld %s %hhu %s", 0xabcu, "one", -2ll, "two", 257, "three");
}

static void test_strings_and_precision(void **state)
{
    (void)state;
    CHECK("%s", "");
    CHECK("%s", "control/shutdown");
    CHECK("[%8s]", "ab");
    CHECK("[%-8s]", "ab");
    CHECK("[%1s]", "abc");
    CHECK("[%.3s]", "abcdef");
    CHECK("[%.0s]", "abcdef");
    CHECK("[%.10s]", "abc");
    CHECK("[%5.2s]", "abc");
    CHECK("[%-5.2s]", "abc");
    CHECK("[%.*s]", 2, "abc");
    CHECK("[%.*s]", 0, "abc");
    CHECK("[%.*s]", -1, "abc"); /* a negative precision is no precision */
    CHECK("[%*.*s]", 6, 2, "abc");
    /* Precision stops the read: this array has no NUL. */
    static const char unterminated[3] = {'x', 'y', 'z'};
    CHECK("[%.3s]", unterminated);
}

static void test_characters(void **state)
{
    (void)state;
    CHECK("%c", 'A');
    CHECK("[%3c]", 'A');
    CHECK("[%-3c]", 'A');
    CHECK("%c%c%c", 'a', 'b', 'c');
    CHECK("[%c]", '\0'); /* a NUL inside the output still counts */
    CHECK("%c", 0x141);  /* converted to unsigned char */
}

static void test_pointers(void **state)
{
    (void)state;
    int x;
    CHECK("%p", (void *)0x1234);
    CHECK("%p", (void *)&x);
    CHECK("[%20p]", (void *)0xabcdef);
    CHECK("[%-20p]", (void *)0xabcdef);
}

static void test_long_output_and_mixtures(void **state)
{
    (void)state;
    CHECK("%600s", "x"); /* longer than most of the buffers */
    CHECK("[%-700s]", "left");
    CHECK("domain %u tick %lu: %s (%d%%)", 7u, 123456789ul, "poweroff", -3);
    CHECK("%s=%d, %s=0x%08x, %c", "port", 3, "pfn", 0xfeedu, '!');
    CHECK("test-vm: %s: ring at pfn 0x%lx, event channel %u\n", "console", 0xfeffful, 2u);
}

/* What C leaves undefined or libc spells differently: the kernel's choices. */
static void test_kernel_specific_forms(void **state)
{
    (void)state;
    char buf[64];
    /* Formats gcc would reject at compile time go through a variable. */
    const char *volatile unknown = "a%qb";
    const char *volatile trailing = "abc%";

    const char *volatile null_string = NULL;
    assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%s", null_string), 6);
    assert_string_equal(buf, "(null)");
    assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%p", (void *)0), 3);
    assert_string_equal(buf, "0x0");
    assert_int_equal(fmt_snprintf(buf, sizeof(buf), unknown, 1), 4);
    assert_string_equal(buf, "a%qb"); /* shown as it stands, to be noticed */
    assert_int_equal(fmt_snprintf(buf, sizeof(buf), trailing, 1), 4);
    assert_string_equal(buf, "abc%");
}

static void test_vsnprintf_size_zero_writes_nothing(void **state)
{
    (void)state;
    char c = '#';
    assert_int_equal(fmt_snprintf(&c, 0, "%s", "abc"), 3);
    assert_int_equal(c, '#');
    assert_int_equal(fmt_snprintf(NULL, 0, "%d", 12345), 5);
}

/* ---- printk ---- */

struct capture {
    char text[8192];
    size_t len;
    unsigned int calls;
};

static void capture_sink(const char *s, size_t len, void *ctx)
{
    struct capture *c = ctx;
    assert_true(c->len + len < sizeof(c->text));
    memcpy(c->text + c->len, s, len);
    c->len += len;
    c->text[c->len] = '\0';
    c->calls++;
}

/*
 * Runs first: nothing in this binary has logged yet, so the history is
 * exactly what this test logs, cut at PRINTK_HISTORY_MAX.
 */
static void test_printk_history_keeps_the_first_bytes(void **state)
{
    (void)state;
    static struct capture all, replay;
    assert_int_equal(printk_add_sink(capture_sink, &all), 0);

    printk_replay_history(capture_sink, &replay);
    assert_int_equal(replay.calls, 0); /* nothing logged: no call at all */

    for (int i = 0; all.len < PRINTK_HISTORY_MAX + 1000; i++)
        printk("boot line %d: some words to fill the history\n", i);
    printk_remove_sink(capture_sink, &all);

    printk_replay_history(capture_sink, &replay);
    assert_int_equal(replay.len, PRINTK_HISTORY_MAX);
    assert_memory_equal(replay.text, all.text, PRINTK_HISTORY_MAX);
}

static void test_printk_reaches_every_sink_once(void **state)
{
    (void)state;
    static struct capture a, b;
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    assert_int_equal(printk_add_sink(capture_sink, &a), 0);
    assert_int_equal(printk_add_sink(capture_sink, &b), 0);

    printk("domain %d tick %u\n", 7, 3u);
    assert_string_equal(a.text, "domain 7 tick 3\n");
    assert_string_equal(b.text, "domain 7 tick 3\n");
    assert_int_equal(a.calls, 1);

    printk_remove_sink(capture_sink, &a);
    printk("second\n");
    assert_string_equal(a.text, "domain 7 tick 3\n");
    assert_string_equal(b.text, "domain 7 tick 3\nsecond\n");
    printk_remove_sink(capture_sink, &b);
}

static void test_printk_sink_slots_are_limited(void **state)
{
    (void)state;
    static struct capture c[PRINTK_MAX_SINKS + 1];
    for (int i = 0; i < PRINTK_MAX_SINKS; i++)
        assert_int_equal(printk_add_sink(capture_sink, &c[i]), 0);
    assert_int_equal(printk_add_sink(capture_sink, &c[PRINTK_MAX_SINKS]), -1);

    /* A freed slot can be taken again. */
    printk_remove_sink(capture_sink, &c[1]);
    assert_int_equal(printk_add_sink(capture_sink, &c[PRINTK_MAX_SINKS]), 0);
    printk("x\n");
    assert_int_equal(c[1].calls, 0);
    assert_int_equal(c[PRINTK_MAX_SINKS].calls, 1);
    for (int i = 0; i <= PRINTK_MAX_SINKS; i++)
        printk_remove_sink(capture_sink, &c[i]);
}

static void test_printk_cuts_long_lines(void **state)
{
    (void)state;
    static struct capture c;
    char expected[1024];
    memset(&c, 0, sizeof(c));
    assert_int_equal(printk_add_sink(capture_sink, &c), 0);

    printk("%700s\n", "end");
    assert_int_equal(c.len, PRINTK_LINE_MAX - 1);
    snprintf(expected, sizeof(expected), "%700s\n", "end");
    assert_memory_equal(c.text, expected, PRINTK_LINE_MAX - 1);

    /* Exactly PRINTK_LINE_MAX - 1 bytes fit whole. */
    c.len = 0;
    printk("%*s\n", PRINTK_LINE_MAX - 2, "x");
    assert_int_equal(c.len, PRINTK_LINE_MAX - 1);
    assert_int_equal(c.text[PRINTK_LINE_MAX - 2], '\n');
    printk_remove_sink(capture_sink, &c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_printk_history_keeps_the_first_bytes),
        cmocka_unit_test(test_plain_text_and_percent),
        cmocka_unit_test(test_signed_conversions),
        cmocka_unit_test(test_unsigned_conversions),
        cmocka_unit_test(test_width_and_flags),
        cmocka_unit_test(test_sign_and_alternate_flags),
        cmocka_unit_test(test_length_modifiers),
        cmocka_unit_test(test_every_conversion_takes_its_argument),
        cmocka_unit_test(test_strings_and_precision),
        cmocka_unit_test(test_characters),
        cmocka_unit_test(test_pointers),
        cmocka_unit_test(test_long_output_and_mixtures),
        cmocka_unit_test(test_kernel_specific_forms),
        cmocka_unit_test(test_vsnprintf_size_zero_writes_nothing),
        cmocka_unit_test(test_printk_reaches_every_sink_once),
        cmocka_unit_test(test_printk_sink_slots_are_limited),
        cmocka_unit_test(test_printk_cuts_long_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
