/*
 * xsbench: dom0's benchmark helper for make bench (the scenarios in
 * tests/bench/lab/ run it in the lab; tools/lab/run builds it against
 * libxen-dev's xenstore.h).
 *
 *   xsbench [-n ROUNDS] [-k KEY] [-t SECONDS] latency MODE GUEST DOMID
 *   xsbench [-t SECONDS] create GUEST CFG...
 *   xsbench [-t SECONDS] storm GUEST CFG...
 *
 * latency: ROUNDS (default 1000) of one write, then waiting on a watch until
 * the guest acks it by writing "".  MODE:
 *   command   control/testing {"when":"now","action":"ignore"} (ours)
 *   shutdown  control/shutdown "poweroff", after an onshutdown command that
 *             acks it and ignores it, every time (ours)
 *   sysrq     control/sysrq KEY (-k, default "h": ours ignores it; the floor
 *             acks any key; Linux needs a harmless one)
 *   self      no guest (DOMID 0): a dom0 key written until dom0's own watch
 *             fires and it reads the value back: the helper's own floor
 * create: each CFG in turn: `xl create CFG`, timed to xl's exit (the
 * toolstack) and to the guest's ready key (GUEST ours: data/test-vm/state =
 * "ready"; linux and floor: control/feature-poweroff = "1"); ours' own
 * data/test-vm/boot-us too.  storm: every CFG created back to back (the next
 * xl create when the last exits), and the time until all are ready.
 *
 * Prints "bench: FIGURE GUEST VALUE UNIT LABEL" and "bench-series: SERIES
 * GUEST X Y" lines (bench_stats.h), progress and errors on stderr.  -t: the
 * longest wait for one ack or one guest (default 60 s).  Exit status 0, or
 * 1 with a message (an ack or a guest that never came, xl create failing).
 */
#include "xsbench.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_stats.h"

int64_t xsb_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

char *xsb_read(struct xsb *x, const char *path)
{
    unsigned int len;
    return xs_read(x->h, XBT_NULL, path, &len);
}

bool xsb_write(struct xsb *x, const char *path, const char *value)
{
    if (xs_write(x->h, XBT_NULL, path, value, (unsigned int)strlen(value)))
        return true;
    fprintf(stderr, "xsbench: writing %s: %s\n", path, strerror(errno));
    return false;
}

bool xsb_wait(struct xsb *x, int64_t deadline_ns, void (*on_event)(const char *path, void *ctx),
              void *ctx, int extra_fd, bool *extra_ready)
{
    struct pollfd fds[2] = {{.fd = x->fd, .events = POLLIN}, {.fd = extra_fd, .events = POLLIN}};
    if (extra_ready)
        *extra_ready = false;
    for (;;) {
        int64_t left = deadline_ns - xsb_now_ns();
        if (left <= 0)
            return false;
        int ms = left > 1000000000 ? 1000 : (int)((left + 999999) / 1000000);
        int n = poll(fds, extra_fd >= 0 ? 2 : 1, ms);
        if (n < 0 && errno != EINTR) {
            perror("xsbench: poll");
            return false;
        }
        if (n <= 0)
            continue;
        if (extra_fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP)) && extra_ready)
            *extra_ready = true;
        char **w;
        while ((w = xs_check_watch(x->h))) {
            if (on_event)
                on_event(w[XS_WATCH_PATH], ctx);
            free(w);
        }
        return true;
    }
}

bool xsb_watch(struct xsb *x, const char *path)
{
    if (!xs_watch(x->h, path, "xsbench")) {
        fprintf(stderr, "xsbench: watching %s: %s\n", path, strerror(errno));
        return false;
    }
    /* A watch fires once when it is set: take that event now. */
    if (!xsb_wait(x, xsb_now_ns() + (int64_t)x->timeout_s * 1000000000, NULL, NULL, -1, NULL)) {
        fprintf(stderr, "xsbench: no event from the watch on %s\n", path);
        return false;
    }
    return true;
}

void xsb_unwatch(struct xsb *x, const char *path)
{
    xs_unwatch(x->h, path, "xsbench");
}

void xsb_figure_ns(const char *figure, const char *guest, int64_t ns, uint64_t scale,
                   const char *unit, const char *label)
{
    char value[32];
    bench_figure(stdout, figure, guest, bench_decimal(value, sizeof(value), ns, scale), unit,
                 label);
}

