/*
 * fake_xenstored's store (fake_xenstored_private.h): transactions, the
 * changes the guest and the toolstack make, and C xenstored's quotas on what
 * a guest may add.  The tree itself is fxs_tree.c.
 */
#include <stdlib.h>
#include <string.h>

#include "drivers/xenstore/xenstore.h"
#include "sim/fake_xenstored.h"
#include "sim/fake_xenstored_private.h"
#include "sim/fxs_tree.h"

/* ---- transactions */

struct txn *fxs_find_txn(struct fake_xenstored *fx, uint32_t id)
{
    struct txn *t = fx->txns;
    while (t && t->id != id)
        t = t->next;
    return t;
}

void fxs_txn_end(struct fake_xenstored *fx, struct txn *t)
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
        fxs_fire_watches(fx, abs, removed);
        return;
    }
    struct change *c = calloc(1, sizeof(*c));
    if (!c)
        abort();
    c->abs = fxs_xstrdup(abs);
    c->removed = removed;
    *t->changes_tail = c;
    t->changes_tail = &c->next;
}

struct fxs_node *fxs_view(struct fake_xenstored *fx, const struct txn *t)
{
    return t ? t->root : fx->root;
}

/* Where the root of the store t changes is held (t NULL: the store itself). */
static struct fxs_node **root_of(struct fake_xenstored *fx, struct txn *t)
{
    return t ? &t->root : &fx->root;
}

int fxs_commit(struct fake_xenstored *fx, struct txn *t)
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
    /* Each counted path once a commit, however often the transaction changed it. */
    bool counted[FXS_COUNTED_PATHS] = {false};
    for (struct change *c = t->changes; c; c = c->next) {
        fxs_fire_watches(fx, c->abs, c->removed);
        int i = fxs_count_change(fx, c->abs);
        if (i >= 0 && counted[i])
            fx->counted[i]--;
        if (i >= 0)
            counted[i] = true;
    }
    return 0;
}

/* ---- the store's operations, shared by the guest and the toolstack */

int fxs_store_write(struct fake_xenstored *fx, struct txn *t, const char *abs, const char *value,
                    size_t len)
{
    fxs_node_set(fxs_tree_own(root_of(fx, t), abs, true), value, len);
    changed(fx, t, abs, false);
    return 0;
}

int fxs_store_rm(struct fake_xenstored *fx, struct txn *t, const char *abs)
{
    struct fxs_node *root = fxs_view(fx, t);
    struct fxs_node *n = fxs_tree_find(root, abs);
    if (n == root)
        return -XS_EINVAL;
    if (!n) {
        /* Like xenstored: removing an absent node is fine if its parent exists. */
        char *parent = fxs_xstrdup(abs);
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

unsigned int fxs_domain_entries(const struct fake_xenstored *fx, struct fxs_node *root)
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
int fxs_guest_quota(struct fake_xenstored *fx, struct txn *t, const char *abs, size_t len)
{
    if (fx->no_quotas)
        return 0;
    struct fxs_node *root = fxs_view(fx, t);
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
    if (fxs_domain_entries(fx, root) + missing > FXS_ENTRY_QUOTA)
        return -XS_ENOSPC;
    return 0;
}
