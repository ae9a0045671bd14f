#include "sim/fake_console.h"

#include <stdio.h>
#include <stdlib.h>

#include "sim/text_buf.h"
#include "sim/xen_sim.h"

static struct {
    bool running, stalled;
    size_t drain_limit;
    struct text_buf out, text; /* as received; with each "\r\n" as "\n" */
    unsigned long drains, bad_indices;
} fc;

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
    /* In at most two pieces: up to the end of the ring, then from its start. */
    for (XENCONS_RING_IDX done = 0; done < avail;) {
        XENCONS_RING_IDX at = MASK_XENCONS_IDX(cons + done, ring->out);
        XENCONS_RING_IDX n = avail - done;
        if (n > sizeof(ring->out) - at)
            n = (XENCONS_RING_IDX)(sizeof(ring->out) - at);
        text_buf_append(&fc.out, ring->out + at, n);
        done += n;
    }
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

const char *fake_console_raw(size_t *len)
{
    if (len)
        *len = fc.out.len;
    return text_buf_text(&fc.out);
}

const char *fake_console_output(size_t *len)
{
    text_buf_clear(&fc.text);
    for (size_t i = 0; i < fc.out.len; i++) {
        if (!(fc.out.buf[i] == '\r' && i + 1 < fc.out.len && fc.out.buf[i + 1] == '\n'))
            text_buf_append(&fc.text, fc.out.buf + i, 1);
    }
    if (len)
        *len = fc.text.len;
    return text_buf_text(&fc.text);
}

void fake_console_clear(void)
{
    text_buf_clear(&fc.out);
}

unsigned long fake_console_drains(void)
{
    return fc.drains;
}

unsigned long fake_console_bad_indices(void)
{
    return fc.bad_indices;
}
