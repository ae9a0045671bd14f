/*
 * Memory integrity across suspend, checkpoint and migration (docs/protocol.md,
 * "Memory integrity"): memcheck=MiB (or all) fills that much free RAM at
 * boot with a pattern derived from the boot-id and each page's frame number;
 * a check later finds every page whose contents changed, or that came back
 * at another frame (a toolstack that mixed pages up).
 */
#ifndef KERNEL_MEMCHECK_H
#define KERNEL_MEMCHECK_H

#include <stdbool.h>
#include <stdint.h>

#define MEMCHECK_PAGE_SIZE  4096u
#define MEMCHECK_SHOWN_PFNS 4 /* bad frames named in the console line */

/* The pages filled: frames first_pfn .. first_pfn + pages - 1. */
struct memcheck {
    uint64_t first_pfn, pages;
    uint64_t seed[2]; /* the boot-id's bits */
    /* Called every MEMCHECK_TICK_PAGES pages of a fill or check (a keepalive); may be NULL. */
    void (*tick)(void *ctx);
    void *tick_ctx;
};
#define MEMCHECK_TICK_PAGES 4096 /* 16 MiB */

struct memcheck_result {
    uint64_t bad_pages;
    uint64_t bad_pfns[MEMCHECK_SHOWN_PFNS]; /* the first ones, in order */
};

/* Fill the pages (arch_pfn_to_ptr()) with their pattern. */
void memcheck_fill(const struct memcheck *m);

/* Compare every page with its pattern. */
void memcheck_verify(const struct memcheck *m, struct memcheck_result *r);

#endif