/* Writes value at path, then waits on the watch until path reads "" (the
 * guest's ack; for self, until it reads value back).  Returns the ns taken,
 * or -1 after timeout_s. */
static int64_t round_trip(struct xsb *x, const char *path, const char *value, bool self)
{
    int64_t t0 = xsb_now_ns(), deadline = t0 + (int64_t)x->timeout_s * 1000000000;
    if (!xsb_write(x, path, value))
        return -1;
    for (;;) {
        /* The write's own event comes first; stale events of the last round
         * only cost a read. */
        if (!xsb_wait(x, deadline, NULL, NULL, -1, NULL))
            return -1;
        char *v = xsb_read(x, path);
        bool done = v && strcmp(v, self ? value : "") == 0;
        free(v);
        if (done)
            return xsb_now_ns() - t0;
    }
}

/* Makes control/testing, guest-owned, if it is missing (as lib.sh's
 * lab_testing_key: a key dom0 makes is read-only for the guest). */
static bool testing_key(struct xsb *x, const char *path, unsigned domid)
{
    char *v = xsb_read(x, path);
    if (v) {
        free(v);
        return true;
    }
    struct xs_permissions perms = {.id = domid, .perms = XS_PERM_NONE};
    if (!xsb_write(x, path, "") || !xs_set_permissions(x->h, XBT_NULL, path, &perms, 1)) {
        fprintf(stderr, "xsbench: making %s owned by domain %u failed\n", path, domid);
        return false;
    }
    return true;
}

/* Waits until path holds want (checked on every watch event). */
static bool wait_value(struct xsb *x, const char *path, const char *want)
{
    int64_t deadline = xsb_now_ns() + (int64_t)x->timeout_s * 1000000000;
    bool done = false;
    if (!xsb_watch(x, path))
        return false;
    for (;;) {
        char *v = xsb_read(x, path);
        done = v && strcmp(v, want) == 0;
        free(v);
        if (done || !xsb_wait(x, deadline, NULL, NULL, -1, NULL))
            break;
    }
    xsb_unwatch(x, path);
    if (!done)
        fprintf(stderr, "xsbench: expected %s = \"%s\" within %u s\n", path, want, x->timeout_s);
    return done;
}

static const char *const modes[][3] = {
    /* mode, key under the domain's home, label */
    {"command", "control/testing",
     "command -> ack: control/testing {\"when\":\"now\",\"action\":\"ignore\"} until it reads \"\""},
    {"shutdown", "control/shutdown",
     "request -> ack: control/shutdown poweroff (taken by an onshutdown ignore command) until it "
     "reads \"\""},
    {"sysrq", "control/sysrq", "sysrq -> ack: control/sysrq (a harmless key) until it reads \"\""},
    {"self", "data/xsbench",
     "dom0 alone: a dom0 key written until dom0's own watch fires and it reads it back"},
};

static void print_latency(const char *mode, const char *label, const char *guest, uint64_t *ns,
                          unsigned n)
{
    struct bench_summary s;
    bench_summarize(ns, n, &s);
    const struct {
        const char *stat;
        uint64_t v;
    } stats[] = {{"p50", s.p50}, {"p95", s.p95}, {"p99", s.p99}, {"max", s.max}, {"mean", s.mean}};
    char figure[64], full[512], x[32], y[32], count[32];
    for (size_t i = 0; i < sizeof(stats) / sizeof(stats[0]); i++) {
        snprintf(figure, sizeof(figure), "latency_%s_%s_us", mode, stats[i].stat);
        snprintf(full, sizeof(full), "%s, %s", label, stats[i].stat);
        xsb_figure_ns(figure, guest, (int64_t)stats[i].v, 1000, "us", full);
    }
    snprintf(figure, sizeof(figure), "latency_%s_rounds", mode);
    snprintf(count, sizeof(count), "%u", n);
    bench_figure(stdout, figure, guest, count, "count", "rounds measured for the latency figures");
    /* The distribution, as a CDF: each sample (us) and the share at or below it. */
    snprintf(figure, sizeof(figure), "latency_%s", mode);
    for (unsigned i = 0; i < n; i++)
        bench_series(stdout, figure, guest, bench_decimal(x, sizeof(x), (int64_t)ns[i], 1000),
                     bench_fraction(y, sizeof(y), i + 1, n));
}

