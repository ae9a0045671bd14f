/*
 * kernel/boot_info.c: the PVH start info, which Xen and the toolstack write,
 * read within bounds and logged as safe console lines.  Every buffer handed
 * to it is a heap block of exactly its size, so ASan sees any byte read past
 * what start_info really holds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/boot_info.h"

#include "log_fixture.h"

static struct boot_info bi;

static struct hvm_start_info start_info(const char *cmdline)
{
    return (struct hvm_start_info){
        .magic = XEN_HVM_START_MAGIC_VALUE,
        .version = 1,
        .cmdline_paddr = (uint64_t)(uintptr_t)cmdline,
    };
}

/* A command line of len bytes of c, in a heap block of exactly len + 1. */
static char *long_cmdline(size_t len, char c)
{
    char *s = malloc(len + 1);
    assert_non_null(s);
    memset(s, c, len);
    s[len] = '\0';
    return s;
}

/* Every line of the log is one whole, printable "test-vm: " line. */
static void assert_whole_lines(void)
{
    const char *text = log_capture_text();
    size_t lines = 0;
    for (const char *p = text; *p; lines++) {
        const char *nl = strchr(p, '\n');
        assert_non_null(nl);
        assert_true(log_line_is_whole(p, (size_t)(nl - p) + 1));
        p = nl + 1;
    }
    assert_true(lines > 0);
}

static void test_the_usual_start_info(void **state)
{
    (void)state;
    const char *cmdline = "feature-suspend=0 debug=fault";
    struct hvm_memmap_table_entry *map = calloc(3, sizeof(*map));
    assert_non_null(map);
    map[0] = (struct hvm_memmap_table_entry){.addr = 0, .size = 640 * 1024, .type = 1};
    map[1] = (struct hvm_memmap_table_entry){.addr = 0xf0000, .size = 0x10000, .type = 2};
    map[2] = (struct hvm_memmap_table_entry){.addr = 1 << 20, .size = 3 << 20, .type = 1};
    struct hvm_start_info si = start_info(cmdline);
    si.memmap_paddr = (uint64_t)(uintptr_t)map;
    si.memmap_entries = 3;

    boot_info_read(&bi, &si);
    assert_string_equal(bi.cmdline, cmdline);
    assert_false(bi.cmdline_cut);
    assert_false(bi.dom0);
    assert_int_equal(bi.ram_bytes, 640 * 1024 + (3 << 20));
    boot_info_log(&bi);
    assert_string_equal(log_capture_text(),
                        "test-vm: start_info version 1, flags 0x0, command line "
                        "\"feature-suspend=0 debug=fault\"\n"
                        "test-vm: memory: 3712 KiB of RAM in 3 memory map entries\n");
    free(map);
}

static void test_no_command_line_and_no_memory_map(void **state)
{
    (void)state;
    struct hvm_start_info si = start_info(NULL);
    si.version = 0;
    si.flags = SIF_INITDOMAIN;
    si.memmap_paddr = 0x1000; /* not part of a version 0 start_info: never read */
    si.memmap_entries = 1;
    boot_info_read(&bi, &si);
    assert_string_equal(bi.cmdline, "");
    assert_true(bi.dom0);
    boot_info_log(&bi);
    assert_string_equal(log_capture_text(),
                        "test-vm: start_info version 0, flags 0x2, command line \"\"\n"
                        "test-vm: memory: no memory map in start_info\n");
}

/* Found by ASan: memmap_entries was trusted, and read that many entries. */
static void test_memory_map_entries_are_bounded(void **state)
{
    (void)state;
    struct hvm_memmap_table_entry *map = calloc(BOOT_MEMMAP_MAX, sizeof(*map));
    assert_non_null(map);
    for (int i = 0; i < BOOT_MEMMAP_MAX; i++)
        map[i] = (struct hvm_memmap_table_entry){.size = 4096, .type = 1};
    struct hvm_start_info si = start_info(NULL);
    si.memmap_paddr = (uint64_t)(uintptr_t)map;
    si.memmap_entries = 100000;

    boot_info_read(&bi, &si);
    assert_int_equal(bi.memmap_read, BOOT_MEMMAP_MAX);
    assert_int_equal(bi.ram_bytes, BOOT_MEMMAP_MAX * 4096);
    boot_info_log(&bi);
    assert_true(log_capture_contains("test-vm: memory: error: start_info claims 100000 memory map "
                                     "entries: read the first 128, ignored the other 99872\n"));
    assert_true(
        log_capture_contains("test-vm: memory: 512 KiB of RAM in 128 memory map entries\n"));
    free(map);
}

/* Found by review: control bytes and a newline in the command line forged console lines. */
static void test_the_command_line_is_quoted(void **state)
{
    (void)state;
    struct hvm_start_info si = start_info("a\"b\\c\ntest-vm: ready (forged)\x01\x7f\xff");
    boot_info_read(&bi, &si);
    boot_info_log(&bi);
    assert_true(log_capture_contains("test-vm: start_info version 1, flags 0x0, command line "
                                     "\"a\\\"b\\\\c\\ntest-vm: ready (forged)\\x01\\x7f\\xff\"\n"));
    assert_whole_lines();
}

/* Found by review: a long command line made a line without its newline. */
static void test_a_long_command_line_stays_one_line(void **state)
{
    (void)state;
    char *cmdline = long_cmdline(BOOT_CMDLINE_MAX - 1, '\x01');
    struct hvm_start_info si = start_info(cmdline);
    boot_info_read(&bi, &si);
    assert_false(bi.cmdline_cut);
    assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
    boot_info_log(&bi);
    assert_whole_lines();
    assert_true(log_capture_contains("\\x01\\x01\"... (1023 bytes)\n"));
    assert_false(log_capture_contains("cmdline"));
    free(cmdline);
}

/* Found by review: a command line over 1023 bytes was cut without a word. */
static void test_a_command_line_too_long_is_cut_and_said_so(void **state)
{
    (void)state;
    char *cmdline = long_cmdline(5000, 'k');
    memcpy(cmdline + BOOT_CMDLINE_MAX - 1, " feature-suspend=0", 18);
    struct hvm_start_info si = start_info(cmdline);
    boot_info_read(&bi, &si);
    assert_true(bi.cmdline_cut);
    assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
    assert_memory_equal(bi.cmdline, cmdline, BOOT_CMDLINE_MAX - 1);
    boot_info_log(&bi);
    assert_true(log_capture_contains(
        "test-vm: cmdline: error: longer than 1023 bytes: only the first 1023 are used\n"));
    assert_whole_lines();
    free(cmdline);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_the_usual_start_info, log_setup, log_teardown),
        cmocka_unit_test_setup_teardown(test_no_command_line_and_no_memory_map, log_setup,
                                        log_teardown),
        cmocka_unit_test_setup_teardown(test_memory_map_entries_are_bounded, log_setup,
                                        log_teardown),
        cmocka_unit_test_setup_teardown(test_the_command_line_is_quoted, log_setup, log_teardown),
        cmocka_unit_test_setup_teardown(test_a_long_command_line_stays_one_line, log_setup,
                                        log_teardown),
        cmocka_unit_test_setup_teardown(test_a_command_line_too_long_is_cut_and_said_so, log_setup,
                                        log_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
