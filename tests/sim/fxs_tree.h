/*
 * fxs_tree: the fake xenstored's store, a tree of nodes (a value and
 * children each) that the store and its open transactions share.
 *
 * A node may have several holders (the store's root, a transaction's root,
 * parents in different versions of the tree): refs counts them.  A shared
 * node never changes; to change a path, fxs_tree_own() copies every shared
 * node on it (path copying), so a transaction starts by sharing the store's
 * root (fxs_node_share: no copy) and each version sees only its own changes.
 * Before this, every transaction copied the whole store at its start.
 *
 * Paths are absolute ("/local/domain/7/data"), already checked by the caller.
 */
#ifndef SIM_FXS_TREE_H
#define SIM_FXS_TREE_H

#include <stdbool.h>
#include <stddef.h>

struct fxs_node {
    unsigned int refs;
    char *value; /* NUL-terminated; len bytes before the NUL */
    size_t len;
    struct fxs_node **children; /* in creation order */
    size_t nchildren, cap;
    /*
     * A cache for big nodes: an open-addressing table (nslots, a power of
     * two) of child positions + 1 by name_hash, 0 for a free slot.  Built
     * by the first lookup once there are FXS_INDEX_MIN children, dropped
     * when children move; NULL until then.
     */
    unsigned int *slots;
    size_t nslots;
    size_t name_len;
    unsigned int name_hash; /* of name: a child lookup compares names only when these match */
    char name[];            /* one path component; "" for the root */
};

/* An empty root, held once. */
struct fxs_node *fxs_tree_new(void);

/* One more holder of n (returns n); fxs_node_put() drops one. */
struct fxs_node *fxs_node_share(struct fxs_node *n);
void fxs_node_put(struct fxs_node *n);

/* The node at abs, or NULL if absent.  It must not be changed (it may be shared). */
struct fxs_node *fxs_tree_find(struct fxs_node *root, const char *abs);

/*
 * The node at abs in the tree *root, with it and every node above it made
 * the tree's own (copied if shared, *root and the parents updated), so that
 * it may change; missing nodes are created with empty values if create,
 * else NULL is returned for a missing node.
 */
struct fxs_node *fxs_tree_own(struct fxs_node **root, const char *abs, bool create);

/* Set the value of a node fxs_tree_own() returned. */
void fxs_node_set(struct fxs_node *n, const char *value, size_t len);

/* Remove the subtree at abs (it exists and is not the root). */
void fxs_tree_remove(struct fxs_node **root, const char *abs);

/*
 * The node at abs (which exists, not the root) takes the last component of
 * to_abs as its name, in its place among its siblings; a sibling that had
 * that name is removed first.  to_abs has the same parent as abs.
 */
void fxs_tree_rename(struct fxs_node **root, const char *abs, const char *to_abs);

#endif
