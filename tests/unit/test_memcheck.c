/*
 * memcheck= (kernel/memcheck.c, kernel/control/control_memcheck.c): the pattern, its
 * check, and what a tester reads after a resume or the action memcheck.  The
 * "free RAM" is a block of host memory, addressed by frame number as the
 * kernel does (arch_pfn_to_ptr).
 */
#include "control_fixture.h"

#include "arch/arch.h"
#include "kernel/cmdline.h"
#include "kernel/config.h"
#include "kernel/memcheck.h"

#define PAGES 64

static uint8_t *ram;

static uint64_t first_pfn(void)
{
    return arch_ptr_to_pfn(ram);
}

static uint8_t *page(unsigned int i)
{
    return ram + (size_t)i * 4096;
}

static int setup(void **state)
{
    ram = aligned_alloc(4096, PAGES * 4096);
    assert_non_null(ram);
    memset(ram, 0, PAGES * 4096);
    fixture_setup(state);
    struct fixture *f = *state;
    f->config.memcheck = (struct control_memcheck_config){
        .on = true, .all = true, .free_first_pfn = first_pfn(), .free_pages = PAGES};
    return 0;
}

static int teardown(void **state)
{
    fixture_teardown(state);
    free(ram);
    return 0;
}

static void memcheck_now(struct fixture *f)
{
    toolstack_write(f, "control/testing", "{\"when\":\"now\",\"action\":\"memcheck\"}");
    assert_key(f, "control/testing", "");
}

static void assert_memcheck_key(struct fixture *f, const char *fmt, unsigned long long n)
{
    char want[64];
    snprintf(want, sizeof(want), fmt, n);
    assert_key(f, "data/test-vm/memcheck", want);
}

/* ---- the pattern */

static unsigned int ticks;
static void count_tick(void *ctx)
{
    (void)ctx;
    ticks++;
}

/* A fill or check calls its tick (the keepalive) every MEMCHECK_TICK_PAGES pages, from the first.
 */
static void test_a_long_fill_or_check_ticks(void **state)
{
    (void)state;
    uint64_t pages = MEMCHECK_TICK_PAGES + 1;
    uint8_t *mem = aligned_alloc(4096, pages * 4096);
    assert_non_null(mem);
    struct memcheck m = {.first_pfn = arch_ptr_to_pfn(mem), .pages = pages, .tick = count_tick};
    struct memcheck_result r;
    ticks = 0;
    memcheck_fill(&m);
    assert_int_equal(ticks, 2);
    memcheck_verify(&m, &r);
    assert_int_equal(ticks, 4);
    assert_int_equal(r.bad_pages, 0);
    free(mem);
}

static void test_pattern_finds_changes_and_moves(void **state)
{
    (void)state;
    uint8_t *mem = aligned_alloc(4096, 8 * 4096);
    assert_non_null(mem);
    struct memcheck m = {.first_pfn = arch_ptr_to_pfn(mem), .pages = 8, .seed = {1, 2}};
    struct memcheck_result r;

    memcheck_fill(&m);
    assert_memory_not_equal(mem, mem + 4096, 4096); /* each page its own */
    memcheck_verify(&m, &r);
    assert_int_equal(r.bad_pages, 0);

    mem[3 * 4096 + 100] ^= 0x01; /* one bit */
    memcheck_verify(&m, &r);
    assert_int_equal(r.bad_pages, 1);
    assert_int_equal(r.bad_pfns[0], m.first_pfn + 3);
    mem[3 * 4096 + 100] ^= 0x01;

    /* Two pages swapped: each is a whole, valid-looking page, at the wrong frame. */
    uint8_t tmp[4096];
    memcpy(tmp, mem + 4096, 4096);
    memcpy(mem + 4096, mem + 6 * 4096, 4096);
    memcpy(mem + 6 * 4096, tmp, 4096);
    memcheck_verify(&m, &r);
    assert_int_equal(r.bad_pages, 2);
    assert_int_equal(r.bad_pfns[0], m.first_pfn + 1);
    assert_int_equal(r.bad_pfns[1], m.first_pfn + 6);

    /* Another boot's pattern (another boot-id) is not this one. */
    memcheck_fill(&m);
    struct memcheck other = m;
    other.seed[0] ^= 1;
    memcheck_verify(&other, &r);
    assert_int_equal(r.bad_pages, 8);
    free(mem);
}

/* ---- in the interpreter */

