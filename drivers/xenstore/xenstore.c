/*
 * Xenstore client: sending requests and taking in what comes back.  One way
 * up: the ring's bytes (xenstore_ring.c) go to the message decoder
 * (xenstore_decoder.c), whose whole messages this file dispatches: events to
 * the watch list (xenstore_watch.c), replies to the request that waits.  The
 * operations (read, write, watch...) are in xenstore_ops.c, transactions in
 * xenstore_tx.c.
 */
#ifdef HOST_BUILD
#define _POSIX_C_SOURCE 200809L /* -std=c11 hides libc's strnlen */
#endif

#include "drivers/xenstore/xenstore_internal.h"

#include "drivers/xenstore/xenstore_ring.h"
#include "lib/log.h"
#include "lib/quote.h"
#include "lib/string.h"

void xenstore_init(struct xenstore *xs, struct xenstore_domain_interface *ring,
                   const struct ring_transport *transport)
{
    memset(xs, 0, sizeof(*xs));
    xs->ring = ring;
    xs->transport = *transport;
    xs->next_req_id = 1;
}

/* ---- incoming messages */

/* Payload "path\0token\0". */
static void handle_watch_event(struct xenstore *xs)
{
    const char *body = xs->in.body;
    size_t len = xs->in.hdr.len;
    size_t path_len = strnlen(body, len);

    if (path_len == 0 || path_len >= len || path_len >= XENSTORE_PATH_MAX) {
        log_info("xenstore",
                 "protocol error: malformed watch event (len %zu, path len %zu); skipped", len,
                 path_len);
        xs->protocol_errors++;
        return;
    }
    const char *token = body + path_len + 1;
    /* in.body is NUL-terminated after len, so strlen stays inside it. */
    size_t token_len = strlen(token);
    if (token_len >= XENSTORE_TOKEN_MAX) {
        log_info("xenstore", "protocol error: watch event token of %zu bytes; skipped", token_len);
        xs->protocol_errors++;
        return;
    }
    xenstore_watches_queue_event(&xs->watches, body, path_len, token, token_len);
}

static bool is_request_type(uint32_t type)
{
    switch (type) {
    case XS_DIRECTORY:
    case XS_READ:
    case XS_WATCH:
    case XS_UNWATCH:
    case XS_TRANSACTION_START:
    case XS_TRANSACTION_END:
    case XS_WRITE:
    case XS_RM:
        return true;
    default:
        return false;
    }
}

/*
 * The decoder holds a complete message.  Returns true if it is the awaited
 * reply (left in place for its request); anything else is handled and
 * given back to the decoder.
 */
static bool dispatch(struct xenstore *xs)
{
    const struct xsd_sockmsg *hdr = &xs->in.hdr;

    if (hdr->type == XS_WATCH_EVENT) {
        handle_watch_event(xs);
    } else if (hdr->type != XS_ERROR && !is_request_type(hdr->type)) {
        log_info("xenstore",
                 "protocol error: message of unexpected type %u (req_id %u, len %u); skipped",
                 hdr->type, hdr->req_id, hdr->len);
        xs->protocol_errors++;
    } else if (xs->awaiting_reply && hdr->req_id == xs->awaiting_req_id) {
        xs->reply_ready = true;
        return true;
    } else {
        /* Typically the late reply to a request that timed out. */
        log_info("xenstore", "skipped a reply (type %u req_id %u) no request waits for", hdr->type,
                 hdr->req_id);
        if (hdr->type == XS_TRANSACTION_START)
            xenstore_note_orphan(xs, xs->in.body, hdr->len);
    }
    xenstore_decoder_next(&xs->in);
    return false;
}

/* Take what the response ring holds, until the awaited reply (if any) is in. */
static void receive(struct xenstore *xs)
{
    unsigned long corrupt = 0;
    while (!xs->reply_ready) {
        if (xs->in.complete) {
            dispatch(xs);
            continue;
        }
        if (!xenstore_ring_receive(xs->ring, &xs->in, &xs->transport, &corrupt))
            break;
    }
    xs->protocol_errors += corrupt;
}

size_t xenstore_feed(struct xenstore *xs, const char *bytes, size_t len)
{
    size_t used = 0;
    while (used < len && !xs->reply_ready) {
        unsigned long bad = xs->in.bad_headers;
        used += xenstore_decoder_feed(&xs->in, bytes + used, len - used);
        xs->protocol_errors += xs->in.bad_headers - bad;
        if (xs->in.complete)
            dispatch(xs);
    }
    return used;
}

bool xenstore_next_watch_event(struct xenstore *xs, struct xenstore_watch_event *ev)
{
    receive(xs);
    return xenstore_watches_next_event(&xs->watches, ev);
}

bool xenstore_watch_event_queued(const struct xenstore *xs)
{
    return xs->watches.len > 0;
}

bool xenstore_has_work(struct xenstore *xs)
{
    return xs->watches.len > 0 || xs->n_orphans > 0 || xs->in.complete ||
           xenstore_ring_has_input(xs->ring);
}

void xenstore_service(struct xenstore *xs)
{
    receive(xs);
    xenstore_end_orphans(xs);
}

unsigned long xenstore_events_dropped(const struct xenstore *xs)
{
    return xs->watches.dropped;
}

unsigned long xenstore_protocol_errors(const struct xenstore *xs)
{
    return xs->protocol_errors + xs->in.bad_headers;
}

/* ---- requests */

static uint64_t now(struct xenstore *xs)
{
    return xs->transport.now_ns(xs->transport.ctx);
}

