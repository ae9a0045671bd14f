/* The floor guest: see floor.h. */
#include "floor/floor.h"

#include "arch/xen_calls.h"
#include "drivers/pvclock.h"
#include "lib/string.h"

/* SCHEDOP_poll on the xenstore port until it is pending or Xen's clock reaches timeout_ns (0:
 * none). */
static void poll_store(struct floor *f, uint64_t timeout_ns)
{
    evtchn_port_t port = f->store_port;
    struct sched_poll poll = {.nr_ports = 1, .timeout = timeout_ns};
    set_xen_guest_handle(poll.ports, &port);
    hypercall_sched_op(SCHEDOP_poll, &poll);
    /* Cleared after the poll, before the caller looks at the ring again: no wake-up is lost. */
    unsigned int bits = sizeof(xen_ulong_t) * 8;
    __atomic_fetch_and(&f->shared->evtchn_pending[port / bits], ~((xen_ulong_t)1 << (port % bits)),
                       __ATOMIC_SEQ_CST);
}

static void store_notify(void *ctx)
{
    xen_evtchn_send(((struct floor *)ctx)->store_port);
}

static bool store_wait(void *ctx, uint64_t deadline_ns)
{
    /* Timeout 0 means "none" to Xen: a deadline of 0 has passed already. */
    if (deadline_ns)
        poll_store(ctx, deadline_ns);
    return true;
}

static uint64_t store_now_ns(void *ctx)
{
    struct vcpu_time_info now;
    pvclock_snapshot(&((struct floor *)ctx)->shared->vcpu_info[0].time, &now);
    return pvclock_read_ns(&now, arch_rdtsc());
}

int floor_start(struct floor *f, void *frame)
{
    uint64_t pfn = 0, port = 0;
    long rc = xen_map_shared_info(arch_ptr_to_pfn(frame));
    if (!rc)
        rc = xen_hvm_get_param(HVM_PARAM_STORE_PFN, &pfn);
    if (!rc)
        rc = xen_hvm_get_param(HVM_PARAM_STORE_EVTCHN, &port);
    if (rc)
        return (int)rc;
    if (!pfn || !port)
        return -XS_ENOENT;
    f->shared = frame;
    f->store_port = (evtchn_port_t)port;
    struct ring_transport t = {store_notify, store_wait, store_now_ns, f};
    xenstore_init(&f->xs, arch_pfn_to_ptr(pfn), &t);
    f->dropped_seen = 0;

    int err = xenstore_watch(&f->xs, "control/shutdown", FLOOR_TOKEN_SHUTDOWN);
    if (!err)
        err = xenstore_watch(&f->xs, "control/sysrq", FLOOR_TOKEN_SYSRQ);
    if (!err)
        err = xenstore_write(&f->xs, 0, "control/feature-poweroff", "1");
    return err;
}

/* The SHUTDOWN_* reason a control/shutdown request asks for, or -1 for any other value. */
static int request_reason(const char *value)
{
    if (!strcmp(value, "poweroff") || !strcmp(value, "halt"))
        return SHUTDOWN_poweroff;
    if (!strcmp(value, "reboot"))
        return SHUTDOWN_reboot;
    if (!strcmp(value, "crash"))
        return SHUTDOWN_crash;
    return -1;
}

/* Read path; on a value (not "", not absent, no error) that accept() takes, write "" and say so. */
static int read_and_ack(struct floor *f, const char *path, bool any_value)
{
    char value[16];
    int n = xenstore_read(&f->xs, 0, path, value, sizeof(value));
    if (n == -XS_ERANGE && any_value)
        n = 1; /* too long to be a request, but sysrq acks anything */
    if (n <= 0)
        return -1;
    int reason = any_value ? 0 : request_reason(value);
    if (reason < 0 || xenstore_write(&f->xs, 0, path, "") != 0)
        return -1;
    return reason;
}

static int shutdown_changed(struct floor *f)
{
    int reason = read_and_ack(f, "control/shutdown", false);
    if (reason < 0)
        return -1;
    /* Returns only in the host tests (or if Xen refused: then the floor waits on). */
    return xen_sched_shutdown((unsigned int)reason) == 0 ? reason : -1;
}

int floor_handle_events(struct floor *f)
{
    struct xenstore_watch_event ev;
    while (xenstore_next_watch_event(&f->xs, &ev)) {
        bool shutdown = !strcmp(ev.token, FLOOR_TOKEN_SHUTDOWN);
        bool sysrq = !strcmp(ev.token, FLOOR_TOKEN_SYSRQ);
        /* The client's queue overflowed: the lost event may have been either key's. */
        if (xenstore_events_dropped(&f->xs) != f->dropped_seen) {
            f->dropped_seen = xenstore_events_dropped(&f->xs);
            shutdown = sysrq = true;
        }
        if (sysrq)
            read_and_ack(f, "control/sysrq", true);
        if (shutdown) {
            int reason = shutdown_changed(f);
            if (reason >= 0)
                return reason;
        }
    }
    return -1;
}

void floor_wait(struct floor *f)
{
    poll_store(f, 0);
}

int floor_run(struct floor *f, void *frame)
{
    if (floor_start(f, frame)) {
        xen_sched_shutdown(SHUTDOWN_crash);
        return SHUTDOWN_crash;
    }
    for (;;) {
        int reason = floor_handle_events(f);
        if (reason >= 0)
            return reason;
        floor_wait(f);
    }
}
