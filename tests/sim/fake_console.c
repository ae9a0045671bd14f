#include "sim/fake_console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xen_sim.h"

static struct {
    bool running, stalled;
    size_t drain_limit;
    char *buf;
    size_t len, cap;
    unsigned long drains, bad_indices;
} fc;

static void append(char c)
{
    if (fc.len + 2 > fc.cap) {
        fc.cap = fc.cap ? fc.cap * 2 : 4096;
        fc.buf = realloc(fc.buf, fc.cap);
        if (!fc.buf)
            abort();
    }
    fc.buf[fc.len++] = c;
    fc.buf[fc.len] = '\0';
}

static void run(void *ctx)
{
    (void)ctx;
    struct xencons_interface *ring = xen_sim_console_ring();
    if (fc.stalled || !ring)
        return;

    XENCONS_RING_IDX cons = ring->out_cons;
    XENCONS_RING_IDX prod = __atomic_load_n(&ring->out_prod, __ATOMIC_ACQUIRE);
    XENCONS_RING_IDX avail = prod - cons;
    if (avail > sizeof(ring->out)) {
        fc.bad_indices++;
        return;
    }
    if (fc.drain_limit && avail > fc.drain_limit)
        avail = (XENCONS_RING_IDX)fc.drain_limit;
    if (!avail)
        return;
    for (XENCONS_RING_IDX i = 0; i < avail; i++)
        append(ring->out[MASK_XENCONS_IDX(cons + i, ring->out)]);
    __atomic_store_n(&ring->out_cons, cons + avail, __ATOMIC_RELEASE);
    fc.drains++;
    xen_sim_raise(xen_sim_console_port());
}

void fake_console_start(void)
{
    fake_console_stop();
    fake_console_clear();
    fc.stalled = false;
    fc.drain_limit = 0;
    fc.drains = fc.bad_indices = 0;
    if (xen_sim_register_backend(xen_sim_console_port(), run, NULL)) {
        fprintf(stderr, "fake_console: the sim's backend table is full\n");
        abort();
    }
    fc.running = true;
}

void fake_console_stop(void)
{
    if (fc.running)
        xen_sim_unregister_backend(run, NULL);
    fc.running = false;
}

void fake_console_stall(bool stalled)
{
    fc.stalled = stalled;
}

void fake_console_set_drain_limit(size_t max)
{
    fc.drain_limit = max;
}

const char *fake_console_output(size_t *len)
{
    if (len)
        *len = fc.len;
    return fc.buf ? fc.buf : "";
}

void fake_console_clear(void)
{
    fc.len = 0;
    if (fc.buf)
        fc.buf[0] = '\0';
}

unsigned long fake_console_drains(void)
{
    return fc.drains;
}

unsigned long fake_console_bad_indices(void)
{
    return fc.bad_indices;
}
