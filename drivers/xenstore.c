/*
 * Xenstore client: requests and their replies, watches and their events,
 * transactions.  The byte level (ring copying, reassembly) is in
 * xenstore_ring.c; this file sees whole messages.
 */
#ifdef HOST_BUILD
#define _POSIX_C_SOURCE 200809L /* -std=c11 hides libc's strnlen */
#endif

#include "drivers/xenstore.h"

#include "drivers/xenstore_ring.h"
#include "lib/printk.h"
#include "lib/quote.h"
#include "lib/string.h"

/*
 * Room for a path, token or reply in a console line.  Those bytes come from
 * xenstored, or from callers that may have read them there, so they are shown
 * through quote(): never a control byte, and cut short, so that the line
 * stays one printable line (printk would cut a long one, newline and all).
 */
#define SHOWN_CHARS 100

/* s[0..len) as shown in a console line: non-printable bytes as \xNN. */
static const char *shown(char buf[SHOWN_CHARS], const char *s, size_t len)
{
    quote(buf, SHOWN_CHARS, s, len, QUOTE_BARE, SIZE_MAX);
    return buf;
}

static const char *const error_names[XS_ERROR_COUNT] = {
    [XS_OK] = "OK",
    [XS_EINVAL] = "EINVAL",
    [XS_EACCES] = "EACCES",
    [XS_EEXIST] = "EEXIST",
    [XS_EISDIR] = "EISDIR",
    [XS_ENOENT] = "ENOENT",
    [XS_ENOMEM] = "ENOMEM",
    [XS_ENOSPC] = "ENOSPC",
    [XS_EIO] = "EIO",
    [XS_ENOTEMPTY] = "ENOTEMPTY",
    [XS_ENOSYS] = "ENOSYS",
    [XS_EROFS] = "EROFS",
    [XS_EBUSY] = "EBUSY",
    [XS_EAGAIN] = "EAGAIN",
    [XS_EISCONN] = "EISCONN",
    [XS_E2BIG] = "E2BIG",
    [XS_EPERM] = "EPERM",
    [XS_EQUOTA] = "EQUOTA",
    [XS_ETIMEDOUT] = "ETIMEDOUT",
    [XS_EPROTO] = "EPROTO",
    [XS_ERANGE] = "ERANGE",
    [XS_EUNKNOWN] = "EUNKNOWN",
};

const char *xenstore_error_name(int err)
{
    if (err < 0)
        err = -err;
    if (err >= XS_ERROR_COUNT)
        return "EUNKNOWN";
    return error_names[err];
}

int xenstore_error_from_name(const char *name, size_t len)
{
    for (int err = XS_OK + 1; err < XS_ERROR_COUNT; err++) {
        if (strlen(error_names[err]) == len && memcmp(error_names[err], name, len) == 0)
            return err;
    }
    return XS_EUNKNOWN;
}

void xenstore_init(struct xenstore *xs, struct xenstore_domain_interface *ring,
                   const struct ring_transport *transport)
{
    memset(xs, 0, sizeof(*xs));
    xs->ring = ring;
    xs->transport = *transport;
    xs->next_req_id = 1;
}

/* ---- the watch event queue */

static struct xenstore_watch_event *queued(struct xenstore *xs, unsigned int i)
{
    return &xs->queue[(xs->queue_head + i) % XENSTORE_WATCH_QUEUE];
}

static bool token_is_watched(const struct xenstore *xs, const char *token)
{
    for (int i = 0; i < XENSTORE_MAX_WATCHES; i++) {
        if (xs->watches[i].active && strcmp(xs->watches[i].token, token) == 0)
            return true;
    }
    return false;
}

/*
 * When the queue is full, an event equal to one already queued carries no
 * news (the consumer re-reads the value anyway), so it is folded into that
 * one.  Only a new event that finds no twin is dropped.
 */
static void queue_event(struct xenstore *xs, const char *path, size_t path_len, const char *token,
                        size_t token_len)
{
    if (xs->queue_len == XENSTORE_WATCH_QUEUE) {
        for (unsigned int i = 0; i < xs->queue_len; i++) {
            struct xenstore_watch_event *ev = queued(xs, i);
            if (strcmp(ev->path, path) == 0 && strcmp(ev->token, token) == 0)
                return;
        }
        char shown_path[SHOWN_CHARS], shown_token[SHOWN_CHARS];
        xs->events_dropped++;
        printk("test-vm: xenstore: watch event queue full: dropped event %s (token %s), "
               "%lu dropped so far\n",
               shown(shown_path, path, path_len), shown(shown_token, token, token_len),
               xs->events_dropped);
        return;
    }
    struct xenstore_watch_event *ev = queued(xs, xs->queue_len++);
    memcpy(ev->path, path, path_len + 1);
    memcpy(ev->token, token, token_len + 1);
}

