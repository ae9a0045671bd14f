/* The guest agent's and heartbeat's command line words (kernel/config_agent.c, ip_address.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/cmdline.h"
#include "kernel/config.h"
#include "kernel/ip_address.h"

#include "log_fixture.h"

static struct control_config parse(const char *cmdline, int bad)
{
    struct control_config cfg;
    memset(&cfg, 0x55, sizeof(cfg));
    assert_int_equal(cmdline_control_config(cmdline, &cfg), bad);
    return cfg;
}

static void test_defaults(void **state)
{
    (void)state;
    struct control_config cfg = parse("", 0);
    assert_true(cfg.agent.on);
    uint32_t want[4] = {8, 4, 0, 1};
    assert_memory_equal(cfg.agent.version, want, sizeof(want));
    assert_int_equal(cfg.agent.nips, 0);
    assert_int_equal(cfg.heartbeat_s, 0);
    assert_string_equal(log_capture_text(), "");
}

static void test_words(void **state)
{
    (void)state;
    struct control_config cfg = parse("agent=off agent-version=10.0.42.4294967295 heartbeat=30", 0);
    assert_false(cfg.agent.on);
    uint32_t want[4] = {10, 0, 42, 4294967295u};
    assert_memory_equal(cfg.agent.version, want, sizeof(want));
    assert_int_equal(cfg.heartbeat_s, 30);
    cfg = parse("agent=off agent=on heartbeat=0", 0);
    assert_true(cfg.agent.on);
    assert_int_equal(cfg.heartbeat_s, 0);
}

static void test_bad_words(void **state)
{
    (void)state;
    struct control_config cfg =
        parse("agent=no agent-version=1.2.3 heartbeat=86401 ip=1.2.3.04 ip=", 5);
    assert_true(cfg.agent.on);
    assert_int_equal(cfg.agent.version[0], 8);
    assert_int_equal(cfg.heartbeat_s, 0);
    assert_int_equal(cfg.agent.nips, 0);
    assert_string_equal(
        log_capture_text(),
        "test-vm: cmdline: error: agent=no: expected on or off; using on\n"
        "test-vm: cmdline: error: agent-version=1.2.3: expected four numbers A.B.C.D; using "
        "8.4.0.1\n"
        "test-vm: cmdline: error: ip=1.2.3.04: not an IPv4 or IPv6 address; left out\n"
        "test-vm: cmdline: error: ip=: not an IPv4 or IPv6 address; left out\n"
        "test-vm: cmdline: error: heartbeat=86401: expected seconds from 0 to 86400; no "
        "heartbeat\n");
}

static void test_ips_in_order_up_to_the_limit(void **state)
{
    (void)state;
    struct control_config cfg = parse("ip=10.0.0.1 ip=::1 ip=10.0.0.3 ip=10.0.0.4 ip=10.0.0.5 "
                                      "ip=10.0.0.6 ip=10.0.0.7 ip=10.0.0.8 ip=10.0.0.9",
                                      1);
    assert_int_equal(cfg.agent.nips, CONTROL_IPS_MAX);
    assert_string_equal(cfg.agent.ips[0], "10.0.0.1");
    assert_string_equal(cfg.agent.ips[1], "::1");
    assert_string_equal(cfg.agent.ips[7], "10.0.0.8");
    assert_string_equal(log_capture_text(),
                        "test-vm: cmdline: error: ip=10.0.0.9: more than 8 addresses; left out\n");
}

static bool v4(const char *s)
{
    return ip_is_ipv4(s, strlen(s));
}

static bool v6(const char *s)
{
    return ip_is_ipv6(s, strlen(s));
}

static void test_ipv4(void **state)
{
    (void)state;
    assert_true(v4("0.0.0.0"));
    assert_true(v4("192.0.2.255"));
    assert_false(v4("256.0.0.1"));
    assert_false(v4("1.2.3"));
    assert_false(v4("1.2.3.4.5"));
    assert_false(v4("01.2.3.4"));
    assert_false(v4("1..3.4"));
    assert_false(v4("1.2.3.4 "));
    assert_false(v4("1.2.3.1000"));
    assert_false(v4(""));
}

static void test_ipv6(void **state)
{
    (void)state;
    assert_true(v6("::"));
    assert_true(v6("::1"));
    assert_true(v6("1::"));
    assert_true(v6("2001:db8::1"));
    assert_true(v6("2001:0DB8:0000:0000:0000:ff00:0042:8329"));
    assert_true(v6("::ffff:192.0.2.1"));
    assert_true(v6("1:2:3:4:5:6:1.2.3.4"));
    assert_true(v6("1:2:3:4:5:6:7::"));
    assert_false(v6("1:2:3:4:5:6:7:8::"));
    assert_false(v6("1:2:3:4:5:6:7"));
    assert_false(v6("1:2:3:4:5:6:7:8:9"));
    assert_false(v6("1::2::3"));
    assert_false(v6(":1::"));
    assert_false(v6("1:"));
    assert_false(v6("12345::"));
    assert_false(v6("fe80::1%eth0"));
    assert_false(v6("2001:db8::/32"));
    assert_false(v6("::ffff:1.2.3"));
    assert_false(v6("1.2.3.4"));
    assert_false(v6("g::"));
    assert_false(v6(""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_defaults, log_setup, log_teardown),
        cmocka_unit_test_setup_teardown(test_words, log_setup, log_teardown),
        cmocka_unit_test_setup_teardown(test_bad_words, log_setup, log_teardown),
        cmocka_unit_test_setup_teardown(test_ips_in_order_up_to_the_limit, log_setup, log_teardown),
        cmocka_unit_test(test_ipv4),
        cmocka_unit_test(test_ipv6),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
