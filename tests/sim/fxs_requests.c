/*
 * fake_xenstored's guest requests (fake_xenstored_private.h): each complete
 * request from the ring, after the hook and the faults armed, to its handler.
 */
#define _POSIX_C_SOURCE 200809L /* strnlen */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/xenstore/xenstore.h"
#include "sim/fake_xenstored.h"
#include "sim/fake_xenstored_private.h"
#include "sim/fxs_tree.h"

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
    fxs_reply(fx, r->hdr, n->value, n->len);
}

static void handle_directory(struct fake_xenstored *fx, const struct request *r,
                             const struct fxs_node *n)
{
    size_t len = 0;
    for (size_t i = 0; i < n->nchildren; i++)
        len += n->children[i]->name_len + 1;
    char *buf = fxs_xmalloc(len);
    size_t off = 0;
    for (size_t i = 0; i < n->nchildren; i++) {
        memcpy(buf + off, n->children[i]->name, n->children[i]->name_len + 1);
        off += n->children[i]->name_len + 1;
    }
    fxs_reply(fx, r->hdr, buf, len);
    free(buf);
}

/* READ, DIRECTORY, WRITE, MKDIR, RM: a path first. */
static void handle_node_request(struct fake_xenstored *fx, const struct request *r)
{
    const char *path;
    if (!strings(r, &path, 1))
        return fxs_reply_error(fx, r->hdr, "EINVAL");
    char abs[ABS_BUF];
    if (!fxs_absolute(fx, path, false, abs))
        return fxs_reply_error(fx, r->hdr, "EINVAL");

    struct fxs_node *n = fxs_tree_find(fxs_view(fx, r->txn), abs);
    bool modifies = r->hdr->type == XS_WRITE || r->hdr->type == XS_MKDIR || r->hdr->type == XS_RM;
    int err = 0;

    if (modifies && !fxs_below_home(fx, abs)) {
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
        err = fxs_guest_quota(fx, r->txn, abs, r->hdr->len - off);
        if (!err) {
            fxs_store_write(fx, r->txn, abs, r->body + off, r->hdr->len - off);
            if (!r->txn)
                fxs_count_change(fx, abs);
            fxs_reply_ok(fx, r->hdr);
        }
    } else if (r->hdr->type == XS_MKDIR) {
        err = n ? 0 : fxs_guest_quota(fx, r->txn, abs, 0);
        if (!err) {
            if (!n)
                fxs_store_write(fx, r->txn, abs, "", 0);
            fxs_reply_ok(fx, r->hdr);
        }
    } else {
        err = fxs_store_rm(fx, r->txn, abs);
        if (!err && !r->txn)
            fxs_count_change(fx, abs);
        if (!err)
            fxs_reply_ok(fx, r->hdr);
    }
    if (err)
        fxs_reply_error(fx, r->hdr, errname(err));
}

static void handle_watch(struct fake_xenstored *fx, const struct request *r)
{
    const char *s[2];
    char abs[ABS_BUF];
    if (!strings(r, s, 2) || !fxs_absolute(fx, s[0], true, abs))
        return fxs_reply_error(fx, r->hdr, "EINVAL");

    struct watch **link = fxs_find_watch(fx, s[0], s[1]);
    if (r->hdr->type == XS_UNWATCH) {
        if (!*link)
            return fxs_reply_error(fx, r->hdr, "ENOENT");
        struct watch *w = *link;
        *link = w->next;
        fxs_watch_free(w);
        return fxs_reply_ok(fx, r->hdr);
    }
    if (*link)
        return fxs_reply_error(fx, r->hdr, "EEXIST");
    struct watch *w = calloc(1, sizeof(*w));
    if (!w)
        abort();
    w->path = fxs_xstrdup(s[0]);
    w->token = fxs_xstrdup(s[1]);
    w->abs = fxs_xstrdup(abs);
    w->relative = s[0][0] != '/' && s[0][0] != '@';
    *link = w;
    fxs_reply_ok(fx, r->hdr);
    /* xenstored fires a new watch once, after its reply. */
    if (w->abs[0] != '@')
        fxs_send_event(fx, w, w->abs);
}

static void handle_transaction(struct fake_xenstored *fx, const struct request *r)
{
    if (r->hdr->type == XS_TRANSACTION_START) {
        if (fxs_transaction_count(fx) >= FXS_TRANSACTION_QUOTA)
            return fxs_reply_error(fx, r->hdr, "EQUOTA");
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
        return fxs_reply(fx, r->hdr, id, (size_t)n + 1);
    }
    const char *how;
    if (!strings(r, &how, 1) || (strcmp(how, "T") != 0 && strcmp(how, "F") != 0))
        return fxs_reply_error(fx, r->hdr, "EINVAL");
    int err = strcmp(how, "T") == 0 ? fxs_commit(fx, r->txn) : 0;
    fxs_txn_end(fx, r->txn);
    if (err)
        return fxs_reply_error(fx, r->hdr, errname(err));
    fxs_reply_ok(fx, r->hdr);
}

/*
 * fxs_fail_next/fxs_fail_later: answer the armed request of its type with the
 * error instead of carrying it out (true), once the requests to skip have
 * gone by.  A failed TRANSACTION_END ends the transaction, as in xenstored.
 */
static bool fail_if_armed(struct fake_xenstored *fx, const struct xsd_sockmsg *hdr)
{
    uint32_t type = hdr->type;
    if (type >= XS_TYPE_COUNT || !fx->fail_next[type])
        return false;
    if (fx->fail_skip[type]) {
        fx->fail_skip[type]--;
        return false;
    }
    char *name = fx->fail_next[type];
    fx->fail_next[type] = NULL;
    if (strcmp(name, FXS_LOSE_REPLY) == 0) {
        free(name);
        fx->lose_reply[type] = true; /* carried out below, its reply dropped */
        return false;
    }
    if (strcmp(name, FXS_NO_REPLY) == 0) {
        free(name);
        return true; /* lost: not carried out, not answered */
    }
    fxs_reply_error(fx, hdr, name);
    free(name);
    struct txn *t = type == XS_TRANSACTION_END ? fxs_find_txn(fx, hdr->tx_id) : NULL;
    if (t)
        fxs_txn_end(fx, t);
    return true;
}

void fxs_serve(struct fake_xenstored *fx, const struct xsd_sockmsg *hdr, const char *body)
{
    uint32_t type = hdr->type;
    fx->requests[type < XS_TYPE_COUNT ? type : XS_TYPE_COUNT]++;

    if (fx->hook && fx->hook(fx, hdr, body, fx->hook_ctx))
        return;
    if (fail_if_armed(fx, hdr))
        return;

    struct request r = {hdr, body, NULL};
    if (hdr->tx_id && type != XS_TRANSACTION_START && !(r.txn = fxs_find_txn(fx, hdr->tx_id)))
        return fxs_reply_error(fx, hdr, "ENOENT");

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
        return fxs_reply_error(fx, hdr, "EINVAL");
    }
}
