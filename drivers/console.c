/* The PV console ring, output side: see console.h. */
#include "drivers/console.h"

#include "lib/printk.h"
#include "lib/string.h"

void console_init(struct console *c, struct xencons_interface *ring,
                  const struct ring_transport *transport)
{
    c->ring = ring;
    c->transport = *transport;
    c->stalled = false;
    c->dropped = 0;
    c->dropped_reported = 0;
    c->cr_sent = false;
    c->mid_line = false;
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
 * (in answer to the kick just sent, say): look once.  A wait the transport
 * refuses (a line printed from inside a wait) drops the line at once, as a
 * stalled ring does, rather than waiting one level deeper.
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
        if (!t->wait(t->ctx, deadline))
            return false;
    }
    return true;
}

/* How many bytes of s[0..max) come before its first "\n" (max if none). */
static size_t line_run(const char *s, size_t max)
{
    size_t k = 0;
    while (k < max && s[k] != '\n')
        k++;
    return k;
}

/* Copy s[0..len) into the ring from index prod on: at most two pieces, as the ring wraps. */
static void copy_in(struct xencons_interface *ring, XENCONS_RING_IDX prod, const char *s,
                    size_t len)
{
    size_t at = MASK_XENCONS_IDX(prod, ring->out), first = sizeof(ring->out) - at;
    if (first > len)
        first = len;
    memcpy(ring->out + at, s, first);
    memcpy(ring->out, s + first, len - first);
}

/*
 * Copy as much of s as fits into the ring, each "\n" as "\r\n", and publish
 * it; returns the bytes of s taken.  A "\r" already sent for the "\n" at s[0]
 * (c->cr_sent) is not sent again, so a pair split by a full ring stays whole.
 */
static size_t put(struct console *c, const char *s, size_t len, XENCONS_RING_IDX space)
{
    struct xencons_interface *ring = c->ring;
    XENCONS_RING_IDX prod = ring->out_prod, n = 0;
    size_t taken = 0;

    while (taken < len && n < space) {
        if (s[taken] == '\n') {
            ring->out[MASK_XENCONS_IDX(prod + n++, ring->out)] = c->cr_sent ? '\n' : '\r';
            if (c->cr_sent)
                taken++;
            c->cr_sent = !c->cr_sent;
            c->mid_line = false;
            continue;
        }
        size_t room = space - n < len - taken ? space - n : len - taken;
        size_t k = line_run(s + taken, room);
        copy_in(ring, prod + n, s + taken, k);
        taken += k;
        n += (XENCONS_RING_IDX)k;
        c->mid_line = true;
    }
    /* The bytes must be visible before the index that publishes them. */
    __atomic_store_n(&ring->out_prod, prod + n, __ATOMIC_RELEASE);
    return taken;
}

static size_t write_text(struct console *c, const char *s, size_t len)
{
    size_t written = 0;

    while (written < len) {
        XENCONS_RING_IDX space = free_space(c->ring);
        if (space == 0) {
            c->transport.notify(c->transport.ctx);
            if (!wait_for_room(c)) {
                c->dropped += len - written;
                break;
            }
            continue;
        }
        c->stalled = false;
        written += put(c, s + written, len - written, space);
    }
    return written;
}

/*
 * Bytes dropped since the last note, said on the console itself once it has
 * room for the whole note (on a line of its own).  Not through printk: this
 * runs inside printk's console sink, and only the console lost anything.
 */
static void report_dropped(struct console *c)
{
    char note[96];
    unsigned long dropped = c->dropped - c->dropped_reported;
    if (!dropped)
        return;
    int n = fmt_snprintf(note, sizeof(note),
                         "%stest-vm: console: %lu bytes were dropped while the ring was full\n",
                         c->mid_line ? "\n" : "", dropped);
    /* Room for it, each "\n" as two bytes; a kick may make some (as in write_text). */
    size_t need = (size_t)n + 2;
    if (need > free_space(c->ring)) {
        c->transport.notify(c->transport.ctx);
        if (need > free_space(c->ring))
            return;
    }
    c->dropped_reported = c->dropped;
    write_text(c, note, (size_t)n);
}

size_t console_write(struct console *c, const char *s, size_t len)
{
    XENCONS_RING_IDX prod = c->ring->out_prod;
    if (!len)
        return 0;
    report_dropped(c);
    size_t written = write_text(c, s, len);
    if (c->ring->out_prod != prod)
        c->transport.notify(c->transport.ctx);
    return written;
}

void console_printk_sink(const char *s, size_t len, void *ctx)
{
    console_write(ctx, s, len);
}
