/*
 * The boot identity, the guest-agent keys and the heartbeat (kernel/control/control_agent.c,
 * kernel/boot_id.c), as a toolstack reads them from xenstore.
 */
#include "control_fixture.h"

#include "kernel/cmdline.h"
#include "kernel/config.h"
#include "kernel/control/control_status.h"
#include "version.h"

#define MS 1000000ull

/* A fixture whose config comes from a command line, with 4096 KiB of RAM of which 200 used. */
static void configure(struct fixture *f, const char *cmdline)
{
    cmdline_control_config(cmdline, &f->config);
    f->config.agent.mem_total_kib = 4096;
    f->config.agent.mem_used_kib = 200;
    f->pump_limit_ns = 50 * MS; /* less than any period here */
}

/* Let the VM's clock reach at (ns), running each deadline on the way when it falls due. */
static void advance_to(struct fixture *f, uint64_t at)
{
    uint64_t limit = f->pump_limit_ns;
    f->pump_limit_ns = 1; /* pump() itself sleeps to nothing */
    for (int i = 0; i < 100000; i++) {
        pump(f);
        uint64_t now = fxs_now_ns(f->fx), next = control_next_deadline(&f->control);
        uint64_t to = next < at ? next : at;
        if (to > now)
            fxs_advance_clock(f->fx, to - now);
        if (to == at) {
            pump(f);
            f->pump_limit_ns = limit;
            return;
        }
    }
    fail_msg("advance_to() never gets there");
}

static void resume_in_new_domain(struct fixture *f)
{
    f->suspend_result = 0;
    toolstack_write(f, "control/shutdown", "suspend");
    assert_key(f, "data/test-vm/last-suspend", "resumed");
}

static bool is_boot_id(const char *s)
{
    if (!s || strlen(s) != 32)
        return false;
    for (const char *p = s; *p; p++) {
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    }
    return true;
}

/* ---- boot-id */

static void test_boot_id_published_and_logged(void **state)
{
    struct fixture *f = *state;
    configure(f, "");
    assert_int_equal(start(f), 0);

    const char *id = fxs_read(f->fx, "data/test-vm/boot-id");
    assert_true(is_boot_id(id));
    char line[80];
    snprintf(line, sizeof(line), "test-vm: boot-id: %s (rdrand)\n", id);
    assert_logged(line);
}

static void test_boot_id_new_at_each_boot(void **state)
{
    struct fixture *f = *state;
    char first[40];
    configure(f, "");
    assert_int_equal(start(f), 0);
    snprintf(first, sizeof(first), "%s", fxs_read(f->fx, "data/test-vm/boot-id"));

    /* A reboot: the same xenstore directory, a new boot of the kernel. */
    assert_int_equal(start(f), 0);
    const char *second = fxs_read(f->fx, "data/test-vm/boot-id");
    assert_true(is_boot_id(second));
    assert_string_not_equal(first, second);
    assert_key(f, "data/test-vm/boots", "2");
}

static void test_boot_id_without_rdrand(void **state)
{
    struct fixture *f = *state;
    configure(f, "");
    sim_random_set(false, 0);
    assert_int_equal(start(f), 0);
    const char *id = fxs_read(f->fx, "data/test-vm/boot-id");
    assert_true(is_boot_id(id));
    assert_logged(" (tsc+pvclock)\n");
}

static void test_boot_id_kept_across_suspends(void **state)
{
    struct fixture *f = *state;
    char id[40];
    configure(f, "");
    assert_int_equal(start(f), 0);
    snprintf(id, sizeof(id), "%s", fxs_read(f->fx, "data/test-vm/boot-id"));

    resume_in_new_domain(f);
    assert_key(f, "data/test-vm/boot-id", id);
    assert_key(f, "data/test-vm/resumes", "1");

    f->suspend_result = 1; /* a checkpoint: the same domain goes on */
    toolstack_write(f, "control/shutdown", "suspend");
    assert_key(f, "data/test-vm/last-suspend", "cancelled");
    assert_key(f, "data/test-vm/boot-id", id);
}

/* ---- the guest-agent keys */

