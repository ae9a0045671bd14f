/*
 * fake_xenstored: see fake_xenstored.h.  Host-only code, so it uses libc.
 * Layout: the node tree and paths, watches, transactions, the request
 * handlers, then the rings and the public calls.
 */
#define _POSIX_C_SOURCE 200809L /* strnlen */

#include "sim/fake_xenstored.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/xenstore.h"
#include "sim/fxs_tree.h"

#define HOME_MAX 32

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
    bool lose_reply[XS_TYPE_COUNT];
    unsigned int drop_events; /* watch events still to drop (fxs_drop_next_events) */
    fxs_reply_hook hook;
    void *hook_ctx;

    unsigned int requests[XS_TYPE_COUNT + 1]; /* the last: unknown types */
    unsigned int notifies;
    uint64_t clock_ns;
};

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "fake_xenstored: out of memory\n");
        abort();
    }
    return p;
}

static char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

/* ---- paths */

static bool valid_chars(const char *p)
{
    for (; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '/' || *p == '_' || *p == '@'))
            return false;
    }
    return true;
}

/* The part of abs below the home, or NULL if abs is not below it. */
static const char *below_home(const struct fake_xenstored *fx, const char *abs)
{
    size_t n = strlen(fx->home);
    if (strncmp(abs, fx->home, n) == 0 && abs[n] == '/')
        return abs + n + 1;
    return NULL;
}

/* Room for an absolute path xenstored accepts. */
#define ABS_BUF (XENSTORE_ABS_PATH_MAX + 1)

/*
 * The absolute form of a path, in abs (ABS_BUF bytes); false if xenstored
 * would call the path invalid.  Watches may also name special paths such as
 * "@releaseDomain".  No allocation: every request and fxs_* call makes one.
 */
static bool absolute(const struct fake_xenstored *fx, const char *path, bool allow_special,
                     char *abs)
{
    bool rooted = path[0] == '/' || (allow_special && path[0] == '@');
    size_t home_len = rooted ? 0 : strlen(fx->home) + 1, len = home_len + strlen(path);
    if (!path[0] || len > XENSTORE_ABS_PATH_MAX)
        return false;
    if (!rooted) {
        memcpy(abs, fx->home, home_len - 1);
        abs[home_len - 1] = '/';
    }
    memcpy(abs + home_len, path, len - home_len + 1);
    const char *rel = below_home(fx, abs);
    return valid_chars(abs) && !strstr(abs, "//") && (len == 1 || abs[len - 1] != '/') &&
           (!rel || strlen(rel) <= XENSTORE_REL_PATH_MAX);
}

