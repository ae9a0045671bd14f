/*
 * The fake xenstored's store (tests/sim/fxs_tree.c): versions of the tree
 * share nodes, and a change made in one version never shows in another.
 * The transactions of fake_xenstored rest on this; ASan's leak check sees
 * that a version let go frees what only it held.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim/fxs_tree.h"

static void set(struct fxs_node **root, const char *abs, const char *value)
{
    fxs_node_set(fxs_tree_own(root, abs, true), value, strlen(value));
}

static const char *get(struct fxs_node *root, const char *abs)
{
    struct fxs_node *n = fxs_tree_find(root, abs);
    return n ? n->value : NULL;
}

static void a_write_in_one_version_leaves_the_other_as_it_was(void **state)
{
    (void)state;
    struct fxs_node *store = fxs_tree_new();
    set(&store, "/local/domain/7/control/shutdown", "poweroff");
    set(&store, "/local/domain/7/data/state", "ready");
    set(&store, "/local/domain/7/domid", "7");

    struct fxs_node *txn = fxs_node_share(store);
    set(&txn, "/local/domain/7/control/shutdown", "");
    set(&store, "/local/domain/7/data/state", "pending");
    set(&store, "/local/domain/7/data/new", "x");

    assert_string_equal(get(store, "/local/domain/7/control/shutdown"), "poweroff");
    assert_string_equal(get(txn, "/local/domain/7/control/shutdown"), "");
    assert_string_equal(get(txn, "/local/domain/7/data/state"), "ready");
    assert_null(get(txn, "/local/domain/7/data/new"));
    /* What neither changed is one node, shared; what both reached is not. */
    assert_ptr_equal(fxs_tree_find(store, "/local/domain/7/domid"),
                     fxs_tree_find(txn, "/local/domain/7/domid"));
    assert_ptr_not_equal(fxs_tree_find(store, "/local/domain/7"),
                         fxs_tree_find(txn, "/local/domain/7"));
    fxs_node_put(txn);
    fxs_node_put(store);
}

static void a_removal_in_one_version_leaves_the_other_whole(void **state)
{
    (void)state;
    struct fxs_node *store = fxs_tree_new();
    set(&store, "/a/b/c", "1");
    set(&store, "/a/d", "2");

    struct fxs_node *txn = fxs_node_share(store);
    fxs_tree_remove(&txn, "/a/b");
    assert_null(fxs_tree_find(txn, "/a/b"));
    assert_string_equal(get(txn, "/a/d"), "2");
    assert_string_equal(get(store, "/a/b/c"), "1");

    /* The store lets go of its version first: the transaction's stays whole. */
    fxs_node_put(store);
    assert_string_equal(get(txn, "/a/d"), "2");
    fxs_node_put(txn);
}

static void children_keep_their_creation_order_through_copies(void **state)
{
    (void)state;
    struct fxs_node *store = fxs_tree_new();
    set(&store, "/d/z", "");
    set(&store, "/d/a", "");
    set(&store, "/d/m", "");
    struct fxs_node *txn = fxs_node_share(store);
    set(&txn, "/d/a", "changed");
    fxs_tree_remove(&txn, "/d/z");
    set(&txn, "/d/b", "");

    struct fxs_node *d = fxs_tree_find(txn, "/d");
    assert_int_equal(d->nchildren, 3);
    assert_string_equal(d->children[0]->name, "a");
    assert_string_equal(d->children[1]->name, "m");
    assert_string_equal(d->children[2]->name, "b");
    assert_int_equal(fxs_tree_find(store, "/d")->nchildren, 3);
    assert_string_equal(fxs_tree_find(store, "/d")->children[0]->name, "z");
    fxs_node_put(txn);
    fxs_node_put(store);
}

