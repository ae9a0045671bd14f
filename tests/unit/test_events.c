/*
 * drivers/events.c against the simulated Xen: shared_info mapping, the
 * upcall vector, and the 2-level scan (handlers for pending unmasked ports,
 * none for masked ones, unknown ports masked and counted).  Events are
 * raised the way Xen raises them (xen_sim_raise) and delivered the way the
 * interrupt delivers them (xen_sim_interrupt_window).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/arch.h"
#include "drivers/events.h"
#include "sim/log_capture.h"
#include "sim/xen_sim.h"

#define VECTOR 0xf3

static struct {
    unsigned int n;
    evtchn_port_t port[64];
    void *ctx[64];
} calls;

static void record(evtchn_port_t port, void *ctx)
{
    assert_true(calls.n < 64);
    calls.port[calls.n] = port;
    calls.ctx[calls.n] = ctx;
    calls.n++;
}

static int setup(void **state)
{
    (void)state;
    xen_sim_reset();
    log_capture_start();
    memset(&calls, 0, sizeof(calls));
    return events_init(VECTOR);
}

static int teardown(void **state)
{
    (void)state;
    log_capture_stop();
    return 0;
}

static void test_init_maps_shared_info_and_sets_the_vector(void **state)
{
    (void)state;
    assert_true(xen_sim_shared_info_mapped());
    assert_ptr_equal(xen_sim_shared_info(), events_shared_info());
    assert_int_equal(xen_sim_callback_vector(), VECTOR);
    assert_int_equal(xen_sim_param(HVM_PARAM_CALLBACK_IRQ), (2ull << 56) | VECTOR);
    assert_true(log_capture_contains("upcall vector 0xf3"));

    /* Every port starts masked: an event nobody asked for must not storm. */
    for (evtchn_port_t p = 1; p < XEN_SIM_MAX_PORTS; p += 37)
        assert_true(xen_sim_port_masked(p));
}

static void test_init_reports_a_failed_mapping(void **state)
{
    (void)state;
    xen_sim_reset();
    xen_sim_fail_next(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, -EINVAL);
    assert_int_equal(events_init(VECTOR), -EINVAL);
    assert_false(xen_sim_shared_info_mapped());
    assert_true(
        log_capture_contains("test-vm: events: error: mapping shared_info failed (EINVAL)\n"));
}

static void test_init_reports_a_refused_vector(void **state)
{
    (void)state;
    xen_sim_reset();
    xen_sim_fail_next(__HYPERVISOR_hvm_op, HVMOP_set_param, -EPERM);
    assert_int_equal(events_init(VECTOR), -EPERM);
    assert_int_equal(xen_sim_callback_vector(), -1);
    assert_true(
        log_capture_contains("test-vm: events: error: setting the upcall vector failed (EPERM)\n"));
}

static void test_pending_unmasked_port_calls_its_handler_once(void **state)
{
    (void)state;
    evtchn_port_t port = xen_sim_alloc_port();
    int tag;
    assert_int_equal(events_bind(port, record, &tag), 0);
    assert_false(xen_sim_port_masked(port));

    xen_sim_raise(port);
    xen_sim_raise(port); /* raised twice before delivery: one event */
    uint64_t upcalls = events_upcalls();
    xen_sim_interrupt_window();
    assert_int_equal(calls.n, 1);
    assert_int_equal(calls.port[0], port);
    assert_ptr_equal(calls.ctx[0], &tag);
    assert_int_equal(events_upcalls(), upcalls + 1);
    assert_false(xen_sim_port_pending(port)); /* acknowledged */
    assert_int_equal(xen_sim_shared_info()->vcpu_info[0].evtchn_upcall_pending, 0);

    /* Delivered once, not again. */
    xen_sim_interrupt_window();
    assert_int_equal(calls.n, 1);
}

static void test_masked_port_waits_until_unmasked(void **state)
{
    (void)state;
    evtchn_port_t port = xen_sim_alloc_port();
    assert_int_equal(events_bind(port, record, NULL), 0);
    events_mask(port);
    assert_true(xen_sim_port_masked(port));

    xen_sim_raise(port);
    assert_int_equal(xen_sim_shared_info()->vcpu_info[0].evtchn_upcall_pending, 0);
    events_upcall(); /* even a stray upcall must not run a masked port's handler */
    assert_int_equal(calls.n, 0);
    assert_true(xen_sim_port_pending(port));

    /* Unmasking a pending port makes Xen raise the upcall again. */
    events_unmask(port);
    assert_int_equal(xen_sim_shared_info()->vcpu_info[0].evtchn_upcall_pending, 1);
    xen_sim_interrupt_window();
    assert_int_equal(calls.n, 1);
    assert_int_equal(calls.port[0], port);
}

