/*
 * drivers/console.c on the kernel's own ring transport (devices_ring_transport:
 * events_notify, the one-shot timer, the pvclock) against the simulated Xen
 * and a fake xenconsoled.
 * What a user of the console sees: every byte written arrives, in order,
 * across ring and index wrap-around, each "\n" as "\r\n"; a stuck backend
 * costs at most CONSOLE_FULL_WAIT_NS once, and what could not be written is
 * counted and, once the backend drains the ring, told on the console.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arch/arch.h"
#include "drivers/console.h"
#include "drivers/events.h"
#include "drivers/timer.h"
#include "kernel/devices.h"
#include "lib/printk.h"
#include "sim/fake_console.h"
#include "sim/xen_sim.h"

#define RING_SIZE sizeof(((struct xencons_interface *)0)->out)

static struct console console;
static evtchn_port_t port;
static unsigned int console_events;

static void console_event(evtchn_port_t p, void *ctx)
{
    (void)p;
    (void)ctx;
    console_events++;
}

static int setup(void **state)
{
    (void)state;
    xen_sim_reset();
    assert_int_equal(events_init(0xf3), 0);
    assert_int_equal(timer_init(), 0);
    port = xen_sim_console_port();
    assert_int_equal(events_bind(port, console_event, NULL), 0);
    struct ring_transport t = devices_ring_transport(&port);
    console_init(&console, xen_sim_console_ring(), &t);
    console_events = 0;
    fake_console_start();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fake_console_stop();
    return 0;
}

/*
 * A message whose bytes say where they are, so a lost or moved byte shows.
 * No "\n" (which the console sends as two bytes): each byte in is one out.
 */
static char *pattern(size_t len, unsigned int seed)
{
    char *s = malloc(len);
    assert_non_null(s);
    for (size_t i = 0; i < len; i++) {
        s[i] = (char)((i * 31 + seed * 7 + i / 251) & 0xff);
        if (s[i] == '\n')
            s[i] = '#';
    }
    return s;
}

static void assert_output(const char *expected, size_t len)
{
    size_t got;
    const char *out = fake_console_raw(&got);
    assert_int_equal(got, len);
    assert_memory_equal(out, expected, len);
}

/* The backend received the first len bytes of head, then the string tail. */
static void assert_output_then(const char *head, size_t len, const char *tail)
{
    size_t tail_len = strlen(tail);
    char *expected = malloc(len + tail_len);
    assert_non_null(expected);
    memcpy(expected, head, len);
    memcpy(expected + len, tail, tail_len);
    assert_output(expected, len + tail_len);
    free(expected);
}

static void test_a_line_arrives_with_one_kick(void **state)
{
    (void)state;
    assert_int_equal(console_write(&console, "hello, console\n", 15), 15);
    assert_output("hello, console\r\n", 16);
    assert_int_equal(xen_sim_sends(port), 1);
    assert_int_equal(console.dropped, 0);
    assert_false(console.stalled);
    assert_int_equal(console_write(&console, "", 0), 0);
    assert_int_equal(xen_sim_sends(port), 1); /* nothing written, nobody kicked */
}

static void test_bytes_arrive_in_order_across_wrap_around(void **state)
{
    (void)state;
    /* Start just below 2^32 so the free-running indices wrap too. */
    struct xencons_interface *ring = xen_sim_console_ring();
    ring->out_cons = ring->out_prod = 0xffffff00u;

    const size_t total = 20000;
    char *msg = pattern(total, 1);
    size_t off = 0;
    for (unsigned int i = 0; off < total; i++) {
        size_t n = 1 + (i * 97) % 700;
        if (n > total - off)
            n = total - off;
        assert_int_equal(console_write(&console, msg + off, n), n);
        off += n;
    }
    assert_output(msg, total);
    assert_true(ring->out_prod < 0xffffff00u); /* it did wrap */
    assert_int_equal(console.dropped, 0);
    free(msg);
}

