/*
 * The xenstore ring at byte level (io/xs_wire.h, docs/misc/xenstore-ring.txt):
 * copy request bytes in, hand response bytes to the message decoder.  Knows
 * nothing of requests or watches.
 */
#ifndef DRIVERS_XENSTORE_RING_H
#define DRIVERS_XENSTORE_RING_H

#include <stdbool.h>
#include <stddef.h>

#include "arch/xen.h"
#include "drivers/ring_transport.h"
#include "drivers/xenstore/xenstore_decoder.h"

/* Free bytes in the request ring, or -1 if its indices are corrupt. */
long xenstore_ring_space(const struct xenstore_domain_interface *ring);

/*
 * Copy as much of data as fits into the request ring and publish it.
 * Returns the bytes copied (0 when the ring is full), or -1 if the ring's
 * indices are corrupt (the server's consumer index is out of range).
 */
long xenstore_ring_put(struct xenstore_domain_interface *ring, const void *data, size_t len);

/*
 * Feed the unread bytes of the response ring to the decoder and hand the
 * space back, stopping once the decoder holds a complete message.  A server
 * that had filled the ring is notified through t.  Corrupt indices are
 * logged, counted in *corrupt and the ring's content skipped.  Returns true
 * if any byte was taken.
 */
bool xenstore_ring_receive(struct xenstore_domain_interface *ring, struct xenstore_decoder *d,
                           const struct ring_transport *t, unsigned long *corrupt);

/* True if unread bytes wait in the response ring. */
bool xenstore_ring_has_input(const struct xenstore_domain_interface *ring);

/* Skip whatever the response ring holds (after a resume in a new domain). */
void xenstore_ring_discard_input(struct xenstore_domain_interface *ring);

#endif