/* Forget queued events of a token nobody watches any more. */
static void purge_events(struct xenstore *xs, const char *token)
{
    unsigned int kept = 0;
    for (unsigned int i = 0; i < xs->queue_len; i++) {
        struct xenstore_watch_event *ev = queued(xs, i);
        if (strcmp(ev->token, token) == 0)
            continue;
        if (kept != i)
            *queued(xs, kept) = *ev;
        kept++;
    }
    xs->queue_len = kept;
}

bool xenstore_next_watch_event(struct xenstore *xs, struct xenstore_watch_event *ev)
{
    xenstore_ring_receive(xs);
    if (xs->queue_len == 0)
        return false;
    *ev = *queued(xs, 0);
    xs->queue_head = (xs->queue_head + 1) % XENSTORE_WATCH_QUEUE;
    xs->queue_len--;
    return true;
}

bool xenstore_has_work(struct xenstore *xs)
{
    return xs->queue_len > 0 || xenstore_ring_has_input(xs->ring);
}

/* ---- incoming messages */

/* Payload "path\0token\0". */
static void handle_watch_event(struct xenstore *xs)
{
    const char *body = xs->in_body;
    size_t len = xs->in_hdr.len;
    size_t path_len = strnlen(body, len);

    if (path_len == 0 || path_len >= len || path_len >= XENSTORE_PATH_MAX) {
        printk("test-vm: xenstore: protocol error: malformed watch event (len %zu, path len %zu); "
               "skipped\n",
               len, path_len);
        xs->protocol_errors++;
        return;
    }
    const char *token = body + path_len + 1;
    /* in_body is NUL-terminated after len, so strlen stays inside it. */
    size_t token_len = strlen(token);
    if (token_len >= XENSTORE_TOKEN_MAX) {
        printk("test-vm: xenstore: protocol error: watch event token of %zu bytes; skipped\n",
               token_len);
        xs->protocol_errors++;
        return;
    }
    /* Events of a watch we removed may still be on their way: not news. */
    if (token_is_watched(xs, token))
        queue_event(xs, body, path_len, token, token_len);
}

static bool is_request_type(uint32_t type)
{
    switch (type) {
    case XS_DIRECTORY:
    case XS_READ:
    case XS_WATCH:
    case XS_UNWATCH:
    case XS_TRANSACTION_START:
    case XS_TRANSACTION_END:
    case XS_WRITE:
    case XS_RM:
        return true;
    default:
        return false;
    }
}

bool xenstore_dispatch_message(struct xenstore *xs)
{
    const struct xsd_sockmsg *hdr = &xs->in_hdr;

    if (hdr->type == XS_WATCH_EVENT) {
        handle_watch_event(xs);
        return false;
    }
    if (hdr->type != XS_ERROR && !is_request_type(hdr->type)) {
        printk("test-vm: xenstore: protocol error: message of unexpected type %u "
               "(req_id %u, len %u); skipped\n",
               hdr->type, hdr->req_id, hdr->len);
        xs->protocol_errors++;
        return false;
    }
    if (!xs->awaiting_reply || hdr->req_id != xs->awaiting_req_id) {
        /* Typically the late reply to a request that timed out. */
        printk("test-vm: xenstore: skipped a reply (type %u req_id %u) no request waits for\n",
               hdr->type, hdr->req_id);
        return false;
    }
    xs->reply_ready = true;
    return true;
}

/* ---- requests */

struct part {
    const char *data;
    size_t len;
};

static uint64_t now(struct xenstore *xs)
{
    return xs->transport.now_ns(xs->transport.ctx);
}

static int send_bytes(struct xenstore *xs, const char *p, size_t len, uint64_t deadline)
{
    for (;;) {
        long n = xenstore_ring_put(xs->ring, p, len);
        if (n < 0)
            return -XS_EIO;
        if (n > 0)
            xs->transport.notify(xs->transport.ctx);
        p += n;
        len -= (size_t)n;
        if (len == 0)
            return 0;
        if (now(xs) >= deadline)
            return -XS_ETIMEDOUT;
        xs->transport.wait(xs->transport.ctx, deadline);
    }
}