static void test_a_slow_backend_loses_nothing(void **state)
{
    (void)state;
    fake_console_set_drain_limit(100); /* 100 bytes a turn: the ring fills often */
    const size_t total = 3 * RING_SIZE + 123;
    char *msg = pattern(total, 2);
    uint64_t before = time_now_ns();

    assert_int_equal(console_write(&console, msg, total), total);
    struct xencons_interface *ring = xen_sim_console_ring();
    for (int turns = 0; ring->out_cons != ring->out_prod; turns++) {
        assert_true(turns < 100);
        xen_sim_run_backends(); /* let it take the rest, 100 bytes at a time */
    }
    assert_output(msg, total);
    assert_int_equal(console.dropped, 0);
    assert_false(console.stalled);
    assert_true(time_now_ns() - before < CONSOLE_FULL_WAIT_NS);
    free(msg);
}

static unsigned int turns_until_recovery;

static void recovers_after_a_turn(void *ctx)
{
    (void)ctx;
    if (turns_until_recovery && --turns_until_recovery == 0)
        fake_console_stall(false);
}

static void test_a_backend_that_recovers_within_the_wait(void **state)
{
    (void)state;
    /* Registered ahead of the fake console's next start, so it runs first. */
    fake_console_stop();
    assert_int_equal(xen_sim_register_backend(XEN_SIM_ANY_PORT, recovers_after_a_turn, NULL), 0);
    fake_console_start();
    fake_console_stall(true);
    turns_until_recovery = 2; /* the kick, then the first idle */

    const size_t total = RING_SIZE + 500;
    char *msg = pattern(total, 3);
    uint64_t before = time_now_ns();
    assert_int_equal(console_write(&console, msg, total), total);
    xen_sim_run_backends();
    assert_output(msg, total);
    assert_int_equal(console.dropped, 0);
    assert_false(console.stalled);
    assert_true(console_events >= 1); /* the backend's "I made room" event woke us */
    assert_true(time_now_ns() - before < CONSOLE_FULL_WAIT_NS);
    free(msg);
}

static void test_a_stalled_backend_costs_one_bounded_wait(void **state)
{
    (void)state;
    fake_console_stall(true);
    const size_t total = RING_SIZE + 952;
    char *msg = pattern(total, 4);

    uint64_t before = time_now_ns();
    assert_int_equal(console_write(&console, msg, total), RING_SIZE);
    uint64_t waited = time_now_ns() - before;
    assert_true(waited >= CONSOLE_FULL_WAIT_NS);
    assert_true(waited < CONSOLE_FULL_WAIT_NS + NS_PER_MS);
    assert_true(console.stalled);
    assert_int_equal(console.dropped, 952);

    /* Still full: later writes are dropped at once, with no second wait. */
    before = time_now_ns();
    assert_int_equal(console_write(&console, "more\n", 5), 0);
    assert_int_equal(console_write(&console, "and more\n", 9), 0);
    assert_int_equal(time_now_ns(), before);
    assert_int_equal(console.dropped, 952 + 5 + 9);

    /* The backend comes back and drains: writing works again, in full, after a word on the loss. */
    fake_console_stall(false);
    xen_sim_run_backends();
    assert_int_equal(console_write(&console, "after\n", 6), 6);
    assert_false(console.stalled);
    assert_int_equal(console.dropped, 952 + 5 + 9);
    assert_int_equal(console.dropped_reported, 952 + 5 + 9);
    assert_int_equal(console_write(&console, "and on\n", 7), 7);

    assert_output_then(msg, RING_SIZE,
                       "\r\ntest-vm: console: 966 bytes were dropped while the ring was full\r\n"
                       "after\r\nand on\r\n");
    free(msg);
}

/* Stalled, a write still kicks the backend: what it drains then is used at once. */
static void test_a_stalled_backend_that_drains_on_the_kick(void **state)
{
    (void)state;
    fake_console_stall(true);
    char *msg = pattern(RING_SIZE + 10, 6);
    assert_int_equal(console_write(&console, msg, RING_SIZE + 10), RING_SIZE);
    assert_true(console.stalled);
    assert_int_equal(console.dropped, 10);

    /* It recovers, but drains only when kicked (it does not get a turn here). */
    fake_console_stall(false);
    uint64_t before = time_now_ns();
    assert_int_equal(console_write(&console, "after the kick\n", 15), 15);
    assert_int_equal(time_now_ns(), before); /* no wait */
    assert_false(console.stalled);
    assert_int_equal(console.dropped, 10);

    xen_sim_run_backends();
    assert_output_then(msg, RING_SIZE,
                       "\r\ntest-vm: console: 10 bytes were dropped while the ring was full\r\n"
                       "after the kick\r\n");
    free(msg);
}