static void test_masked_port_beside_a_pending_one_is_left_alone(void **state)
{
    (void)state;
    /* Neighbours in one selector word: the scan of that word must honour the mask. */
    evtchn_port_t masked = xen_sim_alloc_port(), other = xen_sim_alloc_port();
    assert_int_equal(masked / 64, other / 64);
    assert_int_equal(events_bind(masked, record, NULL), 0);
    assert_int_equal(events_bind(other, record, NULL), 0);
    events_mask(masked);

    xen_sim_raise(masked);
    xen_sim_raise(other);
    xen_sim_interrupt_window();
    assert_int_equal(calls.n, 1);
    assert_int_equal(calls.port[0], other);
    assert_true(xen_sim_port_pending(masked)); /* kept for when it is unmasked */

    events_unmask(masked);
    xen_sim_interrupt_window();
    assert_int_equal(calls.n, 2);
    assert_int_equal(calls.port[1], masked);
}

static void test_event_before_bind_is_delivered_on_bind(void **state)
{
    (void)state;
    evtchn_port_t port = xen_sim_alloc_port();
    xen_sim_raise(port);        /* the backend was faster than us */
    xen_sim_interrupt_window(); /* masked since events_init: nothing yet */
    assert_int_equal(calls.n, 0);

    assert_int_equal(events_bind(port, record, NULL), 0);
    xen_sim_interrupt_window();
    assert_int_equal(calls.n, 1);
}

static void test_unknown_ports_are_masked_and_counted(void **state)
{
    (void)state;
    evtchn_port_t nobody = xen_sim_alloc_port();
    uint64_t spurious = events_spurious();

    /* Unmasked but never bound: e.g. a port a buggy caller unmasked. */
    events_unmask(nobody);
    xen_sim_raise(nobody);
    xen_sim_interrupt_window();
    assert_int_equal(events_spurious(), spurious + 1);
    assert_true(xen_sim_port_masked(nobody));
    assert_int_equal(calls.n, 0);

    /* Masked now: raising it again is not even an upcall. */
    xen_sim_raise(nobody);
    assert_int_equal(xen_sim_shared_info()->vcpu_info[0].evtchn_upcall_pending, 0);
    assert_int_equal(events_spurious(), spurious + 1);
}

static void test_every_port_of_the_abi_can_be_bound(void **state)
{
    (void)state;
    /* Ports far past the first 256: a busy host, or a new domain after a migration. */
    xen_sim_set_next_port(EVENTS_2L_PORTS - 2);
    evtchn_port_t high = xen_sim_alloc_port(), last = xen_sim_alloc_port();
    assert_int_equal(last, EVENTS_2L_PORTS - 1);
    assert_int_equal(events_bind(high, record, NULL), 0);
    assert_int_equal(events_bind(last, record, NULL), 0);
    assert_false(xen_sim_port_masked(last));

    xen_sim_raise(last);
    xen_sim_raise(high);
    xen_sim_interrupt_window();
    assert_int_equal(calls.n, 2);
    assert_int_equal(calls.port[0], high);
    assert_int_equal(calls.port[1], last);
}

static void test_ports_outside_the_abi_or_too_many_are_refused(void **state)
{
    (void)state;
    assert_int_equal(events_bind(EVENTS_2L_PORTS, record, NULL), -XEN_EINVAL);
    assert_int_equal(events_bind(0, record, NULL), -XEN_EINVAL);
    assert_true(log_capture_contains(
        "test-vm: events: error: cannot bind port 4096: the 2-level ABI has ports 1 to 4095\n"));

    evtchn_port_t ports[EVENTS_MAX_BINDINGS + 1];
    for (unsigned int i = 0; i <= EVENTS_MAX_BINDINGS; i++)
        ports[i] = xen_sim_alloc_port();
    for (unsigned int i = 0; i < EVENTS_MAX_BINDINGS; i++)
        assert_int_equal(events_bind(ports[i], record, NULL), 0);
    evtchn_port_t extra = ports[EVENTS_MAX_BINDINGS];
    assert_int_equal(events_bind(extra, record, NULL), -XEN_ENOSPC);
    assert_true(log_capture_contains("all 8 handlers are in use"));
    assert_true(xen_sim_port_masked(extra)); /* a refused bind leaves it masked */
    /* Binding a bound port again only replaces its handler. */
    assert_int_equal(events_bind(ports[0], record, &calls), 0);

    /* If it does get unmasked and raised, it is masked and counted, not a crash. */
    uint64_t spurious = events_spurious();
    events_unmask(extra);
    xen_sim_raise(extra);
    xen_sim_interrupt_window();
    assert_int_equal(events_spurious(), spurious + 1);
    assert_true(xen_sim_port_masked(extra));
    assert_int_equal(calls.n, 0);

    /* Unbinding frees a handler. */
    events_unbind(ports[1]);
    assert_int_equal(events_bind(extra, record, NULL), 0);
}

