/*
 * Xenstore transactions: start, end, retry on EAGAIN, compare-and-swap, and
 * the transactions that late TRANSACTION_START replies leave open.
 */
#include "drivers/xenstore/xenstore_internal.h"

#include "lib/log.h"
#include "lib/quote.h"
#include "lib/string.h"

bool xenstore_parse_tx_id(const char *s, size_t len, xenstore_tx *tx)
{
    uint64_t v = 0;
    size_t i;

    for (i = 0; i < len && s[i] != '\0'; i++) {
        if (s[i] < '0' || s[i] > '9' || i >= 10)
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (i == 0 || v == 0 || v > UINT32_MAX)
        return false;
    *tx = (xenstore_tx)v;
    return true;
}

int xenstore_transaction_start(struct xenstore *xs, xenstore_tx *tx)
{
    const struct part part = {"", 1};
    xenstore_end_orphans(xs); /* before they could take up the quota this one needs */
    int err = xenstore_request(xs, XS_TRANSACTION_START, 0, &part, 1);
    if (err)
        return err;
    if (!xenstore_parse_tx_id(xs->in.body, xs->in.hdr.len, tx)) {
        /* The whole reply but its final NUL, quoted: "12x", "1\x002", "\x1b[2J". */
        size_t n = xs->in.hdr.len;
        if (n > 0 && xs->in.body[n - 1] == '\0')
            n--;
        char shown_id[SHOWN_CHARS];
        quote(shown_id, sizeof(shown_id), xs->in.body, n, QUOTE_LOG, SIZE_MAX);
        log_info("xenstore", "protocol error: transaction id %s", shown_id);
        xs->protocol_errors++;
        err = -XS_EPROTO;
    }
    xenstore_reply_done(xs);
    return err;
}

int xenstore_transaction_end(struct xenstore *xs, xenstore_tx tx, bool commit)
{
    const struct part part = {commit ? "T" : "F", 2};
    int err = xenstore_simple_request(xs, XS_TRANSACTION_END, tx, &part, 1);
    if (err == -XS_ETIMEDOUT) {
        /*
         * Ended, or the end never reached xenstored and the transaction is
         * still open there, using up the domain's transaction quota.  An
         * abort after it settles it: ENOENT if the end went through
         * (requests are served in order), else it ends the transaction.
         */
        xenstore_orphan_tx(xs, tx, "had no reply to its end");
    }
    return err;
}

int xenstore_transaction_retry(struct xenstore *xs, xenstore_tx_fn fn, void *ctx,
                               unsigned int max_tries)
{
    for (unsigned int try = 0; try < max_tries; try++) {
        xenstore_tx tx;
        int err = xenstore_transaction_start(xs, &tx);
        if (err)
            return err;
        int ret = fn(xs, tx, ctx);
        if (ret != 0) {
            xenstore_transaction_end(xs, tx, false);
            if (ret == -XS_EAGAIN)
                continue;
            return ret;
        }
        err = xenstore_transaction_end(xs, tx, true);
        if (err == -XS_ETIMEDOUT)
            return XENSTORE_COMMIT_UNKNOWN;
        if (err != -XS_EAGAIN)
            return err;
    }
    log_info("xenstore", "transaction still conflicting after %u tries", max_tries);
    return -XS_EAGAIN;
}

struct cas {
    const char *path, *expected, *value;
};

/* Compare against the reply in place: expected may be as long as a payload. */
static int cas_body(struct xenstore *xs, xenstore_tx tx, void *ctx)
{
    const struct cas *cas = ctx;
    int err = xenstore_path_request(xs, XS_READ, tx, cas->path);
    if (err == -XS_ENOENT)
        return XENSTORE_VALUE_CHANGED;
    if (err)
        return err;
    size_t n = strlen(cas->expected);
    bool same = xs->in.hdr.len == n && memcmp(xs->in.body, cas->expected, n) == 0;
    xenstore_reply_done(xs);
    return same ? xenstore_write(xs, tx, cas->path, cas->value) : XENSTORE_VALUE_CHANGED;
}

int xenstore_write_if_unchanged(struct xenstore *xs, const char *path, const char *expected,
                                const char *value)
{
    struct cas cas = {path, expected, value};
    if (!expected || !value)
        return -XS_EINVAL;
    return xenstore_transaction_retry(xs, cas_body, &cas, XENSTORE_TX_MAX_TRIES);
}

/* ---- transactions started too late */

void xenstore_orphan_tx(struct xenstore *xs, xenstore_tx tx, const char *why)
{
    if (xs->n_orphans == XENSTORE_MAX_ORPHANS) {
        log_info("xenstore", "transaction %u %s, and %u others wait to be ended: left open", tx,
                 why, XENSTORE_MAX_ORPHANS);
        return;
    }
    log_info("xenstore", "transaction %u %s: ending it", tx, why);
    xs->orphans[xs->n_orphans++] = tx;
}

void xenstore_note_orphan(struct xenstore *xs, const char *body, size_t len)
{
    xenstore_tx tx;
    if (xenstore_parse_tx_id(body, len, &tx))
        xenstore_orphan_tx(xs, tx, "started after its request timed out");
}

/*
 * End every orphaned transaction (abort: nothing was written in it), so that
 * late replies never use up xenstored's per-domain transaction quota.  Each
 * end is a request, whose own wait may reveal more orphans: the list is
 * taken from the end, and a nested call does nothing.
 */
void xenstore_end_orphans(struct xenstore *xs)
{
    if (xs->ending_orphans)
        return;
    xs->ending_orphans = true;
    while (xs->n_orphans > 0) {
        xenstore_tx tx = xs->orphans[--xs->n_orphans];
        const struct part part = {"F", 2};
        int err = xenstore_simple_request(xs, XS_TRANSACTION_END, tx, &part, 1);
        if (err && err != -XS_ENOENT)
            log_info("xenstore", "ending transaction %u failed (%s)", tx, xenstore_error_name(err));
    }
    xs->ending_orphans = false;
}