static void test_partial_room_then_stall(void **state)
{
    (void)state;
    fake_console_stall(true);
    char *fill = pattern(RING_SIZE - 48, 5);
    assert_int_equal(console_write(&console, fill, RING_SIZE - 48), RING_SIZE - 48);
    assert_false(console.stalled); /* it fitted: no wait */

    uint64_t before = time_now_ns();
    assert_int_equal(console_write(&console, fill, 100), 48);
    assert_int_equal(console.dropped, 52);
    assert_true(time_now_ns() - before >= CONSOLE_FULL_WAIT_NS);
    free(fill);
}

static void test_nonsense_indices_count_as_full(void **state)
{
    (void)state;
    fake_console_stall(true);
    struct xencons_interface *ring = xen_sim_console_ring();
    ring->out_prod = 10;
    ring->out_cons = 20; /* the backend claims to have read what was never written */

    assert_int_equal(console_write(&console, "0123456789", 10), 0);
    assert_int_equal(console.dropped, 10);
    assert_int_equal(ring->out_prod, 10); /* nothing written past the claim */
}

static void test_printk_reaches_the_console(void **state)
{
    (void)state;
    assert_int_equal(printk_add_sink(console_printk_sink, &console), 0);
    printk("domain %d tick %u\n", 7, 42u);
    printk_remove_sink(console_printk_sink, &console);
    printk("not on the console\n");
    assert_string_equal(fake_console_raw(NULL), "domain 7 tick 42\r\n");
}

/* A terminal needs "\r\n" to start a line at the left margin (no staircase in xl console). */
static void test_each_newline_goes_out_as_cr_lf(void **state)
{
    (void)state;
    assert_int_equal(console_write(&console, "a\nb\n\nc\r\n", 8), 8);
    assert_string_equal(fake_console_raw(NULL), "a\r\nb\r\n\r\nc\r\r\n");
}

/* A "\r\n" that a full ring splits in two still goes out once, whole. */
static void test_a_cr_lf_split_by_a_full_ring_stays_whole(void **state)
{
    (void)state;
    fake_console_stall(true);
    char *fill = pattern(RING_SIZE - 1, 7);
    assert_int_equal(console_write(&console, fill, RING_SIZE - 1), RING_SIZE - 1);
    fake_console_stall(false); /* it drains when kicked, with one byte of room left */
    assert_int_equal(console_write(&console, "\nZ", 2), 2);
    xen_sim_run_backends();
    assert_output_then(fill, RING_SIZE - 1, "\r\nZ");
    assert_int_equal(console.dropped, 0);
    free(fill);
}

/* A loss that ended on a whole line: the note needs no line break of its own. */
static void test_a_dropped_whole_line_is_told_on_the_next_line(void **state)
{
    (void)state;
    fake_console_stall(true);
    char *fill = pattern(RING_SIZE - 1, 8);
    fill[RING_SIZE - 2] = '\n'; /* out as two bytes: the ring is full */
    assert_int_equal(console_write(&console, fill, RING_SIZE - 1), RING_SIZE - 1);
    assert_int_equal(console_write(&console, "lost\n", 5), 0);
    fake_console_stall(false);
    xen_sim_run_backends();
    assert_int_equal(console_write(&console, "next\n", 5), 5);
    xen_sim_run_backends();
    assert_output_then(fill, RING_SIZE - 2,
                       "\r\ntest-vm: console: 5 bytes were dropped while the ring was full\r\n"
                       "next\r\n");
    free(fill);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_a_line_arrives_with_one_kick, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bytes_arrive_in_order_across_wrap_around, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_slow_backend_loses_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_backend_that_recovers_within_the_wait, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_stalled_backend_costs_one_bounded_wait, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_stalled_backend_that_drains_on_the_kick, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_partial_room_then_stall, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nonsense_indices_count_as_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_printk_reaches_the_console, setup, teardown),
        cmocka_unit_test_setup_teardown(test_each_newline_goes_out_as_cr_lf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_cr_lf_split_by_a_full_ring_stays_whole, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_dropped_whole_line_is_told_on_the_next_line, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
