/*
 * libFuzzer target: the xenstore client against a server that sends
 * arbitrary bytes.
 *
 * Input: [chunk] [flags] [8 operation codes] [response stream...]
 *   chunk  bytes the fake server puts in the response ring per wait (1..256)
 *   flags  bit 0: start the ring indices just below 2^32;
 *          bit 1: corrupt rsp_prod once, halfway through the stream
 *   ops    each picks one client call (see run_op), run in order: bits 0-3
 *          the call (mod 12), bits 4-5 the path, bits 6-7 the token
 * The client writes its requests as usual (the fake server throws them
 * away); whenever it waits, the next chunk of the stream lands in the
 * response ring, wrapping as a real one does.  When the stream runs out the
 * clock jumps to the deadline, so requests time out at once.  Request ids
 * are 1, 2, 3, ... so a seed can hold well-formed replies.
 *
 * Checked: no sanitizer report, after every call the client's state is
 * consistent (queue bounds, NUL-terminated events, no reply left pending,
 * errors in range), and every line the client logs is one whole console
 * line: "test-vm: ", printable ASCII, "\n" (bytes from the server are shown
 * quoted, never raw).
 */
#define _POSIX_C_SOURCE 200809L /* strnlen */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/xenstore/xenstore.h"
#include "lib/printk.h"
#include "sim/log_capture.h"

#define HEADER_LEN 10

struct fuzz_server {
    struct xenstore_domain_interface *ring;
    const uint8_t *stream;
    size_t len, pos;
    size_t chunk;
    bool corrupt_pending;
    uint64_t clock;
};

static void server_notify(void *ctx)
{
    (void)ctx;
}

static bool server_wait(void *ctx, uint64_t deadline)
{
    struct fuzz_server *s = ctx;
    struct xenstore_domain_interface *ring = s->ring;

    ring->req_cons = ring->req_prod; /* requests are read and ignored */

    XENSTORE_RING_IDX prod = ring->rsp_prod;
    XENSTORE_RING_IDX used = prod - ring->rsp_cons;
    size_t n = s->len - s->pos;
    if (n > s->chunk)
        n = s->chunk;
    if (used > XENSTORE_RING_SIZE)
        n = 0; /* corrupt indices: let the client notice */
    else if (n > XENSTORE_RING_SIZE - used)
        n = XENSTORE_RING_SIZE - used;
    for (size_t i = 0; i < n; i++)
        ring->rsp[MASK_XENSTORE_IDX(prod + i)] = (char)s->stream[s->pos + i];
    ring->rsp_prod = prod + (XENSTORE_RING_IDX)n;
    s->pos += n;

    if (s->corrupt_pending && s->pos >= s->len / 2) {
        s->corrupt_pending = false;
        ring->rsp_prod += 0x10000u + (XENSTORE_RING_IDX)s->len;
    }
    if (n == 0 && s->clock < deadline)
        s->clock = deadline;
    else
        s->clock += 1000;
    return true;
}

static uint64_t server_now(void *ctx)
{
    return ((struct fuzz_server *)ctx)->clock;
}

static int tx_body(struct xenstore *xs, xenstore_tx tx, void *ctx)
{
    (void)ctx;
    return xenstore_write(xs, tx, "data/t", "1");
}

static void check_result(int r)
{
    if (r < -(int)XS_ERROR_COUNT)
        abort();
}

static void check_state(const struct xenstore *xs)
{
    const struct xenstore_watches *w = &xs->watches;
    if (w->len > XENSTORE_WATCH_QUEUE || w->head >= XENSTORE_WATCH_QUEUE)
        abort();
    if (xs->n_orphans > XENSTORE_MAX_ORPHANS)
        abort();
    for (unsigned int i = 0; i < w->len; i++) {
        const struct xenstore_watch_event *ev = &w->queue[(w->head + i) % XENSTORE_WATCH_QUEUE];
        if (strnlen(ev->path, sizeof(ev->path)) == sizeof(ev->path) ||
            strnlen(ev->token, sizeof(ev->token)) == sizeof(ev->token))
            abort();
    }
    if (xs->in.got > sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX || xs->reply_ready ||
        xs->awaiting_reply)
        abort();
}

static char big[XENSTORE_PAYLOAD_MAX + 1];

static void run_op(struct xenstore *xs, struct fuzz_server *s, uint8_t op)
{
    static const char *const paths[] = {"data/x", "control/shutdown", "/local/domain/1/a"};
    static const char *const tokens[] = {"t", "shutdown", "x"};
    const char *path = paths[((op >> 4) & 3) % 3];
    const char *token = tokens[(op >> 6) % 3];
    char small[16];
    struct xenstore_watch_event ev;
    xenstore_tx tx;
    int r = 0;

    switch ((op & 15) % 12) {
    case 0:
        r = xenstore_read(xs, 0, path, small, sizeof(small));
        break;
    case 1:
        r = xenstore_read(xs, 0, path, big, sizeof(big));
        if (r >= 0 && (size_t)r >= sizeof(big))
            abort();
        break;
    case 2:
        r = xenstore_write(xs, 0, path, "value");
        break;
    case 3:
        r = xenstore_rm(xs, 0, path);
        break;
    case 4:
        r = xenstore_directory(xs, 0, path, big, sizeof(big));
        break;
    case 5:
        r = xenstore_watch(xs, path, token);
        break;
    case 6:
        r = xenstore_unwatch(xs, path, token);
        break;
    case 7:
        r = xenstore_transaction_start(xs, &tx);
        if (r == 0)
            r = xenstore_transaction_end(xs, tx, op & 0x80);
        break;
    case 8:
        s->ring->req_cons = s->ring->req_prod;
        xs->transport.wait(xs->transport.ctx, s->clock + 1);
        while (xenstore_next_watch_event(xs, &ev)) {
            if (strlen(ev.path) >= sizeof(ev.path) || strlen(ev.token) >= sizeof(ev.token))
                abort();
        }
        break;
    case 9:
        /* A resume (of the same domain if the op's top bit says so), then the service step. */
        xenstore_resume(xs, s->ring, op & 0x80);
        xenstore_service(xs);
        break;
    case 10:
        r = xenstore_write_if_unchanged(xs, path, "poweroff", "");
        break;
    case 11:
        r = xenstore_transaction_retry(xs, tx_body, NULL, 3);
        break;
    }
    check_result(r);
    check_state(xs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct xenstore xs; /* ~80 KiB: not on the stack */
    static struct xenstore_domain_interface *ring;

    if (size < HEADER_LEN)
        return 0;
    if (!ring) {
        ring = aligned_alloc(4096, 4096);
        if (printk_add_sink(log_line_check_sink, (void *)"fuzz_xenstore_reply") != 0)
            abort();
    }
    memset(ring, 0, 4096);

    struct fuzz_server server = {
        .ring = ring,
        .stream = data + HEADER_LEN,
        .len = size - HEADER_LEN,
        .chunk = 1 + (size_t)data[0],
        .corrupt_pending = data[1] & 2,
        .clock = 1,
    };
    if (data[1] & 1)
        ring->req_cons = ring->req_prod = ring->rsp_cons = ring->rsp_prod = 0xfffffc00u + data[0];

    struct ring_transport transport = {server_notify, server_wait, server_now, &server};
    xenstore_init(&xs, ring, &transport);
    for (int i = 2; i < HEADER_LEN; i++)
        run_op(&xs, &server, data[i]);

    /* Whatever is left goes through the event path. */
    run_op(&xs, &server, 8);
    return 0;
}