/* Past shared_info's bitmaps, mask and unmask are ignored: nothing is written. */
static void test_mask_and_unmask_beyond_the_2_level_abi(void **state)
{
    (void)state;
    static const evtchn_port_t bad[] = {EVENTS_2L_PORTS, EVENTS_2L_PORTS + 63, EVENTS_2L_PORTS + 64,
                                        0xffffffffu};
    assert_int_equal(EVENTS_2L_PORTS, XEN_SIM_MAX_PORTS);
    struct shared_info *si = events_shared_info();
    static struct shared_info before;
    memcpy(&before, si, sizeof(before));
    uint64_t bad_ports = events_bad_ports();
    unsigned long unmasks = xen_sim_calls(__HYPERVISOR_event_channel_op, EVTCHNOP_unmask);

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        events_mask(bad[i]);
        events_unmask(bad[i]);
    }
    assert_memory_equal(si, &before, sizeof(before));
    assert_int_equal(xen_sim_calls(__HYPERVISOR_event_channel_op, EVTCHNOP_unmask), unmasks);
    assert_int_equal(events_bad_ports(), bad_ports + 8);
    assert_true(log_capture_contains(
        "test-vm: events: ignoring a mask of port 4096, beyond the 4096 of the 2-level ABI\n"));
    assert_true(log_capture_contains("test-vm: events: ignoring an unmask of port 4294967295, "
                                     "beyond the 4096 of the 2-level ABI\n"));

    /* The last port the ABI has still works. */
    events_mask(EVENTS_2L_PORTS - 1);
    assert_true(xen_sim_port_masked(EVENTS_2L_PORTS - 1));
    assert_int_equal(events_bad_ports(), bad_ports + 8);
}

