/*
 * The xenstore client's watches, as data: which path+token pairs are
 * watched (and whether xenstored has them registered now), and the FIFO of
 * watch events received but not yet handed out.  No requests here: the
 * client (drivers/xenstore/xenstore.c) sends XS_WATCH and feeds events in.
 */
#ifndef DRIVERS_XENSTORE_WATCH_H
#define DRIVERS_XENSTORE_WATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "arch/xen.h"

#define XENSTORE_MAX_WATCHES 8
#define XENSTORE_WATCH_QUEUE 16
#define XENSTORE_PATH_MAX    (XENSTORE_ABS_PATH_MAX + 1)
#define XENSTORE_TOKEN_MAX   32

struct xenstore_watch_event {
    char path[XENSTORE_PATH_MAX];
    char token[XENSTORE_TOKEN_MAX];
};

struct xenstore_watch {
    bool active;     /* the caller wants it: its events are queued */
    bool registered; /* xenstored has it (false again after a resume) */
    char path[XENSTORE_PATH_MAX];
    char token[XENSTORE_TOKEN_MAX];
};

struct xenstore_watches {
    struct xenstore_watch list[XENSTORE_MAX_WATCHES];
    struct xenstore_watch_event queue[XENSTORE_WATCH_QUEUE];
    unsigned int head, len;
    unsigned long dropped; /* events lost because the queue was full */
};

struct xenstore_watch *xenstore_watches_find(struct xenstore_watches *w, const char *path,
                                             const char *token);
/* A new active, unregistered entry (path_len < XENSTORE_PATH_MAX), or NULL if all are in use. */
struct xenstore_watch *xenstore_watches_add(struct xenstore_watches *w, const char *path,
                                            size_t path_len, const char *token);
/* Drop an entry, and the queued events of its token if no other entry has it. */
void xenstore_watches_forget(struct xenstore_watches *w, struct xenstore_watch *entry);
/* After a resume: xenstored may have none of them now. */
void xenstore_watches_unregister_all(struct xenstore_watches *w);

/*
 * An event from xenstored (path and token NUL-terminated, shorter than their
 * maxima): queued if an active entry has the token.  When the queue is full,
 * an event equal to one queued is folded into it; any other is dropped,
 * logged and counted.
 */
void xenstore_watches_queue_event(struct xenstore_watches *w, const char *path, size_t path_len,
                                  const char *token, size_t token_len);
/* Take the oldest queued event; false if there is none. */
bool xenstore_watches_next_event(struct xenstore_watches *w, struct xenstore_watch_event *ev);

#endif
