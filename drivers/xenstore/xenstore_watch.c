/* The client's watch list and event queue: see xenstore_watch.h. */
#include "drivers/xenstore/xenstore_watch.h"

#include "lib/log.h"
#include "lib/quote.h"
#include "lib/string.h"

/* Room for an event's path or token in a console line (see xenstore.c). */
#define SHOWN_CHARS 100

static struct xenstore_watch_event *queued(struct xenstore_watches *w, unsigned int i)
{
    return &w->queue[(w->head + i) % XENSTORE_WATCH_QUEUE];
}

static bool token_is_watched(const struct xenstore_watches *w, const char *token)
{
    for (int i = 0; i < XENSTORE_MAX_WATCHES; i++) {
        if (w->list[i].active && strcmp(w->list[i].token, token) == 0)
            return true;
    }
    return false;
}

struct xenstore_watch *xenstore_watches_find(struct xenstore_watches *w, const char *path,
                                             const char *token)
{
    for (int i = 0; i < XENSTORE_MAX_WATCHES; i++) {
        struct xenstore_watch *e = &w->list[i];
        if (e->active && strcmp(e->path, path) == 0 && strcmp(e->token, token) == 0)
            return e;
    }
    return NULL;
}

struct xenstore_watch *xenstore_watches_add(struct xenstore_watches *w, const char *path,
                                            size_t path_len, const char *token)
{
    for (int i = 0; i < XENSTORE_MAX_WATCHES; i++) {
        struct xenstore_watch *e = &w->list[i];
        if (e->active)
            continue;
        e->active = true;
        e->registered = false;
        memcpy(e->path, path, path_len + 1);
        memcpy(e->token, token, strlen(token) + 1);
        return e;
    }
    return NULL;
}

/* Forget queued events of a token nobody watches any more. */
static void purge_events(struct xenstore_watches *w, const char *token)
{
    unsigned int kept = 0;
    for (unsigned int i = 0; i < w->len; i++) {
        struct xenstore_watch_event *ev = queued(w, i);
        if (strcmp(ev->token, token) == 0)
            continue;
        if (kept != i)
            *queued(w, kept) = *ev;
        kept++;
    }
    w->len = kept;
}

void xenstore_watches_forget(struct xenstore_watches *w, struct xenstore_watch *entry)
{
    entry->active = false;
    entry->registered = false;
    if (!token_is_watched(w, entry->token))
        purge_events(w, entry->token);
}

void xenstore_watches_unregister_all(struct xenstore_watches *w)
{
    for (int i = 0; i < XENSTORE_MAX_WATCHES; i++)
        w->list[i].registered = false;
}

void xenstore_watches_queue_event(struct xenstore_watches *w, const char *path, size_t path_len,
                                  const char *token, size_t token_len)
{
    /* Events of a watch we removed may still be on their way: not news. */
    if (!token_is_watched(w, token))
        return;
    if (w->len == XENSTORE_WATCH_QUEUE) {
        /* A twin already queued carries the same news: the consumer re-reads the key anyway. */
        for (unsigned int i = 0; i < w->len; i++) {
            struct xenstore_watch_event *ev = queued(w, i);
            if (strcmp(ev->path, path) == 0 && strcmp(ev->token, token) == 0)
                return;
        }
        char shown_path[SHOWN_CHARS], shown_token[SHOWN_CHARS];
        quote(shown_path, SHOWN_CHARS, path, path_len, QUOTE_BARE, SIZE_MAX);
        quote(shown_token, SHOWN_CHARS, token, token_len, QUOTE_BARE, SIZE_MAX);
        w->dropped++;
        log_info("xenstore",
                 "watch event queue full: dropped event %s (token %s), %lu dropped so far",
                 shown_path, shown_token, w->dropped);
        return;
    }
    struct xenstore_watch_event *ev = queued(w, w->len++);
    memcpy(ev->path, path, path_len + 1);
    memcpy(ev->token, token, token_len + 1);
}

bool xenstore_watches_next_event(struct xenstore_watches *w, struct xenstore_watch_event *ev)
{
    if (w->len == 0)
        return false;
    *ev = *queued(w, 0);
    w->head = (w->head + 1) % XENSTORE_WATCH_QUEUE;
    w->len--;
    return true;
}
