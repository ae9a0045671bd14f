/*
 * fake_xenstored: a simulated xenstored for host tests.
 *
 * It serves one guest over a real, page-aligned struct
 * xenstore_domain_interface, exactly as xenstored serves a domU: it reads
 * requests from the request ring and writes replies and watch events to the
 * response ring.  It runs only when asked to (fxs_run()), which the transport
 * from fxs_transport() does whenever the client waits, so a test is a single
 * thread with no timing in it.
 *
 * Typical use:
 *
 *     struct fake_xenstored *fx = fxs_create(7);
 *     struct ring_transport t;
 *     struct xenstore xs;
 *     fxs_transport(fx, &t);
 *     xenstore_init(&xs, fxs_ring(fx), &t);
 *     fxs_write(fx, "control/shutdown", "poweroff");    // the toolstack
 *     ... the code under test uses &xs ...
 *     assert_string_equal(fxs_read(fx, "control/shutdown"), "");
 *     fxs_destroy(fx);
 *
 * The store: a tree of nodes (a value and children each).  Paths without a
 * leading "/" are relative to the guest's home /local/domain/<domid>, for the
 * guest and for the fxs_* toolstack calls alike; the home holds "domid".
 * Implemented: READ, WRITE, MKDIR, RM (recursive; removing an absent node
 * whose parent exists is fine, as in xenstored), DIRECTORY, WATCH, UNWATCH,
 * TRANSACTION_START/END; anything else gets XS_ERROR "EINVAL".
 *
 * Like xenstored: invalid paths (bad characters, "//", a trailing "/", over
 * XENSTORE_ABS_PATH_MAX, or over XENSTORE_REL_PATH_MAX below the home) get
 * EINVAL; a missing node ENOENT; a guest changing anything outside its home
 * EACCES; a duplicate watch EEXIST.  A watch fires once right after it is
 * registered (with its own path), then for every change at or below its path
 * (with the changed path; relative if the watch was relative); removing a
 * subtree also fires the watches inside it, each with its own path.
 *
 * Unlike xenstored (simplifications a test may need to know about):
 *  - a request over XENSTORE_PAYLOAD_MAX gets E2BIG (xenstored would drop
 *    the connection);
 *  - a transaction fails with EAGAIN at commit if anything outside it changed
 *    the store meanwhile (a toolstack write, a guest write outside the
 *    transaction, another commit), not only the nodes it touched;
 *  - no permissions beyond "the guest may change only its home"; of the
 *    quotas, only C xenstored's 10 open transactions a domain
 *    (FXS_TRANSACTION_QUOTA: TRANSACTION_START then gets EQUOTA), 1000
 *    nodes a domain and 2048 bytes a node (FXS_ENTRY_QUOTA and
 *    FXS_NODE_SIZE_MAX: a WRITE or MKDIR past them gets ENOSPC).
 */
#ifndef SIM_FAKE_XENSTORED_H
#define SIM_FAKE_XENSTORED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/xen.h"
#include "drivers/ring_transport.h"

struct fake_xenstored;

#define FXS_TRANSACTION_QUOTA 10
/*
 * C xenstored's quotas on a guest's writes, answered with ENOSPC: nodes a
 * domain holds (quota-nb-entry-per-domain), and a node's size
 * (quota-max-entry-size), counted as Xen 4.17 does: a 24-byte record header,
 * one 8-byte permission, the value and the children's names with their NULs.
 */
#define FXS_ENTRY_QUOTA   1000
#define FXS_NODE_SIZE_MAX 2048
#define FXS_NODE_OVERHEAD (24 + 8)

struct fake_xenstored *fxs_create(unsigned int domid);
void fxs_destroy(struct fake_xenstored *fx);

/* The shared page the guest's client uses (page-aligned, zeroed at creation). */
struct xenstore_domain_interface *fxs_ring(struct fake_xenstored *fx);

