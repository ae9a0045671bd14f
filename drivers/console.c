#include "drivers/console.h"

void console_init(struct console *c, struct xencons_interface *ring,
                  const struct ring_transport *transport)
{
    c->ring = ring;
    c->transport = *transport;
    c->stalled = false;
    c->dropped = 0;
}

static XENCONS_RING_IDX free_space(const struct xencons_interface *ring)
{
    XENCONS_RING_IDX cons = __atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE);
    XENCONS_RING_IDX prod = ring->out_prod;
    XENCONS_RING_IDX used = prod - cons;
    /* A backend that wrote nonsense indices is treated as a full ring. */
    return used > sizeof(ring->out) ? 0 : (XENCONS_RING_IDX)sizeof(ring->out) - used;
}

/*
 * Wait (bounded) for the backend to make room; false if it never did.  While
 * stalled there is no wait, but the backend may have drained the ring since
 * (in answer to the kick just sent, say): look once.
 */
static bool wait_for_room(struct console *c)
{
    if (c->stalled)
        return free_space(c->ring) != 0;
    const struct ring_transport *t = &c->transport;
    uint64_t deadline = t->now_ns(t->ctx) + CONSOLE_FULL_WAIT_NS;
    while (free_space(c->ring) == 0) {
        if (t->now_ns(t->ctx) >= deadline) {
            c->stalled = true;
            return false;
        }
        t->wait(t->ctx, deadline);
    }
    return true;
}

size_t console_write(struct console *c, const char *s, size_t len)
{
    struct xencons_interface *ring = c->ring;
    size_t written = 0;

    while (written < len) {
        XENCONS_RING_IDX space = free_space(ring);
        if (space == 0) {
            c->transport.notify(c->transport.ctx);
            if (!wait_for_room(c)) {
                c->dropped += len - written;
                break;
            }
            continue;
        }
        c->stalled = false;

        XENCONS_RING_IDX prod = ring->out_prod;
        size_t n = len - written < space ? len - written : space;
        for (size_t i = 0; i < n; i++)
            ring->out[MASK_XENCONS_IDX(prod + i, ring->out)] = s[written + i];
        /* The bytes must be visible before the index that publishes them. */
        __atomic_store_n(&ring->out_prod, prod + (XENCONS_RING_IDX)n, __ATOMIC_RELEASE);
        written += n;
    }
    if (written)
        c->transport.notify(c->transport.ctx);
    return written;
}

void console_printk_sink(const char *s, size_t len, void *ctx)
{
    console_write(ctx, s, len);
}
