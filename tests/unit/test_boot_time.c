/*
 * kernel/boot_time.c, the guest's own boot time: the conversion at pvclock's
 * rate, marks kept once, the report once per boot; and the whole VM booted
 * over the simulated Xen (devices, interpreter), as kernel_entry() and
 * vm_boot() do, with the TSC moving at every backend turn: every stage
 * is in data/test-vm/boot-stages, in boot order, each the microseconds its
 * TSC reading gives at the sim's rate, ending at data/test-vm/boot-us, and a
 * resume writes neither again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/pvclock.h"
#include "drivers/timer.h"
#include "kernel/boot_time.h"
#include "kernel/cmdline.h"
#include "kernel/control/control.h"
#include "kernel/loop.h"
#include "kernel/power.h"

#include "devices_fixture.h"
#include "log_fixture.h"

/* A 2 GHz TSC: ns = (ticks << 0) * 0x80000000 >> 32 = ticks / 2. */
#define MUL_2GHZ     0x80000000u
#define TICKS_PER_US 2000u

static const struct vcpu_time_info rate_2ghz = {.tsc_to_system_mul = MUL_2GHZ, .tsc_shift = 0};

/* ---- the report on its own (the TSC is the sim's; no devices) ---- */

static void advance_ticks(uint64_t ticks)
{
    xen_sim_advance_tsc(ticks);
}

static void test_stages_in_microseconds_at_the_rate(void **state)
{
    (void)state;
    uint64_t entry = xen_sim_tsc();
    advance_ticks(100);
    boot_time_start(entry);
    for (int s = 0; s < BOOT_STAGES - 1; s++) {
        advance_ticks(TICKS_PER_US * 10 * (s + 1)); /* 10 us, 20 us, ... more each stage */
        boot_time_mark((enum boot_stage)s);
    }
    advance_ticks(TICKS_PER_US * 1000 + 1899); /* with the 100 ticks: 1000.9995 us, truncated */
    char stages[BOOT_TIME_REPORT_MAX];
    unsigned long us = 0;
    assert_true(boot_time_report(&rate_2ghz, stages, &us));
    /* Cumulative: 10, 30, 60, ... 360 us (plus the 100 ticks before the start: 0.05 us). */
    assert_string_equal(stages, "c-entry=10 hypercall-page=30 events=60 console=100 xenstore=150 "
                                "domid=210 features=280 watches=360 ready=1360");
    assert_int_equal(us, 1360);
}

static void test_other_rates(void **state)
{
    (void)state;
    /* The sim's default: 2.5 GHz as mul 0xcccccccd, shift -1 (ns = ticks / 2 * 0.8). */
    const struct vcpu_time_info rate = {.tsc_to_system_mul = 0xcccccccdu, .tsc_shift = -1};
    boot_time_start(1000);
    boot_time_mark(BOOT_STAGE_C_ENTRY); /* the sim's TSC is 0: before the entry, counts as 0 */
    advance_ticks(2500000);             /* 1 ms at 2.5 GHz */
    char stages[BOOT_TIME_REPORT_MAX];
    unsigned long us = 0;
    assert_true(boot_time_report(&rate, stages, &us));
    /* 2,499,000 ticks from the entry: 999.6 us. */
    assert_string_equal(stages, "c-entry=0 ready=999");
    assert_int_equal(us, 999);

    /* A shift up: 1 GHz as mul 0x80000000, shift 1. */
    const struct vcpu_time_info one_ghz = {.tsc_to_system_mul = MUL_2GHZ, .tsc_shift = 1};
    boot_time_start(xen_sim_tsc());
    advance_ticks(123456789);
    assert_true(boot_time_report(&one_ghz, stages, &us));
    assert_string_equal(stages, "ready=123456");
}

static void test_first_mark_counts_and_one_report_per_boot(void **state)
{
    (void)state;
    char stages[BOOT_TIME_REPORT_MAX] = "untouched";
    unsigned long us = 7;

    boot_time_start(xen_sim_tsc());
    advance_ticks(TICKS_PER_US * 5);
    boot_time_mark(BOOT_STAGE_EVENTS);
    advance_ticks(TICKS_PER_US * 5);
    boot_time_mark(BOOT_STAGE_EVENTS); /* again (a resume brings the devices up again) */
    boot_time_mark(BOOT_STAGES);       /* no such stage */
    assert_true(boot_time_report(&rate_2ghz, stages, &us));
    assert_string_equal(stages, "events=5 ready=10");

    /* Reported: a later status publication (after a resume) has nothing to write. */
    strcpy(stages, "untouched");
    us = 7;
    boot_time_mark(BOOT_STAGE_WATCHES);
    assert_false(boot_time_report(&rate_2ghz, stages, &us));
    assert_string_equal(stages, "untouched");
    assert_int_equal(us, 7);
    assert_null(boot_time_stage_name(BOOT_STAGES));
    assert_string_equal(boot_time_stage_name(BOOT_STAGE_HYPERCALL_PAGE), "hypercall-page");
}

/* ---- the whole VM over the simulated Xen ---- */

static struct control control;
static struct vm vm;
static uint64_t ticks_per_turn;

/* The rest of the world takes time: every backend turn moves the TSC on. */
static void time_passes(void *ctx)
{
    (void)ctx;
    advance_ticks(ticks_per_turn);
}