static void test_filled_at_boot_and_checked_on_command(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(start(f), 0);

    assert_memcheck_key(f, "filled %llu", PAGES);
    char line[128];
    snprintf(line, sizeof(line), "test-vm: memcheck: filled %d pages (%d KiB) from pfn %#llx in ",
             PAGES, PAGES * 4, (unsigned long long)first_pfn());
    assert_logged(line);
    assert_memory_not_equal(page(0), page(1), 4096);

    memcheck_now(f);
    assert_memcheck_key(f, "ok %llu", PAGES);
    assert_logged("test-vm: memcheck: ok 64 pages (256 KiB) in ");
    assert_key(f, "data/test-vm/last-action", "memcheck");
    assert_key(f, "data/test-vm/errors", "0");
}

static void test_corruption_named(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(start(f), 0);

    page(5)[17] ^= 0xff;
    page(9)[4095] ^= 0x80;
    memcheck_now(f);
    assert_memcheck_key(f, "corrupt 2 first-pfn %#llx", first_pfn() + 5);
    char line[160];
    snprintf(line, sizeof(line),
             "memcheck: error: corrupt 2 of 64 pages, the first at pfn %#llx %#llx",
             (unsigned long long)first_pfn() + 5, (unsigned long long)first_pfn() + 9);
    assert_key(f, "data/test-vm/last-error", line);
    assert_key(f, "data/test-vm/errors", "1");
}

static void test_checked_after_every_resume(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(start(f), 0);

    /* A restore (a new domain: data/ is empty there). */
    f->suspend_result = 0;
    toolstack_write(f, "control/shutdown", "suspend");
    assert_key(f, "data/test-vm/last-suspend", "resumed");
    assert_memcheck_key(f, "ok %llu", PAGES);

    /* A checkpoint, with a page changed meanwhile. */
    page(0)[0] ^= 1;
    f->suspend_result = 1;
    toolstack_write(f, "control/shutdown", "suspend");
    assert_key(f, "data/test-vm/last-suspend", "cancelled");
    assert_memcheck_key(f, "corrupt 1 first-pfn %#llx", first_pfn());
}

static void test_less_free_than_asked(void **state)
{
    struct fixture *f = *state;
    f->config.memcheck.all = false;
    f->config.memcheck.mib = 1; /* 256 pages; 64 are free */
    assert_int_equal(start(f), 0);
    assert_memcheck_key(f, "filled %llu", PAGES);
    assert_logged("test-vm: memcheck: error: memcheck=1: only 256 KiB are free; filling those\n");
}

static void test_agent_counts_the_pages_used(void **state)
{
    struct fixture *f = *state;
    f->config.agent.on = true;
    f->config.agent.mem_total_kib = 4096;
    f->config.agent.mem_used_kib = 200;
    f->pump_limit_ns = 50000000;
    assert_int_equal(start(f), 0);
    assert_key(f, "data/meminfo_free", "3640"); /* 4096 - 200 - 64 pages * 4 */
}

static void test_cmdline(void **state)
{
    (void)state;
    struct control_config cfg;
    memset(&cfg, 0x55, sizeof(cfg));
    assert_int_equal(cmdline_control_config("memcheck=8", &cfg), 0);
    assert_true(cfg.memcheck.on);
    assert_false(cfg.memcheck.all);
    assert_int_equal(cfg.memcheck.mib, 8);
    assert_int_equal(cmdline_control_config("memcheck=all", &cfg), 0);
    assert_true(cfg.memcheck.on && cfg.memcheck.all);
    assert_int_equal(cmdline_control_config("", &cfg), 0);
    assert_false(cfg.memcheck.on);
    log_capture_start();
    assert_int_equal(cmdline_control_config("memcheck=0", &cfg), 1);
    assert_false(cfg.memcheck.on);
    assert_int_equal(cmdline_control_config("memcheck=8M", &cfg), 1);
    assert_logged("test-vm: cmdline: error: memcheck=8M: expected MiB from 1 to 1048576, or "
                  "all; no memcheck\n");
    log_capture_stop();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pattern_finds_changes_and_moves),
        cmocka_unit_test(test_a_long_fill_or_check_ticks),
        cmocka_unit_test_setup_teardown(test_filled_at_boot_and_checked_on_command, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_corruption_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checked_after_every_resume, setup, teardown),
        cmocka_unit_test_setup_teardown(test_less_free_than_asked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_agent_counts_the_pages_used, setup, teardown),
        cmocka_unit_test(test_cmdline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