/* A resume in a new domain: the home takes the new domid, a stale one goes. */
static void a_rename_keeps_the_subtree_and_replaces_a_sibling(void **state)
{
    (void)state;
    struct fxs_node *store = fxs_tree_new();
    set(&store, "/local/domain/7/data/state", "ready");
    set(&store, "/local/domain/8/stale", "old");
    set(&store, "/local/domain/9/other", "kept");
    struct fxs_node *txn = fxs_node_share(store);

    fxs_tree_rename(&store, "/local/domain/7", "/local/domain/8");
    assert_null(fxs_tree_find(store, "/local/domain/7"));
    assert_null(fxs_tree_find(store, "/local/domain/8/stale"));
    assert_string_equal(get(store, "/local/domain/8/data/state"), "ready");
    assert_string_equal(get(store, "/local/domain/9/other"), "kept");
    assert_string_equal(fxs_tree_find(store, "/local/domain")->children[0]->name, "8");
    assert_int_equal(fxs_tree_find(store, "/local/domain")->nchildren, 2);
    /* The other version still has both. */
    assert_string_equal(get(txn, "/local/domain/7/data/state"), "ready");
    assert_string_equal(get(txn, "/local/domain/8/stale"), "old");
    fxs_node_put(store);
    fxs_node_put(txn);
}

static void find_and_own_of_a_missing_path(void **state)
{
    (void)state;
    struct fxs_node *store = fxs_tree_new();
    set(&store, "/a/b", "1");
    assert_null(fxs_tree_find(store, "/a/bb"));
    assert_null(fxs_tree_find(store, "/a/b/c"));
    assert_null(fxs_tree_own(&store, "/x/y", false));
    assert_null(fxs_tree_find(store, "/x"));
    assert_ptr_equal(fxs_tree_find(store, "/"), store);
    fxs_node_put(store);
}

/*
 * A directory of hundreds of children (a guest's flood of data/N keys) is
 * looked up through a hash table of its children: every name is found at
 * its own node through adds, removals (which move the children after it),
 * renames and a version that shares the directory, and no missing name is.
 */
static void a_big_directory_finds_every_child_through_adds_removals_and_renames(void **state)
{
    (void)state;
    enum { KEYS = 300 };
    char path[64], value[16];
    struct fxs_node *store = fxs_tree_new();
    for (int i = 0; i < KEYS; i++) {
        snprintf(path, sizeof(path), "/d/k%d", i);
        snprintf(value, sizeof(value), "%d", i);
        set(&store, path, value);
    }
    struct fxs_node *txn = fxs_node_share(store);
    for (int i = 0; i < KEYS; i += 3) {
        snprintf(path, sizeof(path), "/d/k%d", i);
        fxs_tree_remove(&txn, path);
    }
    fxs_tree_rename(&txn, "/d/k1", "/d/renamed");
    set(&txn, "/d/late", "late");

    for (int i = 0; i < KEYS; i++) {
        snprintf(path, sizeof(path), "/d/k%d", i);
        snprintf(value, sizeof(value), "%d", i);
        assert_string_equal(get(store, path), value); /* the store's version is whole */
        if (i % 3 == 0 || i == 1)
            assert_null(get(txn, path));
        else
            assert_string_equal(get(txn, path), value);
    }
    assert_string_equal(get(txn, "/d/renamed"), "1");
    assert_string_equal(get(txn, "/d/late"), "late");
    assert_null(get(store, "/d/late"));
    assert_null(get(txn, "/d/k300"));
    /* Creation order is kept: the renamed child in k1's place, the late one last. */
    struct fxs_node *d = fxs_tree_find(txn, "/d");
    assert_int_equal(d->nchildren, KEYS - KEYS / 3 + 1);
    assert_string_equal(d->children[0]->name, "renamed");
    assert_string_equal(d->children[d->nchildren - 1]->name, "late");
    fxs_node_put(txn);
    fxs_node_put(store);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_write_in_one_version_leaves_the_other_as_it_was),
        cmocka_unit_test(a_removal_in_one_version_leaves_the_other_whole),
        cmocka_unit_test(children_keep_their_creation_order_through_copies),
        cmocka_unit_test(a_rename_keeps_the_subtree_and_replaces_a_sibling),
        cmocka_unit_test(find_and_own_of_a_missing_path),
        cmocka_unit_test(a_big_directory_finds_every_child_through_adds_removals_and_renames),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
