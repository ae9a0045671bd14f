/*
 * xsbench create and storm: `xl create CFG` run by the helper itself, timed
 * from its start to its exit (the toolstack's part) and to the guest's ready
 * key, which a watch on /local/domain sees (a domain's id is not known before
 * xl makes it: each event under /local/domain/N/ for the ready key is checked
 * against the names of the guests being created).
 */
#include "xsbench.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_stats.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434 /* x86-64, Linux 5.3 */
#endif

struct guest {
    const char *cfg;
    char name[128];
    unsigned domid;
    int64_t start, exit, ready;
    bool exited, is_ready;
    int tries; /* failed xl creates (see retry_create) */
};

struct run {
    struct xsb *x;
    const char *kind, *ready_rel, *ready_value;
    struct guest *g;
    int n, nready;
    int64_t t0;
    const char *series; /* storm: the ready curve's name, else NULL */
};

/* The name = "..." line of an xl config (as lib.sh writes them). */
static bool cfg_name(const char *cfg, char *name, size_t size)
{
    FILE *f = fopen(cfg, "r");
    if (!f) {
        fprintf(stderr, "xsbench: %s: %s\n", cfg, strerror(errno));
        return false;
    }
    char line[512];
    bool found = false;
    while (!found && fgets(line, sizeof(line), f)) {
        const char *p = line + strspn(line, " \t");
        if (strncmp(p, "name", 4) != 0)
            continue;
        p += 4;
        p += strspn(p, " \t");
        if (*p++ != '=')
            continue;
        p += strspn(p, " \t");
        const char *end = *p == '"' ? strchr(p + 1, '"') : NULL;
        if (end && (size_t)(end - p - 1) < size) {
            memcpy(name, p + 1, (size_t)(end - p - 1));
            name[end - p - 1] = '\0';
            found = true;
        }
    }
    fclose(f);
    if (!found)
        fprintf(stderr, "xsbench: %s: expected a line name = \"...\"\n", cfg);
    return found;
}

/* Starts `xl create CFG`, its output in NAME.xl-create.log; a pidfd for it
 * (readable when it exits) in *pidfd. */
static pid_t spawn_create(struct guest *g, int *pidfd)
{
    char log[160];
    snprintf(log, sizeof(log), "%s.xl-create.log", g->name);
    g->start = xsb_now_ns();
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int in = open("/dev/null", O_RDONLY);
        if (fd < 0 || in < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0 || dup2(in, 0) < 0)
            _exit(127);
        execlp("xl", "xl", "create", g->cfg, (char *)NULL);
        _exit(127);
    }
    if (pid < 0) {
        perror("xsbench: fork");
        return -1;
    }
    *pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (*pidfd < 0) {
        perror("xsbench: pidfd_open");
        return -1;
    }
    return pid;
}

/* Reaps xl create; false (with a message) unless it exited 0. */
static bool reap(struct run *r, struct guest *g, pid_t pid, int pidfd)
{
    int status = 0;
    g->exit = xsb_now_ns();
    g->exited = true;
    close(pidfd);
    waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        if (r->series) {
            char x[32], y[16];
            int done = 0;
            for (int i = 0; i < r->n; i++)
                done += r->g[i].exited;
            snprintf(y, sizeof(y), "%d", done);
            bench_series(stdout, "storm_created", r->kind,
                         bench_decimal(x, sizeof(x), g->exit - r->t0, 1000000), y);
        }
        return true;
    }
    fprintf(stderr, "xsbench: xl create %s failed (status 0x%x; see %s.xl-create.log)\n", g->cfg,
            (unsigned)status, g->name);
    g->exited = false;
    return false;
}

/*
 * After a failed xl create: true if it is the lab's known flake, libxc
 * failing to XZ-decompress Debian's kernel in dom0 under TCG now and then
 * (tests/lab/lib.sh retries it too), and this guest has had fewer than 3 tries.
 */
static bool retry_create(struct guest *g)
{
    char log[160], line[512];
    snprintf(log, sizeof(log), "%s.xl-create.log", g->name);
    FILE *f = fopen(log, "r");
    bool flake = false;
    while (f && !flake && fgets(line, sizeof(line), f))
        flake = strstr(line, "unable to XZ decompress kernel") != NULL;
    if (f)
        fclose(f);
    if (!flake || ++g->tries >= 3)
        return false;
    fprintf(stderr, "xsbench: %s: libxc could not XZ-decompress the kernel (try %d), again\n",
            g->name, g->tries);
    return true;
}