/*
 * A transport for the client: notify counts kicks; wait runs the server and,
 * when that made no progress, moves the fake clock to the deadline (so
 * timeouts happen at once); otherwise it moves the clock by 1 us.  now_ns
 * reads the fake clock.
 */
void fxs_transport(struct fake_xenstored *fx, struct ring_transport *out);

/*
 * Serve every complete request in the request ring, then move as much of the
 * pending output (replies, watch events, injected bytes) into the response
 * ring as fits (and as the chunk size allows).  Returns true if anything
 * moved.  Does nothing while paused.
 */
bool fxs_run(struct fake_xenstored *fx);

/* ---- the toolstack side (dom0: no access checks; fires watches) */

/* 0, -XS_EINVAL for an invalid path, -XS_E2BIG for a value over XENSTORE_PAYLOAD_MAX. */
int fxs_write(struct fake_xenstored *fx, const char *path, const char *value);
/* The value (NUL-terminated, valid until the store changes), or NULL if absent. */
const char *fxs_read(struct fake_xenstored *fx, const char *path);
/* Removes the subtree: 0, -XS_ENOENT or -XS_EINVAL. */
int fxs_rm(struct fake_xenstored *fx, const char *path);
bool fxs_exists(struct fake_xenstored *fx, const char *path);

/* ---- fault injection and control */

/*
 * The next guest request of this type is answered with XS_ERROR errname
 * ("EAGAIN", "EACCES", ...) instead of being carried out.  A failed
 * TRANSACTION_END ends the transaction, as in xenstored.
 */
void fxs_fail_next(struct fake_xenstored *fx, enum xsd_sockmsg_type type, const char *errname);
/* The same for the request of this type that comes after skip others (0: the next). */
void fxs_fail_later(struct fake_xenstored *fx, enum xsd_sockmsg_type type, unsigned int skip,
                    const char *errname);
/*
 * Two more ways for fxs_fail_next/later's request to fail, given as errname:
 * carried out, but its reply is lost (FXS_LOSE_REPLY: a commit that went
 * through, the client never told), or neither carried out nor answered
 * (FXS_NO_REPLY: xenstored lost the request; a transaction it would have
 * ended stays open).  Either way the client times out.
 */
#define FXS_LOSE_REPLY "(lose the reply)"
#define FXS_NO_REPLY   "(no reply)"

/*
 * The next guest request of this type is carried out, but its successful
 * reply is lost (an error reply is still sent): e.g. a commit that
 * went through, whose reply the client waits for in vain.
 */
void fxs_lose_next_reply(struct fake_xenstored *fx, enum xsd_sockmsg_type type);

/* The next n watch events (any watch) are never sent: a xenstored that lost them. */
void fxs_drop_next_events(struct fake_xenstored *fx, unsigned int n);

/* Deliver at most max_bytes_per_run bytes of output per fxs_run(); 0: no limit. */
void fxs_set_chunk(struct fake_xenstored *fx, size_t max_bytes_per_run);

/*
 * Whether the guest's writes are held to FXS_ENTRY_QUOTA and
 * FXS_NODE_SIZE_MAX (on at creation); off, payloads up to
 * XENSTORE_PAYLOAD_MAX go in, for tests of the client and the ring.
 */
void fxs_set_guest_quotas(struct fake_xenstored *fx, bool on);

/* While paused, fxs_run() neither reads requests nor writes output. */
void fxs_set_paused(struct fake_xenstored *fx, bool paused);

/*
 * A resume in a new domain: the home moves to /local/domain/<domid> (with
 * "domid" updated), the guest's watches and transactions are forgotten, the
 * ring page is cleared and pending output dropped.  The client must then
 * register its watches again.
 */
void fxs_set_domid(struct fake_xenstored *fx, unsigned int domid);
unsigned int fxs_domid(struct fake_xenstored *fx);

