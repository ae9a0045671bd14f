/*
 * The xenstore response stream, decoded into messages: bytes in, one whole
 * message (a struct xsd_sockmsg header and its body) out at a time.  It
 * knows nothing of rings or requests: drivers/xenstore/xenstore_ring.c feeds it the
 * response ring's bytes, the client (drivers/xenstore/xenstore.c) takes the messages.
 */
#ifndef DRIVERS_XENSTORE_DECODER_H
#define DRIVERS_XENSTORE_DECODER_H

#include <stdbool.h>
#include <stddef.h>

#include "arch/xen.h"

struct xenstore_decoder {
    struct xsd_sockmsg hdr;
    size_t got;                          /* bytes of header + body received so far */
    bool complete;                       /* hdr and body hold a whole message, not yet taken */
    char body[XENSTORE_PAYLOAD_MAX + 1]; /* NUL-terminated after hdr.len bytes */
    unsigned long bad_headers;           /* headers dropped to resynchronise */
};

void xenstore_decoder_reset(struct xenstore_decoder *d);

/*
 * Take up to len bytes of the stream.  Stops as soon as a message is
 * complete (d->complete), so it returns fewer than len bytes then; a header
 * claiming more than XENSTORE_PAYLOAD_MAX is logged and dropped.  Takes
 * nothing while a complete message waits to be taken.
 */
size_t xenstore_decoder_feed(struct xenstore_decoder *d, const char *bytes, size_t len);

/* Done with the complete message: start on the next one. */
void xenstore_decoder_next(struct xenstore_decoder *d);

#endif