/* A watch event under /local/domain: is it a guest of ours becoming ready? */
static void on_event(const char *path, void *ctx)
{
    struct run *r = ctx;
    unsigned domid;
    int off = 0;
    if (sscanf(path, "/local/domain/%u/%n", &domid, &off) != 1 || off == 0 ||
        strcmp(path + off, r->ready_rel) != 0)
        return;
    char *v = xsb_read(r->x, path);
    bool ready = v && strcmp(v, r->ready_value) == 0;
    free(v);
    if (!ready)
        return;
    int64_t now = xsb_now_ns();
    char name_path[64];
    snprintf(name_path, sizeof(name_path), "/local/domain/%u/name", domid);
    char *name = xsb_read(r->x, name_path);
    for (int i = 0; name && i < r->n; i++) {
        struct guest *g = &r->g[i];
        if (g->is_ready || strcmp(g->name, name) != 0)
            continue;
        g->is_ready = true;
        g->ready = now;
        g->domid = domid;
        r->nready++;
        if (r->series) {
            char x[32], y[16];
            snprintf(y, sizeof(y), "%d", r->nready);
            bench_series(stdout, r->series, r->kind,
                         bench_decimal(x, sizeof(x), now - r->t0, 1000000), y);
        }
    }
    free(name);
}

static bool setup(struct run *r, struct xsb *x, const char *kind, int n, char **cfgs)
{
    memset(r, 0, sizeof(*r));
    r->x = x;
    r->kind = kind;
    r->n = n;
    if (strcmp(kind, "ours") == 0) {
        r->ready_rel = "data/test-vm/state";
        r->ready_value = "ready";
    } else if (strcmp(kind, "linux") == 0 || strcmp(kind, "floor") == 0) {
        r->ready_rel = "control/feature-poweroff";
        r->ready_value = "1";
    } else {
        fprintf(stderr, "xsbench: create and storm are for ours, linux or floor, not %s\n", kind);
        return false;
    }
    if (n < 1 || !(r->g = calloc((size_t)n, sizeof(*r->g))))
        return false;
    for (int i = 0; i < n; i++) {
        r->g[i].cfg = cfgs[i];
        if (!cfg_name(cfgs[i], r->g[i].name, sizeof(r->g[i].name)))
            return false;
    }
    return xsb_watch(x, "/local/domain");
}

/* Runs the loop until guests [0, upto) have exited xl create and are ready;
 * in a storm, each xl create starts when the one before has exited. */
static bool run_until_ready(struct run *r, int from, int upto)
{
    int64_t deadline = xsb_now_ns() + (int64_t)r->x->timeout_s * 1000000000 * (upto - from);
    int next = from, pidfd = -1;
    pid_t pid = -1;
    for (;;) {
        if (pid < 0 && next < upto) {
            pid = spawn_create(&r->g[next], &pidfd);
            if (pid < 0)
                return false;
            if (next == 0 && r->g[0].tries == 0) /* a retry keeps the storm's start */
                r->t0 = r->g[0].start;
        }
        bool all = pid < 0 && next >= upto;
        for (int i = from; all && i < upto; i++)
            all = r->g[i].is_ready;
        if (all)
            return true;
        bool exited;
        if (!xsb_wait(r->x, deadline, on_event, r, pidfd, &exited)) {
            for (int i = from; i < upto; i++) {
                if (!r->g[i].is_ready)
                    fprintf(stderr, "xsbench: %s (%s) not ready (%s = \"%s\") in time\n",
                            r->g[i].name, r->kind, r->ready_rel, r->ready_value);
            }
            return false;
        }
        if (exited) {
            bool created = reap(r, &r->g[next], pid, pidfd);
            if (!created && !retry_create(&r->g[next]))
                return false;
            pid = -1;
            pidfd = -1;
            next += created;
        }
    }
}

static void destroy(const char *name)
{
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execlp("xl", "xl", "destroy", name, (char *)NULL);
        _exit(127);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
}