static int send_bytes(struct xenstore *xs, const char *p, size_t len, uint64_t deadline)
{
    for (;;) {
        long n = xenstore_ring_put(xs->ring, p, len);
        if (n < 0)
            return -XS_EIO;
        if (n > 0)
            xs->transport.notify(xs->transport.ctx);
        p += n;
        len -= (size_t)n;
        if (len == 0)
            return 0;
        if (now(xs) >= deadline || !xs->transport.wait(xs->transport.ctx, deadline))
            return -XS_ETIMEDOUT;
    }
}

/*
 * Half a request in the ring would put the server out of step for good, so
 * a message that fits the ring waits until it fits whole.  Only a message
 * over XENSTORE_RING_SIZE can be cut short by the deadline, and only if the
 * server stops reading in the middle of it.
 */
static int send_message(struct xenstore *xs, const struct part *parts, size_t nparts,
                        uint64_t deadline)
{
    size_t total = 0;
    for (size_t i = 0; i < nparts; i++)
        total += parts[i].len;

    long space;
    size_t need = total < XENSTORE_RING_SIZE ? total : XENSTORE_RING_SIZE;
    while ((space = xenstore_ring_space(xs->ring)) >= 0 && (size_t)space < need) {
        if (now(xs) >= deadline || !xs->transport.wait(xs->transport.ctx, deadline))
            return -XS_ETIMEDOUT;
    }

    int err = space < 0 ? -XS_EIO : 0;
    size_t sent = 0;
    for (size_t i = 0; i < nparts && !err; i++) {
        err = send_bytes(xs, parts[i].data, parts[i].len, deadline);
        sent += err ? 0 : parts[i].len;
    }
    if (err == -XS_EIO)
        log_info("xenstore", "request ring indices are corrupt (cons %u prod %u)",
                 xs->ring->req_cons, xs->ring->req_prod);
    else if (err && sent > 0)
        log_info("xenstore",
                 "request ring stalled in the middle of a %zu-byte message: the server is out of "
                 "step from now on",
                 total);
    return err;
}

void xenstore_reply_done(struct xenstore *xs)
{
    xs->reply_ready = false;
    xenstore_decoder_next(&xs->in);
}

int xenstore_request(struct xenstore *xs, enum xsd_sockmsg_type type, xenstore_tx tx,
                     const struct part *payload, size_t nparts)
{
    struct xsd_sockmsg hdr = {.type = type, .req_id = xs->next_req_id++, .tx_id = tx};
    struct part parts[3] = {{(const char *)&hdr, sizeof(hdr)}};
    uint64_t deadline = now(xs) + XENSTORE_REPLY_TIMEOUT_NS;

    for (size_t i = 0; i < nparts; i++) {
        hdr.len += (uint32_t)payload[i].len;
        parts[i + 1] = payload[i];
    }

    xs->awaiting_reply = true;
    xs->awaiting_req_id = hdr.req_id;
    int err = send_message(xs, parts, nparts + 1, deadline);
    while (!err) {
        receive(xs);
        if (xs->reply_ready)
            break;
        if (now(xs) >= deadline || !xs->transport.wait(xs->transport.ctx, deadline))
            err = -XS_ETIMEDOUT;
    }
    xs->awaiting_reply = false;
    if (err) {
        log_info("xenstore", "request type %u req_id %u: %s", type, hdr.req_id,
                 xenstore_error_name(err));
        return err;
    }

    if (xs->in.hdr.type == XS_ERROR) {
        err = -xenstore_error_from_name(xs->in.body, strnlen(xs->in.body, xs->in.hdr.len));
        xenstore_reply_done(xs);
        return err;
    }
    if (xs->in.hdr.type != type) {
        log_info("xenstore", "protocol error: reply of type %u to request type %u (req_id %u)",
                 xs->in.hdr.type, type, hdr.req_id);
        xs->protocol_errors++;
        xenstore_reply_done(xs);
        return -XS_EPROTO;
    }
    return 0;
}

int xenstore_simple_request(struct xenstore *xs, enum xsd_sockmsg_type type, xenstore_tx tx,
                            const struct part *parts, size_t nparts)
{
    int err = xenstore_request(xs, type, tx, parts, nparts);
    if (!err)
        xenstore_reply_done(xs);
    return err;
}

/*
 * Check a path (and the payload it heads) before it goes out: xenstored
 * treats an oversized message as a protocol violation and drops the
 * connection, so it must never be sent.
 */
int xenstore_check_path(const char *path, size_t *len)
{
    *len = 0;
    if (!path || !*path)
        return -XS_EINVAL;
    *len = strnlen(path, XENSTORE_ABS_PATH_MAX + 1);
    return *len > XENSTORE_ABS_PATH_MAX ? -XS_E2BIG : 0;
}

int xenstore_path_request(struct xenstore *xs, enum xsd_sockmsg_type type, xenstore_tx tx,
                          const char *path)
{
    struct part part;
    int err = xenstore_path_part(path, &part);
    return err ? err : xenstore_request(xs, type, tx, &part, 1);
}

int xenstore_path_part(const char *path, struct part *part)
{
    size_t len;
    int err = xenstore_check_path(path, &len);
    *part = (struct part){path, len + 1};
    return err;
}

void xenstore_resume(struct xenstore *xs, struct xenstore_domain_interface *ring, bool same_domain)
{
    xs->ring = ring;
    xs->reply_ready = false;
    xs->awaiting_reply = false;
    if (!same_domain) {
        /* The old connection's bytes, half-messages and open transactions died with it. */
        xenstore_decoder_reset(&xs->in);
        xenstore_ring_discard_input(ring);
        xs->n_orphans = 0;
    }
    xenstore_watches_unregister_all(&xs->watches);
}
