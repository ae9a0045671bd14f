#include "drivers/xenstore/xenstore_decoder.h"

#include "lib/log.h"
#include "lib/string.h"

#define HDR_SIZE sizeof(struct xsd_sockmsg)

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

void xenstore_decoder_reset(struct xenstore_decoder *d)
{
    d->got = 0;
    d->complete = false;
}

void xenstore_decoder_next(struct xenstore_decoder *d)
{
    xenstore_decoder_reset(d);
}

/*
 * A header whose length is beyond XENSTORE_PAYLOAD_MAX means the stream's
 * framing is lost (xenstored never sends one).  We cannot trust that length
 * to skip a body, so we drop the 16 header bytes and read a header again from
 * the next byte: if the junk was only a header, we are back in step at once.
 */
static bool header_is_sane(struct xenstore_decoder *d)
{
    if (d->hdr.len <= XENSTORE_PAYLOAD_MAX)
        return true;
    log_info(
        "xenstore",
        "protocol error: message type %u req_id %u claims len %u > %u; dropping its header to resynchronise",
        d->hdr.type, d->hdr.req_id, d->hdr.len, XENSTORE_PAYLOAD_MAX);
    d->bad_headers++;
    d->got = 0;
    return false;
}

size_t xenstore_decoder_feed(struct xenstore_decoder *d, const char *bytes, size_t len)
{
    size_t used = 0;

    while (used < len && !d->complete) {
        if (d->got < HDR_SIZE) {
            size_t n = min_size(HDR_SIZE - d->got, len - used);
            memcpy((char *)&d->hdr + d->got, bytes + used, n);
            d->got += n;
            used += n;
            if (d->got < HDR_SIZE || !header_is_sane(d))
                continue;
        } else {
            size_t body_got = d->got - HDR_SIZE;
            size_t n = min_size(d->hdr.len - body_got, len - used);
            memcpy(d->body + body_got, bytes + used, n);
            d->got += n;
            used += n;
        }
        if (d->got == HDR_SIZE + d->hdr.len) {
            /* Bodies are strings; terminate them so no reader can run off. */
            d->body[d->hdr.len] = '\0';
            d->complete = true;
        }
    }
    return used;
}