static void stat_figures(const char *figure, const char *kind, uint64_t *v, int n, uint64_t scale,
                         const char *unit, const char *label)
{
    struct bench_summary s;
    char name[64], full[512];
    bench_summarize(v, (size_t)n, &s);
    const struct {
        const char *suffix, *what;
        uint64_t v;
    } stats[] = {{"", "mean", s.mean}, {"_min", "min", s.min}, {"_max", "max", s.max}};
    for (size_t i = 0; i < 3; i++) {
        snprintf(name, sizeof(name), "%s%s_%s", figure, stats[i].suffix, unit);
        snprintf(full, sizeof(full), "%s, %s", label, stats[i].what);
        xsb_figure_ns(name, kind, (int64_t)stats[i].v, scale, unit, full);
    }
}

int xsb_create(struct xsb *x, const char *kind, int n, char **cfgs)
{
    struct run r;
    if (!setup(&r, x, kind, n, cfgs))
        return 1;
    uint64_t toolstack[n], ready[n], boot[n];
    int64_t guest_sum = 0;
    struct stage_sum stages[XSB_MAX_STAGES];
    memset(stages, 0, sizeof(stages));
    int nboot = 0;
    for (int i = 0; i < n; i++) {
        if (!run_until_ready(&r, i, i + 1))
            return 1;
        struct guest *g = &r.g[i];
        toolstack[i] = (uint64_t)(g->exit - g->start);
        ready[i] = (uint64_t)(g->ready - g->start);
        guest_sum += g->ready - g->exit;
        int64_t us = strcmp(kind, "ours") == 0 ? xsb_boot_us(x, g->domid) : -1;
        if (us >= 0) {
            boot[nboot++] = (uint64_t)us * 1000;
            xsb_add_boot_stages(x, g->domid, stages);
        }
        fprintf(stderr, "xsbench: %s %s: xl create %lld ms, ready %lld ms, boot-us %lld\n", kind,
                g->name, (long long)(toolstack[i] / 1000000), (long long)(ready[i] / 1000000),
                (long long)us);
        destroy(g->name);
    }
    xsb_unwatch(x, "/local/domain");
    stat_figures("create_toolstack", kind, toolstack, n, 1000000, "ms",
                 "xl create started -> xl create exits (toolstack time)");
    stat_figures("create_ready", kind, ready, n, 1000000, "ms",
                 "xl create started -> the guest's ready key (toolstack + guest)");
    xsb_figure_ns("create_guest_ms", kind, guest_sum / n, 1000000, "ms",
                  "xl create exits -> the ready key, mean (guest time; negative: ready before xl "
                  "exited)");
    if (nboot == n)
        stat_figures("boot", kind, boot, n, 1000, "us",
                     "the VM's own boot, entry -> ready (data/test-vm/boot-us, from the TSC)");
    xsb_print_boot_stages(kind, stages);
    char count[16];
    snprintf(count, sizeof(count), "%d", n);
    bench_figure(stdout, "create_guests", kind, count, "count",
                 "guests created one at a time for the create figures");
    free(r.g);
    return 0;
}

int xsb_storm(struct xsb *x, const char *kind, int n, char **cfgs)
{
    struct run r;
    if (!setup(&r, x, kind, n, cfgs))
        return 1;
    r.series = "storm_ready";
    bench_series(stdout, "storm_ready", kind, "0.0", "0");
    if (!run_until_ready(&r, 0, n))
        return 1;
    xsb_unwatch(x, "/local/domain");
    int64_t last_ready = 0, last_exit = 0;
    for (int i = 0; i < n; i++) {
        if (r.g[i].ready > last_ready)
            last_ready = r.g[i].ready;
        if (r.g[i].exit > last_exit)
            last_exit = r.g[i].exit;
    }
    xsb_figure_ns("storm_all_ready_ms", kind, last_ready - r.t0, 1000000, "ms",
                  "boot storm: guests xl-created back to back, the first xl create -> the last "
                  "ready");
    xsb_figure_ns("storm_created_ms", kind, last_exit - r.t0, 1000000, "ms",
                  "boot storm: the first xl create started -> the last xl create exits");
    xsb_figure_ns("storm_per_guest_ms", kind, (last_ready - r.t0) / n, 1000000, "ms",
                  "boot storm: the time until all are ready, per guest");
    char count[16];
    snprintf(count, sizeof(count), "%d", n);
    bench_figure(stdout, "storm_guests", kind, count, "count", "guests in the boot storm");
    free(r.g);
    return 0;
}
