/*
 * xsbench create: ours' own boot time, data/test-vm/boot-us and boot-stages
 * (docs/protocol.md, "Status keys"; the VM measures it from the TSC at its entry).
 */
#include "xsbench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_stats.h"

/* ours' data/test-vm/boot-us (the VM's own entry -> ready), in us, or -1. */
int64_t xsb_boot_us(struct xsb *x, unsigned domid)
{
    char path[64];
    snprintf(path, sizeof(path), "/local/domain/%u/data/test-vm/boot-us", domid);
    char *v = xsb_read(x, path);
    char *end = NULL;
    long long us = v ? strtoll(v, &end, 10) : -1;
    if (v && (end == v || us < 0))
        us = -1;
    free(v);
    return us;
}

/* ours' data/test-vm/boot-stages ("c-entry=12 hypercall-page=30 ... ready=5123",
 * us from the entry to the end of each stage), added per stage into sums. */
void xsb_add_boot_stages(struct xsb *x, unsigned domid, struct stage_sum *sums)
{
    char path[64];
    snprintf(path, sizeof(path), "/local/domain/%u/data/test-vm/boot-stages", domid);
    char *v = xsb_read(x, path);
    for (char *tok = v ? strtok(v, " ") : NULL; tok; tok = strtok(NULL, " ")) {
        char *eq = strchr(tok, '=');
        if (!eq || eq == tok || (size_t)(eq - tok) >= sizeof(sums[0].name))
            continue;
        *eq = '\0';
        for (char *c = tok; *c; c++)
            *c = *c == '-' ? '_' : *c; /* a FIGURE name: [a-z0-9_] */
        size_t i = 0;
        while (i < XSB_MAX_STAGES && sums[i].name[0] && strcmp(sums[i].name, tok) != 0)
            i++;
        if (i == XSB_MAX_STAGES)
            break;
        snprintf(sums[i].name, sizeof(sums[i].name), "%s", tok);
        sums[i].us += strtoull(eq + 1, NULL, 10);
        sums[i].n++;
    }
    free(v);
}

/* A figure per stage: its mean over the guests that reported it. */
void xsb_print_boot_stages(const char *kind, const struct stage_sum *sums)
{
    char figure[64], label[160];
    for (size_t i = 0; i < XSB_MAX_STAGES && sums[i].name[0]; i++) {
        snprintf(figure, sizeof(figure), "boot_stage_%.31s_us", sums[i].name);
        if (!bench_valid_name(figure))
            continue;
        snprintf(label, sizeof(label),
                 "the VM's own boot: entry -> the end of stage %.31s (data/test-vm/boot-stages), "
                 "mean of %u",
                 sums[i].name, sums[i].n);
        xsb_figure_ns(figure, kind, (int64_t)(sums[i].us * 1000 / sums[i].n), 1000, "us", label);
    }
}
