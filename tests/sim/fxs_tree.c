/* fxs_tree: see fxs_tree.h.  Host-only code, so it uses libc. */
#include "sim/fxs_tree.h"
#include "sim/fxs_alloc.h"

#include <stdlib.h>
#include <string.h>

/*
 * FNV-1a of a name.  Lookups compare it before the bytes, and the bytes with
 * a loop rather than memcmp(): under libFuzzer every memcmp() call from
 * anywhere is intercepted and recorded for the mutator, and child lookups
 * were a fifth of fuzz_control's time.
 */
static unsigned int name_hash(const char *name, size_t len)
{
    unsigned int h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)name[i]) * 16777619u;
    return h;
}

static bool same_name(const struct fxs_node *n, const char *name, size_t len, unsigned int hash)
{
    if (n->name_hash != hash || n->name_len != len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (n->name[i] != name[i])
            return false;
    return true;
}

/* Below this many children a lookup compares them in turn. */
#define FXS_INDEX_MIN 16

static void index_drop(struct fxs_node *n)
{
    free(n->slots);
    n->slots = NULL;
    n->nslots = 0;
}

static void index_insert(struct fxs_node *n, size_t pos)
{
    size_t mask = n->nslots - 1, i = n->children[pos]->name_hash & mask;
    while (n->slots[i])
        i = (i + 1) & mask;
    n->slots[i] = (unsigned int)pos + 1;
}

/* A table at most half full, so probes stay short. */
static void index_build(struct fxs_node *n)
{
    size_t nslots = 4 * FXS_INDEX_MIN;
    while (nslots < 2 * n->nchildren)
        nslots *= 2;
    n->slots = calloc(nslots, sizeof(*n->slots));
    if (!n->slots)
        abort();
    n->nslots = nslots;
    for (size_t pos = 0; pos < n->nchildren; pos++)
        index_insert(n, pos);
}

static struct fxs_node *node_new(const char *name, size_t name_len, const char *value, size_t len)
{
    struct fxs_node *n = fxs_xmalloc(sizeof(*n) + name_len + 1);
    *n = (struct fxs_node){
        .refs = 1, .len = len, .name_len = name_len, .name_hash = name_hash(name, name_len)};
    memcpy(n->name, name, name_len);
    n->name[name_len] = '\0';
    n->value = fxs_xstrndup(value, len);
    return n;
}

struct fxs_node *fxs_tree_new(void)
{
    return node_new("", 0, "", 0);
}

struct fxs_node *fxs_node_share(struct fxs_node *n)
{
    n->refs++;
    return n;
}

void fxs_node_put(struct fxs_node *n)
{
    if (--n->refs)
        return;
    for (size_t i = 0; i < n->nchildren; i++)
        fxs_node_put(n->children[i]);
    free(n->children);
    free(n->slots);
    free(n->value);
    free(n);
}

static void add_child(struct fxs_node *n, struct fxs_node *c)
{
    if (n->nchildren == n->cap) {
        n->cap = n->cap ? n->cap * 2 : 4;
        n->children = realloc(n->children, n->cap * sizeof(*n->children));
        if (!n->children)
            abort();
    }
    n->children[n->nchildren++] = c;
    if (n->slots) {
        if (2 * n->nchildren > n->nslots)
            index_drop(n); /* rebuilt bigger by the next lookup */
        else
            index_insert(n, n->nchildren - 1);
    }
}

/* A copy of n under a new name, held once, sharing n's children. */
static struct fxs_node *copy_named(const struct fxs_node *n, const char *name, size_t name_len)
{
    struct fxs_node *copy = node_new(name, name_len, n->value, n->len);
    for (size_t i = 0; i < n->nchildren; i++)
        add_child(copy, fxs_node_share(n->children[i]));
    return copy;
}

/* *slot made its holder's own: copied if someone else holds it too. */
static struct fxs_node *own(struct fxs_node **slot)
{
    struct fxs_node *n = *slot;
    if (n->refs > 1) {
        *slot = copy_named(n, n->name, n->name_len);
        n->refs--; /* the slot's hold moved to the copy */
    }
    return *slot;
}

/* The index of n's child named name, or n->nchildren if there is none. */
static size_t child_index(struct fxs_node *n, const char *name, size_t name_len)
{
    unsigned int hash = name_hash(name, name_len);
    if (n->nchildren < FXS_INDEX_MIN) {
        size_t i = 0;
        while (i < n->nchildren && !same_name(n->children[i], name, name_len, hash))
            i++;
        return i;
    }
    /* Only a cache, so a shared node may build it too. */
    if (!n->slots)
        index_build(n);
    size_t mask = n->nslots - 1;
    for (size_t i = hash & mask; n->slots[i]; i = (i + 1) & mask)
        if (same_name(n->children[n->slots[i] - 1], name, name_len, hash))
            return n->slots[i] - 1;
    return n->nchildren;
}

/* The next component of a path at p, up to end: its length; *next is where the one after starts. */
static size_t component(const char *p, const char *end, const char **next)
{
    const char *slash = memchr(p, '/', (size_t)(end - p));
    size_t len = slash ? (size_t)(slash - p) : (size_t)(end - p);
    *next = p + len + (slash ? 1 : 0);
    return len;
}

struct fxs_node *fxs_tree_find(struct fxs_node *root, const char *abs)
{
    struct fxs_node *n = root;
    const char *end = abs + strlen(abs);
    for (const char *p = abs + 1; n && p < end;) {
        const char *name = p;
        size_t len = component(p, end, &p);
        size_t i = child_index(n, name, len);
        n = i < n->nchildren ? n->children[i] : NULL;
    }
    return n;
}

/* fxs_tree_own() of the path's first end - abs bytes. */
static struct fxs_node *own_path(struct fxs_node **root, const char *abs, const char *end,
                                 bool create)
{
    struct fxs_node *n = own(root);
    for (const char *p = abs + 1; p < end;) {
        const char *name = p;
        size_t len = component(p, end, &p);
        size_t i = child_index(n, name, len);
        if (i == n->nchildren) {
            if (!create)
                return NULL;
            add_child(n, node_new(name, len, "", 0));
        }
        n = own(&n->children[i]);
    }
    return n;
}

struct fxs_node *fxs_tree_own(struct fxs_node **root, const char *abs, bool create)
{
    return own_path(root, abs, abs + strlen(abs), create);
}

void fxs_node_set(struct fxs_node *n, const char *value, size_t len)
{
    free(n->value);
    n->value = fxs_xstrndup(value, len);
    n->len = len;
}

/* The parent of abs made the tree's own, and the index of abs among its children. */
static struct fxs_node *own_parent(struct fxs_node **root, const char *abs, size_t *index)
{
    const char *last = strrchr(abs, '/');
    struct fxs_node *p = own_path(root, abs, last, false);
    *index = child_index(p, last + 1, strlen(last + 1));
    return p;
}

static void remove_child(struct fxs_node *p, size_t i)
{
    fxs_node_put(p->children[i]);
    memmove(&p->children[i], &p->children[i + 1], (p->nchildren - i - 1) * sizeof(*p->children));
    p->nchildren--;
    index_drop(p); /* the positions after i moved */
}

void fxs_tree_remove(struct fxs_node **root, const char *abs)
{
    size_t i;
    struct fxs_node *p = own_parent(root, abs, &i);
    remove_child(p, i);
}

void fxs_tree_rename(struct fxs_node **root, const char *abs, const char *to_abs)
{
    const char *to = strrchr(to_abs, '/') + 1;
    size_t i, to_len = strlen(to);
    struct fxs_node *p = own_parent(root, abs, &i);
    size_t stale = child_index(p, to, to_len);
    if (stale == i)
        return; /* the same name */
    if (stale < p->nchildren) {
        remove_child(p, stale);
        if (stale < i)
            i--;
    }
    struct fxs_node *old = p->children[i];
    p->children[i] = copy_named(old, to, to_len);
    fxs_node_put(old);
    index_drop(p); /* a new name at i */
}
