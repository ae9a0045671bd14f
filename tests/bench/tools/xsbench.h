/*
 * tests/bench/tools/xsbench.h: dom0's benchmark helper, shared parts.  The
 * helper talks to xenstored through libxenstore and waits on watches (never
 * by polling a key), and times with CLOCK_MONOTONIC.  See xsbench.c.
 */
#ifndef XSBENCH_H
#define XSBENCH_H

#include <stdbool.h>
#include <stdint.h>

#include <xenstore.h>

struct xsb {
    struct xs_handle *h;
    int fd;             /* xs_fileno: readable when a watch event is queued */
    unsigned timeout_s; /* the longest wait for one ack or one guest */
    unsigned rounds;    /* latency rounds */
    unsigned gap_ms;    /* latency: a pause after each round */
    const char *key;    /* the sysrq key */
};

/* Nanoseconds on CLOCK_MONOTONIC. */
int64_t xsb_now_ns(void);

/* The value at path (malloc'd, NUL-terminated) or NULL if there is none. */
char *xsb_read(struct xsb *x, const char *path);
bool xsb_write(struct xsb *x, const char *path, const char *value);

/* Sets a watch on path and waits for the event its registration fires. */
bool xsb_watch(struct xsb *x, const char *path);
void xsb_unwatch(struct xsb *x, const char *path);

/*
 * Waits until a watch event is queued or deadline_ns passes, then takes
 * every queued event; for each, calls on_event(path, ctx) if on_event is
 * not NULL.  extra_fd (or -1) is polled too: *extra_ready says whether it
 * became readable.  Returns false on timeout (nothing taken).
 */
bool xsb_wait(struct xsb *x, int64_t deadline_ns, void (*on_event)(const char *path, void *ctx),
              void *ctx, int extra_fd, bool *extra_ready);

/* The subcommands (xsbench_create.c). */
int xsb_create(struct xsb *x, const char *guest, int ncfg, char **cfgs);
int xsb_storm(struct xsb *x, const char *guest, int ncfg, char **cfgs);

/* xsbench_boot.c: ours' data/test-vm/boot-us (us, or -1 if missing), and
 * boot-stages ("c-entry=12 ... ready=5123") summed per stage over guests. */
struct stage_sum {
    char name[32];
    uint64_t us;
    unsigned n;
};
#define XSB_MAX_STAGES 16
int64_t xsb_boot_us(struct xsb *x, unsigned domid);
void xsb_add_boot_stages(struct xsb *x, unsigned domid, struct stage_sum *sums);
void xsb_print_boot_stages(const char *kind, const struct stage_sum *sums);

/* Prints a figure (value in ns or us, as the unit says) with bench_stats.h. */
void xsb_figure_ns(const char *figure, const char *guest, int64_t ns, uint64_t scale,
                   const char *unit, const char *label);

#endif