static void test_many_ports_across_selector_words(void **state)
{
    (void)state;
    /* Ports in words 0, 1, 2 and 3, including each word's edges. */
    static const evtchn_port_t wanted[] = {3, 63, 64, 65, 127, 128, 200, 255};
    const size_t n = sizeof(wanted) / sizeof(wanted[0]);
    size_t next = 0;

    for (evtchn_port_t p = xen_sim_alloc_port(); next < n; p = xen_sim_alloc_port()) {
        assert_int_not_equal(p, 0);
        if (p == wanted[next]) {
            assert_int_equal(events_bind(p, record, NULL), 0);
            next++;
        }
    }
    for (size_t i = n; i-- > 0;) /* raised in reverse: delivery is by port */
        xen_sim_raise(wanted[i]);
    xen_sim_interrupt_window();

    assert_int_equal(calls.n, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(calls.port[i], wanted[i]);
    for (size_t i = 0; i < n; i++)
        assert_false(xen_sim_port_pending(wanted[i]));
    assert_int_equal(xen_sim_shared_info()->vcpu_info[0].evtchn_pending_sel, 0);
}

static evtchn_port_t chained_port;

static void raise_another(evtchn_port_t port, void *ctx)
{
    record(port, ctx);
    if (calls.n == 1)
        xen_sim_raise(chained_port); /* as if Xen raised it while we were in the handler */
}

static void test_event_raised_during_a_handler_is_not_lost(void **state)
{
    (void)state;
    evtchn_port_t first = xen_sim_alloc_port();
    chained_port = xen_sim_alloc_port();
    assert_int_equal(events_bind(first, raise_another, NULL), 0);
    assert_int_equal(events_bind(chained_port, record, NULL), 0);

    xen_sim_raise(first);
    xen_sim_interrupt_window();
    if (calls.n < 2) /* a second idle is allowed; losing it is not */
        xen_sim_interrupt_window();
    assert_int_equal(calls.n, 2);
    assert_int_equal(calls.port[0], first);
    assert_int_equal(calls.port[1], chained_port);
}

static void test_unbind_masks_and_forgets_the_handler(void **state)
{
    (void)state;
    evtchn_port_t port = xen_sim_alloc_port();
    assert_int_equal(events_bind(port, record, NULL), 0);
    events_unbind(port);
    assert_true(xen_sim_port_masked(port));
    xen_sim_raise(port);
    events_upcall();
    assert_int_equal(calls.n, 0);
}

static void test_bind_virq(void **state)
{
    (void)state;
    evtchn_port_t port = 0;
    int tag;
    assert_int_equal(events_bind_virq(VIRQ_DEBUG, record, &tag, &port), 0);
    assert_int_not_equal(port, 0);
    assert_int_equal(port, xen_sim_virq_port(VIRQ_DEBUG));
    assert_false(xen_sim_port_masked(port));

    xen_sim_raise(port);
    xen_sim_interrupt_window();
    assert_int_equal(calls.n, 1);
    assert_int_equal(calls.port[0], port);
    assert_ptr_equal(calls.ctx[0], &tag);
}

static void test_bind_virq_failure(void **state)
{
    (void)state;
    evtchn_port_t port = 12345;
    xen_sim_fail_next(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, -EINVAL);
    assert_int_equal(events_bind_virq(VIRQ_DEBUG, record, NULL, &port), -EINVAL);
    assert_int_equal(port, 12345); /* untouched */
    assert_true(log_capture_contains("test-vm: events: error: binding VIRQ 1 failed (EINVAL)\n"));

    /* EEXIST, yet no port has the VIRQ: Xen contradicts itself; an error, not a guess. */
    xen_sim_fail_next(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, -EEXIST);
    assert_int_equal(events_bind_virq(VIRQ_DEBUG, record, NULL, &port), -EEXIST);
    assert_int_equal(port, 12345);
    assert_true(log_capture_contains(
        "test-vm: events: error: binding VIRQ 1 failed (EEXIST), and no port has it\n"));
}

/* A resume in the same domain: Xen kept the VIRQ bound, to the port it had. */
static void test_bind_virq_that_is_still_bound(void **state)
{
    (void)state;
    evtchn_port_t first = 0, again = 0;
    assert_int_equal(events_bind_virq(VIRQ_DEBUG, record, NULL, &first), 0);
    assert_int_equal(events_init(VECTOR), 0); /* forgets the binding, masks every port */
    assert_int_equal(events_bind_virq(VIRQ_DEBUG, record, NULL, &again), EVENTS_STILL_BOUND);
    assert_int_equal(again, first);
    assert_false(xen_sim_port_masked(first));
    assert_true(log_capture_contains("test-vm: events: VIRQ 1 is still bound, to port "));
    xen_sim_raise(first);
    xen_sim_interrupt_window();
    assert_int_equal(calls.n, 1);
}

static unsigned int backend_runs;

static void backend(void *ctx)
{
    (void)ctx;
    backend_runs++;
}

static void test_notify_sends_on_the_port(void **state)
{
    (void)state;
    evtchn_port_t port = xen_sim_alloc_port(), other = xen_sim_alloc_port();
    backend_runs = 0;
    assert_int_equal(xen_sim_register_backend(port, backend, NULL), 0);

    assert_int_equal(events_notify(port), 0);
    assert_int_equal(events_notify(port), 0);
    assert_int_equal(events_notify(other), 0);
    assert_int_equal(xen_sim_sends(port), 2);
    assert_int_equal(xen_sim_sends(other), 1);
    assert_int_equal(backend_runs, 2); /* only its own port's sends */

    /* Xen refuses a send on a port that is not bound. */
    assert_int_equal(events_notify(EVENTS_2L_PORTS - 1), -EINVAL);
}

static void test_init_again_forgets_old_bindings(void **state)
{
    (void)state;
    evtchn_port_t port = xen_sim_alloc_port();
    assert_int_equal(events_bind(port, record, NULL), 0);
    assert_int_equal(events_init(VECTOR), 0);

    assert_true(xen_sim_port_masked(port));
    xen_sim_raise(port);
    events_upcall();
    assert_int_equal(calls.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_init_maps_shared_info_and_sets_the_vector, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_init_reports_a_failed_mapping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init_reports_a_refused_vector, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pending_unmasked_port_calls_its_handler_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_masked_port_waits_until_unmasked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_masked_port_beside_a_pending_one_is_left_alone, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_event_before_bind_is_delivered_on_bind, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unknown_ports_are_masked_and_counted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_port_of_the_abi_can_be_bound, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ports_outside_the_abi_or_too_many_are_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_mask_and_unmask_beyond_the_2_level_abi, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_many_ports_across_selector_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_event_raised_during_a_handler_is_not_lost, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unbind_masks_and_forgets_the_handler, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bind_virq, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bind_virq_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bind_virq_that_is_still_bound, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notify_sends_on_the_port, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init_again_forgets_old_bindings, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
