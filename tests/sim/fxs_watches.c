/*
 * fake_xenstored's watches (fake_xenstored_private.h): which watches a change
 * fires, their events, and the guest's list of them.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/fake_xenstored.h"
#include "sim/fake_xenstored_private.h"

/* True if path is base or below it. */
static bool at_or_below(const char *path, const char *base)
{
    size_t n = strlen(base);
    if (strcmp(base, "/") == 0)
        return path[0] == '/';
    return strncmp(path, base, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

void fxs_send_event(struct fake_xenstored *fx, const struct watch *w, const char *abs)
{
    if (fx->drop_events) {
        fx->drop_events--;
        return;
    }
    const char *path = abs;
    if (w->relative && fxs_below_home(fx, abs))
        path = fxs_below_home(fx, abs);
    size_t plen = strlen(path), tlen = strlen(w->token);
    char *payload = fxs_xmalloc(plen + tlen + 2);
    memcpy(payload, path, plen + 1);
    memcpy(payload + plen + 1, w->token, tlen + 1);
    fxs_out_message(fx, XS_WATCH_EVENT, 0, 0, payload, plen + tlen + 2);
    free(payload);
}

void fxs_fire_watches(struct fake_xenstored *fx, const char *abs, bool removed)
{
    for (struct watch *w = fx->watches; w; w = w->next) {
        if (at_or_below(abs, w->abs))
            fxs_send_event(fx, w, abs);
        else if (removed && at_or_below(w->abs, abs))
            fxs_send_event(fx, w, w->abs);
    }
}

struct watch **fxs_find_watch(struct fake_xenstored *fx, const char *path, const char *token)
{
    struct watch **link = &fx->watches;
    while (*link && (strcmp((*link)->path, path) != 0 || strcmp((*link)->token, token) != 0))
        link = &(*link)->next;
    return link;
}

void fxs_watch_free(struct watch *w)
{
    free(w->path);
    free(w->token);
    free(w->abs);
    free(w);
}
