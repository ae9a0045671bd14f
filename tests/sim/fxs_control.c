/*
 * fake_xenstored's test knobs (fake_xenstored.h): fault injection, control
 * and what happened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/fake_xenstored.h"
#include "sim/fake_xenstored_private.h"

/* ---- control */

void fxs_fail_later(struct fake_xenstored *fx, enum xsd_sockmsg_type type, unsigned int skip,
                    const char *errname)
{
    if ((unsigned int)type >= XS_TYPE_COUNT)
        return;
    free(fx->fail_next[type]);
    fx->fail_next[type] = errname ? fxs_xstrdup(errname) : NULL;
    fx->fail_skip[type] = skip;
}

void fxs_fail_next(struct fake_xenstored *fx, enum xsd_sockmsg_type type, const char *errname)
{
    fxs_fail_later(fx, type, 0, errname);
}

void fxs_set_chunk(struct fake_xenstored *fx, size_t max_bytes_per_run)
{
    fx->chunk = max_bytes_per_run;
}

void fxs_lose_next_reply(struct fake_xenstored *fx, enum xsd_sockmsg_type type)
{
    if (type < XS_TYPE_COUNT)
        fx->lose_reply[type] = true;
}

static int counted_index(struct fake_xenstored *fx, const char *path)
{
    for (int i = 0; i < FXS_COUNTED_PATHS; i++) {
        if (strcmp(fx->counted_path[i], path) == 0)
            return i;
    }
    return -1;
}

void fxs_count_changes(struct fake_xenstored *fx, const char *path)
{
    int i = counted_index(fx, path);
    if (i < 0)
        i = counted_index(fx, "");
    if (i < 0)
        abort(); /* more than FXS_COUNTED_PATHS */
    snprintf(fx->counted_path[i], sizeof(fx->counted_path[i]), "%s", path);
    fx->counted[i] = 0;
}

unsigned int fxs_counted_changes(struct fake_xenstored *fx, const char *path)
{
    int i = *path ? counted_index(fx, path) : -1;
    return i < 0 ? 0 : fx->counted[i];
}

int fxs_count_change(struct fake_xenstored *fx, const char *abs)
{
    char counted[ABS_BUF];
    for (int i = 0; i < FXS_COUNTED_PATHS; i++) {
        if (fx->counted_path[i][0] && fxs_absolute(fx, fx->counted_path[i], false, counted) &&
            strcmp(abs, counted) == 0) {
            fx->counted[i]++;
            return i;
        }
    }
    return -1;
}

void fxs_set_guest_quotas(struct fake_xenstored *fx, bool on)
{
    fx->no_quotas = !on;
}

void fxs_drop_next_events(struct fake_xenstored *fx, unsigned int n)
{
    fx->drop_events = n;
}

void fxs_set_paused(struct fake_xenstored *fx, bool paused)
{
    fx->paused = paused;
}

void fxs_inject_raw(struct fake_xenstored *fx, const void *bytes, size_t len)
{
    fxs_out_append(fx, bytes, len);
}

void fxs_inject_message(struct fake_xenstored *fx, uint32_t type, uint32_t req_id,
                        const void *payload, size_t len)
{
    fxs_out_message(fx, type, req_id, 0, payload, len);
}

void fxs_set_reply_hook(struct fake_xenstored *fx, fxs_reply_hook hook, void *ctx)
{
    fx->hook = hook;
    fx->hook_ctx = ctx;
}

bool fxs_write_before_commit_hook(struct fake_xenstored *fx, const struct xsd_sockmsg *req,
                                  const char *payload, void *ctx)
{
    struct fxs_write_before_commit *w = ctx;
    (void)payload;
    if (req->type != XS_TRANSACTION_END || w->times == 0)
        return false;
    if (w->times > 0)
        w->times--;
    fxs_write(fx, w->path, w->value);
    return false;
}

/* ---- what happened */

unsigned int fxs_request_count(struct fake_xenstored *fx, enum xsd_sockmsg_type type)
{
    return (unsigned int)type < XS_TYPE_COUNT ? fx->requests[type] : fx->requests[XS_TYPE_COUNT];
}

unsigned int fxs_watch_count(struct fake_xenstored *fx)
{
    unsigned int n = 0;
    for (struct watch *w = fx->watches; w; w = w->next)
        n++;
    return n;
}

unsigned int fxs_entries(struct fake_xenstored *fx)
{
    return fxs_domain_entries(fx, fx->root);
}

unsigned int fxs_transaction_count(struct fake_xenstored *fx)
{
    unsigned int n = 0;
    for (struct txn *t = fx->txns; t; t = t->next)
        n++;
    return n;
}

unsigned int fxs_notify_count(struct fake_xenstored *fx)
{
    return fx->notifies;
}

size_t fxs_pending_output(struct fake_xenstored *fx)
{
    return fx->out_len;
}

uint64_t fxs_now_ns(struct fake_xenstored *fx)
{
    return fx->clock_ns;
}

void fxs_advance_clock(struct fake_xenstored *fx, uint64_t ns)
{
    fx->clock_ns += ns;
}
