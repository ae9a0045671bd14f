/*
 * The xenstore client's operations on nodes and watches, over the requests
 * of xenstore.c; and the names of xenstored's errors.
 */
#ifdef HOST_BUILD
#define _POSIX_C_SOURCE 200809L /* -std=c11 hides libc's strnlen */
#endif

#include "drivers/xenstore/xenstore_internal.h"

#include "lib/log.h"
#include "lib/quote.h"
#include "lib/string.h"

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
    if (err == -XENSTORE_COMMIT_UNKNOWN)
        return error_names[XS_ETIMEDOUT];
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

int xenstore_read(struct xenstore *xs, xenstore_tx tx, const char *path, char *buf, size_t len)
{
    int err = xenstore_path_request(xs, XS_READ, tx, path);
    if (err)
        return err;

    size_t n = xs->in.hdr.len;
    if (n + 1 > len) {
        err = -XS_ERANGE;
    } else {
        memcpy(buf, xs->in.body, n);
        buf[n] = '\0';
        err = (int)n;
    }
    xenstore_reply_done(xs);
    return err;
}

int xenstore_write(struct xenstore *xs, xenstore_tx tx, const char *path, const char *value)
{
    struct part parts[2];
    int err = xenstore_path_part(path, &parts[0]);
    if (err)
        return err;
    if (!value)
        return -XS_EINVAL;
    /* The value goes without its NUL: xenstored takes the rest of the payload. */
    parts[1] = (struct part){value, strnlen(value, XENSTORE_PAYLOAD_MAX + 1)};
    if (parts[0].len + parts[1].len > XENSTORE_PAYLOAD_MAX)
        return -XS_E2BIG;
    return xenstore_simple_request(xs, XS_WRITE, tx, parts, 2);
}

int xenstore_rm(struct xenstore *xs, xenstore_tx tx, const char *path)
{
    struct part part;
    int err = xenstore_path_part(path, &part);
    return err ? err : xenstore_simple_request(xs, XS_RM, tx, &part, 1);
}

int xenstore_directory(struct xenstore *xs, xenstore_tx tx, const char *path, char *buf, size_t len)
{
    int err = xenstore_path_request(xs, XS_DIRECTORY, tx, path);
    if (err)
        return err;

    const char *body = xs->in.body;
    size_t n = xs->in.hdr.len;
    int count = 0;
    if (n > 0 && body[n - 1] != '\0') {
        char shown_path[SHOWN_CHARS];
        log_info("xenstore", "protocol error: directory %s: reply not NUL-terminated",
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
    xenstore_reply_done(xs);
    return err;
}

/* ---- watches */

static int watch_request(struct xenstore *xs, enum xsd_sockmsg_type type,
                         const struct xenstore_watch *w)
{
    const struct part parts[2] = {{w->path, strlen(w->path) + 1}, {w->token, strlen(w->token) + 1}};
    return xenstore_simple_request(xs, type, 0, parts, 2);
}

/* The arguments of a watch or unwatch: a valid path (its length in *path_len) and token. */
static int check_watch(const char *path, const char *token, size_t *path_len)
{
    int err = xenstore_check_path(path, path_len);
    if (err)
        return err;
    if (!token || strnlen(token, XENSTORE_TOKEN_MAX) >= XENSTORE_TOKEN_MAX)
        return token ? -XS_E2BIG : -XS_EINVAL;
    return 0;
}

int xenstore_watch(struct xenstore *xs, const char *path, const char *token)
{
    size_t path_len;
    int err = check_watch(path, token, &path_len);
    if (err)
        return err;
    struct xenstore_watch *w = xenstore_watches_find(&xs->watches, path, token);
    if (w && w->registered)
        return -XS_EEXIST;
    /* Active before the request: its first event may overtake the reply. */
    if (!w)
        w = xenstore_watches_add(&xs->watches, path, path_len, token);
    if (!w)
        return -XS_ENOSPC;

    err = watch_request(xs, XS_WATCH, w);
    /* EEXIST: xenstored kept it (a resume in the same domain, or a reply that came too late). */
    if (err == -XS_EEXIST)
        err = 0;
    if (err)
        xenstore_watches_forget(&xs->watches, w);
    else
        w->registered = true;
    return err;
}

/* The client's watch on path and token: 0 and *w, or why there is none. */
static int known_watch(struct xenstore *xs, const char *path, const char *token,
                       struct xenstore_watch **w)
{
    size_t path_len;
    int err = check_watch(path, token, &path_len);
    if (err)
        return err;
    *w = xenstore_watches_find(&xs->watches, path, token);
    return *w ? 0 : -XS_ENOENT;
}

int xenstore_unwatch(struct xenstore *xs, const char *path, const char *token)
{
    struct xenstore_watch *w;
    int err = known_watch(xs, path, token, &w);
    if (err)
        return err;
    err = watch_request(xs, XS_UNWATCH, w);
    /* Forget it whatever the server said: the caller no longer wants it. */
    xenstore_watches_forget(&xs->watches, w);
    return err;
}

int xenstore_unwatch_server_only(struct xenstore *xs, const char *path, const char *token)
{
    struct xenstore_watch *w;
    int err = known_watch(xs, path, token, &w);
    return err ? err : watch_request(xs, XS_UNWATCH, w);
}

void xenstore_watches_maybe_lost(struct xenstore *xs)
{
    xenstore_watches_unregister_all(&xs->watches);
}
