/*
 * Xenstore client over the shared ring (io/xs_wire.h).
 *
 * Requests are synchronous: each one is written to the request ring and the
 * client waits (through its ring_transport) for the reply with the same
 * req_id.  Watch events that arrive in between are queued, not lost, and
 * handed out by xenstore_next_watch_event().  Messages may wrap the ring and
 * arrive in pieces; the client reassembles them.  Ring indices are always read
 * from the shared page, so after a suspend/resume the client simply carries on
 * with whatever the new ring holds.
 *
 * Errors are negative XS_E* codes below; xenstore_error_name() names them
 * ("ENOENT", "EAGAIN", ...) as xenstored does.
 */
#ifndef DRIVERS_XENSTORE_H
#define DRIVERS_XENSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/xen.h"
#include "drivers/ring_transport.h"

/* Error codes (negated when returned).  Names match xenstored's XS_ERROR strings. */
enum xenstore_error {
    XS_OK = 0,
    XS_EINVAL,
    XS_EACCES,
    XS_EEXIST,
    XS_EISDIR,
    XS_ENOENT,
    XS_ENOMEM,
    XS_ENOSPC,
    XS_EIO,
    XS_ENOTEMPTY,
    XS_ENOSYS,
    XS_EROFS,
    XS_EBUSY,
    XS_EAGAIN,
    XS_EISCONN,
    XS_E2BIG,
    XS_EPERM,
    XS_EQUOTA,
    XS_ETIMEDOUT, /* no reply before the deadline (client side) */
    XS_EPROTO,    /* a reply we could not make sense of (client side) */
    XS_ERANGE,    /* caller's buffer too small (client side) */
    XS_EUNKNOWN,  /* an XS_ERROR whose name we do not know */
    XS_ERROR_COUNT
};

const char *xenstore_error_name(int err);                   /* accepts err or -err */
int xenstore_error_from_name(const char *name, size_t len); /* positive code */

#define XENSTORE_MAX_WATCHES      8
#define XENSTORE_WATCH_QUEUE      16
#define XENSTORE_PATH_MAX         (XENSTORE_ABS_PATH_MAX + 1)
#define XENSTORE_TOKEN_MAX        32
#define XENSTORE_REPLY_TIMEOUT_NS (5ull * 1000 * 1000 * 1000)

struct xenstore_watch_event {
    char path[XENSTORE_PATH_MAX];
    char token[XENSTORE_TOKEN_MAX];
};

struct xenstore_watch {
    bool active;
    char path[XENSTORE_PATH_MAX];
    char token[XENSTORE_TOKEN_MAX];
};

struct xenstore {
    struct xenstore_domain_interface *ring;
    struct ring_transport transport;
    uint32_t next_req_id;

    /* The message being reassembled from the response ring. */
    struct xsd_sockmsg in_hdr;
    size_t in_got; /* bytes of header + body received so far */
    char in_body[XENSTORE_PAYLOAD_MAX + 1];

    /* Watch events received but not yet handed out (a FIFO ring). */
    struct xenstore_watch_event queue[XENSTORE_WATCH_QUEUE];
    unsigned int queue_head, queue_len;
    unsigned long events_dropped; /* only if the queue overflowed */

    /* Registered watches, re-registered by xenstore_resume(). */
    struct xenstore_watch watches[XENSTORE_MAX_WATCHES];

    /* The one request in flight (requests are synchronous). */
    bool awaiting_reply;
    bool reply_ready; /* in_hdr/in_body hold its reply, not yet taken */
    uint32_t awaiting_req_id;
    uint32_t awaiting_type;
    unsigned long protocol_errors; /* malformed or unexpected messages skipped */
};

typedef uint32_t xenstore_tx; /* 0: no transaction */

void xenstore_init(struct xenstore *xs, struct xenstore_domain_interface *ring,
                   const struct ring_transport *transport);

/*
 * Read a value into buf (NUL-terminated).  Returns its length, or a negative
 * error (-XS_ERANGE if it does not fit in len - 1 bytes).
 */