static int vm_setup(void **state)
{
    devices_setup(state);
    xen_sim_set_tsc_scale(MUL_2GHZ, 0);
    ticks_per_turn = TICKS_PER_US * 7;
    assert_int_equal(xen_sim_register_backend(XEN_SIM_ANY_PORT, time_passes, NULL), 0);
    return 0;
}

/* What kernel_entry() and vm_boot() do, with the sim's TSC at the entry. */
static void boot_vm(uint64_t entry_tsc)
{
    boot_time_start(entry_tsc);
    boot_time_mark(BOOT_STAGE_C_ENTRY);
    advance_ticks(TICKS_PER_US * 3);
    boot_time_mark(BOOT_STAGE_HYPERCALL_PAGE);
    assert_int_equal(devices_bring_up(&d, DEVICES_VECTOR), 0);
    devices_boot_vm(&vm, &control, "");
}

/* Parse "name=N name=N ..." into names[] and values[]; returns the count. */
static int parse_stages(const char *s, char names[][24], unsigned long values[], int max)
{
    int n = 0;
    while (*s) {
        assert_true(n < max);
        int used = 0;
        assert_int_equal(sscanf(s, "%23[a-z-]=%lu%n", names[n], &values[n], &used), 2);
        s += used;
        if (*s == ' ')
            s++;
        n++;
    }
    return n;
}

static void test_every_stage_in_order_ending_at_boot_us(void **state)
{
    (void)state;
    uint64_t entry = xen_sim_tsc();
    advance_ticks(TICKS_PER_US * 40); /* the PVH entry to C: 40 us */
    boot_vm(entry);

    const char *us_text = fxs_read(fx, "data/test-vm/boot-us");
    const char *stages = fxs_read(fx, "data/test-vm/boot-stages");
    assert_non_null(us_text);
    assert_non_null(stages);
    char *end;
    unsigned long boot_us = strtoul(us_text, &end, 10);
    assert_true(*us_text && !*end);

    char names[BOOT_STAGES + 1][24];
    unsigned long values[BOOT_STAGES + 1];
    int n = parse_stages(stages, names, values, BOOT_STAGES + 1);
    assert_int_equal(n, BOOT_STAGES);
    for (int i = 0; i < n; i++) {
        assert_string_equal(names[i], boot_time_stage_name((enum boot_stage)i));
        if (i)
            assert_true(values[i] >= values[i - 1]);
    }
    assert_int_equal(values[BOOT_STAGE_C_ENTRY], 40);
    assert_int_equal(values[BOOT_STAGE_HYPERCALL_PAGE], 43);
    /* Steps that wait for xenstored take time (7 us a backend turn). */
    assert_true(values[BOOT_STAGE_DOMID] > values[BOOT_STAGE_XENSTORE]);
    assert_true(values[BOOT_STAGE_WATCHES] > values[BOOT_STAGE_FEATURES]);
    assert_int_equal(values[BOOT_STAGE_READY], boot_us);
    /* Converted at the sim's rate: the TSC now, less the reads after "ready", is about boot-us. */
    uint64_t now_us = (xen_sim_tsc() - entry) / TICKS_PER_US;
    assert_true(boot_us <= now_us && now_us - boot_us < 200);

    char line[BOOT_TIME_REPORT_MAX + 64];
    snprintf(line, sizeof(line), "test-vm: boot: %lu us from entry to ready (%s)\n", boot_us,
             stages);
    assert_non_null(strstr(log_capture_text(), line));
    /* Before "ready", and "state" written after both keys. */
    assert_true(strstr(log_capture_text(), line) < strstr(log_capture_text(), "test-vm: ready"));
    assert_string_equal(fxs_read(fx, "data/test-vm/state"), "ready");
}

/* As the toolstack makes the new domain's xenstore directory: without the guest's keys. */
static void new_domain_directory(void *ctx)
{
    (void)ctx;
    fxs_rm(fx, "data");
}

static void test_not_written_again_after_a_resume(void **state)
{
    (void)state;
    boot_vm(xen_sim_tsc());
    assert_non_null(fxs_read(fx, "data/test-vm/boot-us"));
    log_capture_clear();

    /* xl save + restore: a new domain, whose xenstore directory has none of our keys. */
    xen_sim_set_suspend_result(0);
    assert_int_equal(xen_sim_register_resume_hook(new_domain_directory, NULL), 0);
    assert_int_equal(fxs_write(fx, "control/shutdown", "suspend"), 0);
    for (int i = 0; i < 50 && !strstr(log_capture_text(), "test-vm: ready"); i++)
        vm_turn(&vm);
    assert_int_equal(control.status.resumes, 1);
    assert_string_equal(fxs_read(fx, "data/test-vm/state"), "ready");
    assert_null(fxs_read(fx, "data/test-vm/boot-us"));
    assert_null(fxs_read(fx, "data/test-vm/boot-stages"));
    assert_null(strstr(log_capture_text(), "test-vm: boot: "));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_stages_in_microseconds_at_the_rate, sim_log_setup,
                                        log_teardown),
        cmocka_unit_test_setup_teardown(test_other_rates, sim_log_setup, log_teardown),
        cmocka_unit_test_setup_teardown(test_first_mark_counts_and_one_report_per_boot,
                                        sim_log_setup, log_teardown),
        cmocka_unit_test_setup_teardown(test_every_stage_in_order_ending_at_boot_us, vm_setup,
                                        devices_teardown),
        cmocka_unit_test_setup_teardown(test_not_written_again_after_a_resume, vm_setup,
                                        devices_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
