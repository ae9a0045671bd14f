/*
 * The xenstore ring at byte level, and the reassembly of messages from the
 * response stream.
 *
 * Ordering (docs/misc/xenstore-ring.txt): a producer writes the data, then
 * publishes the new producer index; a consumer reads the producer index, then
 * the data, then publishes its consumer index.  The acquire loads and release
 * stores below give exactly those orders on any CPU (on x86 they cost only a
 * compiler barrier).  Indices run freely and wrap at 2^32; only their
 * difference and MASK_XENSTORE_IDX() of them matter.
 */
#include "drivers/xenstore_ring.h"

#include "lib/printk.h"
#include "lib/string.h"

#define HDR_SIZE sizeof(struct xsd_sockmsg)

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

bool xenstore_ring_receive(struct xenstore *xs)
{
    struct xenstore_domain_interface *ring = xs->ring;
    bool took = false;

    while (!xs->reply_ready) {
        /* Acquire: read the producer index before the data it covers. */
        XENSTORE_RING_IDX prod = __atomic_load_n(&ring->rsp_prod, __ATOMIC_ACQUIRE);
        XENSTORE_RING_IDX cons = ring->rsp_cons;
        XENSTORE_RING_IDX avail = prod - cons;

        if (avail == 0)
            break;
        if (avail > XENSTORE_RING_SIZE) {
            printk("test-vm: xenstore: protocol error: response ring indices cons %u prod %u; "
                   "skipping its content\n",
                   cons, prod);
            xs->protocol_errors++;
            xenstore_ring_discard_input(ring);
            break;
        }

        size_t off = MASK_XENSTORE_IDX(cons);
        size_t n = min_size(avail, XENSTORE_RING_SIZE - off);
        size_t used = xenstore_feed(xs, &ring->rsp[off], n);

        /* Release: we are done reading the bytes before the server may reuse them. */
        __atomic_store_n(&ring->rsp_cons, cons + (XENSTORE_RING_IDX)used, __ATOMIC_RELEASE);
        took = took || used > 0;
        /* A server with a full ring waits for room; tell it there is some. */
        if (avail == XENSTORE_RING_SIZE && used > 0)
            xs->transport.notify(xs->transport.ctx);
        if (used < n)
            break;
    }
    return took;
}

/*
 * A header whose length is beyond XENSTORE_PAYLOAD_MAX means the stream's
 * framing is lost (xenstored never sends one).  We cannot trust that length
 * to skip a body, so we drop the 16 header bytes and read a header again from
 * the next byte: if the junk was only a header, we are back in step at once.
 */
static bool header_is_sane(struct xenstore *xs)
{
    if (xs->in_hdr.len <= XENSTORE_PAYLOAD_MAX)
        return true;
    printk("test-vm: xenstore: protocol error: message type %u req_id %u claims len %u > %u; "
           "dropping its header to resynchronise\n",
           xs->in_hdr.type, xs->in_hdr.req_id, xs->in_hdr.len, XENSTORE_PAYLOAD_MAX);
    xs->protocol_errors++;
    xs->in_got = 0;
    return false;
}

size_t xenstore_feed(struct xenstore *xs, const char *bytes, size_t len)
{
    size_t used = 0;

    while (used < len && !xs->reply_ready) {
        if (xs->in_got < HDR_SIZE) {
            size_t n = min_size(HDR_SIZE - xs->in_got, len - used);
            memcpy((char *)&xs->in_hdr + xs->in_got, bytes + used, n);
            xs->in_got += n;
            used += n;
            if (xs->in_got < HDR_SIZE || !header_is_sane(xs))
                continue;
        } else {
            size_t body_got = xs->in_got - HDR_SIZE;
            size_t n = min_size(xs->in_hdr.len - body_got, len - used);
            memcpy(xs->in_body + body_got, bytes + used, n);
            xs->in_got += n;
            used += n;
        }
        if (xs->in_got == HDR_SIZE + xs->in_hdr.len) {
            /* Bodies are strings; terminate them so no reader can run off. */
            xs->in_body[xs->in_hdr.len] = '\0';
            if (!xenstore_dispatch_message(xs))
                xs->in_got = 0;
        }
    }
    return used;
}
