/*
 * The xenstore client's byte level (internal to drivers/xenstore*.c): copy
 * bytes into the request ring, and pull bytes out of the response ring into
 * the message decoder (xenstore_feed()).
 */
#ifndef DRIVERS_XENSTORE_RING_H
#define DRIVERS_XENSTORE_RING_H

#include <stdbool.h>
#include <stddef.h>

#include "drivers/xenstore.h"

/* Free bytes in the request ring, or -1 if its indices are corrupt. */
long xenstore_ring_space(const struct xenstore_domain_interface *ring);

/*
 * Copy as much of data as fits into the request ring and publish it.
 * Returns the bytes copied (0 when the ring is full), or -1 if the ring's
 * indices are corrupt (the server's consumer index is out of range).
 */
long xenstore_ring_put(struct xenstore_domain_interface *ring, const void *data, size_t len);

/*
 * Feed the unread bytes of the response ring to xenstore_feed() and hand the
 * space back, stopping early once the awaited reply is complete.  Corrupt
 * indices are logged and the ring's content skipped.  Returns true if any
 * byte was taken.
 */
bool xenstore_ring_receive(struct xenstore *xs);

/* True if unread bytes wait in the response ring. */
bool xenstore_ring_has_input(const struct xenstore_domain_interface *ring);

/* Skip whatever the response ring holds (after a resume). */
void xenstore_ring_discard_input(struct xenstore_domain_interface *ring);

/*
 * Called by xenstore_feed() for each complete message in in_hdr/in_body.
 * Returns true if it was the awaited reply (the decoder then stops and
 * leaves it in place).  Implemented in drivers/xenstore.c.
 */
bool xenstore_dispatch_message(struct xenstore *xs);

#endif
