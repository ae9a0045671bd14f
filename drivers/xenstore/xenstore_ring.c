/*
 * The xenstore ring at byte level.
 *
 * Ordering (docs/misc/xenstore-ring.txt): a producer writes the data, then
 * publishes the new producer index; a consumer reads the producer index, then
 * the data, then publishes its consumer index.  The acquire loads and release
 * stores below give exactly those orders on any CPU (on x86 they cost only a
 * compiler barrier).  Indices run freely and wrap at 2^32; only their
 * difference and MASK_XENSTORE_IDX() of them matter.
 */
#include "drivers/xenstore/xenstore_ring.h"

#include "lib/log.h"
#include "lib/string.h"

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

long xenstore_ring_space(const struct xenstore_domain_interface *ring)
{
    XENSTORE_RING_IDX used = __atomic_load_n(&ring->req_cons, __ATOMIC_ACQUIRE);
    used = ring->req_prod - used;
    return used > XENSTORE_RING_SIZE ? -1 : (long)(XENSTORE_RING_SIZE - used);
}

long xenstore_ring_put(struct xenstore_domain_interface *ring, const void *data, size_t len)
{
    /* Acquire: read the server's index before writing into the space it frees. */
    XENSTORE_RING_IDX cons = __atomic_load_n(&ring->req_cons, __ATOMIC_ACQUIRE);
    XENSTORE_RING_IDX prod = ring->req_prod;
    XENSTORE_RING_IDX used = prod - cons;

    if (used > XENSTORE_RING_SIZE)
        return -1;

    const char *src = data;
    size_t done = 0;
    size_t room = min_size(len, XENSTORE_RING_SIZE - used);
    while (done < room) {
        size_t off = MASK_XENSTORE_IDX(prod + done);
        size_t n = min_size(room - done, XENSTORE_RING_SIZE - off);
        memcpy(&ring->req[off], src + done, n);
        done += n;
    }
    /* Release: the data is in place before the server can see the index. */
    __atomic_store_n(&ring->req_prod, prod + (XENSTORE_RING_IDX)done, __ATOMIC_RELEASE);
    return (long)done;
}

bool xenstore_ring_has_input(const struct xenstore_domain_interface *ring)
{
    return __atomic_load_n(&ring->rsp_prod, __ATOMIC_ACQUIRE) != ring->rsp_cons;
}

void xenstore_ring_discard_input(struct xenstore_domain_interface *ring)
{
    XENSTORE_RING_IDX prod = __atomic_load_n(&ring->rsp_prod, __ATOMIC_ACQUIRE);
    __atomic_store_n(&ring->rsp_cons, prod, __ATOMIC_RELEASE);
}

bool xenstore_ring_receive(struct xenstore_domain_interface *ring, struct xenstore_decoder *d,
                           const struct ring_transport *t, unsigned long *corrupt)
{
    bool took = false;

    while (!d->complete) {
        /* Acquire: read the producer index before the data it covers. */
        XENSTORE_RING_IDX prod = __atomic_load_n(&ring->rsp_prod, __ATOMIC_ACQUIRE);
        XENSTORE_RING_IDX cons = ring->rsp_cons;
        XENSTORE_RING_IDX avail = prod - cons;

        if (avail == 0)
            break;
        if (avail > XENSTORE_RING_SIZE) {
            log_info("xenstore",
                     "protocol error: response ring indices cons %u prod %u; skipping its content",
                     cons, prod);
            (*corrupt)++;
            xenstore_ring_discard_input(ring);
            break;
        }

        size_t off = MASK_XENSTORE_IDX(cons);
        size_t n = min_size(avail, XENSTORE_RING_SIZE - off);
        size_t used = xenstore_decoder_feed(d, &ring->rsp[off], n);

        /* Release: we are done reading the bytes before the server may reuse them. */
        __atomic_store_n(&ring->rsp_cons, cons + (XENSTORE_RING_IDX)used, __ATOMIC_RELEASE);
        took = took || used > 0;
        /* A server with a full ring waits for room; tell it there is some. */
        if (avail == XENSTORE_RING_SIZE && used > 0)
            t->notify(t->ctx);
        if (used < n)
            break;
    }
    return took;
}
