/*
 * Shared between the xenstore client's files: xenstore.c (requests, replies,
 * watches) and xenstore_tx.c (transactions).  Not for other callers.
 */
#ifndef DRIVERS_XENSTORE_INTERNAL_H
#define DRIVERS_XENSTORE_INTERNAL_H

#include "drivers/xenstore/xenstore.h"

/*
 * Room for a path, token or reply in a console line.  Those bytes come from
 * xenstored, or from callers that may have read them there, so they are shown
 * through quote(): never a control byte, and cut short, so that the line
 * stays one printable line.
 */
#define SHOWN_CHARS 100

struct part {
    const char *data;
    size_t len;
};

/*
 * Send one request and wait for its reply.  Returns 0 with the reply in
 * xs->in.hdr / xs->in.body (the caller reads it, then calls reply_done()), or
 * a negative error: the server's XS_ERROR, a timeout, or a reply of the wrong
 * type.
 */
int xenstore_request(struct xenstore *xs, enum xsd_sockmsg_type type, xenstore_tx tx,
                     const struct part *payload, size_t nparts);
/* A request whose payload is just path\0 (READ, DIRECTORY, ...); as xenstore_request(). */
int xenstore_path_request(struct xenstore *xs, enum xsd_sockmsg_type type, xenstore_tx tx,
                          const char *path);
/* A request whose reply is just "OK". */
int xenstore_simple_request(struct xenstore *xs, enum xsd_sockmsg_type type, xenstore_tx tx,
                            const struct part *parts, size_t nparts);
/* Give the reply's buffer back to the decoder. */
void xenstore_reply_done(struct xenstore *xs);
/* A path we may send: 0 with its length in *len, -XS_EINVAL or -XS_E2BIG. */
int xenstore_check_path(const char *path, size_t *len);
/* path\0 as a request's first part: 0, -XS_EINVAL or -XS_E2BIG. */
int xenstore_path_part(const char *path, struct part *part);

/* A late TRANSACTION_START reply: remember its transaction, to end it. */
void xenstore_note_orphan(struct xenstore *xs, const char *body, size_t len);
/* tx may still be open in xenstored (why, for the log): abort it at the next chance. */
void xenstore_orphan_tx(struct xenstore *xs, xenstore_tx tx, const char *why);
/* End (abort) every orphaned transaction; a nested call does nothing. */
void xenstore_end_orphans(struct xenstore *xs);
/* A decimal transaction id, NUL-terminated; 0 is not one. */
bool xenstore_parse_tx_id(const char *s, size_t len, xenstore_tx *tx);

#endif