static void assert_agent_keys(struct fixture *f, const char *version4)
{
    char v[4][16];
    assert_int_equal(
        sscanf(version4, "%15[0-9].%15[0-9].%15[0-9].%15[0-9]", v[0], v[1], v[2], v[3]), 4);
    assert_key(f, "attr/PVAddons/Installed", "1");
    assert_key(f, "attr/PVAddons/MajorVersion", v[0]);
    assert_key(f, "attr/PVAddons/MinorVersion", v[1]);
    assert_key(f, "attr/PVAddons/MicroVersion", v[2]);
    assert_key(f, "attr/PVAddons/BuildVersion", v[3]);
    assert_key(f, "data/os_name", "xen-test-vm " TEST_VM_VERSION);
    assert_key(f, "data/os_uname", TEST_VM_VERSION);
    assert_key(f, "data/os_distro", "xen-test-vm");
    unsigned major, minor;
    char want[16];
    assert_int_equal(sscanf(TEST_VM_VERSION, "%u.%u", &major, &minor), 2);
    snprintf(want, sizeof(want), "%u", major);
    assert_key(f, "data/os_majorver", want);
    snprintf(want, sizeof(want), "%u", minor);
    assert_key(f, "data/os_minorver", want);
    assert_key(f, "data/meminfo_total", "4096");
    assert_key(f, "data/meminfo_free", "3896");
    assert_non_null(fxs_read(f->fx, "data/updated"));
}

static void test_agent_keys_by_default(void **state)
{
    struct fixture *f = *state;
    configure(f, "");
    assert_int_equal(start(f), 0);
    assert_agent_keys(f, CMDLINE_AGENT_VERSION);
    assert_logged("test-vm: agent: PVAddons 8.4.0.1, os \"xen-test-vm " TEST_VM_VERSION
                  "\", memory 4096 KiB (3896 KiB free), 0 addresses\n");
    assert_false(fxs_exists(f->fx, "attr/vif"));
    /* No heartbeat unless asked for. */
    assert_false(fxs_exists(f->fx, "data/test-vm/heartbeat"));
}

static void test_agent_version_from_cmdline(void **state)
{
    struct fixture *f = *state;
    configure(f, "agent-version=7.30.0.4");
    assert_int_equal(start(f), 0);
    assert_agent_keys(f, "7.30.0.4");
}

static void test_agent_off_is_a_bare_guest(void **state)
{
    struct fixture *f = *state;
    configure(f, "agent=off ip=192.0.2.1");
    assert_int_equal(start(f), 0);
    assert_false(fxs_exists(f->fx, "attr"));
    assert_false(fxs_exists(f->fx, "data/updated"));
    assert_false(fxs_exists(f->fx, "data/meminfo_free"));
    assert_not_logged("test-vm: agent:");
    assert_key(f, "data/test-vm/state", "ready");
    /* Nothing is due but the idle check, 5 s after the last watch event (the registrations'). */
    assert_int_equal(control_work_deadline(&f->control), CONTROL_NO_DEADLINE);
    assert_int_equal(control_next_deadline(&f->control), f->control.idle.last_event_ns + 5000 * MS);
}

static void test_agent_ip_addresses(void **state)
{
    struct fixture *f = *state;
    configure(f, "ip=192.0.2.10 ip=2001:db8::1 ip=10.0.0.256 ip=fe80::1 ip=198.51.100.7");
    assert_int_equal(start(f), 0);
    assert_key(f, "attr/vif/0/ipv4/0", "192.0.2.10");
    assert_key(f, "attr/vif/0/ipv4/1", "198.51.100.7");
    assert_key(f, "attr/vif/0/ipv6/0", "2001:db8::1");
    assert_key(f, "attr/vif/0/ipv6/1", "fe80::1");
    assert_false(fxs_exists(f->fx, "attr/vif/0/ipv4/2"));
    assert_logged(
        "test-vm: cmdline: error: ip=10.0.0.256: not an IPv4 or IPv6 address; left out\n");
    assert_logged(", 4 addresses\n");
}

static void test_agent_keys_back_after_resume(void **state)
{
    struct fixture *f = *state;
    configure(f, "ip=192.0.2.10");
    assert_int_equal(start(f), 0);
    log_capture_clear();

    resume_in_new_domain(f);
    assert_agent_keys(f, CMDLINE_AGENT_VERSION);
    assert_key(f, "attr/vif/0/ipv4/0", "192.0.2.10");
    assert_logged("test-vm: agent: PVAddons 8.4.0.1");
}