/*
 * Half a request in the ring would put the server out of step for good, so
 * a message that fits the ring waits until it fits whole.  Only a message
 * over XENSTORE_RING_SIZE can be cut short by the deadline, and only if the
 * server stops reading in the middle of it.
 */
static int send_message(struct xenstore *xs, const struct part *parts, size_t nparts,
                        uint64_t deadline)
{
    size_t total = 0;
    for (size_t i = 0; i < nparts; i++)
        total += parts[i].len;

    long space;
    size_t need = total < XENSTORE_RING_SIZE ? total : XENSTORE_RING_SIZE;
    while ((space = xenstore_ring_space(xs->ring)) >= 0 && (size_t)space < need) {
        if (now(xs) >= deadline)
            return -XS_ETIMEDOUT;
        xs->transport.wait(xs->transport.ctx, deadline);
    }

    int err = space < 0 ? -XS_EIO : 0;
    size_t sent = 0;
    for (size_t i = 0; i < nparts && !err; i++) {
        err = send_bytes(xs, parts[i].data, parts[i].len, deadline);
        sent += err ? 0 : parts[i].len;
    }
    if (err == -XS_EIO)
        printk("test-vm: xenstore: request ring indices are corrupt (cons %u prod %u)\n",
               xs->ring->req_cons, xs->ring->req_prod);
    else if (err && sent > 0)
        printk("test-vm: xenstore: request ring stalled in the middle of a %zu-byte message: "
               "the server is out of step from now on\n",
               total);
    return err;
}

/* Give the reply's buffer back to the decoder. */
static void reply_done(struct xenstore *xs)
{
    xs->reply_ready = false;
    xs->in_got = 0;
}

/*
 * Send one request and wait for its reply.  Returns 0 with the reply in
 * in_hdr/in_body (the caller reads it, then calls reply_done()), or a
 * negative error: the server's XS_ERROR, a timeout, or a reply of the wrong
 * type.
 */
static int request(struct xenstore *xs, enum xsd_sockmsg_type type, xenstore_tx tx,
                   const struct part *payload, size_t nparts)
{
    struct xsd_sockmsg hdr = {.type = type, .req_id = xs->next_req_id++, .tx_id = tx};
    struct part parts[3] = {{(const char *)&hdr, sizeof(hdr)}};
    uint64_t deadline = now(xs) + XENSTORE_REPLY_TIMEOUT_NS;

    for (size_t i = 0; i < nparts; i++) {
        hdr.len += (uint32_t)payload[i].len;
        parts[i + 1] = payload[i];
    }

    xs->awaiting_reply = true;
    xs->awaiting_req_id = hdr.req_id;
    xs->awaiting_type = type;
    int err = send_message(xs, parts, nparts + 1, deadline);
    while (!err) {
        xenstore_ring_receive(xs);
        if (xs->reply_ready)
            break;
        if (now(xs) >= deadline)
            err = -XS_ETIMEDOUT;
        else
            xs->transport.wait(xs->transport.ctx, deadline);
    }
    xs->awaiting_reply = false;
    if (err) {
        printk("test-vm: xenstore: request type %u req_id %u: %s\n", type, hdr.req_id,
               xenstore_error_name(err));
        return err;
    }

    if (xs->in_hdr.type == XS_ERROR) {
        err = -xenstore_error_from_name(xs->in_body, strnlen(xs->in_body, xs->in_hdr.len));
        reply_done(xs);
        return err;
    }
    if (xs->in_hdr.type != type) {
        printk("test-vm: xenstore: protocol error: reply of type %u to request type %u "
               "(req_id %u)\n",
               xs->in_hdr.type, type, hdr.req_id);
        xs->protocol_errors++;
        reply_done(xs);
        return -XS_EPROTO;
    }
    return 0;
}

/* A request whose reply is just "OK". */
static int simple_request(struct xenstore *xs, enum xsd_sockmsg_type type, xenstore_tx tx,
                          const struct part *parts, size_t nparts)
{
    int err = request(xs, type, tx, parts, nparts);
    if (!err)
        reply_done(xs);
    return err;
}

/*
 * Check a path (and the payload it heads) before it goes out: xenstored
 * treats an oversized message as a protocol violation and drops the
 * connection, so it must never be sent.
 */
