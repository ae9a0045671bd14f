/*
 * fake_xenstored's insides, shared by its files; tests use fake_xenstored.h
 * only.  The server, by concern:
 *
 *   fake_xenstored.c  allocation and paths, creation, a resume in a new
 *                     domain (fxs_set_domid), the toolstack's calls
 *   fxs_ring.c        the output queue and replies, the request and response
 *                     rings, the transport a client waits on
 *   fxs_requests.c    the guest's requests: the hook and faults armed, then
 *                     one handler each kind
 *   fxs_store.c       transactions, the store's changes, the guest's quotas
 *   fxs_watches.c     the guest's watches and their events
 *   fxs_snapshot.c    fxs_snapshot(), fxs_restore()
 *   fxs_control.c     fault injection, control and what happened
 *   fxs_tree.c        the tree of nodes the store and transactions share
 *
 * Paths here are absolute and checked (fxs_absolute()) unless said otherwise.
 */
#ifndef SIM_FAKE_XENSTORED_PRIVATE_H
#define SIM_FAKE_XENSTORED_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/fake_xenstored.h"
#include "sim/fxs_alloc.h"

struct fxs_node;

#define HOME_MAX 32 /* room for "/local/domain/<domid>" */

struct watch {
    char *path; /* as the guest gave it */
    char *token;
    char *abs; /* resolved when registered */
    bool relative;
    struct watch *next;
};

struct change {
    char *abs;
    bool removed;
    struct change *next;
};

struct txn {
    uint32_t id;
    /*
     * The store as the transaction sees it: the store's own root when it
     * started, shared (fxs_tree.h: a change copies only the nodes on its
     * path, in the transaction or outside it).
     */
    struct fxs_node *root;
    uint64_t start_gen; /* fx->generation when it started */
    struct change *changes, **changes_tail;
    struct txn *next;
};

struct fake_xenstored {
    struct xenstore_domain_interface *ring;
    unsigned int domid;
    char home[HOME_MAX]; /* /local/domain/<domid> */

    struct fxs_node *root;
    uint64_t generation; /* bumped by every change outside a transaction */
    struct watch *watches;
    struct txn *txns;
    uint32_t next_tx_id;

    /* The request being read from the request ring. */
    struct xsd_sockmsg in_hdr;
    size_t in_got;
    size_t in_skip; /* body bytes of an oversized request still to discard */
    char in_body[XENSTORE_PAYLOAD_MAX + 1];

    /* Output waiting for room in the response ring. */
    char *out;
    size_t out_len, out_cap;
    size_t chunk;
    bool paused;
    bool no_quotas;

    char *fail_next[XS_TYPE_COUNT];
    unsigned int fail_skip[XS_TYPE_COUNT]; /* requests of the type served before that one */
    bool lose_reply[XS_TYPE_COUNT];
    /* fxs_count_changes(): each path relative to the home ("" for none), its count. */
    char counted_path[FXS_COUNTED_PATHS][64];
    unsigned int counted[FXS_COUNTED_PATHS]; /* its guest changes that landed */
    unsigned int drop_events;                /* watch events still to drop (fxs_drop_next_events) */
    fxs_reply_hook hook;
    void *hook_ctx;

    unsigned int requests[XS_TYPE_COUNT + 1]; /* the last: unknown types */
    unsigned int notifies;
    uint64_t clock_ns;
};

/* Room for an absolute path xenstored accepts. */
#define ABS_BUF (XENSTORE_ABS_PATH_MAX + 1)

/* ---- fake_xenstored.c (allocation: fxs_alloc.h) */

/* The part of abs below the home, or NULL if abs is not below it. */
const char *fxs_below_home(const struct fake_xenstored *fx, const char *abs);
/*
 * The absolute form of a path, in abs (ABS_BUF bytes); false if xenstored
 * would call the path invalid.  allow_special: watches may also name special
 * paths such as "@releaseDomain".
 */
bool fxs_absolute(const struct fake_xenstored *fx, const char *path, bool allow_special, char *abs);

/* A guest change of abs landed: counted if it is a counted path (fxs_count_changes); which. */
int fxs_count_change(struct fake_xenstored *fx, const char *abs);

/* What fxs_destroy() frees, the ring and fx aside. */
void fxs_state_free(struct fake_xenstored *fx);

/* ---- fxs_ring.c: output, delivered by fxs_run() as the response ring has room */

void fxs_out_append(struct fake_xenstored *fx, const void *bytes, size_t len);
void fxs_out_message(struct fake_xenstored *fx, uint32_t type, uint32_t req_id, uint32_t tx_id,
                     const void *payload, size_t len);
/* The reply to req (lost instead if fxs_lose_next_reply() armed that). */
void fxs_reply(struct fake_xenstored *fx, const struct xsd_sockmsg *req, const void *payload,
               size_t len);
void fxs_reply_ok(struct fake_xenstored *fx, const struct xsd_sockmsg *req);
void fxs_reply_error(struct fake_xenstored *fx, const struct xsd_sockmsg *req, const char *name);

/* ---- fxs_requests.c */

/* Serve one complete guest request (body NUL-terminated after hdr->len bytes). */
void fxs_serve(struct fake_xenstored *fx, const struct xsd_sockmsg *hdr, const char *body);

/* ---- fxs_watches.c */

/* Queue w's event for a change at abs (or drop it, fxs_drop_next_events()). */
void fxs_send_event(struct fake_xenstored *fx, const struct watch *w, const char *abs);
/* A change at abs: watches at or above it see abs; when a subtree goes, the
 * watches inside it see their own paths. */
void fxs_fire_watches(struct fake_xenstored *fx, const char *abs, bool removed);
/* The link to the guest's watch of path and token, or to the list's NULL end. */
struct watch **fxs_find_watch(struct fake_xenstored *fx, const char *path, const char *token);
void fxs_watch_free(struct watch *w);

/* ---- fxs_store.c (t NULL: outside a transaction) */

struct txn *fxs_find_txn(struct fake_xenstored *fx, uint32_t id);
/* Forget t: committed, failed or abandoned. */
void fxs_txn_end(struct fake_xenstored *fx, struct txn *t);
/* The store a transaction sees (t NULL: the store itself). */
struct fxs_node *fxs_view(struct fake_xenstored *fx, const struct txn *t);
/* 0, or -XS_EAGAIN if anything changed outside t since it started. */
int fxs_commit(struct fake_xenstored *fx, struct txn *t);
/* The store's operations, shared by the guest and the toolstack: 0 or -XS_*. */
int fxs_store_write(struct fake_xenstored *fx, struct txn *t, const char *abs, const char *value,
                    size_t len);
int fxs_store_rm(struct fake_xenstored *fx, struct txn *t, const char *abs);
/* 0 or -XS_ENOSPC for a guest's write of len bytes at abs, as C xenstored answers it. */
int fxs_guest_quota(struct fake_xenstored *fx, struct txn *t, const char *abs, size_t len);
/* The guest's nodes in the store root: its home and below (0 without a home). */
unsigned int fxs_domain_entries(const struct fake_xenstored *fx, struct fxs_node *root);

#endif