/* True if path is base or below it. */
static bool at_or_below(const char *path, const char *base)
{
    size_t n = strlen(base);
    if (strcmp(base, "/") == 0)
        return path[0] == '/';
    return strncmp(path, base, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* ---- output */

static void out_append(struct fake_xenstored *fx, const void *bytes, size_t len)
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

static void out_message(struct fake_xenstored *fx, uint32_t type, uint32_t req_id, uint32_t tx_id,
                        const void *payload, size_t len)
{
    struct xsd_sockmsg hdr = {.type = type, .req_id = req_id, .tx_id = tx_id, .len = (uint32_t)len};
    out_append(fx, &hdr, sizeof(hdr));
    out_append(fx, payload, len);
}

static void reply(struct fake_xenstored *fx, const struct xsd_sockmsg *req, const void *payload,
                  size_t len)
{
    if (req->type < XS_TYPE_COUNT && fx->lose_reply[req->type]) {
        fx->lose_reply[req->type] = false; /* carried out, but the reply never comes */
        return;
    }
    out_message(fx, req->type, req->req_id, req->tx_id, payload, len);
}

static void reply_ok(struct fake_xenstored *fx, const struct xsd_sockmsg *req)
{
    reply(fx, req, "OK", 3);
}

static void reply_error(struct fake_xenstored *fx, const struct xsd_sockmsg *req, const char *name)
{
    out_message(fx, XS_ERROR, req->req_id, req->tx_id, name, strlen(name) + 1);
}

/* ---- watches */

static void send_event(struct fake_xenstored *fx, const struct watch *w, const char *abs)
{
    if (fx->drop_events) {
        fx->drop_events--;
        return;
    }
    const char *path = abs;
    if (w->relative && below_home(fx, abs))
        path = below_home(fx, abs);
    size_t plen = strlen(path), tlen = strlen(w->token);
    char *payload = xmalloc(plen + tlen + 2);
    memcpy(payload, path, plen + 1);
    memcpy(payload + plen + 1, w->token, tlen + 1);
    out_message(fx, XS_WATCH_EVENT, 0, 0, payload, plen + tlen + 2);
    free(payload);
}

/* A change at abs: watches at or above it see abs; when a subtree goes, the
 * watches inside it see their own paths. */
static void fire_watches(struct fake_xenstored *fx, const char *abs, bool removed)
{
    for (struct watch *w = fx->watches; w; w = w->next) {
        if (at_or_below(abs, w->abs))
            send_event(fx, w, abs);
        else if (removed && at_or_below(w->abs, abs))
            send_event(fx, w, w->abs);
    }
}

static struct watch **find_watch(struct fake_xenstored *fx, const char *path, const char *token)
{
    struct watch **link = &fx->watches;
    while (*link && (strcmp((*link)->path, path) != 0 || strcmp((*link)->token, token) != 0))
        link = &(*link)->next;
    return link;
}

static void watch_free(struct watch *w)
{
    free(w->path);
    free(w->token);
    free(w->abs);
    free(w);
}

/* ---- transactions */

static struct txn *find_txn(struct fake_xenstored *fx, uint32_t id)
{
    struct txn *t = fx->txns;
    while (t && t->id != id)
        t = t->next;
    return t;
}

static void txn_end(struct fake_xenstored *fx, struct txn *t)
{
    struct txn **link = &fx->txns;
    while (*link != t)
        link = &(*link)->next;
    *link = t->next;
    if (t->root)
        fxs_node_put(t->root);
    while (t->changes) {
        struct change *c = t->changes;
        t->changes = c->next;
        free(c->abs);
        free(c);
    }
    free(t);
}

/* A change is visible now outside a transaction, or at its commit inside one. */
static void changed(struct fake_xenstored *fx, struct txn *t, const char *abs, bool removed)
{
    if (!t) {
        fx->generation++;
        fire_watches(fx, abs, removed);
        return;
    }
    struct change *c = calloc(1, sizeof(*c));
    if (!c)
        abort();
    c->abs = xstrdup(abs);
    c->removed = removed;
    *t->changes_tail = c;
    t->changes_tail = &c->next;
}

/* The store a transaction sees (t NULL: the store itself). */
static struct fxs_node *view(struct fake_xenstored *fx, const struct txn *t)
{
    return t ? t->root : fx->root;
}

/* Where the root of the store t changes is held (t NULL: the store itself). */
static struct fxs_node **root_of(struct fake_xenstored *fx, struct txn *t)
{
    return t ? &t->root : &fx->root;
}

static int commit(struct fake_xenstored *fx, struct txn *t)
{
    if (t->start_gen != fx->generation)
        return -XS_EAGAIN;
    if (!t->changes)
        return 0; /* it only read: nothing changes */
    /* Nothing changed outside t since it started: its tree is the store plus its changes. */
    fxs_node_put(fx->root);
    fx->root = t->root;
    t->root = NULL;
    fx->generation++;
    for (struct change *c = t->changes; c; c = c->next)
        fire_watches(fx, c->abs, c->removed);
    return 0;
}

/* ---- the store's operations, shared by the guest and the toolstack */

static int store_write(struct fake_xenstored *fx, struct txn *t, const char *abs, const char *value,
                       size_t len)
{
    fxs_node_set(fxs_tree_own(root_of(fx, t), abs, true), value, len);
    changed(fx, t, abs, false);
    return 0;
}

static int store_rm(struct fake_xenstored *fx, struct txn *t, const char *abs)
{
    struct fxs_node *root = view(fx, t);
    struct fxs_node *n = fxs_tree_find(root, abs);
    if (n == root)
        return -XS_EINVAL;
    if (!n) {
        /* Like xenstored: removing an absent node is fine if its parent exists. */
        char *parent = xstrdup(abs);
        *strrchr(parent, '/') = '\0';
        bool parent_exists = parent[0] == '\0' || fxs_tree_find(root, parent);
        free(parent);
        return parent_exists ? 0 : -XS_ENOENT;
    }
    fxs_tree_remove(root_of(fx, t), abs);
    changed(fx, t, abs, true);
    return 0;
}

/* ---- C xenstored's quotas on what a guest may add */

/* Nodes in the subtree at n. */
static unsigned int subtree_nodes(const struct fxs_node *n)
{
    unsigned int count = 1;
    for (size_t i = 0; i < n->nchildren; i++)
        count += subtree_nodes(n->children[i]);
    return count;
}

/* The guest's nodes in the store root: its home and below (0 without a home). */
static unsigned int domain_entries(const struct fake_xenstored *fx, struct fxs_node *root)
{
    struct fxs_node *home = fxs_tree_find(root, fx->home);
    return home ? subtree_nodes(home) : 0;
}

/* What xenstored stores for a node: its record's overhead, value and children's names. */
static size_t node_size(const struct fxs_node *n, size_t value_len, size_t more_children)
{
    size_t size = FXS_NODE_OVERHEAD + value_len + more_children;
    for (size_t i = 0; i < n->nchildren; i++)
        size += n->children[i]->name_len + 1;
    return size;
}

/*
 * 0 or -XS_ENOSPC for a guest's write of len bytes at abs, as C xenstored
 * answers it: a node may not reach FXS_NODE_SIZE_MAX bytes (its value and
 * its children's names count), and the domain may hold at most
 * FXS_ENTRY_QUOTA nodes.  The toolstack (dom0) has no quota.
 */
static int guest_quota(struct fake_xenstored *fx, struct txn *t, const char *abs, size_t len)
{
    if (fx->no_quotas)
        return 0;
    struct fxs_node *root = view(fx, t);
    struct fxs_node *n = fxs_tree_find(root, abs);
    if (n)
        return node_size(n, len, 0) >= FXS_NODE_SIZE_MAX ? -XS_ENOSPC : 0;

    /* New nodes: abs and any missing parents, below the nearest that exists. */
    char parent[ABS_BUF];
    strcpy(parent, abs);
    unsigned int missing = 0;
    struct fxs_node *p = NULL;
    const char *child = abs;
    while (!p) {
        char *slash = strrchr(parent, '/');
        child = abs + (slash - parent) + 1;
        *slash = '\0';
        missing++;
        p = parent[0] ? fxs_tree_find(root, parent) : root;
    }
    const char *child_end = strchr(child, '/');
    size_t child_len = child_end ? (size_t)(child_end - child) : strlen(child);
    if (FXS_NODE_OVERHEAD + len >= FXS_NODE_SIZE_MAX ||
        node_size(p, p->len, child_len + 1) >= FXS_NODE_SIZE_MAX)
        return -XS_ENOSPC;
    if (domain_entries(fx, root) + missing > FXS_ENTRY_QUOTA)
        return -XS_ENOSPC;
    return 0;
}

/* ---- guest requests */

struct request {
    const struct xsd_sockmsg *hdr;
    const char *body;
    struct txn *txn; /* NULL outside a transaction */
};

/* Split the body into NUL-terminated strings; false if there are not n. */
static bool strings(const struct request *r, const char **out, int n)
{
    size_t off = 0;
    for (int i = 0; i < n; i++) {
        size_t len = strnlen(r->body + off, r->hdr->len - off);
        if (off + len >= r->hdr->len)
            return false;
        out[i] = r->body + off;
        off += len + 1;
    }
    return true;
}

static const char *errname(int err)
{
    return xenstore_error_name(err);
}

static void handle_read(struct fake_xenstored *fx, const struct request *r,
                        const struct fxs_node *n)
{
    reply(fx, r->hdr, n->value, n->len);
}

static void handle_directory(struct fake_xenstored *fx, const struct request *r,
                             const struct fxs_node *n)
{
    size_t len = 0;
    for (size_t i = 0; i < n->nchildren; i++)
        len += n->children[i]->name_len + 1;
    char *buf = xmalloc(len);
    size_t off = 0;
    for (size_t i = 0; i < n->nchildren; i++) {
        memcpy(buf + off, n->children[i]->name, n->children[i]->name_len + 1);
        off += n->children[i]->name_len + 1;
    }
    reply(fx, r->hdr, buf, len);
    free(buf);
}

/* READ, DIRECTORY, WRITE, MKDIR, RM: a path first. */
static void handle_node_request(struct fake_xenstored *fx, const struct request *r)
{
    const char *path;
    if (!strings(r, &path, 1))
        return reply_error(fx, r->hdr, "EINVAL");
    char abs[ABS_BUF];
    if (!absolute(fx, path, false, abs))
        return reply_error(fx, r->hdr, "EINVAL");

    struct fxs_node *n = fxs_tree_find(view(fx, r->txn), abs);
    bool modifies = r->hdr->type == XS_WRITE || r->hdr->type == XS_MKDIR || r->hdr->type == XS_RM;
    int err = 0;

    if (modifies && !below_home(fx, abs)) {
        err = -XS_EACCES;
    } else if (r->hdr->type == XS_READ || r->hdr->type == XS_DIRECTORY) {
        if (!n)
            err = -XS_ENOENT;
        else if (r->hdr->type == XS_READ)
            handle_read(fx, r, n);
        else
            handle_directory(fx, r, n);
    } else if (r->hdr->type == XS_WRITE) {
        size_t off = strlen(path) + 1;
        err = guest_quota(fx, r->txn, abs, r->hdr->len - off);
        if (!err) {
            store_write(fx, r->txn, abs, r->body + off, r->hdr->len - off);
            reply_ok(fx, r->hdr);
        }
    } else if (r->hdr->type == XS_MKDIR) {
        err = n ? 0 : guest_quota(fx, r->txn, abs, 0);
        if (!err) {
            if (!n)
                store_write(fx, r->txn, abs, "", 0);
            reply_ok(fx, r->hdr);
        }
    } else {
        err = store_rm(fx, r->txn, abs);
        if (!err)
            reply_ok(fx, r->hdr);
    }
    if (err)
        reply_error(fx, r->hdr, errname(err));
}

static void handle_watch(struct fake_xenstored *fx, const struct request *r)
{
    const char *s[2];
    char abs[ABS_BUF];
    if (!strings(r, s, 2) || !absolute(fx, s[0], true, abs))
        return reply_error(fx, r->hdr, "EINVAL");

    struct watch **link = find_watch(fx, s[0], s[1]);
    if (r->hdr->type == XS_UNWATCH) {
        if (!*link)
            return reply_error(fx, r->hdr, "ENOENT");
        struct watch *w = *link;
        *link = w->next;
        watch_free(w);
        return reply_ok(fx, r->hdr);
    }
    if (*link)
        return reply_error(fx, r->hdr, "EEXIST");
    struct watch *w = calloc(1, sizeof(*w));
    if (!w)
        abort();
    w->path = xstrdup(s[0]);
    w->token = xstrdup(s[1]);
    w->abs = xstrdup(abs);
    w->relative = s[0][0] != '/' && s[0][0] != '@';
    *link = w;
    reply_ok(fx, r->hdr);
    /* xenstored fires a new watch once, after its reply. */
    if (w->abs[0] != '@')
        send_event(fx, w, w->abs);
}

static void handle_transaction(struct fake_xenstored *fx, const struct request *r)
{
    if (r->hdr->type == XS_TRANSACTION_START) {
        if (fxs_transaction_count(fx) >= FXS_TRANSACTION_QUOTA)
            return reply_error(fx, r->hdr, "EQUOTA");
        struct txn *t = calloc(1, sizeof(*t));
        if (!t)
            abort();
        t->id = ++fx->next_tx_id;
        t->root = fxs_node_share(fx->root);
        t->start_gen = fx->generation;
        t->changes_tail = &t->changes;
        t->next = fx->txns;
        fx->txns = t;
        char id[16];
        int n = snprintf(id, sizeof(id), "%u", t->id);
        return reply(fx, r->hdr, id, (size_t)n + 1);
    }
    const char *how;
    if (!strings(r, &how, 1) || (strcmp(how, "T") != 0 && strcmp(how, "F") != 0))
        return reply_error(fx, r->hdr, "EINVAL");
    int err = strcmp(how, "T") == 0 ? commit(fx, r->txn) : 0;
    txn_end(fx, r->txn);
    if (err)
        return reply_error(fx, r->hdr, errname(err));
    reply_ok(fx, r->hdr);
}

static void serve(struct fake_xenstored *fx, const struct xsd_sockmsg *hdr, const char *body)
{
    uint32_t type = hdr->type;
    fx->requests[type < XS_TYPE_COUNT ? type : XS_TYPE_COUNT]++;

    if (fx->hook && fx->hook(fx, hdr, body, fx->hook_ctx))
        return;
    if (type < XS_TYPE_COUNT && fx->fail_next[type]) {
        char *name = fx->fail_next[type];
        fx->fail_next[type] = NULL;
        reply_error(fx, hdr, name);
        free(name);
        struct txn *t = type == XS_TRANSACTION_END ? find_txn(fx, hdr->tx_id) : NULL;
        if (t)
            txn_end(fx, t);
        return;
    }

    struct request r = {hdr, body, NULL};
    if (hdr->tx_id && type != XS_TRANSACTION_START && !(r.txn = find_txn(fx, hdr->tx_id)))
        return reply_error(fx, hdr, "ENOENT");

    switch (type) {
    case XS_READ:
    case XS_DIRECTORY:
    case XS_WRITE:
    case XS_MKDIR:
    case XS_RM:
        return handle_node_request(fx, &r);
    case XS_WATCH:
    case XS_UNWATCH:
        return handle_watch(fx, &r);
    case XS_TRANSACTION_START:
    case XS_TRANSACTION_END:
        return handle_transaction(fx, &r);
    default:
        return reply_error(fx, hdr, "EINVAL");
    }
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
            reply_error(fx, &fx->in_hdr, "E2BIG");
            fx->in_skip = fx->in_hdr.len;
            fx->in_got = 0;
        } else if (fx->in_got >= hdr_size && fx->in_got == hdr_size + fx->in_hdr.len) {
            fx->in_body[fx->in_hdr.len] = '\0';
            fx->in_got = 0;
            serve(fx, &fx->in_hdr, fx->in_body);
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

static void transport_wait(void *ctx, uint64_t deadline_ns)
{
    struct fake_xenstored *fx = ctx;
    if (fxs_run(fx))
        fx->clock_ns += 1000;
    else if (fx->clock_ns < deadline_ns)
        fx->clock_ns = deadline_ns;
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

/* ---- creation and the toolstack side */

static void set_home(struct fake_xenstored *fx, unsigned int domid)
{
    fx->domid = domid;
    snprintf(fx->home, sizeof(fx->home), "/local/domain/%u", domid);
}

static void write_domid(struct fake_xenstored *fx)
{
    char key[HOME_MAX + 8], value[16];
    snprintf(key, sizeof(key), "%s/domid", fx->home);
    snprintf(value, sizeof(value), "%u", fx->domid);
    fxs_node_set(fxs_tree_own(&fx->root, key, true), value, strlen(value));
}

struct fake_xenstored *fxs_create(unsigned int domid)
{
    struct fake_xenstored *fx = calloc(1, sizeof(*fx));
    if (!fx)
        abort();
    fx->ring = aligned_alloc(4096, 4096);
    if (!fx->ring)
        abort();
    memset(fx->ring, 0, 4096);
    fx->root = fxs_tree_new();
    set_home(fx, domid);
    write_domid(fx);
    fx->clock_ns = 1000000000ull; /* not 0: a zero time hides bugs */
    return fx;
}

static void forget_guest(struct fake_xenstored *fx)
{
    while (fx->watches) {
        struct watch *w = fx->watches;
        fx->watches = w->next;
        watch_free(w);
    }
    while (fx->txns)
        txn_end(fx, fx->txns);
}

static void state_free(struct fake_xenstored *fx);

void fxs_destroy(struct fake_xenstored *fx)
{
    if (!fx)
        return;
    state_free(fx);
    free(fx->ring);
    free(fx);
}

struct xenstore_domain_interface *fxs_ring(struct fake_xenstored *fx)
{
    return fx->ring;
}

int fxs_write(struct fake_xenstored *fx, const char *path, const char *value)
{
    char abs[ABS_BUF];
    if (!absolute(fx, path, false, abs))
        return -XS_EINVAL;
    return strlen(value) > XENSTORE_PAYLOAD_MAX ? -XS_E2BIG
                                                : store_write(fx, NULL, abs, value, strlen(value));
}

static struct fxs_node *lookup(struct fake_xenstored *fx, const char *path)
{
    char abs[ABS_BUF];
    return absolute(fx, path, false, abs) ? fxs_tree_find(fx->root, abs) : NULL;
}

const char *fxs_read(struct fake_xenstored *fx, const char *path)
{
    struct fxs_node *n = lookup(fx, path);
    return n ? n->value : NULL;
}

bool fxs_exists(struct fake_xenstored *fx, const char *path)
{
    return lookup(fx, path) != NULL;
}

int fxs_rm(struct fake_xenstored *fx, const char *path)
{
    char abs[ABS_BUF];
    if (!absolute(fx, path, false, abs))
        return -XS_EINVAL;
    return fxs_tree_find(fx->root, abs) ? store_rm(fx, NULL, abs) : -XS_ENOENT;
}

/* ---- snapshots */

struct fxs_snapshot {
    struct fake_xenstored state; /* its pointers the snapshot's own copies */
    unsigned char ring[4096];
};

static struct watch *watches_copy(const struct watch *w)
{
    struct watch *head = NULL, **tail = &head;
    for (; w; w = w->next) {
        struct watch *c = xmalloc(sizeof(*c));
        *c =
            (struct watch){xstrdup(w->path), xstrdup(w->token), xstrdup(w->abs), w->relative, NULL};
        *tail = c;
        tail = &c->next;
    }
    return head;
}

/* dst takes src's state, with its own copies of what src points to (its ring aside). */
static void state_copy(struct fake_xenstored *dst, const struct fake_xenstored *src)
{
    *dst = *src;
    dst->root = fxs_node_share(src->root);
    dst->watches = watches_copy(src->watches);
    dst->out = xmalloc(src->out_cap);
    memcpy(dst->out, src->out, src->out_len);
    for (int i = 0; i < XS_TYPE_COUNT; i++)
        dst->fail_next[i] = src->fail_next[i] ? xstrdup(src->fail_next[i]) : NULL;
}

/* What fxs_destroy() frees, the ring and fx aside. */
static void state_free(struct fake_xenstored *fx)
{
    forget_guest(fx);
    for (int i = 0; i < XS_TYPE_COUNT; i++)
        free(fx->fail_next[i]);
    fxs_node_put(fx->root);
    free(fx->out);
}

struct fxs_snapshot *fxs_snapshot(struct fake_xenstored *fx)
{
    if (fx->txns) {
        fprintf(stderr, "fake_xenstored: no snapshot with a transaction open\n");
        abort();
    }
    struct fxs_snapshot *snap = xmalloc(sizeof(*snap));
    state_copy(&snap->state, fx);
    snap->state.ring = NULL;
    memcpy(snap->ring, fx->ring, sizeof(snap->ring));
    return snap;
}

void fxs_restore(struct fake_xenstored *fx, const struct fxs_snapshot *snap)
{
    struct xenstore_domain_interface *ring = fx->ring;
    state_free(fx);
    state_copy(fx, &snap->state);
    fx->ring = ring;
    memcpy(fx->ring, snap->ring, sizeof(snap->ring));
}

void fxs_snapshot_free(struct fxs_snapshot *snap)
{
    if (!snap)
        return;
    state_free(&snap->state);
    free(snap);
}

/* ---- control */

void fxs_fail_next(struct fake_xenstored *fx, enum xsd_sockmsg_type type, const char *errname)
{
    if ((unsigned int)type >= XS_TYPE_COUNT)
        return;
    free(fx->fail_next[type]);
    fx->fail_next[type] = errname ? xstrdup(errname) : NULL;
}

void fxs_set_chunk(struct fake_xenstored *fx, size_t max_bytes_per_run)
{
    fx->chunk = max_bytes_per_run;
}

void fxs_lose_next_reply(struct fake_xenstored *fx, enum xsd_sockmsg_type type)
{
    if (type < XS_TYPE_COUNT)
        fx->lose_reply[type] = true;
}

void fxs_set_guest_quotas(struct fake_xenstored *fx, bool on)
{
    fx->no_quotas = !on;
}

void fxs_drop_next_events(struct fake_xenstored *fx, unsigned int n)
{
    fx->drop_events = n;
}

void fxs_set_paused(struct fake_xenstored *fx, bool paused)
{
    fx->paused = paused;
}

void fxs_set_domid(struct fake_xenstored *fx, unsigned int domid)
{
    char old_home[HOME_MAX];
    memcpy(old_home, fx->home, sizeof(old_home));
    set_home(fx, domid);
    if (fxs_tree_find(fx->root, old_home))
        fxs_tree_rename(&fx->root, old_home, fx->home); /* a stale new home goes */
    write_domid(fx);
    fx->generation++;

    forget_guest(fx);
    fx->in_got = 0;
    fx->in_skip = 0;
    fx->out_len = 0;
    memset(fx->ring, 0, 4096);
}

unsigned int fxs_domid(struct fake_xenstored *fx)
{
    return fx->domid;
}

void fxs_inject_raw(struct fake_xenstored *fx, const void *bytes, size_t len)
{
    out_append(fx, bytes, len);
}

void fxs_inject_message(struct fake_xenstored *fx, uint32_t type, uint32_t req_id,
                        const void *payload, size_t len)
{
    out_message(fx, type, req_id, 0, payload, len);
}

void fxs_set_reply_hook(struct fake_xenstored *fx, fxs_reply_hook hook, void *ctx)
{
    fx->hook = hook;
    fx->hook_ctx = ctx;
}

bool fxs_write_before_commit_hook(struct fake_xenstored *fx, const struct xsd_sockmsg *req,
                                  const char *payload, void *ctx)
{
    struct fxs_write_before_commit *w = ctx;
    (void)payload;
    if (req->type != XS_TRANSACTION_END || w->times == 0)
        return false;
    if (w->times > 0)
        w->times--;
    fxs_write(fx, w->path, w->value);
    return false;
}

unsigned int fxs_request_count(struct fake_xenstored *fx, enum xsd_sockmsg_type type)
{
    return (unsigned int)type < XS_TYPE_COUNT ? fx->requests[type] : fx->requests[XS_TYPE_COUNT];
}

unsigned int fxs_watch_count(struct fake_xenstored *fx)
{
    unsigned int n = 0;
    for (struct watch *w = fx->watches; w; w = w->next)
        n++;
    return n;
}

unsigned int fxs_entries(struct fake_xenstored *fx)
{
    return domain_entries(fx, fx->root);
}

unsigned int fxs_transaction_count(struct fake_xenstored *fx)
{
    unsigned int n = 0;
    for (struct txn *t = fx->txns; t; t = t->next)
        n++;
    return n;
}

unsigned int fxs_notify_count(struct fake_xenstored *fx)
{
    return fx->notifies;
}

size_t fxs_pending_output(struct fake_xenstored *fx)
{
    return fx->out_len;
}

uint64_t fxs_now_ns(struct fake_xenstored *fx)
{
    return fx->clock_ns;
}

void fxs_advance_clock(struct fake_xenstored *fx, uint64_t ns)
{
    fx->clock_ns += ns;
}
