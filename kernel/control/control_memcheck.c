/*
 * memcheck= on the command line (docs/protocol.md, "Memory integrity"): the pages
 * filled at boot, verified after every resume and on the action memcheck,
 * the result in data/test-vm/memcheck and on the console.
 */
#include "kernel/control/control_internal.h"

#include "kernel/control/control_status.h"
#include "lib/log.h"
#include "lib/printk.h"

#define NS_PER_MS   1000000ull
#define PAGES_A_MIB 256u

static uint64_t now_ns(const struct control *c)
{
    return c->power.now_ns(c->power.ctx);
}

/* "12.345" ms from ns, for the console lines. */
static void format_ms(char *buf, size_t len, uint64_t ns)
{
    fmt_snprintf(buf, len, "%llu.%03llu", (unsigned long long)(ns / NS_PER_MS),
                 (unsigned long long)(ns % NS_PER_MS / 1000));
}

static void keepalive_tick(void *ctx)
{
    control_keepalive(ctx);
}

void control_memcheck_start(struct control *c)
{
    const struct control_memcheck_config *cfg = &c->cfg.memcheck;
    struct memcheck *m = &c->memcheck;
    char value[32], ms[24];

    if (!cfg->on)
        return;
    uint64_t want = cfg->all ? cfg->free_pages : (uint64_t)cfg->mib * PAGES_A_MIB;
    m->first_pfn = cfg->free_first_pfn;
    m->pages = want < cfg->free_pages ? want : cfg->free_pages;
    m->seed[0] = c->boot_id.bits[0];
    m->seed[1] = c->boot_id.bits[1];
    m->tick = keepalive_tick; /* memcheck=all of a large guest takes a while */
    m->tick_ctx = c;
    if (want > m->pages)
        log_error("memcheck", "memcheck=%u: only %llu KiB are free; filling those", cfg->mib,
                  (unsigned long long)(m->pages * 4));

    uint64_t t0 = now_ns(c);
    memcheck_fill(m);
    format_ms(ms, sizeof(ms), now_ns(c) - t0);
    log_info("memcheck", "filled %llu pages (%llu KiB) from pfn %#llx in %s ms",
             (unsigned long long)m->pages, (unsigned long long)(m->pages * 4),
             (unsigned long long)m->first_pfn, ms);
    /* The guest agent counts them as used: the VM holds them. */
    c->cfg.agent.mem_used_kib += m->pages * 4;
    fmt_snprintf(value, sizeof(value), "filled %llu", (unsigned long long)m->pages);
    status_put(c, "memcheck", value);
}

void control_memcheck(struct control *c)
{
    struct memcheck *m = &c->memcheck;
    struct memcheck_result r;
    char value[64], ms[24], pfns[MEMCHECK_SHOWN_PFNS * 20] = "";

    if (!c->cfg.memcheck.on) {
        status_error(c, "memcheck", "nothing to check (the command line has no memcheck=)");
        return;
    }
    uint64_t t0 = now_ns(c);
    control_busy(c);
    memcheck_verify(m, &r);
    format_ms(ms, sizeof(ms), now_ns(c) - t0);
    if (r.bad_pages == 0) {
        fmt_snprintf(value, sizeof(value), "ok %llu", (unsigned long long)m->pages);
        status_put(c, "memcheck", value);
        log_info("memcheck", "ok %llu pages (%llu KiB) in %s ms", (unsigned long long)m->pages,
                 (unsigned long long)(m->pages * 4), ms);
        return;
    }
    fmt_snprintf(value, sizeof(value), "corrupt %llu first-pfn %#llx",
                 (unsigned long long)r.bad_pages, (unsigned long long)r.bad_pfns[0]);
    status_put(c, "memcheck", value);
    size_t n = 0;
    for (uint64_t i = 0; i < r.bad_pages && i < MEMCHECK_SHOWN_PFNS; i++)
        n += (size_t)fmt_snprintf(pfns + n, sizeof(pfns) - n, " %#llx",
                                  (unsigned long long)r.bad_pfns[i]);
    status_error(c, "memcheck", "corrupt %llu of %llu pages, the first at pfn%s%s",
                 (unsigned long long)r.bad_pages, (unsigned long long)m->pages, pfns,
                 r.bad_pages > MEMCHECK_SHOWN_PFNS ? " ..." : "");
}