int xenstore_read(struct xenstore *xs, xenstore_tx tx, const char *path, char *buf, size_t len);
int xenstore_write(struct xenstore *xs, xenstore_tx tx, const char *path, const char *value);
int xenstore_rm(struct xenstore *xs, xenstore_tx tx, const char *path);
/* Children's names, each NUL-terminated, back to back; returns the count. */
int xenstore_directory(struct xenstore *xs, xenstore_tx tx, const char *path, char *buf,
                       size_t len);

int xenstore_transaction_start(struct xenstore *xs, xenstore_tx *tx);
/* commit=false aborts.  Returns -XS_EAGAIN when the transaction must be retried. */
int xenstore_transaction_end(struct xenstore *xs, xenstore_tx tx, bool commit);

/*
 * The body of a transaction: 0 to commit, > 0 to abort and hand that value
 * back (e.g. "the value is not what we expected"), < 0 to abort with an error.
 * It may run several times, so it must not have side effects outside xenstore.
 */
typedef int (*xenstore_tx_fn)(struct xenstore *xs, xenstore_tx tx, void *ctx);

/*
 * Run fn in a fresh transaction and commit it, starting over when fn or the
 * commit fails with -XS_EAGAIN (another writer touched the store), at most
 * max_tries times.  Returns 0 once committed, fn's positive value, or a
 * negative error (-XS_EAGAIN when the tries ran out).
 */
int xenstore_transaction_retry(struct xenstore *xs, xenstore_tx_fn fn, void *ctx,
                               unsigned int max_tries);

#define XENSTORE_TX_MAX_TRIES  16
#define XENSTORE_VALUE_CHANGED 1

/*
 * Compare and swap: in a transaction (retried on EAGAIN up to
 * XENSTORE_TX_MAX_TRIES times), write value to path only if path still holds
 * expected.  Returns 0 when written, XENSTORE_VALUE_CHANGED when path held
 * something else or was gone (nothing written), or a negative error.  The ack
 * of a control/shutdown request: xenstore_write_if_unchanged(xs,
 * "control/shutdown", "poweroff", "").
 */
int xenstore_write_if_unchanged(struct xenstore *xs, const char *path, const char *expected,
                                const char *value);

/*
 * Paths longer than XENSTORE_ABS_PATH_MAX, and requests whose payload would
 * exceed XENSTORE_PAYLOAD_MAX, fail with -XS_E2BIG before anything is sent;
 * any request fails with -XS_ETIMEDOUT after XENSTORE_REPLY_TIMEOUT_NS.
 */

/*
 * Watch path (relative paths get relative event paths).  The token must be
 * shorter than XENSTORE_TOKEN_MAX.  -XS_EEXIST if this path+token is already
 * watched, -XS_ENOSPC when all XENSTORE_MAX_WATCHES are in use.  Events are
 * queued only for tokens of registered watches.
 */
int xenstore_watch(struct xenstore *xs, const char *path, const char *token);
/* Forgets the watch and its queued events (-XS_ENOENT if we have no such watch). */
int xenstore_unwatch(struct xenstore *xs, const char *path, const char *token);

/*
 * Drain the response ring without blocking and hand out the oldest queued
 * watch event.  Returns true and fills *ev if there was one.
 */
bool xenstore_next_watch_event(struct xenstore *xs, struct xenstore_watch_event *ev);
/* True if a watch event is queued or unread bytes wait in the response ring. */
bool xenstore_has_work(struct xenstore *xs);

/*
 * The response stream decoder, without the ring: take up to len bytes of the
 * reply/event byte stream, reassemble messages and dispatch them (events to
 * the queue, the awaited reply to in_hdr/in_body; anything malformed is
 * logged, counted in protocol_errors and skipped).  Returns the bytes taken:
 * fewer than len only when the awaited reply is complete.  The ring reader
 * feeds it; the fuzz target feeds it too.
 */
size_t xenstore_feed(struct xenstore *xs, const char *bytes, size_t len);

/*
 * After resuming in a new domain: forget any half-received message, skip
 * whatever the response ring holds (replies to requests that died with the
 * old domain), and register every watch again (each fires once, as on first
 * registration; a watch the server still has counts as registered).  Watch
 * events already queued stay queued.  Returns 0 or the first error.
 */
int xenstore_resume(struct xenstore *xs, struct xenstore_domain_interface *ring);

#endif
