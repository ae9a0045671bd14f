/*
 * fake_xenstored's transport (fake_xenstored_private.h): the output queue and
 * replies, the request ring read and served, the response ring written, and
 * the ring_transport a client waits on.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/fake_xenstored.h"
#include "sim/fake_xenstored_private.h"

/* ---- output */

void fxs_out_append(struct fake_xenstored *fx, const void *bytes, size_t len)
{
    if (fx->out_len + len > fx->out_cap) {
        fx->out_cap = (fx->out_len + len) * 2;
        fx->out = realloc(fx->out, fx->out_cap);
        if (!fx->out)
            abort();
    }
    memcpy(fx->out + fx->out_len, bytes, len);
    fx->out_len += len;
}

void fxs_out_message(struct fake_xenstored *fx, uint32_t type, uint32_t req_id, uint32_t tx_id,
                     const void *payload, size_t len)
{
    struct xsd_sockmsg hdr = {.type = type, .req_id = req_id, .tx_id = tx_id, .len = (uint32_t)len};
    fxs_out_append(fx, &hdr, sizeof(hdr));
    fxs_out_append(fx, payload, len);
}

void fxs_reply(struct fake_xenstored *fx, const struct xsd_sockmsg *req, const void *payload,
               size_t len)
{
    if (req->type < XS_TYPE_COUNT && fx->lose_reply[req->type]) {
        fx->lose_reply[req->type] = false; /* carried out, but the reply never comes */
        return;
    }
    fxs_out_message(fx, req->type, req->req_id, req->tx_id, payload, len);
}

void fxs_reply_ok(struct fake_xenstored *fx, const struct xsd_sockmsg *req)
{
    fxs_reply(fx, req, "OK", 3);
}

void fxs_reply_error(struct fake_xenstored *fx, const struct xsd_sockmsg *req, const char *name)
{
    fxs_out_message(fx, XS_ERROR, req->req_id, req->tx_id, name, strlen(name) + 1);
}

/* ---- the rings */

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* Take what the request ring holds; serve each request as it completes. */
static bool read_requests(struct fake_xenstored *fx)
{
    struct xenstore_domain_interface *ring = fx->ring;
    const size_t hdr_size = sizeof(struct xsd_sockmsg);
    bool progress = false;

    for (;;) {
        XENSTORE_RING_IDX prod = __atomic_load_n(&ring->req_prod, __ATOMIC_ACQUIRE);
        XENSTORE_RING_IDX cons = ring->req_cons;
        if (prod == cons || prod - cons > XENSTORE_RING_SIZE)
            return progress;

        size_t off = MASK_XENSTORE_IDX(cons);
        size_t avail = min_size(prod - cons, XENSTORE_RING_SIZE - off);
        const char *src = &ring->req[off];
        size_t n;
        if (fx->in_skip) {
            n = min_size(avail, fx->in_skip);
            fx->in_skip -= n;
        } else if (fx->in_got < hdr_size) {
            n = min_size(avail, hdr_size - fx->in_got);
            memcpy((char *)&fx->in_hdr + fx->in_got, src, n);
        } else {
            n = min_size(avail, hdr_size + fx->in_hdr.len - fx->in_got);
            memcpy(fx->in_body + fx->in_got - hdr_size, src, n);
        }
        if (!fx->in_skip && n)
            fx->in_got += n;
        __atomic_store_n(&ring->req_cons, cons + (XENSTORE_RING_IDX)n, __ATOMIC_RELEASE);
        progress = true;

        if (fx->in_got == hdr_size && fx->in_hdr.len > XENSTORE_PAYLOAD_MAX) {
            fxs_reply_error(fx, &fx->in_hdr, "E2BIG");
            fx->in_skip = fx->in_hdr.len;
            fx->in_got = 0;
        } else if (fx->in_got >= hdr_size && fx->in_got == hdr_size + fx->in_hdr.len) {
            fx->in_body[fx->in_hdr.len] = '\0';
            fx->in_got = 0;
            fxs_serve(fx, &fx->in_hdr, fx->in_body);
        }
    }
}

static bool write_output(struct fake_xenstored *fx)
{
    struct xenstore_domain_interface *ring = fx->ring;
    XENSTORE_RING_IDX cons = __atomic_load_n(&ring->rsp_cons, __ATOMIC_ACQUIRE);
    XENSTORE_RING_IDX prod = ring->rsp_prod;
    if (prod - cons > XENSTORE_RING_SIZE)
        return false;

    size_t n = min_size(fx->out_len, XENSTORE_RING_SIZE - (prod - cons));
    if (fx->chunk)
        n = min_size(n, fx->chunk);
    if (n == 0)
        return false;
    for (size_t done = 0; done < n;) {
        size_t off = MASK_XENSTORE_IDX(prod + done);
        size_t piece = min_size(n - done, XENSTORE_RING_SIZE - off);
        memcpy(&ring->rsp[off], fx->out + done, piece);
        done += piece;
    }
    __atomic_store_n(&ring->rsp_prod, prod + (XENSTORE_RING_IDX)n, __ATOMIC_RELEASE);
    memmove(fx->out, fx->out + n, fx->out_len - n);
    fx->out_len -= n;
    return true;
}

bool fxs_run(struct fake_xenstored *fx)
{
    if (fx->paused)
        return false;
    bool progress = read_requests(fx);
    return write_output(fx) || progress;
}

/* ---- the transport */

static void transport_notify(void *ctx)
{
    ((struct fake_xenstored *)ctx)->notifies++;
}

static bool transport_wait(void *ctx, uint64_t deadline_ns)
{
    struct fake_xenstored *fx = ctx;
    if (fxs_run(fx))
        fx->clock_ns += 1000;
    else if (fx->clock_ns < deadline_ns)
        fx->clock_ns = deadline_ns;
    return true;
}

static uint64_t transport_now_ns(void *ctx)
{
    return ((struct fake_xenstored *)ctx)->clock_ns;
}

void fxs_transport(struct fake_xenstored *fx, struct ring_transport *out)
{
    *out = (struct ring_transport){
        .notify = transport_notify,
        .wait = transport_wait,
        .now_ns = transport_now_ns,
        .ctx = fx,
    };
}
