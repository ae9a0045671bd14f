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
#include "drivers/xenstore/xenstore_decoder.h"
#include "drivers/xenstore/xenstore_watch.h"

typedef uint32_t xenstore_tx; /* 0: no transaction */

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

#define XENSTORE_REPLY_TIMEOUT_NS (5ull * 1000 * 1000 * 1000)
#define XENSTORE_MAX_ORPHANS      8 /* transactions started too late, waiting to be ended */

struct xenstore {
    struct xenstore_domain_interface *ring;
    struct ring_transport transport;
    uint32_t next_req_id;

    struct xenstore_decoder in;      /* the response stream, message by message */
    struct xenstore_watches watches; /* what we watch, and events not yet handed out */

    /* The one request in flight (requests are synchronous). */
    bool awaiting_reply;
    bool reply_ready; /* in.hdr/in.body hold its reply, not yet taken */
    uint32_t awaiting_req_id;

    /*
     * Transactions xenstored started for a TRANSACTION_START whose reply came
     * after its deadline: nobody uses them, and each counts against the
     * domain's quota (10 in C xenstored) until it is ended.
     */
    xenstore_tx orphans[XENSTORE_MAX_ORPHANS];
    unsigned int n_orphans;
    bool ending_orphans;

    unsigned long protocol_errors; /* malformed or unexpected messages skipped */
};

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
/*
 * commit=false aborts.  Returns -XS_EAGAIN when the transaction must be
 * retried.  -XS_ETIMEDOUT for a commit means "unknown": xenstored may have
 * committed it, and only reading the store again tells.
 */
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
 * negative error (-XS_EAGAIN when the tries ran out, XENSTORE_COMMIT_UNKNOWN
 * when the commit's reply timed out).
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
 * Returned by xenstore_transaction_retry() (and so by
 * xenstore_write_if_unchanged()) only when the commit's own reply never came:
 * the transaction may or may not have gone through.  Any other time-out (the
 * start, a request in the body) is -XS_ETIMEDOUT: nothing was committed.  Its
 * name is "ETIMEDOUT" too.
 */
#define XENSTORE_COMMIT_UNKNOWN (-XS_ERROR_COUNT)

/*
 * Paths longer than XENSTORE_ABS_PATH_MAX, and requests whose payload would
 * exceed XENSTORE_PAYLOAD_MAX, fail with -XS_E2BIG before anything is sent;
 * any request fails with -XS_ETIMEDOUT after XENSTORE_REPLY_TIMEOUT_NS.
 */

/*
 * Watch path (relative paths get relative event paths).  The token must be
 * shorter than XENSTORE_TOKEN_MAX.  Returns 0 once xenstored has the watch
 * (also when it says EEXIST: it had it already, e.g. after a resume of the
 * same domain, and then fires no event), -XS_EEXIST if this path+token is
 * registered already, -XS_ENOSPC when all XENSTORE_MAX_WATCHES are in use,
 * or the request's error (the watch is then forgotten; call again to retry).
 * Events are queued only for tokens of watches the caller has asked for.
 */
int xenstore_watch(struct xenstore *xs, const char *path, const char *token);
/* Forgets the watch and its queued events (-XS_ENOENT if we have no such watch). */
int xenstore_unwatch(struct xenstore *xs, const char *path, const char *token);
/*
 * Send XS_UNWATCH but keep the watch as the client knows it (active and
 * registered): from then on the client looks like one whose xenstored lost
 * the watch.  For the test action xenstore-unwatch only.  Returns 0 or the
 * reply's error (-XS_ENOENT if we have no such watch).
 */
int xenstore_unwatch_server_only(struct xenstore *xs, const char *path, const char *token);
/*
 * xenstored may have lost our watches: count every one as unregistered, so
 * that xenstore_watch() sends XS_WATCH again for each (EEXIST from xenstored
 * is then fine).  Queued events stay queued.
 */
void xenstore_watches_maybe_lost(struct xenstore *xs);

/*
 * Drain the response ring without blocking and hand out the oldest queued
 * watch event.  Returns true and fills *ev if there was one.
 */
bool xenstore_next_watch_event(struct xenstore *xs, struct xenstore_watch_event *ev);
/* True if a watch event has been received and not handed out yet. */
bool xenstore_watch_event_queued(const struct xenstore *xs);
/* True if a watch event is queued, unread bytes wait in the response ring, or orphans wait. */
bool xenstore_has_work(struct xenstore *xs);
/*
 * Without blocking on the ring: take what the response ring holds, and end
 * (abort) the orphaned transactions that late replies revealed.
 */
void xenstore_service(struct xenstore *xs);

/* Watch events dropped so far because the queue was full (only ever grows). */
unsigned long xenstore_events_dropped(const struct xenstore *xs);
/* Malformed or unexpected messages from xenstored skipped so far. */
unsigned long xenstore_protocol_errors(const struct xenstore *xs);

/*
 * The response stream decoder, without the ring: take up to len bytes of the
 * reply/event byte stream, and dispatch each complete message (events to
 * the queue, the awaited reply kept for its request; anything malformed is
 * logged, counted and skipped).  Returns the bytes taken: fewer than len
 * only when the awaited reply is complete.  The fuzz target feeds it.
 */
size_t xenstore_feed(struct xenstore *xs, const char *bytes, size_t len);

/*
 * After SHUTDOWN_suspend returned 0.  In a new domain (same_domain false)
 * the ring is new: forget any half-received message and skip what it holds.
 * In the same domain (a non-cooperative resume: Xen kept the bindings) the
 * connection is the old one, with its watch events still in the ring: keep
 * reading it.  Either way xenstored may not have our watches any more: they
 * count as unregistered until xenstore_watch() registers each again (the
 * caller's job, which may retry).  Queued watch events stay queued.
 */
void xenstore_resume(struct xenstore *xs, struct xenstore_domain_interface *ring, bool same_domain);

#endif