/* Every 60 s the memory keys and data/updated again, from the timer, not polling. */
static void test_agent_refresh_every_60_s(void **state)
{
    struct fixture *f = *state;
    configure(f, "");
    assert_int_equal(start(f), 0);
    uint64_t due = control_work_deadline(&f->control); /* not the idle check's */
    uint64_t now = fxs_now_ns(f->fx);
    char want[24];

    assert_true(due > now + 59000 * MS && due <= now + 60000 * MS);
    fxs_rm(f->fx, "data/meminfo_free");
    advance_to(f, due - 1);
    assert_false(fxs_exists(f->fx, "data/meminfo_free"));
    unsigned reads = fxs_request_count(f->fx, XS_READ);
    advance_to(f, due);
    assert_key(f, "data/meminfo_free", "3896");
    snprintf(want, sizeof(want), "%llu", (unsigned long long)(due / MS));
    assert_key(f, "data/updated", want);
    /* A refresh only writes: it reads nothing. */
    assert_int_equal(fxs_request_count(f->fx, XS_READ), reads);
    assert_int_equal(control_work_deadline(&f->control), due + 60000 * MS);
    advance_to(f, due + 60000 * MS);
    snprintf(want, sizeof(want), "%llu", (unsigned long long)((due / MS) + 60000));
    assert_key(f, "data/updated", want);
}

/* ---- heartbeat */

static void test_heartbeat_counts(void **state)
{
    struct fixture *f = *state;
    configure(f, "agent=off heartbeat=2");
    assert_int_equal(start(f), 0);
    uint64_t due = control_next_deadline(&f->control);
    char want[24];

    assert_key(f, "data/test-vm/heartbeat", "0");
    assert_non_null(fxs_read(f->fx, "data/test-vm/uptime-ms"));
    advance_to(f, due - 1);
    assert_key(f, "data/test-vm/heartbeat", "0");
    advance_to(f, due);
    assert_key(f, "data/test-vm/heartbeat", "1");
    snprintf(want, sizeof(want), "%llu", (unsigned long long)(due / MS));
    assert_key(f, "data/test-vm/uptime-ms", want);
    advance_to(f, due + 6000 * MS);
    assert_key(f, "data/test-vm/heartbeat", "4");
    assert_int_equal(control_next_deadline(&f->control), due + 8000 * MS);
}

static void test_heartbeat_goes_on_after_resume(void **state)
{
    struct fixture *f = *state;
    configure(f, "agent=off heartbeat=1");
    assert_int_equal(start(f), 0);
    uint64_t due = control_next_deadline(&f->control);
    advance_to(f, due + 2000 * MS);
    assert_key(f, "data/test-vm/heartbeat", "3");
    resume_in_new_domain(f);
    /* The new domain's directory has it again at once, counting on. */
    assert_key(f, "data/test-vm/heartbeat", "3");
    advance_to(f, control_next_deadline(&f->control));
    assert_key(f, "data/test-vm/heartbeat", "4");
}

/* A clock that jumps (a long pause) beats once, then keeps the period. */
static void test_heartbeat_after_a_jump(void **state)
{
    struct fixture *f = *state;
    configure(f, "agent=off heartbeat=5");
    assert_int_equal(start(f), 0);
    fxs_advance_clock(f->fx, 3600000 * MS);
    uint64_t now = fxs_now_ns(f->fx);
    pump(f);
    assert_key(f, "data/test-vm/heartbeat", "1");
    assert_int_equal(control_next_deadline(&f->control), now + 5000 * MS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_boot_id_published_and_logged, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_boot_id_new_at_each_boot, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_boot_id_without_rdrand, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_boot_id_kept_across_suspends, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_agent_keys_by_default, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_agent_version_from_cmdline, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_agent_off_is_a_bare_guest, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_agent_ip_addresses, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_agent_keys_back_after_resume, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_agent_refresh_every_60_s, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_heartbeat_counts, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_heartbeat_goes_on_after_resume, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_heartbeat_after_a_jump, fixture_setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