static int check_path(const char *path, size_t *len)
{
    *len = 0;
    if (!path || !*path)
        return -XS_EINVAL;
    *len = strnlen(path, XENSTORE_ABS_PATH_MAX + 1);
    return *len > XENSTORE_ABS_PATH_MAX ? -XS_E2BIG : 0;
}

/* path\0 as a request's first part. */
static int path_part(const char *path, struct part *part)
{
    size_t len;
    int err = check_path(path, &len);
    *part = (struct part){path, len + 1};
    return err;
}

int xenstore_read(struct xenstore *xs, xenstore_tx tx, const char *path, char *buf, size_t len)
{
    struct part part;
    int err = path_part(path, &part);
    if (err)
        return err;
    err = request(xs, XS_READ, tx, &part, 1);
    if (err)
        return err;

    size_t n = xs->in_hdr.len;
    if (n + 1 > len) {
        err = -XS_ERANGE;
    } else {
        memcpy(buf, xs->in_body, n);
        buf[n] = '\0';
        err = (int)n;
    }
    reply_done(xs);
    return err;
}

int xenstore_write(struct xenstore *xs, xenstore_tx tx, const char *path, const char *value)
{
    struct part parts[2];
    int err = path_part(path, &parts[0]);
    if (err)
        return err;
    if (!value)
        return -XS_EINVAL;
    /* The value goes without its NUL: xenstored takes the rest of the payload. */
    parts[1] = (struct part){value, strnlen(value, XENSTORE_PAYLOAD_MAX + 1)};
    if (parts[0].len + parts[1].len > XENSTORE_PAYLOAD_MAX)
        return -XS_E2BIG;
    return simple_request(xs, XS_WRITE, tx, parts, 2);
}

int xenstore_rm(struct xenstore *xs, xenstore_tx tx, const char *path)
{
    struct part part;
    int err = path_part(path, &part);
    return err ? err : simple_request(xs, XS_RM, tx, &part, 1);
}

int xenstore_directory(struct xenstore *xs, xenstore_tx tx, const char *path, char *buf, size_t len)
{
    struct part part;
    int err = path_part(path, &part);
    if (err)
        return err;
    err = request(xs, XS_DIRECTORY, tx, &part, 1);
    if (err)
        return err;

    const char *body = xs->in_body;
    size_t n = xs->in_hdr.len;
    int count = 0;
    if (n > 0 && body[n - 1] != '\0') {
        char shown_path[SHOWN_CHARS];
        printk("test-vm: xenstore: protocol error: directory %s: reply not NUL-terminated\n",
               shown(shown_path, path, strlen(path)));
        xs->protocol_errors++;
        err = -XS_EPROTO;
    } else if (n > len) {
        err = -XS_ERANGE;
    } else {
        memcpy(buf, body, n);
        for (size_t i = 0; i < n; i++)
            count += body[i] == '\0';
        err = count;
    }
    reply_done(xs);
    return err;
}

/* A decimal transaction id, NUL-terminated; 0 is not one. */
static bool parse_tx_id(const char *s, size_t len, xenstore_tx *tx)
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
    int err = request(xs, XS_TRANSACTION_START, 0, &part, 1);
    if (err)
        return err;
    if (!parse_tx_id(xs->in_body, xs->in_hdr.len, tx)) {
        /* The whole reply but its final NUL, quoted: "12x", "1\x002", "\x1b[2J". */
        size_t n = xs->in_hdr.len;
        if (n > 0 && xs->in_body[n - 1] == '\0')
            n--;
        char shown_id[SHOWN_CHARS];
        quote(shown_id, sizeof(shown_id), xs->in_body, n, QUOTE_LOG, SIZE_MAX);
        printk("test-vm: xenstore: protocol error: transaction id %s\n", shown_id);
        xs->protocol_errors++;
        err = -XS_EPROTO;
    }
    reply_done(xs);
    return err;
}

int xenstore_transaction_end(struct xenstore *xs, xenstore_tx tx, bool commit)
{
    const struct part part = {commit ? "T" : "F", 2};
    return simple_request(xs, XS_TRANSACTION_END, tx, &part, 1);
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
        if (err != -XS_EAGAIN)
            return err;
    }
    printk("test-vm: xenstore: transaction still conflicting after %u tries\n", max_tries);
    return -XS_EAGAIN;
}

struct cas {
    const char *path, *expected, *value;
};