static int latency(struct xsb *x, const char *mode, const char *guest, unsigned domid)
{
    size_t m = 0;
    while (m < sizeof(modes) / sizeof(modes[0]) && strcmp(modes[m][0], mode) != 0)
        m++;
    if (m == sizeof(modes) / sizeof(modes[0])) {
        fprintf(stderr, "xsbench: latency MODE is command, shutdown, sysrq or self, not %s\n",
                mode);
        return 2;
    }
    char path[128], testing[128], state[128];
    snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, modes[m][1]);
    snprintf(testing, sizeof(testing), "/local/domain/%u/control/testing", domid);
    snprintf(state, sizeof(state), "/local/domain/%u/data/test-vm/state", domid);
    bool self = strcmp(mode, "self") == 0;
    const char *value = x->key;
    if (strcmp(mode, "command") == 0) {
        value = "{\"when\":\"now\",\"action\":\"ignore\"}";
        if (!testing_key(x, path, domid))
            return 1;
    } else if (strcmp(mode, "shutdown") == 0) {
        value = "poweroff";
        /* Every request from now on is acked "" and ignored. */
        if (!testing_key(x, testing, domid) ||
            !xsb_write(x, testing,
                       "{\"when\":\"onshutdown\",\"ack\":\"ok\",\"action\":\"ignore\","
                       "\"times\":\"always\"}") ||
            !wait_value(x, testing, "") || !wait_value(x, state, "pending"))
            return 1;
    } else if (self) {
        value = "1";
    }
    uint64_t *ns = calloc(x->rounds, sizeof(*ns));
    if (!ns || !xsb_watch(x, path))
        return 1;
    int64_t t0 = xsb_now_ns();
    for (unsigned i = 0; i < x->rounds; i++) {
        /* self alternates its value, so that each round's is new */
        const char *v = self ? (i % 2 ? "1" : "0") : value;
        int64_t t = round_trip(x, path, v, self);
        if (t < 0) {
            char *saw = xsb_read(x, path);
            fprintf(stderr, "xsbench: round %u: expected %s = \"%s\" within %u s, saw %s%s%s\n",
                    i + 1, path, self ? v : "", x->timeout_s, saw ? "\"" : "", saw ? saw : "no key",
                    saw ? "\"" : "");
            free(saw);
            return 1;
        }
        ns[i] = (uint64_t)t;
        if (x->gap_ms)
            usleep(x->gap_ms * 1000);
    }
    fprintf(stderr, "xsbench: %s %s: %u rounds in %lld ms\n", mode, guest, x->rounds,
            (long long)((xsb_now_ns() - t0) / 1000000));
    xsb_unwatch(x, path);
    print_latency(mode, modes[m][2], guest, ns, x->rounds);
    free(ns);
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: xsbench [-n ROUNDS] [-k KEY] [-t SECONDS] latency MODE GUEST DOMID\n"
                    "       xsbench [-t SECONDS] create|storm GUEST CFG...\n");
    return 2;
}

int main(int argc, char **argv)
{
    struct xsb x = {.timeout_s = 60, .rounds = 1000, .key = "h"};
    int opt;
    while ((opt = getopt(argc, argv, "n:k:t:g:")) != -1) {
        switch (opt) {
        case 'g':
            x.gap_ms = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'n':
            x.rounds = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'k':
            x.key = optarg;
            break;
        case 't':
            x.timeout_s = (unsigned)strtoul(optarg, NULL, 10);
            break;
        default:
            return usage();
        }
    }
    argc -= optind;
    argv += optind;
    if (argc < 3 || !bench_valid_guest(argv[strcmp(argv[0], "latency") == 0 ? 2 : 1]) ||
        x.rounds == 0 || x.timeout_s == 0 || !*x.key)
        return usage();
    x.h = xs_open(0);
    if (!x.h) {
        fprintf(stderr, "xsbench: xs_open: %s\n", strerror(errno));
        return 1;
    }
    x.fd = xs_fileno(x.h);
    /* Lines go to a log as they come, not all at the end. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    int rc;
    if (strcmp(argv[0], "latency") == 0 && argc == 4)
        rc = latency(&x, argv[1], argv[2], (unsigned)strtoul(argv[3], NULL, 10));
    else if (strcmp(argv[0], "create") == 0)
        rc = xsb_create(&x, argv[1], argc - 2, argv + 2);
    else if (strcmp(argv[0], "storm") == 0)
        rc = xsb_storm(&x, argv[1], argc - 2, argv + 2);
    else
        rc = usage();
    xs_close(x.h);
    return rc;
}
