/*
 * fake_xenstored: see fake_xenstored.h; its files fake_xenstored_private.h
 * lists.  This one: allocation and paths, creation, a resume in a new domain,
 * and the toolstack's calls.  Host-only code, so it uses libc.
 */
#include "sim/fake_xenstored.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/xenstore/xenstore.h"
#include "sim/fake_xenstored_private.h"
#include "sim/fxs_tree.h"

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

const char *fxs_below_home(const struct fake_xenstored *fx, const char *abs)
{
    size_t n = strlen(fx->home);
    if (strncmp(abs, fx->home, n) == 0 && abs[n] == '/')
        return abs + n + 1;
    return NULL;
}

/* No allocation: every request and fxs_* call makes one. */
bool fxs_absolute(const struct fake_xenstored *fx, const char *path, bool allow_special, char *abs)
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
    const char *rel = fxs_below_home(fx, abs);
    return valid_chars(abs) && !strstr(abs, "//") && (len == 1 || abs[len - 1] != '/') &&
           (!rel || strlen(rel) <= XENSTORE_REL_PATH_MAX);
}

/* ---- creation */

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
        fxs_watch_free(w);
    }
    while (fx->txns)
        fxs_txn_end(fx, fx->txns);
}

void fxs_state_free(struct fake_xenstored *fx)
{
    forget_guest(fx);
    for (int i = 0; i < XS_TYPE_COUNT; i++)
        free(fx->fail_next[i]);
    fxs_node_put(fx->root);
    free(fx->out);
}

void fxs_destroy(struct fake_xenstored *fx)
{
    if (!fx)
        return;
    fxs_state_free(fx);
    free(fx->ring);
    free(fx);
}

struct xenstore_domain_interface *fxs_ring(struct fake_xenstored *fx)
{
    return fx->ring;
}

/* ---- a resume in a new domain */

void fxs_set_domid(struct fake_xenstored *fx, unsigned int domid)
{
    char old_home[HOME_MAX];
    memcpy(old_home, fx->home, sizeof(old_home));
    set_home(fx, domid);
    /* The same domid (a soft reset in place): the tree stays where it is. */
    if (strcmp(old_home, fx->home) != 0 && fxs_tree_find(fx->root, old_home))
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

/* ---- the toolstack side */

int fxs_write(struct fake_xenstored *fx, const char *path, const char *value)
{
    char abs[ABS_BUF];
    if (!fxs_absolute(fx, path, false, abs))
        return -XS_EINVAL;
    return strlen(value) > XENSTORE_PAYLOAD_MAX
               ? -XS_E2BIG
               : fxs_store_write(fx, NULL, abs, value, strlen(value));
}

static struct fxs_node *lookup(struct fake_xenstored *fx, const char *path)
{
    char abs[ABS_BUF];
    return fxs_absolute(fx, path, false, abs) ? fxs_tree_find(fx->root, abs) : NULL;
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
    if (!fxs_absolute(fx, path, false, abs))
        return -XS_EINVAL;
    return fxs_tree_find(fx->root, abs) ? fxs_store_rm(fx, NULL, abs) : -XS_ENOENT;
}
