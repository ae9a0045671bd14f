/*
 * lib/string.c (built as k_* on the host) against libc: the kernel has no
 * other string functions, so each must agree with C's on the cases that
 * bite: overlap, bytes above 0x7f (compared as unsigned char), n == 0, the
 * terminator itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lib/string.h"

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

/* A fixed-seed generator: the same "random" cases on every run. */
static uint32_t rng_state = 0x12345678;
static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* Bytes from a small alphabet so that strings often share prefixes. */
static void random_string(char *s, size_t max)
{
    static const unsigned char alphabet[] = {'a', 'b', 0x7f, 0x80, 0xff};
    size_t len = rng() % max;
    for (size_t i = 0; i < len; i++)
        s[i] = (char)alphabet[rng() % sizeof(alphabet)];
    s[len] = '\0';
}

static void test_memcpy_copies_and_returns_dst(void **state)
{
    (void)state;
    char src[32], dst[40];
    for (int i = 0; i < 32; i++)
        src[i] = (char)(i * 7 + 1);
    memset(dst, 'X', sizeof(dst));
    assert_ptr_equal(k_memcpy(dst + 3, src, 32), dst + 3);
    assert_memory_equal(dst + 3, src, 32);
    assert_int_equal(dst[2], 'X');
    assert_int_equal(dst[35], 'X');

    /* n == 0 copies nothing. */
    assert_ptr_equal(k_memcpy(dst, src, 0), dst);
    assert_int_equal(dst[0], 'X');
}

static void test_memmove_every_overlap(void **state)
{
    (void)state;
    /* Every (dst, src, n) in a 24-byte buffer, against libc's memmove. */
    for (size_t d = 0; d < 24; d++) {
        for (size_t s = 0; s < 24; s++) {
            for (size_t n = 0; n + (d > s ? d : s) <= 24; n++) {
                char mine[24], ref[24];
                for (int i = 0; i < 24; i++)
                    mine[i] = ref[i] = (char)('A' + i);
                assert_ptr_equal(k_memmove(mine + d, mine + s, n), mine + d);
                memmove(ref + d, ref + s, n);
                assert_memory_equal(mine, ref, 24);
            }
        }
    }
}

static void test_memset_truncates_to_a_byte(void **state)
{
    (void)state;
    unsigned char buf[16];
    memset(buf, 0, sizeof(buf));
    assert_ptr_equal(k_memset(buf + 2, 0x1ab, 10), buf + 2);
    for (int i = 0; i < 16; i++)
        assert_int_equal(buf[i], i >= 2 && i < 12 ? 0xab : 0);
    k_memset(buf, -1, 1);
    assert_int_equal(buf[0], 0xff);
    k_memset(buf, 'z', 0);
    assert_int_equal(buf[0], 0xff);
}

static void test_memcmp_is_unsigned_and_stops_at_n(void **state)
{
    (void)state;
    assert_int_equal(k_memcmp("abc", "abd", 0), 0);
    assert_int_equal(k_memcmp("abc", "abd", 2), 0);
    assert_true(k_memcmp("abc", "abd", 3) < 0);
    assert_true(k_memcmp("abd", "abc", 3) > 0);
    /* 0x80 is above 0x7f as an unsigned char, though negative as a char. */
    assert_true(k_memcmp("\x80", "\x7f", 1) > 0);
    /* Bytes after a NUL still count: memcmp is not strcmp. */
    assert_true(k_memcmp("a\0b", "a\0c", 3) < 0);

    for (int i = 0; i < 2000; i++) {
        char a[12], b[12];
        random_string(a, sizeof(a));
        random_string(b, sizeof(b));
        size_t n = rng() % sizeof(a);
        assert_int_equal(sign(k_memcmp(a, b, n)), sign(memcmp(a, b, n)));
    }
}