/* Compare against the reply in place: expected may be as long as a payload. */
static int cas_body(struct xenstore *xs, xenstore_tx tx, void *ctx)
{
    const struct cas *cas = ctx;
    struct part part;
    int err = path_part(cas->path, &part);
    if (err)
        return err;
    err = request(xs, XS_READ, tx, &part, 1);
    if (err == -XS_ENOENT)
        return XENSTORE_VALUE_CHANGED;
    if (err)
        return err;
    size_t n = strlen(cas->expected);
    bool same = xs->in_hdr.len == n && memcmp(xs->in_body, cas->expected, n) == 0;
    reply_done(xs);
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

/* ---- watches */

static int watch_request(struct xenstore *xs, enum xsd_sockmsg_type type,
                         const struct xenstore_watch *w)
{
    const struct part parts[2] = {{w->path, strlen(w->path) + 1}, {w->token, strlen(w->token) + 1}};
    return simple_request(xs, type, 0, parts, 2);
}

/* The arguments of a watch or unwatch: a valid path (its length in *path_len) and token. */
static int check_watch(const char *path, const char *token, size_t *path_len)
{
    int err = check_path(path, path_len);
    if (err)
        return err;
    if (!token || strnlen(token, XENSTORE_TOKEN_MAX) >= XENSTORE_TOKEN_MAX)
        return token ? -XS_E2BIG : -XS_EINVAL;
    return 0;
}

/* Drop a watch, and the queued events of its token if no other watch has it. */
static void forget_watch(struct xenstore *xs, struct xenstore_watch *w)
{
    w->active = false;
    if (!token_is_watched(xs, w->token))
        purge_events(xs, w->token);
}

static struct xenstore_watch *find_watch(struct xenstore *xs, const char *path, const char *token)
{
    for (int i = 0; i < XENSTORE_MAX_WATCHES; i++) {
        struct xenstore_watch *w = &xs->watches[i];
        if (w->active && strcmp(w->path, path) == 0 && strcmp(w->token, token) == 0)
            return w;
    }
    return NULL;
}

int xenstore_watch(struct xenstore *xs, const char *path, const char *token)
{
    size_t path_len;
    int err = check_watch(path, token, &path_len);
    if (err)
        return err;
    if (find_watch(xs, path, token))
        return -XS_EEXIST;

    struct xenstore_watch *w = NULL;
    for (int i = 0; i < XENSTORE_MAX_WATCHES && !w; i++)
        w = xs->watches[i].active ? NULL : &xs->watches[i];
    if (!w)
        return -XS_ENOSPC;

    /* Active before the request: its first event may overtake the reply. */
    w->active = true;
    memcpy(w->path, path, path_len + 1);
    memcpy(w->token, token, strlen(token) + 1);
    err = watch_request(xs, XS_WATCH, w);
    if (err)
        forget_watch(xs, w);
    return err;
}

int xenstore_unwatch(struct xenstore *xs, const char *path, const char *token)
{
    size_t path_len;
    int err = check_watch(path, token, &path_len);
    if (err)
        return err;

    struct xenstore_watch *w = find_watch(xs, path, token);
    if (!w)
        return -XS_ENOENT;
    err = watch_request(xs, XS_UNWATCH, w);
    /* Forget it whatever the server said: the caller no longer wants it. */
    forget_watch(xs, w);
    return err;
}

int xenstore_resume(struct xenstore *xs, struct xenstore_domain_interface *ring)
{
    int first_err = 0;

    xs->ring = ring;
    xs->in_got = 0;
    xs->reply_ready = false;
    xs->awaiting_reply = false;
    xenstore_ring_discard_input(ring);

    for (int i = 0; i < XENSTORE_MAX_WATCHES; i++) {
        struct xenstore_watch *w = &xs->watches[i];
        if (!w->active)
            continue;
        int err = watch_request(xs, XS_WATCH, w);
        /* EEXIST: the suspend was cancelled and the old connection still has it. */
        if (err && err != -XS_EEXIST) {
            char shown_path[SHOWN_CHARS], shown_token[SHOWN_CHARS];
            printk("test-vm: xenstore: resume: watch %s (token %s) not registered again: %s\n",
                   shown(shown_path, w->path, strlen(w->path)),
                   shown(shown_token, w->token, strlen(w->token)), xenstore_error_name(err));
            if (!first_err)
                first_err = err;
        }
    }
    return first_err;
}
