/* The memcheck pattern: see memcheck.h. */
#include "kernel/memcheck.h"

#include "arch/arch.h"
#include "kernel/boot_id.h"

#define WORDS_PER_PAGE (MEMCHECK_PAGE_SIZE / 8)
#define STEP           0x9e3779b97f4a7c15ull /* odd: every word of a page differs */

/* The page's first word: the boot-id and the frame number, mixed. */
static uint64_t page_seed(const struct memcheck *m, uint64_t pfn)
{
    return boot_id_mix(m->seed[0] ^ boot_id_mix(pfn ^ m->seed[1]));
}

static void tick(const struct memcheck *m, uint64_t p)
{
    if (m->tick && p % MEMCHECK_TICK_PAGES == 0)
        m->tick(m->tick_ctx);
}

void memcheck_fill(const struct memcheck *m)
{
    for (uint64_t p = 0; p < m->pages; p++) {
        tick(m, p);
        uint64_t pfn = m->first_pfn + p;
        volatile uint64_t *w = arch_pfn_to_ptr(pfn);
        uint64_t v = page_seed(m, pfn);
        for (unsigned int i = 0; i < WORDS_PER_PAGE; i++, v += STEP)
            w[i] = v;
    }
}

void memcheck_verify(const struct memcheck *m, struct memcheck_result *r)
{
    r->bad_pages = 0;
    for (uint64_t p = 0; p < m->pages; p++) {
        tick(m, p);
        uint64_t pfn = m->first_pfn + p;
        const volatile uint64_t *w = arch_pfn_to_ptr(pfn);
        uint64_t v = page_seed(m, pfn), diff = 0;
        for (unsigned int i = 0; i < WORDS_PER_PAGE; i++, v += STEP)
            diff |= w[i] ^ v;
        if (diff) {
            if (r->bad_pages < MEMCHECK_SHOWN_PFNS)
                r->bad_pfns[r->bad_pages] = pfn;
            r->bad_pages++;
        }
    }
}
