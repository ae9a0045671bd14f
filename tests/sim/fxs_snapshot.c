/*
 * fake_xenstored's snapshots: fxs_snapshot(), fxs_restore() (fake_xenstored.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/fake_xenstored.h"
#include "sim/fake_xenstored_private.h"
#include "sim/fxs_tree.h"

struct fxs_snapshot {
    struct fake_xenstored state; /* its pointers the snapshot's own copies */
    unsigned char ring[4096];
};

static struct watch *watches_copy(const struct watch *w)
{
    struct watch *head = NULL, **tail = &head;
    for (; w; w = w->next) {
        struct watch *c = fxs_xmalloc(sizeof(*c));
        *c = (struct watch){fxs_xstrdup(w->path), fxs_xstrdup(w->token), fxs_xstrdup(w->abs),
                            w->relative, NULL};
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
    dst->out = fxs_xmalloc(src->out_cap);
    memcpy(dst->out, src->out, src->out_len);
    for (int i = 0; i < XS_TYPE_COUNT; i++)
        dst->fail_next[i] = src->fail_next[i] ? fxs_xstrdup(src->fail_next[i]) : NULL;
}

struct fxs_snapshot *fxs_snapshot(struct fake_xenstored *fx)
{
    if (fx->txns) {
        fprintf(stderr, "fake_xenstored: no snapshot with a transaction open\n");
        abort();
    }
    struct fxs_snapshot *snap = fxs_xmalloc(sizeof(*snap));
    state_copy(&snap->state, fx);
    snap->state.ring = NULL;
    memcpy(snap->ring, fx->ring, sizeof(snap->ring));
    return snap;
}

void fxs_restore(struct fake_xenstored *fx, const struct fxs_snapshot *snap)
{
    struct xenstore_domain_interface *ring = fx->ring;
    fxs_state_free(fx);
    state_copy(fx, &snap->state);
    fx->ring = ring;
    memcpy(fx->ring, snap->ring, sizeof(snap->ring));
}

void fxs_snapshot_free(struct fxs_snapshot *snap)
{
    if (!snap)
        return;
    fxs_state_free(&snap->state);
    free(snap);
}