static void test_strlen_and_strnlen(void **state)
{
    (void)state;
    assert_int_equal(k_strlen(""), 0);
    assert_int_equal(k_strlen("hello"), 5);
    assert_int_equal(k_strlen("\xff\x80"), 2);
    assert_int_equal(k_strnlen("hello", 0), 0);
    assert_int_equal(k_strnlen("hello", 3), 3);
    assert_int_equal(k_strnlen("hello", 5), 5);
    assert_int_equal(k_strnlen("hello", 100), 5);
    /* strnlen must not read past max: this buffer has no NUL at all. */
    char unterminated[4] = {'a', 'b', 'c', 'd'};
    assert_int_equal(k_strnlen(unterminated, sizeof(unterminated)), 4);
}

static void test_strcmp_against_libc(void **state)
{
    (void)state;
    assert_int_equal(k_strcmp("", ""), 0);
    assert_int_equal(k_strcmp("abc", "abc"), 0);
    assert_true(k_strcmp("ab", "abc") < 0);
    assert_true(k_strcmp("abc", "ab") > 0);
    assert_true(k_strcmp("\x80", "a") > 0); /* unsigned */
    assert_true(k_strcmp("a", "\xff") < 0);

    for (int i = 0; i < 2000; i++) {
        char a[10], b[10];
        random_string(a, sizeof(a));
        random_string(b, sizeof(b));
        assert_int_equal(sign(k_strcmp(a, b)), sign(strcmp(a, b)));
        assert_int_equal(k_strcmp(a, a), 0);
    }
}

static void test_strncmp_against_libc(void **state)
{
    (void)state;
    assert_int_equal(k_strncmp("abc", "abd", 0), 0);
    assert_int_equal(k_strncmp("abc", "abd", 2), 0);
    assert_true(k_strncmp("abc", "abd", 3) < 0);
    /* Equal up to a shared NUL: what follows it does not count. */
    assert_int_equal(k_strncmp("ab\0x", "ab\0y", 4), 0);
    assert_true(k_strncmp("ab", "abc", 5) < 0);
    assert_true(k_strncmp("\x80", "\x7f", 1) > 0);

    for (int i = 0; i < 2000; i++) {
        char a[10], b[10];
        random_string(a, sizeof(a));
        random_string(b, sizeof(b));
        size_t n = rng() % 12;
        assert_int_equal(sign(k_strncmp(a, b, n)), sign(strncmp(a, b, n)));
    }
}

static void test_strchr(void **state)
{
    (void)state;
    const char *s = "control/shutdown";
    assert_ptr_equal(k_strchr(s, '/'), s + 7);
    assert_ptr_equal(k_strchr(s, 'c'), s); /* the first one */
    assert_ptr_equal(k_strchr(s, 'n'), s + 2);
    assert_null(k_strchr(s, 'z'));
    assert_ptr_equal(k_strchr(s, '\0'), s + 16); /* the terminator is findable */
    const char *empty = "";
    assert_ptr_equal(k_strchr(empty, '\0'), empty);
    assert_null(k_strchr(empty, 'a'));
    assert_ptr_equal(k_strchr(s, 'o' + 256), s + 1); /* c is converted to char */
    const char *high = "a\xe9z";
    assert_ptr_equal(k_strchr(high, 0xe9), high + 1);
    assert_ptr_equal(k_strchr(high, (char)0xe9), high + 1);
    assert_ptr_equal(k_strchr(high, 0xe9), strchr(high, 0xe9));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memcpy_copies_and_returns_dst),
        cmocka_unit_test(test_memmove_every_overlap),
        cmocka_unit_test(test_memset_truncates_to_a_byte),
        cmocka_unit_test(test_memcmp_is_unsigned_and_stops_at_n),
        cmocka_unit_test(test_strlen_and_strnlen),
        cmocka_unit_test(test_strcmp_against_libc),
        cmocka_unit_test(test_strncmp_against_libc),
        cmocka_unit_test(test_strchr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