/* Queue arbitrary bytes for the response ring, after the output already queued. */
void fxs_inject_raw(struct fake_xenstored *fx, const void *bytes, size_t len);
/* Queue one well-framed message (any type, req_id and payload). */
void fxs_inject_message(struct fake_xenstored *fx, uint32_t type, uint32_t req_id,
                        const void *payload, size_t len);

/*
 * Called with each guest request before the server handles it.  Return false
 * to let the server answer as usual; true if the hook has dealt with the
 * request (answered it with fxs_inject_message(), or chosen to leave it
 * unanswered).  The hook may change the store with fxs_write() and friends,
 * e.g. to make a transaction conflict at its commit.  NULL removes it.
 */
typedef bool (*fxs_reply_hook)(struct fake_xenstored *fx, const struct xsd_sockmsg *req,
                               const char *payload, void *ctx);
void fxs_set_reply_hook(struct fake_xenstored *fx, fxs_reply_hook hook, void *ctx);

/*
 * A ready-made reply hook, with a struct fxs_write_before_commit as ctx: just
 * before each of the guest's next `times` commits (TRANSACTION_END), the
 * toolstack writes value at path, as if it changed its mind between the
 * guest's read and its commit; that commit then fails with EAGAIN.  times
 * counts down to 0; a negative times means before every commit.
 *
 *     struct fxs_write_before_commit w = {"control/shutdown", "crash", 1};
 *     fxs_set_reply_hook(fx, fxs_write_before_commit_hook, &w);
 */
struct fxs_write_before_commit {
    const char *path, *value;
    int times;
};
bool fxs_write_before_commit_hook(struct fake_xenstored *fx, const struct xsd_sockmsg *req,
                                  const char *payload, void *ctx);

/*
 * A snapshot of the whole server (the store, the guest's watches, the ring
 * page, output not yet delivered, counters, clock, faults armed, hook) with no
 * transaction open; fxs_restore() puts fx back in that state, its ring page
 * and fx itself staying where they are, so a client using them goes on as
 * from the moment of the snapshot.  The store is shared, not copied (fxs_tree.h).
 * For a fuzzer that boots a guest once and starts every input from there.
 */
struct fxs_snapshot;
struct fxs_snapshot *fxs_snapshot(struct fake_xenstored *fx);
void fxs_restore(struct fake_xenstored *fx, const struct fxs_snapshot *snap);
void fxs_snapshot_free(struct fxs_snapshot *snap);

/* ---- what happened */

/*
 * Count the guest's changes of path (relative to the guest's home, wherever
 * that is) that land: a write or removal outside a transaction, or a
 * transaction committed with one (once a commit).  For an oracle of "an ack
 * that landed": fxs_counted_changes(fx, path) says how many.  At most
 * FXS_COUNTED_PATHS paths; counting one again starts it at 0.
 */
#define FXS_COUNTED_PATHS 4
void fxs_count_changes(struct fake_xenstored *fx, const char *path);
unsigned int fxs_counted_changes(struct fake_xenstored *fx, const char *path);

/* Guest requests of this type seen so far (also those failed or hooked). */
unsigned int fxs_request_count(struct fake_xenstored *fx, enum xsd_sockmsg_type type);
/* Watches the guest has registered now. */
unsigned int fxs_watch_count(struct fake_xenstored *fx);
/* Nodes the guest's domain holds in the store: its home and all below it. */
unsigned int fxs_entries(struct fake_xenstored *fx);
/* Transactions the guest has open now. */
unsigned int fxs_transaction_count(struct fake_xenstored *fx);
/* Times the client kicked the event channel. */
unsigned int fxs_notify_count(struct fake_xenstored *fx);
/* Output bytes not yet in the response ring. */
size_t fxs_pending_output(struct fake_xenstored *fx);

uint64_t fxs_now_ns(struct fake_xenstored *fx);
void fxs_advance_clock(struct fake_xenstored *fx, uint64_t ns);

#endif
